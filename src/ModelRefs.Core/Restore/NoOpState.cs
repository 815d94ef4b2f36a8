using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Restore;

/// <summary>
/// What the last successful restore of a project produced, kept in its obj/ folder, so that an
/// unchanged restore answers without network or hashing: NuGet's no-op restore, for models. It is
/// valid while the hash of the restore inputs (items, settings, lock file, tool version) is the
/// same and every recorded file still has its recorded size and timestamp.
/// </summary>
internal sealed record NoOpState(string InputsHash, IReadOnlyList<NoOpModel> Models, IReadOnlyList<NoOpFile> Files)
{
    public const string FileName = "restore.noop";

    /// <summary>The warnings that follow from the inputs (<see cref="ModelRestorer.IsInputWarning"/>), given again by an up-to-date restore; null when none.</summary>
    public IReadOnlyList<NoOpWarning>? Warnings { get; init; }

    public static string ComputeInputsHash(IReadOnlyList<ModelReference> items, RestoreRequest request, ModelSources sources, string cacheRoot, string lockPath)
    {
        var text = new StringBuilder();
        var tool = typeof(NoOpState).Assembly;
        text.Append("tool=").Append(tool.GetName().Version).Append('/').Append(tool.ManifestModule.ModuleVersionId).Append('\n');
        text.Append("project=").Append(Path.GetFullPath(request.ProjectFile)).Append('\n');
        text.Append("obj=").Append(request.IntermediatePath).Append('\n');
        text.Append("namespace=").Append(request.DefaultNamespace).Append('\n');
        text.Append("output=").Append(request.OutputFolder).Append('\n');
        text.Append("cache=").Append(cacheRoot).Append('\n');
        text.Append("locked=").Append(request.LockedMode).Append('\n');
        // Every declared setting (endpoints, trust, Python, verifier…) and what the sources read
        // from the project besides them (npm: the registry of its .npmrc files).
        foreach (var setting in sources.Settings)
            text.Append("setting=").Append(setting.Property).Append('=').Append(request.Settings.Get(setting)).Append('\n');
        foreach (var inputs in sources.DescribeProjectInputs(request.Settings))
            text.Append("source=").Append(inputs).Append('\n');
        foreach (var item in items)
        {
            text.Append("item=").Append(item.Include).Append('|').Append(item.Line);
            foreach (var (key, value) in item.Metadata.OrderBy(m => m.Key, StringComparer.OrdinalIgnoreCase))
                text.Append('|').Append(key).Append('=').Append(value);
            text.Append('\n');
        }
        // The lock is small: its bytes go into the hash, so an edited or checked-out lock restores again.
        text.Append("lock=").Append(File.Exists(lockPath) ? Sha256Hex.ToHex(SHA256.HashData(File.ReadAllBytes(lockPath))) : "none");
        return Sha256Hex.ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

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
    public bool FilesUnchanged() => Files.All(f =>
    {
        var info = new FileInfo(f.Path);
        return info.Exists && info.Length == f.Size && info.LastWriteTimeUtc.Ticks == f.LastWriteTicks;
    });

    public static NoOpFile Describe(string path)
    {
        var info = new FileInfo(path);
        return new NoOpFile(info.FullName, info.Length, info.LastWriteTimeUtc.Ticks);
    }

    public void Save(string path) =>
        IO.AtomicFile.WriteAllText(path, NoOpRecordFormat.Write(this), durable: false);
}

internal sealed record NoOpModel(int ItemIndex, string Name, string OnnxPath, string TargetPath, string? ResourceName, string ManifestPath)
{
    /// <summary>The model's external data files; null (left out of the record) when it has none.</summary>
    public IReadOnlyList<DeployedFile>? ExternalData { get; init; }
}

internal sealed record NoOpFile(string Path, long Size, long LastWriteTicks);

/// <summary>A kept warning: its id, its text and the index of its item (-1 for none).</summary>
internal sealed record NoOpWarning(string Id, string Message, int ItemIndex)
{
    public static NoOpWarning From(RestoreProblem problem, IReadOnlyList<ModelReference> items) =>
        new(problem.Diagnostic.Id, problem.Message, problem.Item is null ? -1 : items.ToList().IndexOf(problem.Item));

    public RestoreProblem ToProblem(IReadOnlyList<ModelReference> items) =>
        new(Diagnostics.RestoreDiagnostics.ById(Id), Message, ItemIndex >= 0 && ItemIndex < items.Count ? items[ItemIndex] : null, IsError: false);
}
