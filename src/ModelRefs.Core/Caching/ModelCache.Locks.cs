using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace ModelRefs.Core.Caching;

public sealed partial class ModelCache
{
    /// <summary>How long a fetch waits for another process's fetch of the same key by default.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Temp files older than this were left by killed processes and are deleted.</summary>
    public static readonly TimeSpan StaleTemporaryFileAge = TimeSpan.FromDays(1);

    private static readonly ConcurrentDictionary<string, bool> Cleaned = new(StringComparer.Ordinal);
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LockWaitReportInterval = TimeSpan.FromSeconds(30);

    /// <summary>Where the lock file for a key lives: <c>locks/&lt;SHA-256 of the key&gt;.lock</c>.</summary>
    public string GetLockPath(string key) => Layout.LockPath(key);

    public Task<CacheLock> AcquireLockAsync(string key, Action<string>? log, CancellationToken cancellationToken) =>
        AcquireLockAsync(key, log, DefaultLockTimeout, description: null, cancellationToken);

    /// <summary>
    /// Takes the inter-process lock for one fetch key (e.g. a URL), so that of several processes
    /// restoring the same model at once one downloads and the others wait and then find it in the
    /// cache. The lock is a file opened with <see cref="FileShare.None"/>: the operating system
    /// releases it when the holder exits or is killed, so a dead process never blocks anyone.
    /// While waiting it logs <c>waiting for another restore of X (pid N on host)</c>.
    /// <para>Not reentrant: a flow holding a key must not acquire the same key again (it would
    /// wait for itself until <paramref name="timeout"/>). Sources lock their own fetch keys
    /// (<c>https|url</c>, <c>npm-tarball|…</c>); a caller wrapping a whole fetch should use a
    /// key of its own, such as <c>restore|&lt;handle&gt;</c>.</para>
    /// </summary>
    /// <param name="description">What the key is, for the log (never a secret); the key itself when null.</param>
    /// <exception cref="CacheLockTimeoutException">The lock was not free within <paramref name="timeout"/>.</exception>
    public async Task<CacheLock> AcquireLockAsync(string key, Action<string>? log, TimeSpan timeout, string? description = null,
        CancellationToken cancellationToken = default)
    {
        var path = GetLockPath(key);
        var ownerPath = CacheLayout.LockOwnerPath(path);
        Directory.CreateDirectory(Layout.LocksDirectory);
        CleanTemporaryFilesOnce();

        var waited = Stopwatch.StartNew();
        var waitedInProcess = false;
        // Flows of this process (models restored concurrently) queue on a semaphore first: they
        // wake the moment the holder releases instead of polling the file, and the file lock
        // below is then only ever contended by other processes.
        var gate = InProcessGates.GetOrAdd(path, static _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            waitedInProcess = true;
            log?.Invoke($"ModelRefs: waiting for another restore of {description ?? key}" + (ReadOwner(ownerPath) is { } inProcessHolder ? $" ({inProcessHolder})" : ""));
            if (!await gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
                throw new CacheLockTimeoutException(
                    $"Waited {timeout} for another restore of {description ?? key} ({ReadOwner(ownerPath) ?? "unknown process"}) to finish. " +
                    $"If no other restore is running, the lock file {path} is held by a hung process: end it, then restore again.");
        }
        try
        {
            return await AcquireFileLockAsync(path, ownerPath, gate, waited, waitedInProcess, log, timeout, description ?? key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>One semaphore per lock file for the whole process (several <see cref="ModelCache"/> instances may name one cache).</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InProcessGates = new(StringComparer.Ordinal);

    private static async Task<CacheLock> AcquireFileLockAsync(string path, string ownerPath, SemaphoreSlim gate, Stopwatch waited, bool waitedInProcess,
        Action<string>? log, TimeSpan timeout, string description, CancellationToken cancellationToken)
    {
        TimeSpan? lastReport = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpenLock(path) is { } stream)
            {
                var owner = $"{Environment.MachineName} pid {Environment.ProcessId} since {DateTime.UtcNow:O}";
                try
                {
                    stream.SetLength(0);
                    stream.Write(Encoding.UTF8.GetBytes(owner + "\n"));
                    stream.Flush();
                    File.WriteAllText(ownerPath, owner);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Owner details are for messages only.
                }
                return new CacheLock(path, stream, waitedInProcess || lastReport is not null, gate);
            }

            if (lastReport is null || waited.Elapsed - lastReport.Value >= LockWaitReportInterval)
            {
                lastReport = waited.Elapsed;
                var holder = ReadOwner(ownerPath);
                log?.Invoke($"ModelRefs: waiting for another restore of {description}" + (holder is null ? "" : $" ({holder})"));
            }
            if (waited.Elapsed >= timeout)
                throw new CacheLockTimeoutException(
                    $"Waited {timeout} for another restore of {description} ({ReadOwner(ownerPath) ?? "unknown process"}) to finish. " +
                    $"If no other restore is running, the lock file {path} is held by a hung process: end it, then restore again.");
            await Task.Delay(LockPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static FileStream? TryOpenLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null; // held by another process (or another flow of this one)
        }
        catch (UnauthorizedAccessException)
        {
            return null; // Windows: pending delete
        }
    }

    /// <summary>"host pid N since …" of the current holder, as it wrote it; null when unknown.</summary>
    private static string? ReadOwner(string ownerPath)
    {
        try
        {
            var text = File.ReadAllText(ownerPath).Trim();
            var since = text.IndexOf(" since ", StringComparison.Ordinal);
            var who = since < 0 ? text : text[..since];
            var pid = who.IndexOf(" pid ", StringComparison.Ordinal);
            return text.Length == 0 ? null : pid < 0 ? who : $"pid {who[(pid + 5)..]} on {who[..pid]}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void CleanTemporaryFilesOnce()
    {
        if (Cleaned.TryAdd(Root, true))
            CleanTemporaryFiles(StaleTemporaryFileAge);
    }

    /// <summary>
    /// Deletes temp files (half-written blobs and refs) not touched for <paramref name="olderThan"/>:
    /// what processes killed mid-download left behind. Runs by itself once per process and cache
    /// the first time a lock is taken. Returns how many files were deleted.
    /// </summary>
    public int CleanTemporaryFiles(TimeSpan olderThan)
    {
        var deleted = 0;
        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var directory in Layout.TemporaryFileDirectories)
        {
            string[] files;
            try
            {
                if (!Directory.Exists(directory))
                    continue;
                files = Directory.GetFiles(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var file in files)
            {
                try
                {
                    if (File.GetLastWriteTimeUtc(file) >= cutoff)
                        continue;
                    File.Delete(file);
                    deleted++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use (Windows) or gone already.
                }
            }
        }
        return deleted;
    }
}

/// <summary>
/// A held fetch lock (see <see cref="ModelCache.AcquireLockAsync(string, Action{string}?, TimeSpan, string?, CancellationToken)"/>).
/// Dispose it to let the next process in; the lock file itself stays (it is tiny, and deleting it
/// would race with a process about to open it).
/// </summary>
public sealed class CacheLock : IDisposable, IAsyncDisposable
{
    private FileStream? _stream;
    private readonly SemaphoreSlim _gate;

    internal CacheLock(string path, FileStream stream, bool waited, SemaphoreSlim gate)
    {
        Path = path;
        _stream = stream;
        Waited = waited;
        _gate = gate;
    }

    public string Path { get; }

    /// <summary>True when another holder had it first: what that holder fetched may now be in the cache.</summary>
    public bool Waited { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stream, null) is not { } stream)
            return;
        // The file first: a flow woken by the semaphore must find the file free.
        stream.Dispose();
        _gate.Release();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fetch lock stayed held by another process for longer than the timeout.</summary>
public sealed class CacheLockTimeoutException : IOException
{
    public CacheLockTimeoutException(string message) : base(message) { }
}
