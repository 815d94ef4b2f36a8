namespace ModelRefs.Core.Archives;

/// <summary>Archive entry names made safe: relative segments that cannot leave the target folder.</summary>
public static class ArchiveEntryNames
{
    /// <summary>The entry's name as safe relative segments; refuses anything that could leave the target.</summary>
    public static string[] Segments(string name)
    {
        if (name.Length == 0)
            throw new UnsafeArchiveException(name, "the entry has an empty name");
        if (name.Any(c => c == '\0' || char.IsControl(c)))
            throw new UnsafeArchiveException(name, "the name holds control characters");
        var normalised = name.Replace('\\', '/');
        if (normalised.StartsWith('/'))
            throw new UnsafeArchiveException(name, "the name is an absolute path, which would be written outside the target folder (path traversal)");
        // "C:" or "C:/…" only: "a:b" is a name with a colon, refused below for what it is.
        if (normalised.Length >= 2 && char.IsAsciiLetter(normalised[0]) && normalised[1] == ':' && (normalised.Length == 2 || normalised[2] == '/'))
            throw new UnsafeArchiveException(name, "the name starts with a drive letter, which would be written outside the target folder (path traversal)");
        var segments = normalised.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Any(s => s == ".."))
            throw new UnsafeArchiveException(name, "the name climbs out with '..', which would be written outside the target folder (zip slip)");
        if (segments.Any(s => s.Contains(':') || s.TrimEnd('.', ' ').Length == 0))
            throw new UnsafeArchiveException(name, "a name segment holds ':' or only dots and spaces, which file systems read as something else");
        return segments;
    }
}
