using System.Formats.Tar;
using ModelRefs.Core.Archives;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Archives;

public class TarArchiveTests
{
    private static byte[] Sample(bool gzip) => SafeTarExtractorTests.Tar(tar =>
    {
        tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "whole archive" }));
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "package/"));
        SafeTarExtractorTests.File(tar, "package/model.onnx", "onnx");
        tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "package/link") { LinkName = "model.onnx" });
    }, gzip);

    private static string Write(TempDirectory temp, byte[] bytes)
    {
        var path = temp.Combine("archive.tar");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Detect_ReadsGzippedAndPlainTar_AndSkipsGlobalHeaders(bool gzip)
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Sample(gzip));

        var entries = TarArchive.Entries(path, TarCompression.Detect, ArchiveLimits.Default)
            .Select(e => (e.Name, Regular: e.IsRegularFile, Data: new StreamReader(e.DataStream).ReadToEnd()))
            .ToArray();

        Assert.Equal([("package/", false, ""), ("package/model.onnx", true, "onnx"), ("package/link", false, "")], entries);
    }

    [Fact]
    public void Gzip_RefusesATarThatIsNotCompressed()
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Sample(gzip: false));

        var e = Assert.Throws<UnsafeArchiveException>(() => TarArchive.Entries(path, TarCompression.Gzip, ArchiveLimits.Default).ToArray());
        Assert.IsType<InvalidDataException>(e.InnerException);
        Assert.Contains("not a readable tar archive", e.Message);
    }

    [Fact]
    public void Cancellation_StopsBetweenEntries()
    {
        using var temp = new TempDirectory();
        var path = Write(temp, Sample(gzip: true));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => TarArchive.Entries(path, TarCompression.Gzip, ArchiveLimits.Default, cancelled.Token).ToArray());
    }
}
