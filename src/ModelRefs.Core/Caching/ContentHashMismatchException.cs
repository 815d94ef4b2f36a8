namespace ModelRefs.Core.Caching;

/// <summary>
/// Content added to the cache did not have the expected SHA-256. Nothing was stored. Sources turn
/// this into a <see cref="Diagnostics.ModelRefsException"/> that names the model.
/// </summary>
public sealed class ContentHashMismatchException : Exception
{
    public ContentHashMismatchException(string expectedSha256, string actualSha256)
        : base($"Content has SHA-256 {actualSha256}, expected {expectedSha256}; it was not stored.")
    {
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    public string ExpectedSha256 { get; }
    public string ActualSha256 { get; }
}
