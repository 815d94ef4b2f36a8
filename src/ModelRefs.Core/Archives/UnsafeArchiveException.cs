namespace ModelRefs.Core.Archives;

/// <summary>An archive entry that could land outside the target, is not a plain file or folder, or breaks a limit.</summary>
public sealed class UnsafeArchiveException : Exception
{
    public UnsafeArchiveException(string entryName, string reason, Exception? inner = null)
        : base(entryName.Length == 0 ? reason : $"entry '{Printable(entryName)}': {reason}", inner)
    {
        EntryName = entryName;
        Reason = reason;
    }

    /// <summary>The entry as the archive names it ("" for problems with the whole archive).</summary>
    public string EntryName { get; }

    public string Reason { get; }

    private static string Printable(string name) =>
        new(name.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());
}
