namespace ModelRefs.TestSupport;

/// <summary>
/// Damages a cache blob on purpose, as a failing disk or a stray program would. Blobs are
/// read-only (deployed hard links share them), so the test first gives itself write permission,
/// which root has anyway.
/// </summary>
public static class CacheDamage
{
    public static void Write(string blobPath, byte[] bytes)
    {
        MakeWritable(blobPath);
        File.WriteAllBytes(blobPath, bytes);
    }

    public static FileStream OpenForWriting(string blobPath)
    {
        MakeWritable(blobPath);
        return new FileStream(blobPath, FileMode.Open, FileAccess.ReadWrite);
    }

    private static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
            File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
        else
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
    }
}
