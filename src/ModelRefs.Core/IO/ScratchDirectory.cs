namespace ModelRefs.Core.IO;

/// <summary>
/// A work folder (an export's or a conversion's inputs and outputs) that is deleted on every way
/// out: create it with <c>using var work = new ScratchDirectory(path)</c>. Nothing in it is ever
/// renamed into place; what is kept is copied into the cache as blobs.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => TryDeleteTree(Path);

    /// <summary>Deletes a folder tree if it can; one in use (Windows) is left to be deleted later.</summary>
    internal static void TryDeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
