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
            // An unchanged build is answered here, before any setting is read (NoOpQuickCheck): in a
            // fresh MSBuild node that loads and JIT-compiles a tenth of what the full check does, so
            // the full restore is a method of its own, compiled only when it runs.
            var items = Array.ConvertAll(ModelReferences, ToModelReference);
            var settings = Array.ConvertAll(Settings, s => KeyValuePair.Create(s.ItemSpec, (string?)s.GetMetadata("Value")));
            var quickKey = NoOpQuickCheck.Key(ProjectFile, IntermediatePath, DefaultNamespace, settings, items);
            var result = NoOpQuickCheck.TryAnswer(ProjectFile, IntermediatePath, quickKey, items);
            if (result is not null)
                Log.LogMessage(MessageImportance.Normal, NoOpQuickCheck.UpToDateMessage);
            else if ((result = Restore(items, settings, quickKey)) is null)
                return false;

            foreach (var problem in result.Problems)
                LogProblem(problem);
            SetOutputs(result);
            return !Log.HasLoggedErrors;
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("ModelRefs: restore was cancelled.");
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // This machine's file system (obj/ or the cache not writable, a full disk), not a bug: no stack trace.
            var d = RestoreDiagnostics.FileAccessFailed;
            Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, 0, 0, 0, 0,
                "ModelRefs: a file or folder of the restore could not be written or read: {0} Check that the folder it names is a folder " +
                "you can write to, on a disk with free space. The restore writes the project's {1} and the model cache (ModelRefsHome or MODELREFS_HOME).",
                ex.Message, IntermediatePath);
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

    /// <summary>The restore (or the full no-op check) with Core's settings and sources; null when a setting is not valid (logged).</summary>
    private RestoreResult? Restore(ModelReference[] rawItems, KeyValuePair<string, string?>[] settings, string quickKey)
    {
        var lines = ProjectFileLines.ReadItemLines(ProjectFile, "ModelReference");
        var items = Array.ConvertAll(rawItems, item => item with { Line = lines.GetValueOrDefault(item.Include.Trim()) });
        RestoreRequest request;
        try
        {
            request = RestoreRequest.FromSettings(ProjectFile, IntermediatePath, DefaultNamespace, new SettingValues(settings))
                with { DesignTime = DesignTimeBuild, QuickKey = quickKey };
        }
        catch (FormatException ex)
        {
            var d = RestoreDiagnostics.InvalidProperty;
            Log.LogError(null, d.Id, null, d.HelpLink, ProjectFile, 0, 0, 0, 0, "ModelRefs: {0}", ex.Message);
            return null;
        }
        Log.LogMessage(MessageImportance.Low, "ModelRefs: restoring {0} model(s) for {1}", items.Length, ProjectFile);

        // Download progress at high importance: the console logger shows it at the default
        // (minimal) verbosity (the terminal logger keeps task messages for its summary).
        var restorer = new ModelRestorer(() => SharedHttp.Client, message => Log.LogMessage(MessageImportance.Normal, message),
            progress: message => Log.LogMessage(MessageImportance.High, message));
        var result = restorer.RestoreAsync(items, request, _cancel.Token).GetAwaiter().GetResult();
        if (result.LockFileWritten)
            Log.LogMessage(MessageImportance.High, "ModelRefs: wrote {0}", request.ResolvedLockFilePath);
        return result;
    }

    // Loops rather than LINQ: this runs in every build, and each generic LINQ operator over these
    // types is more code for a fresh MSBuild node to JIT-compile.
    private void SetOutputs(RestoreResult result)
    {
        var models = result.Models;
        Manifests = new ITaskItem[models.Count];
        ModelFiles = new ITaskItem[models.Count];
        var externalData = new List<ITaskItem>();
        var externalTargets = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < models.Count; i++)
        {
            var model = models[i];
            Manifests[i] = new TaskItem(model.ManifestPath);
            var file = new TaskItem(model.OnnxPath);
            file.SetMetadata("TargetPath", model.TargetPath);
            file.SetMetadata("ModelName", model.Name);
            file.SetMetadata("Embed", model.ResourceName != null ? "true" : "false");
            file.SetMetadata("ResourceName", model.ResourceName ?? "");
            ModelFiles[i] = file;
            // Each output path once: restore has made sure that models sharing a path share its content.
            foreach (var data in model.ExternalData)
            {
                if (!externalTargets.Add(data.TargetPath))
                    continue;
                var item = new TaskItem(data.Path);
                item.SetMetadata("TargetPath", data.TargetPath);
                item.SetMetadata("ModelName", model.Name);
                externalData.Add(item);
            }
        }
        ExternalDataFiles = externalData.ToArray();
        var notices = new List<ITaskItem>();
        foreach (var path in new[] { result.NoticesPath, result.BomPath })
        {
            if (path is null)
                continue;
            var item = new TaskItem(path);
            item.SetMetadata("TargetPath", Path.GetFileName(path));
            notices.Add(item);
        }
        Notices = notices.ToArray();
    }

    private static ModelReference ToModelReference(ITaskItem item)
    {
        // Custom metadata only: well-known metadata such as AccessedTime would change the no-op hash.
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in item.CloneCustomMetadata())
            metadata[(string)entry.Key] = (string?)entry.Value ?? "";
        return new ModelReference(item.ItemSpec, metadata);
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
