using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// What the last successful restore of a project produced, kept in its obj/ folder, so that an
/// unchanged restore answers without network or hashing: NuGet's no-op restore, for models. It is
/// valid while the hash of the restore inputs (items, settings, lock file, tool version) is the
/// same and every recorded file still has its recorded size and timestamp. A host that restores on
/// every build checks it first by <see cref="QuickKey"/> and <see cref="Probes"/> (<see cref="NoOpQuickCheck"/>).
/// </summary>
internal sealed record NoOpState(string InputsHash, IReadOnlyList<NoOpModel> Models, IReadOnlyList<NoOpFile> Files)
{
    public const string FileName = "restore.noop";

    /// <summary>The warnings that follow from the inputs (<see cref="ModelRestorer.IsInputWarning"/>), given again by an up-to-date restore; null when none.</summary>
    public IReadOnlyList<NoOpWarning>? Warnings { get; init; }

    /// <summary>The notices file and the bill of materials the restore returned, when it returned them.</summary>
    public string? NoticesPath { get; init; }

    /// <inheritdoc cref="NoticesPath"/>
    public string? BomPath { get; init; }

    /// <summary>The host's key over its raw inputs (<see cref="NoOpQuickCheck.Key"/>); null when the host gave none.</summary>
    public string? QuickKey { get; init; }

    /// <summary>
    /// The files the inputs were read from besides the host's (the lock, the sources'
    /// <see cref="IModelSource.ProjectInputFiles"/>), by size and timestamp or as absent
    /// (<see cref="NoOpFile.Absent"/>), taken before they were read (a lock the restore wrote: after
    /// writing it): the quick check's half of what <see cref="InputsHash"/> covers by content.
    /// </summary>
    public IReadOnlyList<NoOpFile>? Probes { get; init; }

    public static string ComputeInputsHash(IReadOnlyList<ModelReference> items, RestoreRequest request, ModelSources sources, string cacheRoot, string lockPath)
    {
        var text = new StringBuilder();
        AppendTool(text);
        text.Append("project=").Append(Path.GetFullPath(request.ProjectFile)).Append('\n');
        text.Append("obj=").Append(request.IntermediatePath).Append('\n');
        text.Append("namespace=").Append(request.DefaultNamespace).Append('\n');
        text.Append("output=").Append(request.OutputFolder).Append('\n');
        text.Append("cache=").Append(cacheRoot).Append('\n');
        text.Append("locked=").Append(request.LockedMode).Append('\n');
        // Every declared setting (endpoints, trust, Python, verifier…) and what the sources read
        // from the project besides them (npm: the registry of its .npmrc files).
        foreach (var setting in sources.Settings)
            AppendField(AppendField(text.Append("setting="), setting.Property), request.Settings.Get(setting)).Append('\n');
        foreach (var inputs in sources.DescribeProjectInputs(request.Settings))
            AppendField(text.Append("source="), inputs).Append('\n');
        foreach (var item in items)
            AppendItem(text, item, withLine: true);
        // The lock is small: its bytes go into the hash, so an edited or checked-out lock restores again.
        text.Append("lock=").Append(File.Exists(lockPath) ? Sha256Hex.ToHex(SHA256.HashData(File.ReadAllBytes(lockPath))) : "none");
        return HashText(text);
    }

    /// <summary>The tool's identity: a rebuilt Core restores again.</summary>
    internal static void AppendTool(StringBuilder text)
    {
        var tool = typeof(NoOpState).Assembly;
        text.Append("tool=").Append(tool.GetName().Version).Append('/').Append(tool.ManifestModule.ModuleVersionId).Append('\n');
    }

    /// <summary>An item and its metadata (by name, in a fixed order), one line.</summary>
    internal static void AppendItem(StringBuilder text, ModelReference item, bool withLine)
    {
        AppendField(text.Append("item="), item.Include);
        if (withLine)
            text.Append(item.Line).Append(';');
        var keys = new string[item.Metadata.Count];
        var i = 0;
        foreach (var key in item.Metadata.Keys)
            keys[i++] = key;
        Array.Sort(keys, StringComparer.Ordinal);
        foreach (var key in keys)
            AppendField(AppendField(text, key), item.Metadata[key]);
        text.Append('\n');
    }

    /// <summary>
    /// A value prefixed by its length, so that no value can pass for a separator: <c>Include="a|Name=b"</c>
    /// and <c>Include="a" Name="b"</c> hash differently. Null is <c>-1:</c>.
    /// </summary>
    internal static StringBuilder AppendField(StringBuilder text, string? value) =>
        text.Append(value?.Length ?? -1).Append(':').Append(value);

