using System.Security.Cryptography;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.Npm;

public class NpmModelSourceTests
{
    private const string Silero = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx";
    private const string SileroLegacy = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx";
    private const string SileroLegacySha256 = "a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28";

    private static LoopbackNpmRegistry StartRegistry(out LoopbackNpmPackage package)
    {
        var registry = LoopbackNpmRegistry.Start();
        package = registry.AddPackage(NpmPackages.SileroVad);
        return registry;
    }

    [Fact]
    public async Task FetchesTheRealSileroModel_VerifiedAndLicensed()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);

        var artifact = await test.FetchAsync(Silero, test.Context(sha256: NpmPackages.SileroVadV5Sha256, npmRegistry: registry.Url));

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal(test.Cache.GetBlobPath(NpmPackages.SileroVadV5Sha256), artifact.Path);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(artifact.Path))).ToLowerInvariant());
        Assert.Equal(2_327_524, new FileInfo(artifact.Path).Length);
        Assert.Equal("ISC", artifact.License);
        Assert.NotNull(artifact.LicenseSource);
        Assert.Equal(package.TarballUrl + "#dist/silero_vad_v5.onnx", artifact.Resolved);
        // The verified tarball is kept as a blob too.
        Assert.NotNull(test.Cache.TryGetBlob(Convert.ToHexString(SHA256.HashData(package.Tarball)).ToLowerInvariant()));
        Assert.Equal(
            ["GET /@ricky0123%2fvad-web/0.0.31", "GET /@ricky0123/vad-web/-/vad-web-0.0.31.tgz"],
            registry.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task SecondFetch_MakesNoRequests_EvenForAnotherFileOfThePackage()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        var first = await test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url));
        registry.ClearRequests();

        var second = await test.FetchAsync(Silero, test.Context(sha256: NpmPackages.SileroVadV5Sha256, npmRegistry: registry.Url));
        var legacy = await test.FetchAsync(SileroLegacy, test.Context(npmRegistry: registry.Url));

        Assert.Equal(0, registry.RequestCount);
        Assert.Equal(first, second);
        Assert.Equal(SileroLegacySha256, legacy.Sha256);
        Assert.Equal("ISC", legacy.License);
    }

    [Fact]
    public async Task Offline_WithCache_Works_WithoutCache_IsMR0010()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(offline: true, npmRegistry: registry.Url)));
        Assert.Equal("MR0010", e.Diagnostic.Id);
        Assert.Contains(Silero, e.Message);
        Assert.Contains("without ModelRefsOffline", e.Message);
        Assert.Equal(0, registry.RequestCount);

        await test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url));
        registry.ClearRequests();
        var offline = await test.FetchAsync(Silero, test.Context(offline: true, npmRegistry: registry.Url));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, offline.Sha256);
        Assert.Equal(0, registry.RequestCount);
    }

    [Fact]
    public async Task WrongIntegrity_IsMR0006_AndCachesNothing()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        package.WrongIntegrity = true;

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0006", e.Diagnostic.Id);
        Assert.Contains(Silero, e.Message);
        Assert.Contains(package.Integrity, e.Message);
        Assert.Contains("nothing was cached", e.Message);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task CorruptedTarball_IsMR0006_AndCachesNothing()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        package.CorruptTarball = true;

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0006", e.Diagnostic.Id);
        Assert.Empty(test.CacheFiles());

        // Once the registry serves the right bytes again, restore recovers.
        package.CorruptTarball = false;
        var artifact = await test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
    }

    [Fact]
    public async Task WithoutIntegrity_FallsBackToShasum()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        package.OmitIntegrity = true;
        var artifact = await test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
    }

    [Fact]
    public async Task WrongShasum_IsMR0006()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        package.OmitIntegrity = true;
        package.WrongIntegrity = true;
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));
        Assert.Equal("MR0006", e.Diagnostic.Id);
        Assert.Contains("shasum", e.Message);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task NoHashesAtAll_IsRefused_MR0006()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        package.OmitAllHashes = true;
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));
        Assert.Equal("MR0006", e.Diagnostic.Id);
        Assert.Single(registry.Requests);
    }

    [Theory]
    [InlineData("npm:@ricky0123/vad-web@9.9.9/dist/silero_vad_v5.onnx")]
    [InlineData("npm:@nobody/nothing@1.0.0/model.onnx")]
    [InlineData("npm:nothing-here@1.0.0/model.onnx")]
    public async Task UnknownPackageOrVersion_IsMR0005(string include)
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0005", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        Assert.Contains(registry.Url, e.Message);
        Assert.Contains("npm view", e.Message);
    }

    [Fact]
    public async Task PathNotInPackage_IsMR0005_ListingTheOnnxFiles()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        const string include = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v9.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0005", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        Assert.Contains("dist/silero_vad_v5.onnx", e.Message);
        Assert.Contains("dist/silero_vad_v6.onnx", e.Message);
        Assert.Contains("dist/silero_vad_legacy.onnx", e.Message);
    }

    [Fact]
    public async Task ExtractedFileHashMismatch_IsMR0004_NothingCachedForIt()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        var wrong = new string('e', 64);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(sha256: wrong, npmRegistry: registry.Url)));

        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Contains(wrong, e.Message);
        Assert.Contains(NpmPackages.SileroVadV5Sha256, e.Message);
        Assert.Null(test.Cache.TryGetBlob(NpmPackages.SileroVadV5Sha256));
        Assert.DoesNotContain(test.CacheFiles(), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegistryDown_IsMR0003()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        registry.Server.Intercept = _ => LoopbackResponse.Status(503);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("HTTP 503", e.Message);
    }

    [Fact]
    public async Task TarballDroppedMidway_IsMR0003_AndLeavesNoTempFile()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out var package);
        registry.Server.Intercept = r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)
            ? new LoopbackResponse { Body = package.Tarball, DropAfterBodyBytes = 100_000 }
            : null;

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Empty(test.CacheFiles());
    }

    [Fact]
    public async Task RegistryCredentials_NeverReachMessagesOrLogs()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        var withCredentials = registry.Url.Replace("http://", "http://user:hunter2@", StringComparison.Ordinal);
        registry.Server.Intercept = _ => LoopbackResponse.Status(404);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(Silero, test.Context(npmRegistry: withCredentials)));

        Assert.DoesNotContain("hunter2", e.Message);
        Assert.DoesNotContain(test.Log, l => l.Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("package/dist/a.onnx", "dist/a.onnx")]
    [InlineData("./package/dist/a.onnx", "dist/a.onnx")]
    [InlineData("other-top/a.onnx", "a.onnx")]
    [InlineData("package/../../etc/passwd", null)]
    [InlineData("/etc/passwd", null)]
    [InlineData("package", null)]
    public void EntryNames_AreMappedSafely(string entryName, string? expected) =>
        Assert.Equal(expected, ModelRefs.Core.Sources.Npm.NpmModelSource.PathInPackage(entryName));
}
