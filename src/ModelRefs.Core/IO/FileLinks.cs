using System.Runtime.InteropServices;

namespace ModelRefs.Core.IO;

/// <summary>Hard links and read-only files, the two things deploying from the cache without a copy needs.</summary>
public static class FileLinks
{
    /// <summary>
    /// Makes <paramref name="link"/> a second name of <paramref name="existing"/> (same file, no bytes
    /// copied). False when the platform or file system cannot (another volume, FAT, no permission);
    /// the caller copies instead.
    /// </summary>
    public static bool TryCreateHardLink(string existing, string link)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(link, existing, IntPtr.Zero)
                : OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
                    ? UnixLink(existing, link) == 0
                    : false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Removes every write permission (Unix) or sets the read-only attribute (Windows).</summary>
    public static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        else
        {
            var mode = File.GetUnixFileMode(path);
            var readOnly = mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
            if (readOnly != mode)
                File.SetUnixFileMode(path, readOnly);
        }
    }

    /// <summary>Gives the owner write permission back (a copy of a read-only blob is the app's own file).</summary>
    public static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
            File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
        else
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
    }

    /// <summary>Whether nobody may write the file by its permissions (root still can on Unix).</summary>
    public static bool IsReadOnly(string path) => OperatingSystem.IsWindows()
        ? File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
        : (File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int UnixLink([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);

    [DllImport("kernel32.dll", EntryPoint = "CreateHardLinkW", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string link, string existing, IntPtr securityAttributes);
}
