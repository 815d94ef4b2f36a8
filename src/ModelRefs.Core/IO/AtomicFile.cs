using System.Text;

namespace ModelRefs.Core.IO;

/// <summary>
/// Files that appear complete or not at all: the content goes to a temp file in the same file
/// system (beside the target, or in a temp folder the caller names), is flushed to disk, and is
/// renamed into place in one step. A failed write deletes its temp file and leaves the old file as
/// it was; a reader sees the old file or the new one, never half of one. Concurrent writers of one
/// path each use their own temp file, and the last rename wins.
/// </summary>
public static class AtomicFile
{
    /// <summary>The extension of every temp file this class writes (swept by the cache's cleaner where it lives in a temp folder).</summary>
    public const string TempExtension = ".partial";

    /// <param name="durable">
    /// false for files that are derived and checked when read (cache refs, manifests, notices, the
    /// no-op record: an unreadable one is written again): no flush to disk, which costs milliseconds
    /// per file, several per model. The lock file, which users commit, stays durable.
    /// </param>
    public static void WriteAllBytes(string path, byte[] content, string? tempDirectory = null, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(content);
        Write(path, stream => stream.Write(content), tempDirectory, durable);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark (as <see cref="File.WriteAllText(string, string?)"/> does).</summary>
    public static void WriteAllText(string path, string text, string? tempDirectory = null, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8NoBom.GetBytes(text), tempDirectory, durable);
    }

    /// <summary>Lets <paramref name="write"/> fill the temp file, then renames it over <paramref name="path"/>.</summary>
    /// <param name="tempDirectory">Where the temp file goes; null: beside <paramref name="path"/>. Must be on the same file system.</param>
    public static void Write(string path, Action<Stream> write, string? tempDirectory = null, bool durable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var temp = NewTempPath(path, tempDirectory);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // Durable before it becomes visible: a crash must not leave a renamed, empty file.
                stream.Flush(flushToDisk: durable);
            }
            MoveIntoPlace(temp, path, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// A fresh temp file name for a write of <paramref name="path"/>: <c>.&lt;name&gt;.&lt;guid&gt;.partial</c> in
    /// <paramref name="tempDirectory"/> (null: the target's folder). Both folders are created.
    /// </summary>
    public static string NewTempPath(string path, string? tempDirectory = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        tempDirectory ??= directory;
        Directory.CreateDirectory(tempDirectory);
        return Path.Combine(tempDirectory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + TempExtension);
    }

    /// <summary>
    /// Renames a complete temp file to <paramref name="path"/> in one step. Without
    /// <paramref name="overwrite"/>, an existing file is kept (another writer of the same content won)
    /// and false is returned. The temp file is gone afterwards either way.
    /// </summary>
    public static bool MoveIntoPlace(string tempPath, string path, bool overwrite)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.Move(tempPath, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            TryDelete(tempPath);
        }
    }

    /// <summary>Deletes a file if it can; a file in use or already gone is left to the cleaner.</summary>
    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
}
