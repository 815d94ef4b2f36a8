using ModelRefs.Core.Restore;

namespace ModelRefs.Tasks;

/// <summary>
/// The restore's results as lines that ModelRefs.targets reads with ReadLinesFromFile:
/// <c>kind|path|targetPath|resourceName</c>. MSBuild cannot infer a skipped task's outputs, so the
/// targets take them from this file whether the task ran or was skipped as up to date; the
/// <c>input</c> lines name local files whose change must make the task run again; the
/// <c>notices</c> line is the third-party notices file, deployed under its own name.
/// </summary>
internal static class RestoreResultsFile
{
    public static void Write(string path, RestoreResult result, RestoreRequest request)
    {
        var lines = new List<string>();
        foreach (var model in result.Models)
        {
            lines.Add($"manifest|{model.ManifestPath}||");
            lines.Add($"model|{model.OnnxPath}|{model.TargetPath}|{model.ResourceName}");
            // Files outside the cache (local models) can change under the same name.
            if (!model.OnnxPath.StartsWith(Path.GetFullPath(request.CacheRoot ?? Core.Caching.ModelCache.DefaultRoot), StringComparison.Ordinal))
                lines.Add($"input|{model.OnnxPath}||");
        }
        if (result.NoticesPath != null)
            lines.Add($"notices|{result.NoticesPath}|{Path.GetFileName(result.NoticesPath)}|");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Always written, even when unchanged: its timestamp tells MSBuild the restore is up to date.
        File.WriteAllLines(path, lines);
    }
}