    internal static string HashText(StringBuilder text) => Sha256Hex.ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));

    public static NoOpState? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? NoOpRecordFormat.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // an unreadable no-op record only costs a full restore
        }
    }

    /// <summary>True when every recorded file is still there, unchanged by size and timestamp (no hashing).</summary>
    public bool FilesUnchanged() => Unchanged(Files);

    /// <summary>True when every probe is as recorded: unchanged, or still absent. No probes (a record from a host without a quick key): false.</summary>
    public bool ProbesUnchanged() => Probes is { } probes && Unchanged(probes);

    private static bool Unchanged(IReadOnlyList<NoOpFile> files)
    {
        foreach (var file in files)
        {
            var info = new FileInfo(file.Path);
            if (info.Exists ? info.Length != file.Size || info.LastWriteTimeUtc.Ticks != file.LastWriteTicks : file.Size != NoOpFile.Absent)
                return false;
        }
        return true;
    }

    public static NoOpFile Describe(string path, bool isCacheBlob = false)
    {
        var info = new FileInfo(path);
        return new NoOpFile(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks) { IsCacheBlob = isCacheBlob };
    }

    /// <summary>A probe: the file's size and timestamp, or <see cref="NoOpFile.Absent"/>.</summary>
    public static NoOpFile DescribeProbe(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new NoOpFile(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks) : new NoOpFile(info.FullName, NoOpFile.Absent, 0);
    }

    /// <summary>
    /// The up-to-date restore this record describes, for <paramref name="items"/> (the same items in
    /// the same order, which the caller has checked by hash or key). Deployed cache blobs are marked
    /// as used: <c>modelref cache prune</c> must see that a build still uses them.
    /// </summary>
    public RestoreResult? Answer(IReadOnlyList<ModelReference> items)
    {
        var models = new List<RestoredModel>(Models.Count);
        foreach (var m in Models)
        {
            if (m.ItemIndex < 0 || m.ItemIndex >= items.Count)
                return null;
            models.Add(new RestoredModel(items[m.ItemIndex], m.Name, m.OnnxPath, m.TargetPath, m.ResourceName, m.ManifestPath) { ExternalData = m.ExternalData ?? [] });
        }
        foreach (var file in Files)
            if (file.IsCacheBlob)
                ModelCache.MarkUsed(file.Path);
        var problems = new List<RestoreProblem>();
        foreach (var warning in Warnings ?? [])
            problems.Add(warning.ToProblem(items));
        return new RestoreResult(models, problems) { WasNoOp = true, NoticesPath = NoticesPath, BomPath = BomPath };
    }

    public void Save(string path) =>
        IO.AtomicFile.WriteAllText(path, NoOpRecordFormat.Write(this), durable: false);
}

internal sealed record NoOpModel(int ItemIndex, string Name, string OnnxPath, string TargetPath, string? ResourceName, string ManifestPath)
{
    /// <summary>The model's external data files; null (left out of the record) when it has none.</summary>
    public IReadOnlyList<DeployedFile>? ExternalData { get; init; }
}

internal sealed record NoOpFile(string Path, long Size, long LastWriteTicks)
{
    /// <summary>The <see cref="Size"/> of a probe that did not exist.</summary>
    public const long Absent = -1;

    /// <summary>A blob of the shared cache (deployed from it), marked as used by each up-to-date restore.</summary>
    public bool IsCacheBlob { get; init; }
}

/// <summary>
/// A kept warning: its diagnostic's id and title, its text, and the index and line of its item
/// (-1 and 0 for none). The line is kept because the quick check does not read the project file.
/// </summary>
internal sealed record NoOpWarning(string Id, string Title, string Message, int ItemIndex, int Line)
{
    public static NoOpWarning From(RestoreProblem problem, IReadOnlyList<ModelReference> items) =>
        new(problem.Diagnostic.Id, problem.Diagnostic.Title, problem.Message,
            problem.Item is null ? -1 : items.ToList().IndexOf(problem.Item), problem.Item?.Line ?? 0);

    // The diagnostic is made from the kept id and title (equal, as a record, to the declared one):
    // looking it up would initialise every declared diagnostic for one warning.
    public RestoreProblem ToProblem(IReadOnlyList<ModelReference> items) =>
        new(new Diagnostics.RestoreDiagnostic(Id, Title), Message, ItemIndex >= 0 && ItemIndex < items.Count ? WithLine(items[ItemIndex]) : null, IsError: false);

    // The quick check's items carry no lines (it does not read the project file): the kept one is the item's.
    private ModelReference WithLine(ModelReference item) => item.Line == Line ? item : item with { Line = Line };
}
