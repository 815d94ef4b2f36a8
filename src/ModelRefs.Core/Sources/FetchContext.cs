using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources;

/// <summary>What a fetch needs besides the handle. One per model item.</summary>
public sealed class FetchContext
{
    public FetchContext(ModelCache cache, HttpClient http)
    {
        Cache = cache ?? throw new ArgumentNullException(nameof(cache));
        Http = http ?? throw new ArgumentNullException(nameof(http));
    }

    public ModelCache Cache { get; }

    /// <summary>Injected so that hosts share one client and tests can point it anywhere.</summary>
    public HttpClient Http { get; }

    /// <summary>The item's expected SHA-256 (hex), from its metadata or the lock; null when not pinned.</summary>
    public string? Sha256 { get; init; }

    /// <summary>No network at all: every model must come from the cache.</summary>
    public bool Offline { get; init; }

    /// <summary>Progress messages (never credentials).</summary>
    public Action<string> Log { get; init; } = static _ => { };

    /// <summary>
    /// Lines the user sees at the default verbosity: a long download's size and progress
    /// (<see cref="DownloadProgress"/>). Called from more than one thread (a timer, parallel restores);
    /// the restorer passes a sink that serialises them. Never credentials. Null: <see cref="Log"/>.
    /// </summary>
    public Action<string>? Progress { get; init; }

    private Credentials? _credentials;

    /// <summary>
    /// Tokens for the hubs, bound to their origins. Default: <see cref="Sources.Credentials.FromProcess"/>
    /// (the process environment and the .npmrc files from the current folder up and in the home folder).
    /// A host that knows the project folder should pass <c>Credentials.FromProcess(projectDirectory)</c>.
    /// </summary>
    public Credentials Credentials
    {
        get => _credentials ??= Credentials.FromProcess();
        init => _credentials = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// The item's metadata (Args, InputShape, Trust, Format, …), for sources that need more than
    /// the handle. Case-insensitive keys.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Project-wide settings (hub endpoints, trusted owners, Python), read through each source's <c>&lt;Hub&gt;Settings</c>.</summary>
    public SettingValues Settings { get; init; } = SettingValues.Default;

    /// <summary>
    /// What models.lock.json recorded for this handle (its <c>resolved</c> value), so a source can
    /// fetch exactly that (a commit, a version) instead of resolving the handle again; null when the
    /// model is not locked yet.
    /// </summary>
    public string? PinnedResolved { get; init; }

    /// <summary>The restore this item is part of (what the other items fetch, work they share); null when fetched alone.</summary>
    public RestoreBatch? Batch { get; init; }

    /// <summary>This context with other credentials (a source that binds its token to a configured endpoint).</summary>
    internal FetchContext WithCredentials(Credentials credentials) => new(Cache, Http)
    {
        Sha256 = Sha256,
        Offline = Offline,
        Log = Log,
        Progress = Progress,
        Credentials = credentials,
        Metadata = Metadata,
        Settings = Settings,
        PinnedResolved = PinnedResolved,
        Batch = Batch,
        Download = Download,
    };

    /// <summary>The item's metadata value, or null when absent or blank.</summary>
    public string? GetMetadata(string name) =>
        Metadata.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Retries, timeouts, redirects, progress and lock waits; <see cref="DownloadOptions.Default"/> unless set.</summary>
    public DownloadOptions Download { get; init; } = DownloadOptions.Default;

    /// <summary>
    /// The cache's inter-process lock for one fetch (one process downloads, the others wait and
    /// then take it from the cache); a wait past <see cref="DownloadOptions.LockTimeout"/> is MR0003
    /// naming the model.
    /// </summary>
    /// <param name="what">What is fetched, for the waiting message (<c>'handle'</c>, a package).</param>
    internal async Task<CacheLock> AcquireFetchLockAsync(ModelHandle handle, string key, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await Cache.AcquireLockAsync(key, Log, Download.LockTimeout, what, cancellationToken).ConfigureAwait(false);
        }
        catch (CacheLockTimeoutException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.DownloadFailed, $"Model '{handle.Text}': {e.Message}", e);
        }
    }

    /// <summary><see cref="Sha256"/> lower-cased; MR0009 when it is set but not 64 hex digits.</summary>
    internal string? ExpectedSha256(ModelHandle handle)
    {
        if (string.IsNullOrWhiteSpace(Sha256))
            return null;
        return Sha256Hex.Normalize(Sha256) ?? throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
            $"Model '{handle.Text}': Sha256 '{Sha256}' is not a SHA-256. Write 64 hexadecimal digits, or remove it to take the value from models.lock.json.");
    }
}
