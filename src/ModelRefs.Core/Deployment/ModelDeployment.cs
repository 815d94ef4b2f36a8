using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;
using ModelRefs.Core.Restore;

namespace ModelRefs.Core.Deployment;

/// <summary>How model files get from the cache into the build output (<c>ModelRefsDeploy</c>).</summary>
public enum DeployMode
{
    /// <summary>A hard link to the read-only cache blob where the file system allows it, else a copy.</summary>
    Link,

    /// <summary>Always a full, writable copy.</summary>
    Copy,
}

/// <summary>What <see cref="ModelDeployment.Deploy"/> did.</summary>
public enum DeployOutcome
{
    UpToDate,
    Linked,
    Copied,
}

/// <summary>
/// Puts a restored model file at its place in the output folder. A cache blob is read-only, so a
/// hard link to it costs no bytes and no time whatever the model's size, and an app that tries to
/// write its deployed model fails (permission denied) instead of changing the cache; a copy (another
/// volume, a file system without links, <c>ModelRefsDeploy=copy</c>, publish) is the app's own,
/// writable file. Either way the file gets the source's timestamp, so MSBuild's own copy of the
/// same <c>None</c> item finds it up to date and skips it.
/// </summary>
public static class ModelDeployment
{
    /// <summary>The mode a <c>ModelRefsDeploy</c> value names; blank is <see cref="DeployMode.Link"/>; MR0014 for anything else.</summary>
    public static DeployMode ParseMode(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "link" or "hardlink" => DeployMode.Link,
        "copy" => DeployMode.Copy,
        _ => throw new ModelRefsException(RestoreDiagnostics.InvalidProperty,
            $"{RestoreSettings.Deploy.Property}='{text}' is neither 'link' (hard link to the read-only cache blob where possible, the default) nor 'copy' (a full copy). Fix or remove it in the project."),
    };

    public static DeployOutcome Deploy(string source, string destination, DeployMode mode)
    {
        var from = new FileInfo(source);
        var to = new FileInfo(destination);
        var link = mode == DeployMode.Link && FileLinks.IsReadOnly(source);
        if (to.Exists && to.Length == from.Length && to.LastWriteTimeUtc == from.LastWriteTimeUtc
            // A link shares the blob's read-only permission: copy mode replaces it by a writable copy.
            // (Link mode keeps a copy made when no link was possible, rather than copying on every build.)
            && (mode == DeployMode.Link || !FileLinks.IsReadOnly(destination)))
            return DeployOutcome.UpToDate;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        if (to.Exists)
            Remove(destination, source);
        if (link && FileLinks.TryCreateHardLink(source, destination))
            return DeployOutcome.Linked;

        var temp = AtomicFile.NewTempPath(destination);
        try
        {
            File.Copy(source, temp);
            FileLinks.MakeWritable(temp);
            File.SetLastWriteTimeUtc(temp, from.LastWriteTimeUtc);
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
        return DeployOutcome.Copied;
    }

    private static void Remove(string destination, string source)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows refuses to delete a read-only file; a link shares its attribute with the blob,
            // which is made read-only again right after.
            FileLinks.MakeWritable(destination);
            File.Delete(destination);
            if (File.Exists(source))
                FileLinks.MakeReadOnly(source);
            return;
        }
        File.Delete(destination);
    }
}
