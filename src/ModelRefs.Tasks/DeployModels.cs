using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelRefs.Core.Deployment;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Tasks;

/// <summary>
/// MSBuild shell over <see cref="ModelDeployment"/>: puts the restored model files (and their
/// external data) at <c>DestinationFolder/%(TargetPath)</c> before MSBuild's own copy of the same
/// <c>None</c> items, which then finds them up to date.
/// </summary>
public sealed class DeployModels : Microsoft.Build.Utilities.Task
{
    /// <summary>Files from the cache, each with its <c>TargetPath</c> under the destination folder.</summary>
    [Required] public ITaskItem[] Files { get; set; } = [];

    [Required] public string DestinationFolder { get; set; } = "";

    /// <summary><c>ModelRefsDeploy</c>: <c>link</c> (default) or <c>copy</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary>The deployed paths, for FileWrites (so that Clean removes them).</summary>
    [Output] public ITaskItem[] Deployed { get; private set; } = [];

    public override bool Execute()
    {
        DeployMode mode;
        try
        {
            mode = ModelDeployment.ParseMode(Mode);
        }
        catch (ModelRefsException ex)
        {
            Log.LogError(null, ex.Diagnostic.Id, null, ex.Diagnostic.HelpLink, BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0, "ModelRefs: {0}", ex.Message);
            return false;
        }
        var deployed = new List<ITaskItem>();
        foreach (var file in Files)
        {
            var destination = Path.GetFullPath(Path.Combine(DestinationFolder, file.GetMetadata("TargetPath")));
            try
            {
                var outcome = ModelDeployment.Deploy(file.ItemSpec, destination, mode);
                if (outcome != DeployOutcome.UpToDate)
                    Log.LogMessage(MessageImportance.Low, "ModelRefs: {0} {1} → {2}", outcome == DeployOutcome.Linked ? "linked" : "copied", file.ItemSpec, destination);
                deployed.Add(new TaskItem(destination));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var d = RestoreDiagnostics.DeployFailed;
                Log.LogError(null, d.Id, null, d.HelpLink, BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0,
                    "ModelRefs: could not deploy {0} to {1}: {2}. Check that the output folder is writable and that no running app holds the file open.",
                    file.ItemSpec, destination, ex.Message);
            }
        }
        Deployed = deployed.ToArray();
        return !Log.HasLoggedErrors;
    }
}
