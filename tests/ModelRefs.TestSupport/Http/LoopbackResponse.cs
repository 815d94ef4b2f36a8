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

    /// <summary>Sent instead of the body's real length (fault: a truncated or overlong body).</summary>
    public long? ContentLengthOverride { get; init; }

    /// <summary>Close the connection after this many body bytes (fault: dropped mid-body).</summary>
    public long? DropAfterBodyBytes { get; init; }

    /// <summary>Close the connection without answering at all.</summary>
    public bool DropWithoutResponse { get; init; }

    /// <summary>Wait before sending the status line (for timeout tests).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Wait this long between body chunks of 64 KiB (slow servers).</summary>
    public TimeSpan ChunkDelay { get; init; }

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
