using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelRefs.Core.Configuration;
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

    /// <summary>
    /// The settings (MSBuild properties) restore and the sources read, one item each:
    /// <c>Include</c> the property name, <c>Value</c> its value. Core declares them
    /// (<see cref="ModelSources.Settings"/>); the task only forwards them.
    /// </summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary>
    /// <c>$(DesignTimeBuild)</c>: an IDE's design-time build restores from the lock and the cache
    /// only (<see cref="RestoreRequest.DesignTime"/>). A task parameter, not a setting: it must not
    /// change the no-op hash, so that a design-time build is answered by the last real build's record.
    /// </summary>
    public bool DesignTimeBuild { get; set; }

    /// <summary>One <c>*.modelref.json</c> per restored model, for AdditionalFiles.</summary>
    [Output] public ITaskItem[] Manifests { get; private set; } = [];

    /// <summary>The ONNX files, with TargetPath, Embed and ResourceName metadata.</summary>
    [Output] public ITaskItem[] ModelFiles { get; private set; } = [];

    /// <summary>
    /// The models' external data files (weights beside an .onnx file), with TargetPath (beside the
    /// model's, under the name the model gives) and ModelName metadata; each output path once.
    /// </summary>
    [Output] public ITaskItem[] ExternalDataFiles { get; private set; } = [];

    /// <summary>
    /// Files shipped beside the app, with TargetPath metadata: the models' third-party notices
    /// (none without models) and, with <c>ModelRefsGenerateBom=true</c>, their bill of materials.
    /// </summary>
    [Output] public ITaskItem[] Notices { get; private set; } = [];

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            var lines = ProjectFileLines.ReadItemLines(ProjectFile, "ModelReference");
            var items = ModelReferences.Select(item => ToModelReference(item, lines)).ToList();
            var settings = new SettingValues(Settings.Select(s => KeyValuePair.Create(s.ItemSpec, (string?)s.GetMetadata("Value"))));
            RestoreRequest request;
            try
            {
                request = RestoreRequest.FromSettings(ProjectFile, IntermediatePath, DefaultNamespace, settings) with { DesignTime = DesignTimeBuild };
            }
            catch (FormatException ex)
            {
                var d = RestoreDiagnostics.InvalidProperty;
                Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, 0, 0, 0, 0, "ModelRefs: {0}", ex.Message);
                return false;
            }
            Log.LogMessage(MessageImportance.Low, "ModelRefs: restoring {0} model(s) for {1}", items.Count, ProjectFile);

            // Download progress at high importance: the console logger shows it at the default
            // (minimal) verbosity and the terminal logger shows it too.
            var restorer = new ModelRestorer(() => SharedHttp.Client, message => Log.LogMessage(MessageImportance.Normal, message),
                progress: message => Log.LogMessage(MessageImportance.High, message));
            var result = restorer.RestoreAsync(items, request, _cancel.Token).GetAwaiter().GetResult();

            foreach (var problem in result.Problems)
                LogProblem(problem);

            Manifests = result.Models.Select(m => (ITaskItem)new TaskItem(m.ManifestPath)).ToArray();
            ModelFiles = result.Models.Select(ToModelFileItem).ToArray();
            // Restore has made sure that models sharing a path share its content.
            ExternalDataFiles = result.Models
                .SelectMany(m => m.ExternalData.Select(f => (Model: m.Name, File: f)))
                .DistinctBy(x => x.File.TargetPath, StringComparer.OrdinalIgnoreCase)
                .Select(x => (ITaskItem)new TaskItem(x.File.Path, new Dictionary<string, string> { ["TargetPath"] = x.File.TargetPath, ["ModelName"] = x.Model }))
                .ToArray();
            Notices = new[] { result.NoticesPath, result.BomPath }.OfType<string>()
                .Select(file => (ITaskItem)new TaskItem(file, new Dictionary<string, string> { ["TargetPath"] = Path.GetFileName(file) }))
                .ToArray();
            if (result.LockFileWritten)
                Log.LogMessage(MessageImportance.High, "ModelRefs: wrote {0}", request.ResolvedLockFilePath);
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

    private static ModelReference ToModelReference(ITaskItem item, IReadOnlyDictionary<string, int> lines)
    {
        // Custom metadata only: well-known metadata such as AccessedTime would change the no-op hash.
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in item.CloneCustomMetadata())
            metadata[(string)entry.Key] = (string?)entry.Value ?? "";
        return new ModelReference(item.ItemSpec, metadata)
        {
            Line = lines.GetValueOrDefault(item.ItemSpec.Trim()),
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
        // Console loggers drop MSBuild's help link; the compiler writes its diagnostics' links after
        // the message, and so do we.
        if (problem.IsError)
            Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, line, 0, 0, 0, "{0} ({1})", problem.Message, d.HelpLink);
        else
            Log.LogWarning(null, d.Id, null, d.HelpLink, ProjectFile, line, 0, 0, 0, "{0} ({1})", problem.Message, d.HelpLink);
    }
}
