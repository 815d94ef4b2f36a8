using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ModelRefs.Core.Archives;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Archives;

/// <summary>
/// Archives cut short, of kinds .NET does not read, with lying directories, and bombs: every one
/// fails with <see cref="UnsafeArchiveException"/> and leaves nothing behind; and thousands of
/// mutated archives give nothing else.
/// </summary>
public sealed class ArchiveFaultTests
{
    private static readonly byte[] Model = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7919 >> 3)).ToArray();

    private static byte[] Tar(params (string Name, byte[] Data)[] files)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, data) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return buffer.ToArray();
    }

    /// <summary>A ustar archive: one 512-byte header per entry, then its data in 512-byte blocks.</summary>
    private static byte[] UstarTar(params (string Name, byte[] Data)[] files)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
            foreach (var (name, data) in files)
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return buffer.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Data)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(data);
            }
        return buffer.ToArray();
    }

    private static string Write(TempDirectory temp, byte[] bytes, string name = "archive")
    {
        var path = temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Reads every entry's data to the end, as a caller that wants one file of a package does.</summary>
    private static long ReadAll(string path, TarCompression compression, ArchiveLimits? limits = null)
    {
        long total = 0;
        foreach (var entry in TarArchive.Entries(path, compression, limits ?? ArchiveLimits.Default))
        {
            var buffer = new byte[8192];
            int read;
            while ((read = entry.DataStream.Read(buffer)) > 0)
                total += read;
        }
        return total;
    }

    [Fact]
    public void AGzipStreamThatEndsEarly_FailsOnTheEntryItCuts()
    {
        using var temp = new TempDirectory();
        var whole = Gzip(Tar(("package/m.onnx", Model)));
        var path = Write(temp, whole[..(whole.Length / 2)]);

        var e = Assert.Throws<UnsafeArchiveException>(() => ReadAll(path, TarCompression.Gzip));
        Assert.Equal("package/m.onnx", e.EntryName);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("of its 300000 bytes", e.Message);
    }

    [Fact]
    public void ACompleteGzipAroundACutTar_FailsOnTheEntryItCuts()
    {
        using var temp = new TempDirectory();
        var tar = Tar(("package/m.onnx", Model));
        var path = Write(temp, Gzip(tar[..150_000]));

        var e = Assert.Throws<UnsafeArchiveException>(() => ReadAll(path, TarCompression.Gzip));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ATarCutBetweenEntries_IsNotAReadableArchive()
    {
        using var temp = new TempDirectory();
        var tar = UstarTar(("a.bin", new byte[1024]), ("b.bin", new byte[1024]));
        // The first entry whole (header + data), the next header cut in half: no end-of-archive marker.
        var path = Write(temp, Gzip(tar[..(512 + 1024 + 256)]));

        var e = Assert.Throws<UnsafeArchiveException>(() => ReadAll(path, TarCompression.Detect));
        Assert.Contains("not a readable tar archive, or it is cut short", e.Message);
    }

    [Fact]
    public void AGnuSparseEntry_IsRefused_NotACrash()
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Gzip(GnuSparseTar()));

        var e = Assert.Throws<UnsafeArchiveException>(() => ReadAll(path, TarCompression.Gzip));
        Assert.Contains("only regular files and folders", e.Message);
        var destination = temp.Combine("out");
        Assert.Throws<UnsafeArchiveException>(() => SafeTarExtractor.Extract(path, destination));
        Assert.False(Directory.Exists(destination));
    }

    /// <summary>A GNU tar header with type 'S' (an old-style sparse file), as <c>tar --format=gnu -S</c> writes.</summary>
    internal static byte[] GnuSparseTar()
    {
        var header = new byte[512];
        void Put(int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Put(0, "sparse.bin");
        Put(100, "0000644\0");
        Put(108, "0001750\0");
        Put(116, "0001750\0");
        Put(124, "00000000000\0"); // size stored: no data blocks
        Put(136, "14667466465\0");
        header[156] = (byte)'S';
        Put(257, "ustar  \0");
        Put(483, "00004000000\0"); // real size: 1 MiB
        for (var i = 148; i < 156; i++)
            header[i] = (byte)' ';
        var sum = header.Sum(b => b);
        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return [.. header, .. new byte[1024]];
    }

    [Fact]
    public void AZipWhoseEndRecordCountsOtherEntries_IsRefused_NotACrash()
    {
        using var temp = new TempDirectory();
        var zip = Zip(("top/a.txt", "a"u8.ToArray()), ("top/b.txt", "b"u8.ToArray()));
        // The end-of-central-directory record: entries on this disk (offset 8) and in all (offset 10).
        var end = zip.Length - 22;
        Assert.Equal(0x06054b50, BitConverter.ToInt32(zip, end));
        zip[end + 8] = 3;
        zip[end + 10] = 3;
        var path = Write(temp, zip);
        var destination = temp.Combine("out");

        var e = Assert.Throws<UnsafeArchiveException>(() => SafeZipExtractor.Extract(path, destination));
        Assert.Contains("not a readable zip archive", e.Message);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public void AZipEntryThatUnpacksToMoreThanItDeclares_NeverWritesMoreThanDeclared()
    {
        using var temp = new TempDirectory();
        var zip = Zip(("top/a.bin", new byte[100_000]));
        // Lower the uncompressed size in the local header (offset 22) and the central directory (offset 24).
        var local = 0;
        var central = FindSignature(zip, 0x02014b50);
        BitConverter.GetBytes(1000).CopyTo(zip, local + 22);
        BitConverter.GetBytes(1000).CopyTo(zip, central + 24);
        var path = Write(temp, zip);

        // .NET's zip reader stops at the declared size (and the budget would refuse a byte more):
        // the data beyond it never reaches the disk, refused or not.
        var destination = temp.Combine("out");
        try
        {
            SafeZipExtractor.Extract(path, destination, stripTopFolder: true);
            Assert.True(new FileInfo(Path.Combine(destination, "a.bin")).Length <= 1000);
        }
        catch (UnsafeArchiveException)
        {
            Assert.False(Directory.Exists(destination));
        }
    }

    private static int FindSignature(byte[] bytes, int signature)
    {
        for (var i = 0; i + 4 <= bytes.Length; i++)
            if (BitConverter.ToInt32(bytes, i) == signature)
                return i;
        throw new InvalidOperationException("signature not found");
    }

    [Fact]
    public void ABombOverTheExpansionRatio_IsRefusedWhileStreaming_NamingTheProperty()
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Gzip(Tar(("package/zeros.bin", new byte[8 << 20]))));
        var limits = new ArchiveLimits { RatioGraceBytes = 1 << 20, MaxExpansionRatio = 50 };

        var e = Assert.Throws<UnsafeArchiveException>(() => ReadAll(path, TarCompression.Gzip, limits));
        Assert.Contains("limit of 50 bytes per compressed byte", e.Message);
        Assert.Contains("ModelRefsArchiveMaxExpansionRatio", e.Message);
        Assert.Equal(8L << 20, ReadAll(path, TarCompression.Gzip)); // within the default ratio's grace
    }

    [Fact]
    public void TheSettings_SetTheLimits_AndMalformedValuesNameTheProperty()
    {
        var settings = new Configuration.SettingValues
        {
            [ArchiveSettings.MaxEntries] = "12",
            [ArchiveSettings.MaxFileBytes] = "3MB",
            [ArchiveSettings.MaxTotalBytes] = "20 GB",
            [ArchiveSettings.MaxExpansionRatio] = "500",
        };
        var limits = ArchiveSettings.Limits(settings);
        Assert.Equal(new ArchiveLimits { MaxEntries = 12, MaxEntryBytes = 3L << 20, MaxTotalBytes = 20L << 30, MaxExpansionRatio = 500 }, limits);
        Assert.Equal(ArchiveLimits.Default, ArchiveSettings.Limits(Configuration.SettingValues.Default));

        var e = Assert.Throws<Diagnostics.ModelRefsException>(() => ArchiveSettings.Limits(new Configuration.SettingValues { [ArchiveSettings.MaxFileBytes] = "lots" }));
        Assert.Equal("MR0014", e.Diagnostic.Id);
        Assert.Contains("ModelRefsArchiveMaxFileBytes='lots'", e.Message);
    }

    // Mutation fuzzing: whatever the bytes, a reader answers or refuses with UnsafeArchiveException.
    private const int MutantsPerReader = 4_000;

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0: // a few random bytes
                for (var f = random.Next(1, 6); f > 0; f--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 1: // cut short
                return bytes[..random.Next(bytes.Length)];
            case 2: // a run of bytes set to one value (headers zeroed or filled)
                var start = random.Next(bytes.Length);
                Array.Fill(bytes, (byte)(random.Next(2) == 0 ? 0 : 0xFF), start, Math.Min(bytes.Length - start, random.Next(1, 64)));
                return bytes;
            default: // one bit flipped in a length-like field
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
        }
    }

    private static void Fuzz(byte[] original, int seed, Action<string> read)
    {
        using var temp = new TempDirectory();
        var random = new Random(seed);
        var refused = 0;
        for (var i = 0; i < MutantsPerReader; i++)
        {
            var path = Write(temp, Mutate(original, random), "mutant-" + (i % 16));
            try
            {
                read(path);
            }
            catch (UnsafeArchiveException)
            {
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {i} (seed {seed}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.True(refused > MutantsPerReader / 10, $"only {refused} of {MutantsPerReader} mutants were refused");
    }

    private static readonly ArchiveLimits FuzzLimits = new() { MaxEntries = 64, MaxEntryBytes = 1 << 20, MaxTotalBytes = 4 << 20 };

    [Fact]
    public void MutatedNpmTarballs_AreReadOrRefused_NeverAnythingElse()
    {
        var tarball = Gzip(Tar(("package/package.json", "{\"name\":\"x\"}"u8.ToArray()), ("package/dist/m.onnx", Model[..20_000]), ("package/README.md", "# x"u8.ToArray())));
        Fuzz(tarball, 1, path => ReadAll(path, TarCompression.Gzip, FuzzLimits));
    }

    [Fact]
    public void MutatedTfHubArchives_AreExtractedOrRefused_NeverAnythingElse()
    {
        var archive = Tar(("saved_model.pb", Model[..4_000]), ("variables/variables.index", Model[..500]), ("variables/variables.data-00000-of-00001", Model[..8_000]));
        using var temp = new TempDirectory();
        var n = 0;
        Fuzz(archive, 2, path =>
        {
            var destination = temp.Combine("out" + n++);
            SafeTarExtractor.Extract(path, destination, FuzzLimits);
            Directory.Delete(destination, recursive: true);
        });
    }

    [Fact]
    public void MutatedZipballs_AreExtractedOrRefused_NeverAnythingElse()
    {
        var zipball = Zip(("o-r-1/", []), ("o-r-1/hubconf.py", "dependencies = []\ndef m():\n    pass\n"u8.ToArray()), ("o-r-1/models/net.py", Model[..6_000]));
        using var temp = new TempDirectory();
        var n = 0;
        Fuzz(zipball, 3, path =>
        {
            var destination = temp.Combine("out" + n++);
            SafeZipExtractor.Extract(path, destination, stripTopFolder: true, FuzzLimits);
            Directory.Delete(destination, recursive: true);
        });
    }

    [Theory]
    [InlineData("C:/Windows/evil.dll", "drive letter")]
    [InlineData("C:", "drive letter")]
    [InlineData("a:b/model.json", "holds ':'")]
    [InlineData("movenet:v2/model.json", "holds ':'")]
    public void EntryNamesWithAColon_AreRefusedForWhatTheyAre(string name, string reason)
    {
        var e = Assert.Throws<UnsafeArchiveException>(() => ArchiveEntryNames.Segments(name));
        Assert.Contains(reason, e.Message);
    }
}
