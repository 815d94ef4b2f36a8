using System.Net;
using System.Text;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// What the loopback server answers, including faults: a lying Content-Length, a connection dropped
/// after some body bytes or before any answer, delays.
/// </summary>
public sealed class LoopbackResponse
{
    public int StatusCode { get; init; } = 200;
    public string? ReasonPhrase { get; init; }
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body, in memory.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The body, streamed from a file (for large ones).</summary>
    public string? BodyFile { get; init; }

    /// <summary>The body, streamed from a stream opened per response (generated content of any size).
    /// Content-Length is its <c>Length - Position</c>.</summary>
    public Func<Stream>? BodyStream { get; init; }

    /// <summary>Sent instead of the body's real length (fault: a truncated or overlong body).</summary>
    public long? ContentLengthOverride { get; set; }

    /// <summary>Close the connection after this many body bytes (fault: dropped mid-body).</summary>
    public long? DropAfterBodyBytes { get; set; }

    /// <summary>Stop sending after this many body bytes and keep the connection open until the
    /// client gives up or the server stops (fault: a stalled server).</summary>
    public long? StallAfterBodyBytes { get; set; }

    /// <summary>Close the connection without answering at all.</summary>
    public bool DropWithoutResponse { get; init; }

    /// <summary>Wait before sending the status line (for timeout tests).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Wait this long between body chunks of 64 KiB (slow servers).</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Send the body no faster than this many bytes a second (a link of that speed for this connection); null for as fast as loopback goes.</summary>
    public double? BytesPerSecond { get; set; }

    public static LoopbackResponse Bytes(byte[] body, string contentType = "application/octet-stream") =>
        new LoopbackResponse { Body = body }.WithHeader("Content-Type", contentType);

    public static LoopbackResponse File(string path, string contentType = "application/octet-stream") =>
        new LoopbackResponse { BodyFile = path }.WithHeader("Content-Type", contentType);

    public static LoopbackResponse Text(string text, int statusCode = 200, string contentType = "text/plain; charset=utf-8") =>
        new LoopbackResponse { StatusCode = statusCode, Body = Encoding.UTF8.GetBytes(text) }.WithHeader("Content-Type", contentType);

    public static LoopbackResponse Json(string json, int statusCode = 200) => Text(json, statusCode, "application/json");

    public static LoopbackResponse Status(int statusCode, string? text = null) =>
        Text(text ?? $"{statusCode} {DefaultReason(statusCode)}", statusCode);

    public static LoopbackResponse NotFound() => Status(404);

    public static LoopbackResponse Redirect(string location, int statusCode = 302) =>
        new LoopbackResponse { StatusCode = statusCode, Body = [] }.WithHeader("Location", location);

    /// <summary>
    /// A body served the way a CDN serves it: <c>ETag</c> and <c>Last-Modified</c>, and
    /// <c>Range: bytes=N-</c> honoured with 206 and <c>Content-Range</c> unless an <c>If-Range</c>
    /// names another version (then the whole body, 200). <paramref name="openAt"/> returns the
    /// body positioned at the given offset, so generated bodies of any size need no memory.
    /// </summary>
    public static LoopbackResponse Ranged(LoopbackRequest request, long length, Func<long, Stream> openAt,
        string? etag = "\"v1\"", DateTimeOffset? lastModified = null)
    {
        long from = 0;
        var rangeHeader = request.Header("Range");
        if (rangeHeader is not null && rangeHeader.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)
            && rangeHeader[6..].TrimEnd('-') is var start && rangeHeader.EndsWith('-') && long.TryParse(start, out var parsed)
            && parsed >= 0 && parsed < length)
        {
            var ifRange = request.Header("If-Range");
            var lastModifiedText = lastModified?.ToString("r");
            if (ifRange is null || ifRange == etag || (lastModifiedText is not null && ifRange == lastModifiedText))
                from = parsed;
        }

        var response = new LoopbackResponse { StatusCode = from > 0 ? 206 : 200, BodyStream = () => openAt(from) }
            .WithHeader("Content-Type", "application/octet-stream")
            .WithHeader("Accept-Ranges", "bytes");
        if (etag is not null)
            response.WithHeader("ETag", etag);
        if (lastModified is not null)
            response.WithHeader("Last-Modified", lastModified.Value.ToString("r"));
        if (from > 0)
            response.WithHeader("Content-Range", $"bytes {from}-{length - 1}/{length}");
        return response;
    }

    /// <summary><see cref="Ranged(LoopbackRequest, long, Func{long, Stream}, string?, DateTimeOffset?)"/> for bytes in memory.</summary>
    public static LoopbackResponse Ranged(LoopbackRequest request, byte[] body, string? etag = "\"v1\"", DateTimeOffset? lastModified = null) =>
        Ranged(request, body.Length, from => new MemoryStream(body, (int)from, body.Length - (int)from, writable: false), etag, lastModified);

    public LoopbackResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    internal static string DefaultReason(int statusCode)
    {
        var name = Enum.GetName(typeof(HttpStatusCode), statusCode);
        if (name is null)
            return "Status";
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
                builder.Append(' ');
            builder.Append(c);
        }
        return builder.ToString();
    }
}
