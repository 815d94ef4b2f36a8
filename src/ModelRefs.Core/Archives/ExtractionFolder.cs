using ModelRefs.Core.IO;

namespace ModelRefs.Core.Archives;

/// <summary>
/// Where an archive's checked entries are written: a temp folder beside the destination, renamed
/// into place in one step by <see cref="Commit"/> and deleted otherwise (<see cref="AtomicDirectory"/>), so that a refused archive
/// leaves nothing behind. It refuses names that collide (also by case, so the cache works on every
/// file system) and files where folders are needed. The extractors of each archive format decide
/// which entry types are allowed and call it per entry, with data their <see cref="ArchiveBudget"/>
/// checks against the limits while it is written.
/// </summary>
internal sealed class ExtractionFolder : IDisposable
{
    private readonly string _destination;
    private readonly string _temp;
    private readonly string _tempWithSeparator;
    private readonly Dictionary<string, string> _files = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _directories = new(StringComparer.OrdinalIgnoreCase);
    private int _filesWritten;

    public ExtractionFolder(string destination)
    {
        _destination = destination;
        _temp = AtomicDirectory.CreateTempBeside(destination);
        _tempWithSeparator = Path.TrimEndingDirectorySeparator(_temp) + Path.DirectorySeparatorChar;
    }

    public void AddDirectory(string entryName, string[] segments)
    {
        var relative = ClaimParents(entryName, segments, includeLast: true);
        if (_files.ContainsKey(relative))
            throw new UnsafeArchiveException(entryName, "a file of the same name (ignoring case) is in the archive too");
        Directory.CreateDirectory(Target(entryName, relative));
    }

    /// <summary>Writes a file entry from its (budget-checked) data.</summary>
    public void AddFile(string entryName, string[] segments, Stream data)
    {
        var relative = ClaimParents(entryName, segments, includeLast: false);
        if (_files.TryGetValue(relative, out var other) || _directories.Contains(relative))
            throw new UnsafeArchiveException(entryName, other is null
                ? "a folder of the same name (ignoring case) is in the archive too"
                : $"it collides with '{other}' (same name, ignoring case); one would overwrite the other");
        _files[relative] = entryName;

        var target = Target(entryName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            data.CopyTo(output, 1 << 16);
        _filesWritten++;
    }

    /// <summary>
    /// Renames the folder into place. When the destination exists already (another writer won the
    /// race), that one is kept. Returns the number of files written, 0 when the other one was kept.
    /// </summary>
    public int Commit() => AtomicDirectory.MoveIntoPlace(_temp, _destination) ? _filesWritten : 0;

    public void Dispose() => AtomicDirectory.DeleteTemp(_temp);

    /// <summary>Every parent is a folder; none may be a file. Returns the '/'-joined relative name.</summary>
    private string ClaimParents(string entryName, string[] segments, bool includeLast)
    {
        for (var i = 1; i <= segments.Length - (includeLast ? 0 : 1); i++)
        {
            var folder = string.Join('/', segments[..i]);
            if (_files.ContainsKey(folder))
                throw new UnsafeArchiveException(entryName, $"it needs a folder '{folder}' where the archive has a file of the same name (ignoring case)");
            _directories.Add(folder);
        }
        return string.Join('/', segments);
    }

    private string Target(string entryName, string relative)
    {
        var target = Path.GetFullPath(Path.Combine(_temp, relative.Replace('/', Path.DirectorySeparatorChar)));
        // Belt and braces: the name checks already keep every entry inside.
        if (!target.StartsWith(_tempWithSeparator, StringComparison.Ordinal))
            throw new UnsafeArchiveException(entryName, "the name resolves outside the target folder (path traversal)");
        return target;
    }
}
