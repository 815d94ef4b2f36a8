using System.Net;

namespace ModelRefs.Tasks;

/// <summary>
/// One HttpClient for every restore in the MSBuild process: connection pooling across projects,
/// no socket exhaustion on large solutions.
/// </summary>
internal static class SharedHttp
{
    public static HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        // Core follows redirects itself, so that credentials never cross to another origin.
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // large models: sources apply their own idle timeouts
        DefaultRequestHeaders = { { "User-Agent", "ModelRefs/" + typeof(SharedHttp).Assembly.GetName().Version } },
    };
}
