using System.Collections.Concurrent;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources;

/// <summary>One item of a restore as its source sees it: what it names and the SHA-256 it expects (metadata or lock), if any.</summary>
public sealed record BatchItem(ModelHandle Handle, string? Sha256);

/// <summary>
/// The whole restore, shared by its items' <see cref="FetchContext"/>s: the items that may still
/// need their source (not those the cache serves by the lock), so a source can do once what
/// several of them need (the npm source reads every wanted file of a package tarball in one pass),
/// and a place to keep that shared work for the length of the restore.
/// </summary>
/// <remarks>
/// One batch is one restore: one set of settings and credentials and one cancellation token for
/// all of its items (<see cref="Restore.ModelRestorer"/>), so a key names the work (a registry, a
/// package, a revision) and nothing of the item that happens to start it.
/// </remarks>
public sealed class RestoreBatch
{
    private readonly ConcurrentDictionary<string, Shared> _shared = new(StringComparer.Ordinal);

    /// <summary>Work started for a key, with the model text of the item that started it (null when it names none).</summary>
    private sealed record Shared(Lazy<Task<object>> Work, string? Owner);

    public RestoreBatch(IReadOnlyList<BatchItem> items) => Items = items ?? throw new ArgumentNullException(nameof(items));

    public IReadOnlyList<BatchItem> Items { get; }

    /// <summary>
    /// The task started for <paramref name="key"/> by the first caller; later callers await the same
    /// one. Its result (or exception) is every caller's, so it must not name one item; a local
    /// failure (<see cref="IsLocal"/>) is started again by the next caller.
    /// </summary>
    public async Task<T> ShareAsync<T>(string key, Func<Task<T>> start) where T : class
    {
        ArgumentNullException.ThrowIfNull(start);
        var entry = _shared.GetOrAdd(key, _ => new Shared(Started(start), Owner: null));
        try
        {
            return (T)await entry.Work.Value.ConfigureAwait(false);
        }
        catch (Exception e) when (IsLocal(e))
        {
            _shared.TryRemove(new KeyValuePair<string, Shared>(key, entry));
            throw;
        }
    }

    /// <summary>
    /// <see cref="ShareAsync{T}"/> for work that the first item starts on behalf of every item that
    /// needs it (a package's download, a repository's file list): a failure whose message names the
    /// first item's model (<c>Model '…': …</c>) reaches <paramref name="handle"/>'s item under its own name.
    /// </summary>
    /// <remarks>
    /// A local failure (<see cref="IsLocal"/>) reaches the items waiting for it, but the next item to
    /// ask starts the work again, as it would have without sharing; any other failure (the source's
    /// answer, a bug of ours) is every item's, so that N items do not make N requests for it.
    /// The work runs with the cancellation token its starter passed: the restore's, every item's.
    /// </remarks>
    public async Task<T> ShareForAsync<T>(string key, ModelHandle handle, Func<Task<T>> start) where T : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(start);
        // The stored entry carries the closure and the model of the caller whose entry won.
        var entry = _shared.GetOrAdd(key, _ => new Shared(Started(start), handle.Text));
        try
        {
            return (T)await entry.Work.Value.ConfigureAwait(false);
        }
        catch (ModelRefsException e) when (entry.Owner is { } owner && owner != handle.Text && e.Message.StartsWith($"Model '{owner}': ", StringComparison.Ordinal))
        {
            throw new ModelRefsException(e.Diagnostic, $"Model '{handle.Text}'" + e.Message[$"Model '{owner}'".Length..], e);
        }
        catch (Exception e) when (IsLocal(e))
        {
            _shared.TryRemove(new KeyValuePair<string, Shared>(key, entry));
            throw;
        }
    }

    /// <summary>A failure of this machine (a file busy or not writable, a full disk), which another try may not meet.</summary>
    private static bool IsLocal(Exception e) => e is IOException or UnauthorizedAccessException;

    // Runs start's synchronous part on the caller's thread, as its first caller may rely on (the
    // npm pass while a tarball downloads); callers that find it started wait on the Lazy's lock
    // meanwhile, so long synchronous work belongs on the thread pool (Task.Run) inside start.
    private static Lazy<Task<object>> Started<T>(Func<Task<T>> start) where T : class =>
        new(async () => await start().ConfigureAwait(false));

    /// <summary>
    /// Waits for every shared task that was started, whatever became of it: work started for the
    /// items (a pass over a tarball while it downloads) does not outlive the restore, even when no
    /// item stayed to await it.
    /// </summary>
    public async Task WhenIdleAsync()
    {
        foreach (var shared in _shared.Values)
        {
            if (!shared.Work.IsValueCreated)
                continue;
            try
            {
                await shared.Work.Value.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its own callers saw it; here it only had to end.
            }
        }
    }
}
