namespace ModelRefs.Core.IO;

/// <summary>
/// Folders that appear complete or not at all: filled under a temp name in a <c>.tmp</c> folder
/// beside the destination (so on the same file system), then renamed into place in one step.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>The name of the temp folders beside what is being written (also the cache's own temp folders).</summary>
    public const string TempFolderName = ".tmp";

    /// <summary>Creates and returns an empty temp folder for <paramref name="destination"/>: <c>&lt;parent&gt;/.tmp/&lt;guid&gt;</c>.</summary>
    public static string CreateTempBeside(string destination)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!, TempFolderName, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        return temp;
    }

    /// <summary>
    /// Renames the filled temp folder to <paramref name="destination"/>. When the destination exists
    /// already (another writer won the race), that one is kept and false is returned; the caller then
    /// deletes its temp folder with <see cref="DeleteTemp"/>.
    /// </summary>
    public static bool MoveIntoPlace(string tempDirectory, string destination)
    {
        try
        {
            Directory.Move(tempDirectory, destination);
            return true;
        }
        catch (IOException) when (Directory.Exists(destination))
        {
            return false;
        }
    }

    /// <summary>Deletes a temp folder of <see cref="CreateTempBeside"/> if it is still there, and its <c>.tmp</c> parent when that is empty.</summary>
    public static void DeleteTemp(string tempDirectory)
    {
        ScratchDirectory.TryDeleteTree(tempDirectory);
        var parent = Path.GetDirectoryName(tempDirectory)!;
        try
        {
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
                Directory.Delete(parent);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
