using System.Formats.Tar;
using System.IO.Compression;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources.TfHub;

/// <summary>Limits against archive bombs for <see cref="SafeTarExtractor"/>. The defaults fit the largest TF Hub models with room to spare.</summary>
public sealed record TarExtractionLimits
{
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Bytes written over all entries (counted as they are written, not as the headers declare them).</summary>
    public long MaxTotalBytes { get; init; } = 8L << 30;

    public long MaxEntryBytes { get; init; } = 4L << 30;

    public static TarExtractionLimits Default { get; } = new();
}

/// <summary>
/// Extracts a tar or tar.gz (a TF Hub compressed download) without trusting it, with the rules of
/// the stock TF Hub client and then some: only regular files and folders (symbolic and hard links,
/// character and block devices, FIFOs and anything else are refused); names are normalised and
/// refused when absolute, with a drive letter, climbing out with <c>..</c>, or colliding (also by
/// case); limits on entry count, bytes per file and total bytes are counted as bytes are written.
/// Extraction goes to a temp folder beside the destination that is renamed into place in one step,
/// and is deleted on every failure: a refused archive leaves nothing behind.
/// </summary>
public static class SafeTarExtractor
{
    /// <summary>
    /// Extracts <paramref name="archivePath"/> (gzip-compressed or not: sniffed by its magic bytes)
    /// into <paramref name="destination"/>, which appears atomically and complete or not at all.
    /// When the destination already exists (another process won the race) it is kept.
    /// Throws <see cref="UnsafeArchiveException"/> for a refused or unreadable archive.
    /// </summary>
    /// <returns>The number of files written (0 when the destination already existed).</returns>
    public static int Extract(string archivePath, string destination, TarExtractionLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= TarExtractionLimits.Default;
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination))
            return 0;

        var parent = Path.GetDirectoryName(destination)!;
        var temp = Path.Combine(parent, ".tmp", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            int files;
            using (var file = File.OpenRead(archivePath))
            {
                var gzip = IsGzip(file);
                using var input = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
                files = Write(input, temp, limits, cancellationToken);
            }
            try
            {
                Directory.Move(temp, destination);
            }
            catch (IOException) when (Directory.Exists(destination))
            {
                return 0; // another writer extracted the same archive first
            }
            return files;
        }
        finally
        {
            TryDeleteDirectory(temp);
            TryDeleteEmpty(Path.Combine(parent, ".tmp"));
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.Read(magic);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static int Write(Stream input, string root, TarExtractionLimits limits, CancellationToken cancellationToken)
    {
        var rootWithSeparator = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var directories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var buffer = new byte[1 << 16];
        long total = 0;
        var entries = 0;
        var written = 0;
        try
        {
            using var reader = new TarReader(input, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                    continue; // pax metadata for the whole archive, not a file
                if (++entries > limits.MaxEntries)
                    throw new UnsafeArchiveException("", $"the archive has more than the limit of {limits.MaxEntries} entries (an archive bomb?)");

                var name = entry.Name;
                var isDirectory = entry.EntryType is TarEntryType.Directory;
                CheckType(entry, isDirectory);
                var segments = SafeZipExtractor.Segments(name);
                if (segments.Length == 0)
                    continue; // "./"
                var relative = string.Join('/', segments);

                // Every parent is a folder; none may be a file.
                for (var i = 1; i <= segments.Length - (isDirectory ? 0 : 1); i++)
                {
                    var folder = string.Join('/', segments[..i]);
                    if (files.ContainsKey(folder))
                        throw new UnsafeArchiveException(name, $"it needs a folder '{folder}' where the archive has a file of the same name (ignoring case)");
                    directories.Add(folder);
                }

                var target = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
                // Belt and braces: the name checks already keep every entry inside.
                if (!target.StartsWith(rootWithSeparator, StringComparison.Ordinal))
                    throw new UnsafeArchiveException(name, "the name resolves outside the target folder (path traversal)");
                if (isDirectory)
                {
                    if (files.ContainsKey(relative))
                        throw new UnsafeArchiveException(name, "a file of the same name (ignoring case) is in the archive too");
                    Directory.CreateDirectory(target);
                    continue;
                }

                if (files.TryGetValue(relative, out var other) || directories.Contains(relative))
                    throw new UnsafeArchiveException(name, other is null
                        ? "a folder of the same name (ignoring case) is in the archive too"
                        : $"it collides with '{other}' (same name, ignoring case); one would overwrite the other");
                files[relative] = name;
                if (entry.Length > limits.MaxEntryBytes)
                    throw new UnsafeArchiveException(name, $"it unpacks to {entry.Length} bytes, more than the limit of {limits.MaxEntryBytes} per file");
                if (total + entry.Length > limits.MaxTotalBytes)
                    throw new UnsafeArchiveException("", $"the archive unpacks to more than the limit of {limits.MaxTotalBytes} bytes (an archive bomb?)");

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    if (entry.DataStream is { } data)
                    {
                        long entryBytes = 0;
                        int read;
                        while ((read = data.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            entryBytes += read;
                            total += read;
                            if (entryBytes > limits.MaxEntryBytes)
                                throw new UnsafeArchiveException(name, $"it unpacks to more than the limit of {limits.MaxEntryBytes} bytes per file");
                            if (total > limits.MaxTotalBytes)
                                throw new UnsafeArchiveException("", $"the archive unpacks to more than the limit of {limits.MaxTotalBytes} bytes (an archive bomb?)");
                            output.Write(buffer, 0, read);
                        }
                    }
                }
                written++;
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new UnsafeArchiveException("", $"the file is not a readable tar archive ({e.Message})", e);
        }
        return written;
    }

    private static void CheckType(TarEntry entry, bool isDirectory)
    {
        if (isDirectory || entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            return;
        var kind = entry.EntryType switch
        {
            TarEntryType.SymbolicLink => $"a symbolic link (to '{entry.LinkName}'), which could point outside the target folder",
            TarEntryType.HardLink => $"a hard link (to '{entry.LinkName}'), which could point outside the target folder",
            TarEntryType.CharacterDevice => "a character device file",
            TarEntryType.BlockDevice => "a block device file",
            TarEntryType.Fifo => "a named pipe (FIFO)",
            _ => $"of tar type '{entry.EntryType}', not a regular file or folder",
        };
        throw new UnsafeArchiveException(entry.Name, "the entry is " + kind + "; only regular files and folders are extracted");
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteEmpty(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                Directory.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
