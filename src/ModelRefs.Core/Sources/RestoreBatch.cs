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
public sealed class RestoreBatch
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _shared = new(StringComparer.Ordinal);

    public RestoreBatch(IReadOnlyList<BatchItem> items) => Items = items ?? throw new ArgumentNullException(nameof(items));

    public IReadOnlyList<BatchItem> Items { get; }

    /// <summary>
    /// The task started for <paramref name="key"/> by the first caller; later callers await the same
    /// one. Its result (or exception) is every caller's, so it must not name one item.
    /// </summary>
    public async Task<T> ShareAsync<T>(string key, Func<Task<T>> start) where T : class
    {
        ArgumentNullException.ThrowIfNull(start);
        var shared = _shared.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await start().ConfigureAwait(false)));
        return (T)await shared.Value.ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="ShareAsync{T}"/> for work that the first item starts on behalf of every item that
    /// needs it (a package's download, a repository's file list): a failure whose message names the
    /// first item's model (<c>Model '…': …</c>) reaches <paramref name="handle"/>'s item under its own name.
    /// </summary>
    public async Task<T> ShareForAsync<T>(string key, ModelHandle handle, Func<Task<T>> start) where T : class
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return await ShareAsync(key, start).ConfigureAwait(false);
        }
        catch (ModelRefsException e) when (ModelNamed(e.Message) is { } first && first != handle.Text)
        {
            throw new ModelRefsException(e.Diagnostic, $"Model '{handle.Text}'" + e.Message[$"Model '{first}'".Length..], e);
        }
    }

    /// <summary>The model a restore error message starts with (<c>Model '…':</c>), if it does.</summary>
    private static string? ModelNamed(string message)
    {
        const string Start = "Model '";
        var end = message.IndexOf("': ", StringComparison.Ordinal);
        return message.StartsWith(Start, StringComparison.Ordinal) && end > Start.Length ? message[Start.Length..end] : null;
    }

    /// <summary>
    /// Waits for every shared task that was started, whatever became of it: work started for the
    /// items (a pass over a tarball while it downloads) does not outlive the restore, even when no
    /// item stayed to await it.
    /// </summary>
    public async Task WhenIdleAsync()
    {
        foreach (var shared in _shared.Values)
        {
            if (!shared.IsValueCreated)
                continue;
            try
            {
                await shared.Value.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its own callers saw it; here it only had to end.
            }
        }
    }
}
