using ModelRefs.Core.Caching;

namespace ModelRefs.Core.Sources;

/// <summary>How downloads behave on a slow or failing network; see docs/restore.md.</summary>
public sealed record DownloadOptions
{
    public static DownloadOptions Default { get; } = new();

    /// <summary>Attempts per download, the first included (connection errors, broken bodies, timeouts, 5xx, 429, 408).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Longest wait to connect and receive the response headers of one request.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for the next bytes of a body: a stalled server fails the attempt after this.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Backoff before the second attempt; it doubles for each further one, with jitter (50–100 %).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of every wait between attempts, a server's <c>Retry-After</c> included.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed per request before the download fails (MR0003).</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>Time between two progress lines of one download (<see cref="FetchContext.Progress"/>).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A download that ends within this time shows no progress line at all (short restores stay quiet).</summary>
    public TimeSpan ProgressDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for another process that is fetching the same model.</summary>
    public TimeSpan LockTimeout { get; init; } = ModelCache.DefaultLockTimeout;
}
