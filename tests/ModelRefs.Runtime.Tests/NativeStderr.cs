using System.Runtime.InteropServices;

namespace ModelRefs.Runtime.Tests;

/// <summary>
/// What native code (ONNX Runtime's logger) writes to file descriptor 2 while an action runs:
/// Console.SetError cannot see it, so the descriptor itself is pointed at a file for the time.
/// </summary>
internal static partial class NativeStderr
{
    private static readonly object Gate = new();

    public static string Capture(Action action)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            throw new PlatformNotSupportedException("fd redirection is written for Unix; the runtime tests run on Linux.");
        string path = Path.Combine(Path.GetTempPath(), "modelrefs-stderr-" + Guid.NewGuid().ToString("N") + ".txt");
        lock (Gate)
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                int saved = Dup(2);
                Assert.True(saved >= 0, "dup(2) failed");
                try
                {
                    Assert.True(Dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2) >= 0, "dup2 failed");
                    action();
                }
                finally
                {
                    Dup2(saved, 2);
                    Close(saved);
                }
            }

            string text = File.ReadAllText(path);
            File.Delete(path);
            return text;
        }
    }

    [LibraryImport("libc", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2")]
    private static partial int Dup2(int fd, int fd2);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
