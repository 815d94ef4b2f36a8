using System.IO.Compression;
using System.Text;
using ModelRefs.Core.Pickles;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Pickles;

public class PickleImportScannerTests
{
    private static string Zip(TempDirectory temp, byte[] pickle, string entry = "archive/data.pkl")
    {
        var path = temp.Combine("weights.pt");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var stream = zip.CreateEntry(entry).Open())
            stream.Write(pickle);
        using (var data = zip.CreateEntry("archive/data/0").Open())
            data.Write(new byte[64]); // tensor bytes are never read
        return path;
    }

    private static byte[] ShortUnicode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [0x8c, (byte)bytes.Length, .. bytes];
    }

    [Fact]
    public void Global_OutsideTheSafeSet_IsUnsafe()
    {
        using var temp = new TempDirectory();
        // PROTO 2; GLOBAL os.system; 'echo'; TUPLE1; REDUCE; STOP
        byte[] pickle = [0x80, 2, .. "cos\nsystem\n"u8, (byte)'X', 4, 0, 0, 0, .. "echo"u8, 0x85, (byte)'R', (byte)'.'];
        var scan = PickleImportScanner.Scan(Zip(temp, pickle));

        Assert.Null(scan.Problem);
        Assert.False(scan.IsSafe);
        var import = Assert.Single(scan.Unsafe);
        Assert.Equal(("os", "system", "archive/data.pkl"), (import.Module, import.Name, import.Entry));
    }

    [Fact]
    public void StackGlobal_ReadsModuleAndName_FromTheStackAndTheMemo()
    {
        using var temp = new TempDirectory();
        // Protocol 4: FRAME; "builtins" MEMOIZE; "eval" MEMOIZE; STACK_GLOBAL; then the same
        // module again through BINGET 0 with "exec": two unsafe imports.
        byte[] pickle =
        [
            0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0,
            .. ShortUnicode("builtins"), 0x94, .. ShortUnicode("eval"), 0x94, 0x93,
            (byte)'h', 0, .. ShortUnicode("exec"), 0x93,
            .. ShortUnicode("collections"), .. ShortUnicode("OrderedDict"), 0x93,
            (byte)')', (byte)'R', (byte)'.',
        ];
        var scan = PickleImportScanner.Scan(Zip(temp, pickle));

        Assert.Null(scan.Problem);
        Assert.Equal(["builtins.eval", "builtins.exec"], scan.Unsafe.Select(i => i.ToString()));
        Assert.Contains(scan.Imports, i => i.ToString() == "collections.OrderedDict");
    }

    [Fact]
    public void LegacyFormat_SeveralPicklesThenStorageBytes_IsRead()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("legacy.pth");
        byte[] magic = [0x80, 2, (byte)'K', 7, (byte)'.'];
        byte[] data = [0x80, 2, .. "ctorch._utils\n_rebuild_tensor_v2\n"u8, (byte)')', (byte)'R', (byte)'.'];
        byte[] evil = [0x80, 2, .. "csubprocess\nPopen\n"u8, (byte)')', (byte)'R', (byte)'.'];
        File.WriteAllBytes(path, [.. magic, .. data, .. evil, 1, 2, 3, 4]);

        var scan = PickleImportScanner.Scan(path);

        Assert.Null(scan.Problem);
        Assert.Equal(["torch._utils._rebuild_tensor_v2", "subprocess.Popen"], scan.Imports.Select(i => i.ToString()));
        Assert.Equal(["subprocess.Popen"], scan.Unsafe.Select(i => i.ToString()));
    }

    [Fact]
    public void NotAPickle_IsAProblem_NeverSafe()
    {
        using var temp = new TempDirectory();
        var text = temp.Combine("notes.pt");
        File.WriteAllText(text, "just text");
        var truncated = Zip(temp, [0x80, 2, (byte)'c', (byte)'o', (byte)'s']);

        Assert.False(PickleImportScanner.Scan(text).IsSafe);
        Assert.NotNull(PickleImportScanner.Scan(text).Problem);
        Assert.Contains("data.pkl", PickleImportScanner.Scan(truncated).Problem);
    }

    [Theory]
    [InlineData("collections", "OrderedDict", true)]
    [InlineData("torch._utils", "_rebuild_tensor_v2", true)]
    [InlineData("torch", "FloatStorage", true)]
    [InlineData("torch", "load", false)]
    [InlineData("os", "system", false)]
    [InlineData("builtins", "getattr", false)]
    public void SafeSet(string module, string name, bool safe) => Assert.Equal(safe, PickleImportScanner.IsSafe(module, name));
}
