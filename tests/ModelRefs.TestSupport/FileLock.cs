namespace ModelRefs.TestSupport;

/// <summary>A cross-process lock on a file (test runs of several projects share fixture folders).</summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;
    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string path, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(10));
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
