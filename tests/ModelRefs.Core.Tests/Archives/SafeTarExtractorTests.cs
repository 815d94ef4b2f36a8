using ModelRefs.Core.Archives;
using System.Formats.Tar;
using System.IO.Compression;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Archives;

public class SafeTarExtractorTests
{
    internal static byte[] Tar(Action<TarWriter> write, bool gzip = true)
    {
        using var output = new MemoryStream();
        using (Stream target = gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : new NonClosing(output))
        using (var tar = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
            write(tar);
        return output.ToArray();
    }

    internal static void File(TarWriter tar, string name, string content = "x") =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) });

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private static (TempDirectory Temp, string Archive, string Destination) Setup(byte[] archive)
    {
        var temp = new TempDirectory();
        var path = temp.Combine("archive.tar.gz");
        System.IO.File.WriteAllBytes(path, archive);
        return (temp, path, temp.Combine("out", "model"));
    }

    [Fact]
    public void PlainArchive_IsExtracted_AtomicallyIntoPlace()
    {
        var archive = Tar(tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./"));
            File(tar, "./saved_model.pb", "pb");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "variables/"));
            File(tar, "variables/variables.index", "idx");
        });
        var (temp, path, destination) = Setup(archive);
        using (temp)
        {
            Assert.Equal(2, SafeTarExtractor.Extract(path, destination));
            Assert.Equal("pb", System.IO.File.ReadAllText(Path.Combine(destination, "saved_model.pb")));
            Assert.Equal("idx", System.IO.File.ReadAllText(Path.Combine(destination, "variables", "variables.index")));
            Assert.Equal([destination], Directory.GetDirectories(Path.GetDirectoryName(destination)!));
            Assert.Equal(0, SafeTarExtractor.Extract(path, destination)); // already there: kept
        }
    }

    [Fact]
    public void UncompressedTar_IsExtractedToo()
    {
        var (temp, path, destination) = Setup(Tar(tar => File(tar, "model.json", "{}"), gzip: false));
        using (temp)
            Assert.Equal(1, SafeTarExtractor.Extract(path, destination));
    }

    public static TheoryData<string, string> Attacks() => new()
    {
        { "parent", "climbs out" },
        { "absolute", "absolute path" },
        { "symlink", "symbolic link" },
        { "hardlink", "hard link" },
        { "chardevice", "character device" },
        { "blockdevice", "block device" },
        { "fifo", "named pipe" },
        { "casecollision", "collides" },
        { "toomany", "more than the limit of 10 entries" },
        { "toolarge", "more than the limit of 1000 bytes" },
        { "entrytoolarge", "more than the limit of 500 bytes per file" },
        { "notatar", "not a readable tar archive" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Attacks_AreRefused_AndLeaveNothingBehind(string attack, string expected)
    {
        var archive = attack == "notatar" ? new byte[] { 0x1F, 0x8B, 1, 2, 3 } : Tar(tar =>
        {
            File(tar, "model.json", "{}"); // a good entry first: it must not survive the refusal
            switch (attack)
            {
                case "parent": File(tar, "variables/../../evil.txt"); break;
                case "absolute": File(tar, "/tmp/evil.txt"); break;
                case "symlink": tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" }); break;
                case "hardlink": tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "/etc/passwd" }); break;
                case "chardevice": tar.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 }); break;
                case "blockdevice": tar.WriteEntry(new PaxTarEntry(TarEntryType.BlockDevice, "sda") { DeviceMajor = 8, DeviceMinor = 0 }); break;
                case "fifo": tar.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, "pipe")); break;
                case "casecollision": File(tar, "MODEL.json"); break;
                case "toomany": for (var i = 0; i < 20; i++) File(tar, $"shard{i}.bin"); break;
                case "toolarge": for (var i = 0; i < 3; i++) File(tar, $"shard{i}.bin", new string('w', 400)); break;
                case "entrytoolarge": File(tar, "big.bin", new string('w', 600)); break;
            }
        });
        var (temp, path, destination) = Setup(archive);
        using (temp)
        {
            var limits = new ArchiveLimits { MaxEntries = 10, MaxTotalBytes = 1000, MaxEntryBytes = 500 };
            var e = Assert.Throws<UnsafeArchiveException>(() => SafeTarExtractor.Extract(path, destination, limits));
            Assert.Contains(expected, e.Message);
            Assert.False(Directory.Exists(destination));
            var parent = Path.GetDirectoryName(destination)!;
            Assert.Empty(Directory.Exists(parent) ? Directory.GetFileSystemEntries(parent, "*", SearchOption.AllDirectories) : []);
            Assert.False(System.IO.File.Exists(temp.Combine("evil.txt")));
            Assert.False(System.IO.File.Exists("/tmp/evil.txt") && System.IO.File.GetLastWriteTimeUtc("/tmp/evil.txt") > DateTime.UtcNow.AddMinutes(-1));
        }
    }
}
