namespace ModelRefs.TestSupport.Http;

/// <summary>A request as the loopback server received it (kept in its request log).</summary>
/// <param name="Target">The request target as sent: path and query, still percent-encoded.</param>
/// <param name="Path">The path part of <paramref name="Target"/>, still percent-encoded.</param>
public sealed record LoopbackRequest(
    string Method,
    string Target,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset Received)
{
    /// <summary>The path with percent-escapes decoded (<c>%2f</c> becomes '/').</summary>
    public string DecodedPath => Uri.UnescapeDataString(Path);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Target}";
}
