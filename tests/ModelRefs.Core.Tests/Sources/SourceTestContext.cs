using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources;

/// <summary>A fresh cache folder, a shared HttpClient and a log, per test.</summary>
internal sealed class SourceTestContext : IDisposable
{
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    public TempDirectory Temp { get; } = new();
    public ModelCache Cache { get; }
    public List<string> Log { get; } = [];

    public SourceTestContext() => Cache = new ModelCache(Temp.Combine("cache"));

    /// <summary>Retries as in production but with short waits, so failure tests stay fast.</summary>
    public static DownloadOptions FastRetries { get; } = new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(2),
        IdleTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        LockTimeout = TimeSpan.FromSeconds(30),
    };

    public FetchContext Context(string? sha256 = null, bool offline = false, string? npmRegistry = null, HttpClient? http = null,
        DownloadOptions? download = null, Credentials? credentials = null) =>
        new(Cache, http ?? SharedHttp)
        {
            Sha256 = sha256,
            Offline = offline,
            Settings = new SettingValues { [NpmSettings.Registry] = npmRegistry ?? "http://127.0.0.1:9/" },
            Log = message => { lock (Log) Log.Add(message); },
            Download = download ?? FastRetries,
            Credentials = credentials ?? Credentials.None,
        };

    public Task<FetchedArtifact> FetchAsync(string include, FetchContext context) =>
        ModelSources.Default.FetchAsync(ModelHandle.Parse(include, Temp.Path), context);

    /// <summary>Every file in the cache except ref files and fetch locks: blobs and anything half-written.</summary>
    public string[] CacheFiles() =>
        Directory.Exists(Cache.Root)
            ? Directory.GetFiles(Cache.Root, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".json", StringComparison.Ordinal)
                            && !f.StartsWith(Path.Combine(Cache.Root, "locks") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .ToArray()
            : [];

    public void Dispose() => Temp.Dispose();
}
