using System.Collections.Concurrent;
using ModelRefs.Core.Bom;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Manifests;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// Items restored side by side: independent models download and verify concurrently (at most
/// <see cref="MaxConcurrentItems"/> at once), identical fetches within one restore run once, and
/// each item's outcome (result, problems, damaged blobs, log lines) is kept apart so that the
/// restore reports them in item order, whatever order they finished in.
/// </summary>
public sealed partial class ModelRestorer
{
    /// <summary>How many items are restored at once: enough to overlap network waits and hashing, few enough not to flood a hub.</summary>
    public const int MaxConcurrentItems = 4;

    /// <summary>What one item's restore produced: its model, or the problems that stopped it, and the cache damage it found.</summary>
    private sealed record ItemOutcome(
        (RestoredModel Model, LockedModel Entry, string Handle, ModelManifest Manifest, BomModel BomModel, List<RestoreProblem> Warnings)? Restored,
        IReadOnlyList<RestoreProblem> Problems,
        IReadOnlyList<DamagedBlob> Damaged);

    private async Task<ItemOutcome?[]> RestoreItemsAsync(IReadOnlyList<ModelReference> items, IReadOnlyList<int> pending, RestoreRequest request,
        ModelCache cache, Credentials credentials, LockFile? lockFile, DownloadOptions download, TimeSpan deadline,
        CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        var outcomes = new ItemOutcome?[items.Count];
        if (pending.Count == 0)
            return outcomes;
        var log = new OrderedLog(_log, pending);
        var fetches = new ConcurrentDictionary<string, Lazy<Task<FetchedArtifact>>>(StringComparer.Ordinal);
        var batch = Batch(items, pending, request, cache, lockFile);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(MaxConcurrentItems, pending.Count), CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(StartOrder(items, pending, request), options, async (index, _) =>
            {
                try
                {
                    outcomes[index] = await RestoreItemAsync(items[index], index, request, cache, credentials, lockFile, download, deadline, timeout,
                        fetches, batch, log, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    log.Complete(index);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            // Also when the build is cancelled: a pass over a tarball still running must end (and
            // delete its temp files) before the restore returns and its deadline's source is disposed.
            await batch.WhenIdleAsync().ConfigureAwait(false);
        }
        return outcomes;
    }

    /// <summary>
    /// The order items start in: one of each fetch group (<see cref="ModelHandle.FetchGroup"/>) in
    /// item order, then the second of each, and so on. Items in item order would let the second
    /// file of a package hold one of the few slots while it only waits for the first one's fetch,
    /// and a model from another package would start only when some item ended (six models from
    /// three packages: the third package began its download after the first two were done).
    /// Reports stay in item order whatever the start order.
    /// </summary>
    private List<int> StartOrder(IReadOnlyList<ModelReference> items, IReadOnlyList<int> pending, RestoreRequest request)
    {
        var groups = new List<List<int>>();
        var byGroup = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var index in pending)
        {
            // An item that does not parse fails on its own: a group of its own.
            var group = TryParse(items[index], request)?.FetchGroup ?? "#" + index;
            if (!byGroup.TryGetValue(group, out var members))
                groups.Add(byGroup[group] = members = []);
            members.Add(index);
        }
        var order = new List<int>(pending.Count);
        for (var round = 0; order.Count < pending.Count; round++)
            foreach (var members in groups)
                if (round < members.Count)
                    order.Add(members[round]);
        return order;
    }

    /// <summary>One item, start to end; every failure is its problem alone (only the caller's cancellation escapes).</summary>
    private async Task<ItemOutcome> RestoreItemAsync(ModelReference item, int index, RestoreRequest request, ModelCache cache, Credentials credentials,
        LockFile? lockFile, DownloadOptions download, TimeSpan deadline, CancellationTokenSource timeout,
        ConcurrentDictionary<string, Lazy<Task<FetchedArtifact>>> fetches, RestoreBatch batch, OrderedLog log, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout.IsCancellationRequested)
            return new ItemOutcome(null, [DeadlinePassed(item, request, deadline)], []);
        using var damage = cache.RecordDamage();
        RestoreProblem problem;
        try
        {
            var restored = await RestoreOneAsync(item, request, cache, credentials, lockFile, download, fetches, batch, message => log.Write(index, message),
                timeout.Token).ConfigureAwait(false);
            return new ItemOutcome(restored, [], damage.Damaged);
        }
        catch (ModelRefsException ex) when (request.DesignTime && ex.Diagnostic == RestoreDiagnostics.OfflineNotCached)
        {
            problem = DesignTimeMiss(item, Shown(item, request), request);
        }
        catch (ModelRefsException ex)
        {
            problem = new RestoreProblem(ex.Diagnostic, ex.Message, item, IsError: ex.Diagnostic != RestoreDiagnostics.DesignTimeNotRestored);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            problem = DeadlinePassed(item, request, deadline);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = FileAccessFailed(item, request, cache, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            problem = new RestoreProblem(RestoreDiagnostics.InternalError,
                $"Model '{Shown(item, request)}' could not be restored: {ex.Message}", item);
        }
        catch (Exception ex)
        {
            // A bug of ours, never the input's: it costs this model only; the others are
            // restored and reported as usual.
            problem = new RestoreProblem(RestoreDiagnostics.InternalError,
                $"Model '{Shown(item, request)}' could not be restored because of an unexpected error in ModelRefs ({ex.GetType().Name}: {ex.Message}). " +
                $"Please report it with this message. {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}", item);
        }
        return new ItemOutcome(null, [problem], damage.Damaged);
    }

    /// <summary>
    /// What the items may ask of their sources, for work the sources share between them: every
    /// item that parses, except those the cache serves by the lock (see <see cref="RestoreOneAsync"/>)
    /// and all of a design-time restore (lock and cache only).
    /// </summary>
    private RestoreBatch Batch(IReadOnlyList<ModelReference> items, IReadOnlyList<int> pending, RestoreRequest request, ModelCache cache, LockFile? lockFile)
    {
        var batch = new List<BatchItem>();
        if (!request.DesignTime)
            foreach (var index in pending)
            {
                var item = items[index];
                if (TryParse(item, request) is not { } handle)
                    continue;
                LockedModel? pinned;
                try
                {
                    pinned = Pinned(item, handle, lockFile);
                }
                catch (ModelRefsException)
                {
                    continue; // its metadata is wrong: the item fails on its own, with the message
                }
                if (!handle.IsLocalFile && item.Sha256 == null && pinned is { Converter: null } && cache.ContainsBlob(pinned.Sha256))
                    continue;
                batch.Add(new BatchItem(handle, ExpectedSha256(item, handle, pinned)));
            }
        return new RestoreBatch(batch);
    }

    /// <summary>
    /// The source's fetch, run once per restore for items that would fetch the same thing (the same
    /// address, pins and source metadata: two names for one model file); the others share its result.
    /// </summary>
    private Task<FetchedArtifact> FetchOnceAsync(ConcurrentDictionary<string, Lazy<Task<FetchedArtifact>>> fetches, ModelHandle handle, FetchContext context,
        CancellationToken cancellationToken)
    {
        var key = string.Join('\n', new[] { handle.Scheme, handle.Address, context.Sha256 ?? "", context.PinnedResolved ?? "" }
            .Concat(context.Metadata.Where(m => !RestoreOnlyMetadata.Contains(m.Key))
                .OrderBy(m => m.Key, StringComparer.OrdinalIgnoreCase)
                .Select(m => m.Key.ToLowerInvariant() + "=" + m.Value)));
        return fetches.GetOrAdd(key, _ => new Lazy<Task<FetchedArtifact>>(() => _sources.FetchAsync(handle, context, cancellationToken))).Value;
    }

    /// <summary>Metadata that restore reads and no source does: items differing only in these fetch the same thing.</summary>
    private static readonly HashSet<string> RestoreOnlyMetadata = new(["Name", "Namespace", "Embed", "AcceptLicense", "License"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Log lines of concurrent items in item order: the earliest unfinished item writes through
    /// (its progress is live); the others' lines wait until every item before them has finished.
    /// </summary>
    private sealed class OrderedLog(Action<string> log, IReadOnlyList<int> order)
    {
        private readonly Dictionary<int, List<string>> _held = [];
        private readonly HashSet<int> _done = [];
        private int _next;

        public void Write(int index, string message)
        {
            lock (_held)
            {
                if (_next < order.Count && order[_next] == index)
                    log(message);
                else
                    (_held.TryGetValue(index, out var lines) ? lines : _held[index] = []).Add(message);
            }
        }

        public void Complete(int index)
        {
            lock (_held)
            {
                _done.Add(index);
                while (_next < order.Count && _done.Contains(order[_next]))
                {
                    _next++;
                    if (_next < order.Count && _held.Remove(order[_next], out var lines))
                        foreach (var line in lines)
                            log(line);
                }
            }
        }
    }
}
