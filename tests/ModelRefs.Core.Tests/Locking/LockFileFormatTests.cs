using System.Text;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Locking;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Locking;

public class LockFileFormatTests
{
    private static readonly LockedModel A = new("https://r/a.tgz#a.onnx", new string('a', 64), 10, new string('a', 64), "MIT", "npm", null);
    private static readonly LockedModel B = new("models/b.onnx", new string('b', 64), 20, new string('c', 64), null, null, "tfjs2onnx/1");

    [Fact]
    public void Serialize_SortsByHandle_FixedKeyOrder_LfAndFinalNewline()
    {
        var forward = new LockFile(new Dictionary<string, LockedModel> { ["z:model"] = A, ["b.onnx"] = B });
        var backward = new LockFile(new Dictionary<string, LockedModel> { ["b.onnx"] = B, ["z:model"] = A });
        var bytes = LockFileFormat.Serialize(forward);

        Assert.Equal(bytes, LockFileFormat.Serialize(backward));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        Assert.True(text.IndexOf("\"b.onnx\"", StringComparison.Ordinal) < text.IndexOf("\"z:model\"", StringComparison.Ordinal));
        string[] keys = ["resolved", "sha256", "size", "onnxSha256", "license", "licenseSource", "converter"];
        var positions = keys.Select(k => text.IndexOf($"\"{k}\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(positions.Order().ToArray(), positions);
    }

    [Fact]
    public void ReadWrite_RoundTrips_AndAnUnchangedWriteLeavesTheFileAlone()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("models.lock.json");
        var lockFile = new LockFile(new Dictionary<string, LockedModel> { ["a"] = A, ["b"] = B });

        Assert.True(LockFileFormat.WriteIfChanged(path, lockFile));
        var written = File.GetLastWriteTimeUtc(path);
        Thread.Sleep(20);
        Assert.False(LockFileFormat.WriteIfChanged(path, LockFileFormat.Read(path)!));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(lockFile.Models.OrderBy(m => m.Key), LockFileFormat.Read(path)!.Models.OrderBy(m => m.Key));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*" + Core.IO.AtomicFile.TempExtension));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"version": 1}""")]
    [InlineData("""{"version": 99, "models": {}}""")]
    [InlineData("""{"version": 1, "models": {"a": {"sha256": "x"}}}""")]
    public void Read_InvalidFile_IsMR0012_NamingTheFile(string content)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("models.lock.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<ModelRefsException>(() => LockFileFormat.Read(path));
        Assert.Equal("MR0012", ex.Diagnostic.Id);
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    // A merge conflict or a hand edit: the entry and the field are named.
    [InlineData("\"sha256\": \"abc\"", "the entry 'npm:p@1.0.0/m.onnx' has sha256 'abc', which is not a SHA-256 (64 hexadecimal digits).")]
    [InlineData("\"onnxSha256\": 42", "the entry 'npm:p@1.0.0/m.onnx' has no onnxSha256 (a string).")]
    [InlineData("\"size\": \"ten\"", "the entry 'npm:p@1.0.0/m.onnx' has no size (a whole number of bytes).")]
    [InlineData("\"size\": -1", "the entry 'npm:p@1.0.0/m.onnx' has no size (a whole number of bytes).")]
    [InlineData("\"resolved\": null", "the entry 'npm:p@1.0.0/m.onnx' has no resolved (a string).")]
    public void Read_AMalformedField_IsMR0012_NamingTheEntryAndTheField(string field, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("models.lock.json");
        var good = new Dictionary<string, string>
        {
            ["resolved"] = "\"https://r/p.tgz#m.onnx\"", ["sha256"] = $"\"{new string('a', 64)}\"", ["size"] = "10", ["onnxSha256"] = $"\"{new string('a', 64)}\"",
        };
        var name = field[1..field.IndexOf('"', 1)];
        good[name] = field[(field.IndexOf(':') + 2)..];
        var fields = string.Join(", ", good.Select(kv => $"\"{kv.Key}\": {kv.Value}"));
        File.WriteAllText(path, "{\"version\": 1, \"models\": {\"npm:p@1.0.0/m.onnx\": {" + fields + "}}}");

        var ex = Assert.Throws<ModelRefsException>(() => LockFileFormat.Read(path));

        Assert.Equal("MR0012", ex.Diagnostic.Id);
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void DescribeChange_SaysWhatChanged()
    {
        Assert.Null(A.DescribeChange(A));
        var change = A.DescribeChange(A with { Sha256 = new string('f', 64), License = "GPL-3.0-only" });
        Assert.Contains("SHA-256 would change", change);
        Assert.Contains("licence would change from MIT", change);
    }

    private static readonly LockedModel WithExternalData = new("models/big.onnx", new string('d', 64), 30, new string('d', 64), null, null, null)
    {
        ExternalData = new Dictionary<string, LockedFile>
        {
            ["weights/w.bin"] = new(new string('e', 64), 32),
            ["model.onnx_data"] = new(new string('f', 64), 8),
        },
    };

    [Fact]
    public void ExternalData_IsWrittenLast_SortedByLocation_AndRoundTrips()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("models.lock.json");
        var lockFile = new LockFile(new Dictionary<string, LockedModel> { ["a"] = A, ["big"] = WithExternalData });

        LockFileFormat.WriteIfChanged(path, lockFile);
        var text = File.ReadAllText(path);

        Assert.Contains("""
                  "converter": null,
                  "externalData": {
                    "model.onnx_data": {
                      "sha256": "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                      "size": 8
                    },
                    "weights/w.bin": {
                      "sha256": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                      "size": 32
                    }
                  }
            """, text);
        // A model without external data has no externalData key at all: its entry is as before.
        Assert.Equal(1, text.Split("externalData").Length - 1);
        var read = LockFileFormat.Read(path)!;
        Assert.Equal(WithExternalData, read.Find("big"));
        Assert.Empty(read.Find("a")!.ExternalData);
        Assert.False(LockFileFormat.WriteIfChanged(path, read));
    }

    [Fact]
    public void DescribeChange_NamesEveryChangedAddedAndRemovedExternalDataFile()
    {
        var changed = WithExternalData with
        {
            ExternalData = new Dictionary<string, LockedFile>
            {
                ["weights/w.bin"] = new(new string('1', 64), 32),
                ["new.bin"] = new(new string('2', 64), 4),
            },
        };

        var change = WithExternalData.DescribeChange(changed)!;

        Assert.Contains("it would no longer have the external data file 'model.onnx_data'", change);
        Assert.Contains($"its external data file 'weights/w.bin' would change from SHA-256 {new string('e', 64)} to {new string('1', 64)}", change);
        Assert.Contains("it would get the external data file 'new.bin'", change);
        Assert.Null(WithExternalData.DescribeChange(WithExternalData with { }));
    }

    [Fact]
    public void ALockSavedWithAByteOrderMark_ReadsLikeOneWithout()
    {
        using var temp = new ModelRefs.TestSupport.TempDirectory();
        var path = temp.Combine("models.lock.json");
        var entry = new LockedModel("https://example.com/m.onnx", new string('a', 64), 12, new string('a', 64), "MIT", "metadata", null);
        LockFileFormat.WriteIfChanged(path, new LockFile(new Dictionary<string, LockedModel> { ["https://example.com/m.onnx"] = entry }));
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);

        var read = LockFileFormat.Read(path);

        Assert.Equal(entry, read!.Find("https://example.com/m.onnx"));
    }
}
