using ModelRefs.Core.Archives;
using System.Text;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using Spec = ModelRefs.TestSupport.Http.LoopbackGitHub.ZipEntrySpec;

namespace ModelRefs.Core.Tests.Archives;

public class SafeZipExtractorTests
{
    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static (TempDirectory Temp, string Zip, string Target) Setup(IEnumerable<Spec> entries)
    {
        var temp = new TempDirectory("modelrefs-zip-");
        var zip = temp.Combine("repo.zip");
        File.WriteAllBytes(zip, LoopbackGitHub.BuildZip(entries));
        return (temp, zip, temp.Combine("out", "owner_repo_sha"));
    }

    private static UnsafeArchiveException Refused(IEnumerable<Spec> entries, ArchiveLimits? limits = null)
    {
        var (temp, zip, target) = Setup(entries);
        using (temp)
        {
            var e = Assert.Throws<UnsafeArchiveException>(() => SafeZipExtractor.Extract(zip, target, limits: limits));
            // Nothing visible, nothing left behind, nothing written outside.
            Assert.False(Directory.Exists(target));
            Assert.Empty(Directory.Exists(temp.Combine("out", ".tmp")) ? Directory.GetFileSystemEntries(temp.Combine("out", ".tmp")) : []);
            Assert.False(File.Exists(temp.Combine("out", "evil.txt")));
            Assert.False(File.Exists(temp.Combine("evil.txt")));
            return e;
        }
    }

    [Fact]
    public void GitHubZipball_IsExtracted_WithoutItsTopFolder_AtomicallyAndOnce()
    {
        var (temp, zip, target) = Setup([
            new Spec("o-r-abc1234/", null),
            new Spec("o-r-abc1234/hubconf.py", Text("dependencies = []\n")),
            new Spec("o-r-abc1234/pkg/", null),
            new Spec("o-r-abc1234/pkg/./mod.py", Text("x = 1\n")),
            new Spec("o-r-abc1234/docs/readme.md", Text("# hi\n")),
        ]);
        using (temp)
        {
            Assert.Equal(3, SafeZipExtractor.Extract(zip, target));
            Assert.Equal("dependencies = []\n", File.ReadAllText(Path.Combine(target, "hubconf.py")));
            Assert.Equal("x = 1\n", File.ReadAllText(Path.Combine(target, "pkg", "mod.py")));
            Assert.True(File.Exists(Path.Combine(target, "docs", "readme.md")));
            Assert.Empty(Directory.Exists(temp.Combine("out", ".tmp")) ? Directory.GetFileSystemEntries(temp.Combine("out", ".tmp")) : []);
            // A second extraction (another process lost the race) keeps what is there.
            Assert.Equal(0, SafeZipExtractor.Extract(zip, target));
        }
    }

    [Theory]
    [InlineData("top/../../evil.txt")]
    [InlineData("top/../evil.txt")]
    [InlineData("top/sub/../../../evil.txt")]
    [InlineData("top\\..\\..\\evil.txt")]
    public void ZipSlip_IsRefused(string name)
    {
        var e = Refused([new Spec("top/hubconf.py", Text("")), new Spec(name, Text("pwned"))]);
        Assert.Contains("'..'", e.Message);
        Assert.Contains("zip slip", e.Message);
    }

    [Theory]
    [InlineData("/tmp/evil.txt")]
    [InlineData("\\evil.txt")]
    [InlineData("C:/evil.txt")]
    [InlineData("c:\\evil.txt")]
    public void AbsolutePaths_AreRefused(string name)
    {
        var e = Refused([new Spec("top/hubconf.py", Text("")), new Spec(name, Text("pwned"))]);
        Assert.Contains("outside the target folder", e.Message);
    }

    [Theory]
    [InlineData(0xA1FF, "symbolic link")]
    [InlineData(0x21B6, "character device")]
    [InlineData(0x61B6, "block device")]
    [InlineData(0x11B6, "named pipe")]
    [InlineData(0xC1B6, "socket")]
    public void LinksAndDevices_AreRefused(int mode, string kind)
    {
        var e = Refused([new Spec("top/hubconf.py", Text("")), new Spec("top/link", Text("/etc/passwd"), mode)]);
        Assert.Contains(kind, e.Message);
        Assert.Equal("top/link", e.EntryName);
    }

    [Fact]
    public void TooManyEntries_AreRefused_BeforeWritingAnything()
    {
        var entries = Enumerable.Range(0, 101).Select(i => new Spec($"top/f{i}.txt", Text("x")));
        var e = Refused(entries, new ArchiveLimits { MaxEntries = 100 });
        Assert.Contains("101 entries", e.Message);
        Assert.Contains("limit of 100", e.Message);
        Assert.Contains("raise ModelRefsArchiveMaxEntries", e.Message);
    }

    [Fact]
    public void TooManyBytes_AreRefused()
    {
        // Highly compressible: a bomb in miniature.
        var big = new byte[1 << 20];
        var e = Refused([new Spec("top/a.bin", big), new Spec("top/b.bin", big)], new ArchiveLimits { MaxTotalBytes = (1 << 20) + 10 });
        Assert.Contains("more than the limit", e.Message);
        Assert.Contains("ModelRefsArchiveMaxTotalBytes", e.Message);

        var single = Refused([new Spec("top/a.bin", big)], new ArchiveLimits { MaxEntryBytes = 1000 });
        Assert.Contains("per file", single.Message);
        Assert.Contains("ModelRefsArchiveMaxFileBytes", single.Message);
    }

    [Fact]
    public void CaseCollisions_AndDuplicates_AreRefused()
    {
        Assert.Contains("collides", Refused([new Spec("top/Model.py", Text("a")), new Spec("top/model.py", Text("b"))]).Message);
        Assert.Contains("collides", Refused([new Spec("top/a.py", Text("a")), new Spec("top/a.py", Text("b"))]).Message);
        Assert.Contains("file of the same name", Refused([new Spec("top/pkg", Text("a")), new Spec("top/PKG/x.py", Text("b"))]).Message);
    }

    [Fact]
    public void ArchivesWithoutOneTopFolder_AreRefused()
    {
        Assert.Contains("one top folder", Refused([new Spec("hubconf.py", Text(""))]).Message);
        Assert.Contains("one top folder", Refused([new Spec("a/hubconf.py", Text("")), new Spec("b/x.py", Text(""))]).Message);
    }

    [Fact]
    public void NotAZip_IsRefused()
    {
        using var temp = new TempDirectory("modelrefs-zip-");
        var path = temp.Combine("x.zip");
        File.WriteAllText(path, "<html>rate limited</html>");
        var e = Assert.Throws<UnsafeArchiveException>(() => SafeZipExtractor.Extract(path, temp.Combine("out", "t")));
        Assert.Contains("not a readable zip", e.Message);
    }
}
