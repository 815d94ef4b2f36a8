using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>oci: models through the whole restore, against a real registry (CNCF Distribution) that another client filled.</summary>
public sealed class OciRegistryRestoreTests : IDisposable
{
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();
    private readonly OciTestClient _client;

    public OciRegistryRestoreTests() => _client = new OciTestClient(_registry.Url);

    public void Dispose()
    {
        _client.Dispose();
        _registry.Dispose();
    }

    internal static byte[] SileroV5 => File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
    internal static byte[] SileroLegacy => File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath));

    private static Task<RestoreResult> RestoreAsync(RestoreFixture f, RestoreRequest request, params ModelReference[] items) =>
        OciTestSources.Restorer(f).RestoreAsync(items, request);

    [Fact]
    public async Task ATag_IsLockedAsItsManifestDigest_AndAMovedTagChangesNothingUntilTheLockEntryGoes()
    {
        using var f = new RestoreFixture();
        var first = await _client.PushModelPackAsync("models/silero-vad", "5", [TestLayer.Raw("silero_vad.onnx", SileroV5)], ["MIT"]);
        var handle = $"oci:{_registry.Authority}/models/silero-vad:5";
        var item = RestoreFixture.Item(handle, ("Name", "SileroVad"));

        var result = await RestoreAsync(f, f.Request(), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var entry = LockFileFormat.Read(f.LockPath)!.Find(handle)!;
        Assert.Equal(NpmPackages.SileroVadV5Sha256, entry.Sha256);
        Assert.Equal($"oci:{_registry.Authority}/models/silero-vad@{first}#silero_vad.onnx", entry.Resolved);
        Assert.Equal("MIT", entry.License);
        Assert.Equal(OciModelSource.LicenseSourceName, entry.LicenseSource);
        var lockText = File.ReadAllText(f.LockPath);

        // The tag moves to other content; a fresh machine restores the locked digest, in locked mode.
        var moved = await _client.PushModelPackAsync("models/silero-vad", "5", [TestLayer.Raw("silero_vad.onnx", SileroLegacy)], ["MIT"]);
        Assert.NotEqual(first, moved);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        Directory.Delete(f.CacheRoot, recursive: true);
        var locked = await RestoreAsync(f, f.Request(lockedMode: true), item);
        Assert.True(locked.Succeeded, string.Join("\n", locked.Problems));
        Assert.Equal(lockText, File.ReadAllText(f.LockPath));

        // Updating (removing the entry) takes the tag's new manifest.
        File.Delete(f.LockPath);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        var updated = await RestoreAsync(f, f.Request(), item);
        Assert.True(updated.Succeeded, string.Join("\n", updated.Problems));
        Assert.Equal($"oci:{_registry.Authority}/models/silero-vad@{moved}#silero_vad.onnx", LockFileFormat.Read(f.LockPath)!.Find(handle)!.Resolved);
    }

    [Fact]
    public async Task ADigestHandle_RestoresThatManifest_AndAnUnknownOneIsMR0060()
    {
        using var f = new RestoreFixture();
        var digest = await _client.PushModelPackAsync("models/vad", "v5", [TestLayer.Raw("vad.onnx", SileroV5)]);

        var byDigest = $"oci:{_registry.Authority}/models/vad@{digest}";
        var result = await RestoreAsync(f, f.Request(), RestoreFixture.Item(byDigest, ("Name", "Vad")));
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, LockFileFormat.Read(f.LockPath)!.Find(byDigest)!.Sha256);

        var unknown = "sha256:" + new string('0', 64);
        var missing = await RestoreAsync(f, f.Request(), RestoreFixture.Item($"oci:{_registry.Authority}/models/vad@{unknown}", ("Name", "Vad")));
        var problem = Assert.Single(missing.Problems);
        Assert.Equal("MR0060", problem.Diagnostic.Id);
        Assert.Contains(unknown, problem.Message);
    }

    [Fact]
    public async Task AMultiFileArtifact_NeedsFile_AndFilePicksIt()
    {
        using var f = new RestoreFixture();
        await _client.PushModelPackAsync("models/silero", "all", [TestLayer.Raw("v5/silero.onnx", SileroV5), TestLayer.Raw("legacy/silero.onnx", SileroLegacy)]);
        var handle = $"oci:{_registry.Authority}/models/silero:all";

        var ambiguous = await RestoreAsync(f, f.Request(), RestoreFixture.Item(handle, ("Name", "Silero")));
        var problem = Assert.Single(ambiguous.Problems);
        Assert.Equal("MR0064", problem.Diagnostic.Id);
        Assert.Contains("legacy/silero.onnx", problem.Message);
        Assert.Contains("v5/silero.onnx", problem.Message);

        var picked = await RestoreAsync(f, f.Request(), RestoreFixture.Item(handle, ("Name", "Silero"), ("File", "legacy/silero.onnx")));
        Assert.True(picked.Succeeded, string.Join("\n", picked.Problems));
        Assert.EndsWith("#legacy/silero.onnx", LockFileFormat.Read(f.LockPath)!.Find(handle)!.Resolved);
        Assert.Equal(OciTestClient.DigestOf(SileroLegacy), "sha256:" + LockFileFormat.Read(f.LockPath)!.Find(handle)!.Sha256);

        var absent = await RestoreAsync(f, f.Request(), RestoreFixture.Item(handle, ("Name", "Silero"), ("File", "nope.onnx")));
        Assert.Equal("MR0063", Assert.Single(absent.Problems).Diagnostic.Id);
    }

    [Fact]
    public async Task AKitOpsModelKit_WithATarGzipLayer_RestoresItsOnnxFile_WithTheKitfileLicence()
    {
        using var f = new RestoreFixture();
        var layer = TestLayer.Tar("application/vnd.kitops.modelkit.model.v1.tar+gzip", gzip: true, filepathAnnotation: null,
            ("model/silero.onnx", SileroV5), ("model/README.md", "vad"u8.ToArray()));
        var config = System.Text.Encoding.UTF8.GetBytes("""{"manifestVersion":"1.0","package":{"name":"vad","license":"Apache-2.0"},"model":{"path":"model/silero.onnx"}}""");
        await _client.PushArtifactAsync("kits/vad", "1", config, "application/vnd.kitops.modelkit.config.v1+json", [layer]);
        var handle = $"oci:{_registry.Authority}/kits/vad:1";

        var result = await RestoreAsync(f, f.Request(), RestoreFixture.Item(handle, ("Name", "Vad")));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var entry = LockFileFormat.Read(f.LockPath)!.Find(handle)!;
        Assert.Equal(NpmPackages.SileroVadV5Sha256, entry.Sha256);
        Assert.EndsWith("#model/silero.onnx", entry.Resolved);
        Assert.Equal("Apache-2.0", entry.License);
    }

    [Fact]
    public async Task AContainerImage_IsMR0062_SayingWhatItIs()
    {
        using var f = new RestoreFixture();
        var layer = TestLayer.Tar("application/vnd.oci.image.layer.v1.tar+gzip", gzip: true, filepathAnnotation: null, ("bin/app", [1, 2, 3]));
        await _client.PushArtifactAsync("apps/web", "1", "{}"u8.ToArray(), "application/vnd.oci.image.config.v1+json", [layer]);

        var result = await RestoreAsync(f, f.Request(), RestoreFixture.Item($"oci:{_registry.Authority}/apps/web:1", ("Name", "Web")));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0062", problem.Diagnostic.Id);
        Assert.Contains("application/vnd.oci.image.config.v1+json", problem.Message);
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+gzip", problem.Message);
    }

    [Fact]
    public async Task APlainArtifact_WithATitledLayer_Restores_WithTheManifestLicenceAnnotation()
    {
        using var f = new RestoreFixture();
        var layer = new TestLayer(SileroV5, "application/vnd.onnx", new Dictionary<string, string> { ["org.opencontainers.image.title"] = "silero.onnx" });
        await _client.PushArtifactAsync("plain/vad", "1", "{}"u8.ToArray(), "application/vnd.oci.empty.v1+json", [layer],
            artifactType: "application/vnd.example.model", annotations: new Dictionary<string, string> { ["org.opencontainers.image.licenses"] = "MIT" });

        var result = await RestoreAsync(f, f.Request(), RestoreFixture.Item($"oci:{_registry.Authority}/plain/vad:1", ("Name", "Vad")));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("MIT", LockFileFormat.Read(f.LockPath)!.Find($"oci:{_registry.Authority}/plain/vad:1")!.License);
    }

    [Fact]
    public async Task BasicAuth_UsesTheDockerConfigsAuthsEntry_AndWithoutOneIsMR0061()
    {
        using var secured = DistributionRegistry.Start(("ci-user", "s3cret-pass"));
        using var client = new OciTestClient(secured.Url, ("ci-user", "s3cret-pass"));
        await client.PushModelPackAsync("private/vad", "1", [TestLayer.Raw("vad.onnx", SileroV5)]);
        using var test = new SourceTestContext();
        var handle = ModelHandle.Parse($"oci:{secured.Authority}/private/vad:1", test.Temp.Path);

        var anonymous = await Assert.ThrowsAsync<Diagnostics.ModelRefsException>(() =>
            new OciModelSource(Environment(test.Temp.Combine("no-config"))).FetchAsync(handle, test.Context()));
        Assert.Equal("MR0061", anonymous.Diagnostic.Id);
        Assert.Contains("docker login", anonymous.Message);

        var config = DockerConfig.Write(test.Temp.Combine("docker"), "{\"auths\":{\"" + secured.Authority + "\":{\"auth\":\"" + DockerConfig.Auth("ci-user", "s3cret-pass") + "\"}}}");
        var fetched = await new OciModelSource(Environment(config)).FetchAsync(handle, test.Context());
        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        Assert.DoesNotContain(test.Log, l => l.Contains("s3cret", StringComparison.Ordinal));

        var wrong = DockerConfig.Write(test.Temp.Combine("docker-wrong"), "{\"auths\":{\"http://" + secured.Authority + "\":{\"auth\":\"" + DockerConfig.Auth("ci-user", "wrong-pass") + "\"}}}");
        using var fresh = new SourceTestContext();
        var refused = await Assert.ThrowsAsync<Diagnostics.ModelRefsException>(() =>
            new OciModelSource(Environment(wrong)).FetchAsync(handle, fresh.Context()));
        Assert.Equal("MR0061", refused.Diagnostic.Id);
        Assert.Contains("auths", refused.Message);
        Assert.DoesNotContain("wrong-pass", refused.Message);
        Assert.Empty(fresh.CacheFiles());
    }

    [Fact]
    public async Task ACredentialHelper_IsAskedWithTheRegistryOnStdin()
    {
        using var secured = DistributionRegistry.Start(("helper-user", "helper-pass"));
        using var client = new OciTestClient(secured.Url, ("helper-user", "helper-pass"));
        await client.PushModelPackAsync("private/vad", "1", [TestLayer.Raw("vad.onnx", SileroV5)]);
        using var test = new SourceTestContext();
        var bin = Directory.CreateDirectory(test.Temp.Combine("bin")).FullName;
        var asked = test.Temp.Combine("asked.txt");
        var helper = Path.Combine(bin, "docker-credential-modelrefs-test");
        File.WriteAllText(helper, $"#!/bin/sh\n[ \"$1\" = get ] || exit 3\ncat > '{asked}'\necho '{{\"ServerURL\":\"{secured.Authority}\",\"Username\":\"helper-user\",\"Secret\":\"helper-pass\"}}'\n");
        if (!OperatingSystem.IsWindows()) // the helper is a POSIX shell script
            File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = DockerConfig.Write(test.Temp.Combine("docker"), "{\"auths\":{},\"credHelpers\":{\"" + secured.Authority + "\":\"modelrefs-test\"}}");

        var fetched = await new OciModelSource(Environment(config, bin)).FetchAsync(
            ModelHandle.Parse($"oci:{secured.Authority}/private/vad:1", test.Temp.Path), test.Context());

        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        Assert.Equal(secured.Authority, File.ReadAllText(asked));
    }

    private static Func<string, string?> Environment(string dockerConfig, string? path = null) => name => name switch
    {
        OciSettings.DockerConfigVariable => dockerConfig,
        "PATH" => path is null ? "/usr/bin:/bin" : path + ":/usr/bin:/bin",
        _ => null,
    };
}

/// <summary>A container tools' config.json for tests.</summary>
internal static class DockerConfig
{
    public static string Write(string folder, string json)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), json);
        return folder;
    }

    public static string Auth(string user, string password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + password));
}
