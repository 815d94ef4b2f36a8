using System.Security.Cryptography;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.Npm;
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
    [InlineData("npm:@nobody/nothing@1.0.0/model.onnx", "@nobody/nothing")]
    [InlineData("npm:nothing-here@1.0.0/model.onnx", "nothing-here")]
    public async Task UnknownPackage_IsMR0005_SayingThePackageIsMissing(string include, string package)
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0005", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        Assert.Contains($"the package {package} is not on the npm registry {registry.Url}", e.Message);
        Assert.Contains("npm view", e.Message);
        Assert.DoesNotContain("version", e.Message.Replace("versions", ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVersion_IsMR0070_ListingTheNearestVersionsAndTheLatest()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        registry.AddPackage("@ricky0123/vad-web@0.0.30");
        const string include = "npm:@ricky0123/vad-web@0.0.29/dist/silero_vad_v5.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0070", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        Assert.Contains("has no version 0.0.29", e.Message);
        Assert.Contains("Nearest versions: 0.0.30, 0.0.31; latest: 0.0.31 (2 in all)", e.Message);
        Assert.Contains("npm view @ricky0123/vad-web versions", e.Message);
        // The version document, then the packument that tells which is missing.
        Assert.Equal(["GET /@ricky0123%2fvad-web/0.0.29", "GET /@ricky0123%2fvad-web"], registry.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public void NearestVersions_AreThoseJustBelowAndAbove_WithoutPrereleasesForARelease()
    {
        string[] versions = ["0.9.0", "1.0.0", "1.1.0", "1.2.0", "1.2.1", "1.3.0-beta.1", "1.3.0", "1.4.0", "2.0.0", "3.0.0"];
        Assert.Equal(["1.1.0", "1.2.0", "1.2.1", "1.3.0", "1.4.0", "2.0.0"], NpmModelSource.NearestVersions("1.2.5", versions));
        Assert.Equal(["1.1.0", "1.2.0", "1.2.1", "1.3.0-beta.1", "1.3.0", "1.4.0"], NpmModelSource.NearestVersions("1.2.9-rc.1", versions));
        Assert.Equal(["0.9.0", "1.0.0", "1.1.0"], NpmModelSource.NearestVersions("0.1.0", versions));
    }

    [Fact]
    public async Task PathNotInPackage_IsMR0071_ListingTheNearestOnnxFilesFirst()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);
        const string include = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v9.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0071", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        var listing = e.Message[e.Message.IndexOf("Its .onnx files: ", StringComparison.Ordinal)..];
        Assert.Contains("dist/silero_vad_legacy.onnx", listing);
        // v5 and v6 differ from v9 by one character: they come first.
        Assert.True(listing.IndexOf("silero_vad_v5.onnx", StringComparison.Ordinal) < listing.IndexOf("silero_vad_legacy.onnx", StringComparison.Ordinal), listing);
        Assert.True(listing.IndexOf("silero_vad_v6.onnx", StringComparison.Ordinal) < listing.IndexOf("silero_vad_legacy.onnx", StringComparison.Ordinal), listing);
    }

    [Fact]
    public async Task AJsonPathNotInPackage_ListsThePackagesTfJsGraphModels_NotItsOtherJsonOrOnnxFiles()
    {
        using var test = new SourceTestContext();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.Human);
        const string include = "npm:@vladmandic/human@3.3.6/models/movenet-lightnin.json";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(include, test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0071", e.Diagnostic.Id);
        Assert.Contains("Its TF.js graph models: models/movenet-lightning.json, ", e.Message);
        Assert.Contains("models/blazeface.json", e.Message);
        // JSON that is not a graph model (the package's list of models, package.json) is not offered.
        Assert.DoesNotContain("models/models.json", e.Message);
        Assert.DoesNotContain("package.json,", e.Message);
        Assert.DoesNotContain(".onnx", e.Message);
    }

    [Fact]
    public async Task AnOnnxPath_InAPackageOfTfJsModels_ListsTheGraphModels_WhichConvert()
    {
        using var test = new SourceTestContext();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.Human);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync("npm:@vladmandic/human@3.3.6/models/blazeface.onnx", test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0071", e.Diagnostic.Id);
        Assert.Contains("The package has no .onnx files. Its TF.js graph models (restore converts them to ONNX): models/blazeface.json, ", e.Message);
    }

    [Fact]
    public async Task AFolderOfThePackage_IsMR0071_ListingItsFiles()
    {
        using var test = new SourceTestContext();
        using var registry = StartRegistry(out _);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync("npm:@ricky0123/vad-web@0.0.31/dist", test.Context(npmRegistry: registry.Url)));

        Assert.Equal("MR0071", e.Diagnostic.Id);
        Assert.Contains("'dist' is a folder of the package", e.Message);
        Assert.Contains("dist/silero_vad_v5.onnx", e.Message);
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
