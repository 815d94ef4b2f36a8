using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Caching;

public class CacheLayoutTests
{
    private const string Sha = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    [Fact]
    public void ThePathsAreThoseOfExistingCaches()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        var layout = cache.Layout;
        var key = "https|https://example.com/model.onnx";

        Assert.Equal(Path.Combine(temp.Path, "blobs", "sha256", "ab", Sha), layout.BlobPath(Sha.ToUpperInvariant()));
        Assert.Equal(Path.Combine(temp.Path, "blobs", "sha256", ".tmp"), layout.BlobTempDirectory);
        Assert.Equal(Path.Combine(temp.Path, "refs", Hash(key)[..2], Hash(key) + ".json"), layout.RefPath(key));
        Assert.Equal(Path.Combine(temp.Path, "refs", ".tmp"), layout.RefTempDirectory);
        Assert.Equal(Path.Combine(temp.Path, "locks", Hash(key) + ".lock"), layout.LockPath(key));
        Assert.Equal(Path.Combine(temp.Path, "locks", Hash(key) + ".owner"), CacheLayout.LockOwnerPath(layout.LockPath(key)));
        Assert.Equal(Path.Combine(temp.Path, "conversions", ".tmp"), Path.GetDirectoryName(layout.NewConversionWorkDirectory()));
        Assert.StartsWith("npm-", Path.GetFileName(layout.NewConversionWorkDirectory("npm-")), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(temp.Path, "tfhub"), TfHubModelSource.Root(cache));

        var torchhub = new TorchHubCacheFolders(cache);
        Assert.Equal(Path.Combine(temp.Path, "torchhub"), torchhub.Root);
        Assert.Equal(Path.Combine(temp.Path, "torchhub", "pytorch_vision_" + Sha[..40]), torchhub.Repo("PyTorch", "Vision", Sha[..40]));
        Assert.Equal(Path.Combine(temp.Path, "torchhub", "refs", Hash(key) + ".json"), torchhub.RefIndexFile(key));
        Assert.Equal(Path.Combine(temp.Path, "torchhub", "exporter", Sha, "torch_export.py"), torchhub.ExporterScript(Sha));
        Assert.Equal(Path.Combine(temp.Path, "torchhub", "torch-home"), torchhub.TorchHome);
        Assert.Equal(Path.Combine(temp.Path, "torchhub", ".tmp"), Path.GetDirectoryName(torchhub.NewExportWorkDirectory()));
    }

    [Fact]
    public void EveryPathItNames_IsUnderTheRoot()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Combine("cache"));
        var layout = cache.Layout;
        var torchhub = new TorchHubCacheFolders(cache);
        string[] paths =
        [
            layout.BlobsDirectory, layout.BlobPath(Sha), layout.BlobTempDirectory, layout.NewBlobTempPath(),
            layout.RefsDirectory, layout.RefPath("k"), layout.RefTempDirectory,
            layout.LocksDirectory, layout.LockPath("k"), CacheLayout.LockOwnerPath(layout.LockPath("k")),
            layout.NewConversionWorkDirectory(), layout.SourceFolder("somehub"),
            torchhub.Root, torchhub.Repo("o", "r", Sha[..40]), torchhub.RefIndexFile("k"), torchhub.ExporterScript(Sha),
            torchhub.TorchHome, torchhub.NewExportWorkDirectory(), TfHubModelSource.Root(cache),
        ];
        var root = layout.Root + Path.DirectorySeparatorChar;
        Assert.All(paths, p => Assert.StartsWith(root, Path.GetFullPath(p), StringComparison.Ordinal));
        Assert.Equal(paths.Length, paths.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal([layout.BlobTempDirectory, layout.RefTempDirectory], layout.TemporaryFileDirectories);
    }

    [Fact]
    public void TheCacheUsesTheLayoutsPaths()
    {
        using var temp = new TempDirectory();
        var cache = new ModelCache(temp.Path);
        cache.SetRef(new CacheRef("some|key", Sha));

        Assert.True(File.Exists(cache.Layout.RefPath("some|key")));
        Assert.Equal(cache.Layout.BlobPath(Sha), cache.GetBlobPath(Sha));
        Assert.Equal(cache.Layout.LockPath("some|key"), cache.GetLockPath("some|key"));
        Assert.Equal(cache.Root, cache.Layout.Root);
        Assert.Empty(Directory.GetFiles(cache.Layout.RefTempDirectory));
    }

    [Fact]
    public void TemporaryWorkFolders_AreFreshEachTime()
    {
        var layout = new CacheLayout(Path.GetTempPath());
        Assert.NotEqual(layout.NewConversionWorkDirectory(), layout.NewConversionWorkDirectory());
        Assert.NotEqual(layout.NewBlobTempPath(), layout.NewBlobTempPath());
    }

    [Theory]
    [InlineData("blobs")]
    [InlineData("refs")]
    [InlineData("Locks")]
    [InlineData("conversions")]
    [InlineData(".tmp")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void ASourceCannotTakeTheLayoutsOwnFolders_OrLeaveTheRoot(string name)
    {
        var layout = new CacheLayout(Path.GetTempPath());
        Assert.ThrowsAny<ArgumentException>(() => layout.SourceFolder(name));
    }

    [Fact]
    public void TheRootIsAFullPath()
    {
        var layout = new CacheLayout(Path.Combine("relative", "cache"));
        Assert.True(Path.IsPathFullyQualified(layout.Root));
        Assert.Equal(Path.GetFullPath(Path.Combine("relative", "cache")), layout.Root);
    }
}
