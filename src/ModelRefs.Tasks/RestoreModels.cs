using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;

namespace ModelRefs.Tasks;

/// <summary>
/// MSBuild shell over <see cref="ModelRestorer"/>: turns items into requests, logs every problem
/// with the project file and the item's line, and returns manifests and model files. All real work
/// lives in ModelRefs.Core so that other hosts can restore without MSBuild.
/// </summary>
public sealed class RestoreModels : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Required] public ITaskItem[] ModelReferences { get; set; } = [];
    [Required] public string ProjectFile { get; set; } = "";
    [Required] public string IntermediatePath { get; set; } = "";
    [Required] public string DefaultNamespace { get; set; } = "";
    public string OutputFolder { get; set; } = "models";
    public string? NpmRegistry { get; set; }
    public bool Offline { get; set; }
    public bool LockedMode { get; set; }
    public string? LockFilePath { get; set; }
    public string? CacheRoot { get; set; }
    public string? TrustedOwners { get; set; }
    public string? Python { get; set; }
    public string? GitHubUrl { get; set; }
    public string? GitHubApiUrl { get; set; }
    public string? TfHubUrl { get; set; }

    /// <summary>ModelRefs.Verifier.dll (the package's tools/verifier/): runs torchhub exports in ONNX Runtime, out of process.</summary>
    public string? OnnxVerifier { get; set; }

    /// <summary>$(NuGetPackageRoot): where the verifier finds ONNX Runtime.</summary>
    public string? NuGetPackageRoot { get; set; }

    /// <summary>
    /// Where to list what this restore produced, for the targets to read when MSBuild skips this
    /// task as up to date (see ModelRefs.targets). Deleted first, so a failed restore runs again.
    /// </summary>
    public string? ResultsFile { get; set; }

    /// <summary>One <c>*.modelref.json</c> per restored model, for AdditionalFiles.</summary>
    [Output] public ITaskItem[] Manifests { get; private set; } = [];

    /// <summary>The ONNX files, with TargetPath, Embed and ResourceName metadata.</summary>
    [Output] public ITaskItem[] ModelFiles { get; private set; } = [];

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            var items = ModelReferences.Select(ToModelReference).ToList();
            var request = new RestoreRequest
            {
                ProjectFile = ProjectFile,
                IntermediatePath = Path.GetFullPath(IntermediatePath, Path.GetDirectoryName(ProjectFile)!),
                DefaultNamespace = DefaultNamespace,
                OutputFolder = string.IsNullOrWhiteSpace(OutputFolder) ? "models" : OutputFolder,
                NpmRegistry = string.IsNullOrWhiteSpace(NpmRegistry) ? null : NpmRegistry,
                Offline = Offline,
                LockedMode = LockedMode,
                LockFilePath = string.IsNullOrWhiteSpace(LockFilePath) ? null : Path.GetFullPath(LockFilePath, Path.GetDirectoryName(ProjectFile)!),
                CacheRoot = string.IsNullOrWhiteSpace(CacheRoot) ? null : CacheRoot,
                Sources = new SourceSettings
                {
                    TrustedOwners = string.IsNullOrWhiteSpace(TrustedOwners) ? SourceSettings.Default.TrustedOwners : SourceSettings.SplitList(TrustedOwners),
                    Python = NullIfBlank(Python),
                    GitHubUrl = NullIfBlank(GitHubUrl),
                    GitHubApiUrl = NullIfBlank(GitHubApiUrl),
                    TfHubUrl = NullIfBlank(TfHubUrl),
                    OnnxVerifier = NullIfBlank(OnnxVerifier),
                    NuGetPackageRoot = NullIfBlank(NuGetPackageRoot),
                },
            };
            Log.LogMessage(MessageImportance.Low, "ModelRefs: restoring {0} model(s) for {1}", items.Count, ProjectFile);

            if (!string.IsNullOrWhiteSpace(ResultsFile) && File.Exists(ResultsFile))
                File.Delete(ResultsFile);

            var restorer = new ModelRestorer(SharedHttp.Client, message => Log.LogMessage(MessageImportance.Normal, message));
            var result = restorer.RestoreAsync(items, request, _cancel.Token).GetAwaiter().GetResult();

            foreach (var problem in result.Problems)
                LogProblem(problem);

            Manifests = result.Models.Select(m => (ITaskItem)new TaskItem(m.ManifestPath)).ToArray();
            ModelFiles = result.Models.Select(ToModelFileItem).ToArray();
            if (result.LockFileWritten)
                Log.LogMessage(MessageImportance.High, "ModelRefs: wrote {0}", request.ResolvedLockFilePath);
            if (!Log.HasLoggedErrors && !string.IsNullOrWhiteSpace(ResultsFile))
                RestoreResultsFile.Write(ResultsFile, result, request);
            return !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("ModelRefs: restore was cancelled.");
            return false;
        }
        catch (Exception ex)
        {
            // Never crash the build with a stack trace alone: say what failed and where to report it.
            var d = RestoreDiagnostics.InternalError;
            Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, 0, 0, 0, 0,
                "ModelRefs: unexpected error while restoring models: {0}", ex.ToString());
            return false;
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private ModelReference ToModelReference(ITaskItem item)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in item.MetadataNames)
            metadata[name] = item.GetMetadata(name);
        return new ModelReference(item.ItemSpec, metadata)
        {
            Line = ProjectFileLines.FindItemLine(ProjectFile, "ModelReference", item.ItemSpec),
        };
    }

    private static ITaskItem ToModelFileItem(RestoredModel model)
    {
        var item = new TaskItem(model.OnnxPath);
        item.SetMetadata("TargetPath", model.TargetPath);
        item.SetMetadata("ModelName", model.Name);
        item.SetMetadata("Embed", model.ResourceName != null ? "true" : "false");
        item.SetMetadata("ResourceName", model.ResourceName ?? "");
        return item;
    }

    private void LogProblem(RestoreProblem problem)
    {
        var line = problem.Item?.Line ?? 0;
        var d = problem.Diagnostic;
        if (problem.IsError)
            Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, line, 0, 0, 0, "{0}", problem.Message);
        else
            Log.LogWarning(null, d.Id, null, d.HelpLink, ProjectFile, line, 0, 0, 0, "{0}", problem.Message);
    }
}
