using System.Text.Json;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>
/// <see cref="OciArtifactPusher"/> against a real registry (CNCF Distribution): the real Silero VAD
/// pushed in chunks and read back by the oci: source; a second push uploads nothing and gives the
/// same digest; another repository mounts; uploads broken mid-chunk by a proxy resume; basic auth
/// from a docker config.
/// </summary>
public sealed class OciArtifactPusherTests : IDisposable
{
    private const long Chunk = 256 * 1024;
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();
    private readonly TempDirectory _temp = new("modelrefs-push-");

    public void Dispose()
    {
        _registry.Dispose();
        _temp.Dispose();
    }

    private static Func<string, string?> NoDockerConfig => OciTestSources.NoDockerConfig;

    private string SileroFile()
    {
        var path = _temp.Combine("models", "silero_vad_v5.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
            File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), path);
        return path;
    }

    private static OciModelPackage Package(string file) => OciModelPackage.FromModelFile(file, "SileroVad", "MIT", TestSupport.LicenseTexts.Mit("Copyright (c) 2024 Silero Team"));

    private static async Task<FetchedArtifact> RestoreAsync(string handle, Func<string, string?>? environment = null)
    {
        using var test = new SourceTestContext();
        return await new OciModelSource(environment ?? NoDockerConfig).FetchAsync(ModelHandle.Parse(handle, test.Temp.Path), test.Context());
    }

    [Fact]
    public async Task APush_IsAModelPackArtifactTheSourceRestores_ARepushUploadsNothing_AndAnotherRepositoryMounts()
    {
        using var test = new SourceTestContext();
        var progress = new Recorded();
        var pusher = new OciArtifactPusher(test.Context(), NoDockerConfig) { ChunkSize = Chunk, Progress = progress };
        var target = OciArtifactPusher.ParseTarget($"oci://{_registry.Authority}/team/silero-vad:5");

        var first = await pusher.PushAsync(Package(SileroFile()), target);

        // Progress per chunk, rising to the package's size.
        Assert.True(progress.Values.Count > 2400000 / Chunk, string.Join(", ", progress.Values));
        Assert.Equal(progress.Values.Order(), progress.Values);
        Assert.Equal(first.Blobs.Sum(b => b.Size), progress.Values[^1]);

        Assert.All(first.Blobs, b => Assert.Equal(OciBlobOutcome.Uploaded, b.Outcome));
        Assert.Equal(["(config)", "LICENSE", "SileroVad.onnx"], first.Blobs.Select(b => b.What).Order(StringComparer.Ordinal));
        var restored = await RestoreAsync($"oci:{_registry.Authority}/team/silero-vad:5");
        Assert.Equal(NpmPackages.SileroVadV5Sha256, restored.Sha256);
        Assert.Equal($"oci:{_registry.Authority}/team/silero-vad@{first.Digest}#SileroVad.onnx", restored.Resolved);
        Assert.Equal("MIT", restored.License);

        // The registry's manifest is the package's bytes: a ModelPack artifact with annotated layers.
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, $"{_registry.Url}v2/team/silero-vad/manifests/5");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.SendAsync(request);
        var stored = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(first.Digest, OciTestClient.DigestOf(stored));
        using var manifest = JsonDocument.Parse(stored);
        Assert.Equal("application/vnd.cncf.model.manifest.v1+json", manifest.RootElement.GetProperty("artifactType").GetString());
        Assert.Equal("application/vnd.cncf.model.config.v1+json", manifest.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        var onnx = manifest.RootElement.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("annotations").GetProperty("org.cncf.model.filepath").GetString() == "SileroVad.onnx");
        Assert.Equal("application/vnd.cncf.model.weight.v1.raw", onnx.GetProperty("mediaType").GetString());
        Assert.Equal("SileroVad.onnx", onnx.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString());
        Assert.Equal("sha256:" + NpmPackages.SileroVadV5Sha256, onnx.GetProperty("digest").GetString());

        // Same model again, by a new pusher (a new process would be the same): same digest, no bytes sent.
        var again = await new OciArtifactPusher(test.Context(), NoDockerConfig) { ChunkSize = Chunk }.PushAsync(Package(SileroFile()), target);
        Assert.Equal(first.Digest, again.Digest);
        Assert.All(again.Blobs, b => Assert.Equal(OciBlobOutcome.Present, b.Outcome));
        Assert.Equal(0, again.BytesUploaded);

        // Another repository of the same registry: mounted from the first, not uploaded.
        var other = await pusher.PushAsync(Package(SileroFile()), OciArtifactPusher.ParseTarget($"oci://{_registry.Authority}/mirror/silero-vad:5"));
        Assert.Equal(first.Digest, other.Digest);
        Assert.All(other.Blobs, b => Assert.Equal(OciBlobOutcome.Mounted, b.Outcome));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await RestoreAsync($"oci:{_registry.Authority}/mirror/silero-vad:5")).Sha256);
    }

    [Fact]
    public async Task AnUploadBrokenMidChunk_IsContinuedInTheSameRun()
    {
        using var proxy = InterruptingProxy.Start(_registry.Port);
        proxy.DropsLeft = 1;
        proxy.DropAfterBytes = 100_000;
        using var test = new SourceTestContext();
        var pusher = new OciArtifactPusher(test.Context(), NoDockerConfig) { ChunkSize = Chunk };

        var result = await pusher.PushAsync(Package(SileroFile()), OciArtifactPusher.ParseTarget($"oci://{proxy.Authority}/team/vad:1"));

        Assert.Equal(1, proxy.Drops);
        Assert.Contains(test.Log, l => l.Contains("broke off", StringComparison.Ordinal));
        // Distribution cancels an upload whose stored size differs from the offset its upload URL
        // carries (as after half a chunk), so the pusher asks where it stands and starts it again.
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await RestoreAsync($"oci:{_registry.Authority}/team/vad@{result.Digest}")).Sha256);
    }

    [Fact]
    public async Task OnARegistryThatKeepsHalfABrokenChunk_TheUploadResumesAtTheByteItHolds()
    {
        using var registry = TestSupport.Http.LoopbackOciRegistry.Start();
        registry.BreakPatches = 1;
        using var test = new SourceTestContext();
        var package = Package(SileroFile());

        var result = await new OciArtifactPusher(test.Context(), NoDockerConfig) { ChunkSize = Chunk }.PushAsync(package, OciArtifactPusher.ParseTarget($"oci://{registry.Authority}/team/vad:1"));

        // The config (269 bytes) was the first PATCH: half of it kept, the rest sent from there.
        Assert.Contains(test.Log, l => l.Contains("broke off", StringComparison.Ordinal) && l.Contains($"resuming at byte {package.Config.Length / 2}", StringComparison.Ordinal));
        Assert.Equal(package.Config, registry.Blob(package.ConfigDigest));
        Assert.Equal(File.ReadAllBytes(SileroFile()), registry.Blob("sha256:" + NpmPackages.SileroVadV5Sha256));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await RestoreAsync($"oci:{registry.Authority}/team/vad@{result.Digest}")).Sha256);
        // The resumed PATCH started where the registry stood.
        Assert.Contains(registry.Server.Requests, r => r.Method == "PATCH" && r.Header("Content-Range") == $"{package.Config.Length / 2}-{package.Config.Length - 1}");
    }

    [Fact]
    public async Task APushThatKeepsBreaking_FailsWithMR0068_AndRunAgainSucceeds_WithoutSendingFinishedBlobsTwice()
    {
        using var proxy = InterruptingProxy.Start(_registry.Port);
        proxy.DropsLeft = int.MaxValue;
        proxy.DropAfterBytes = 300_000; // the config and the licence pass, the model breaks every time
        using var test = new SourceTestContext();
        var package = Package(SileroFile());

        var failed = await Assert.ThrowsAsync<ModelRefsException>(() =>
            new OciArtifactPusher(test.Context(), NoDockerConfig) { ChunkSize = Chunk }.PushAsync(package, OciArtifactPusher.ParseTarget($"oci://{proxy.Authority}/team/vad:1")));
        Assert.Equal("MR0068", failed.Diagnostic.Id);
        Assert.Contains("SileroVad.onnx", failed.Message);
        Assert.Contains("Run the same command again", failed.Message);
        // Nothing is tagged by a failed push.
        using var test2 = new SourceTestContext();
        var missing = await Assert.ThrowsAsync<ModelRefsException>(() => RestoreAsync($"oci:{_registry.Authority}/team/vad:1"));
        Assert.Equal("MR0060", missing.Diagnostic.Id);

        proxy.DropsLeft = 0;
        var result = await new OciArtifactPusher(test2.Context(), NoDockerConfig) { ChunkSize = Chunk }.PushAsync(package, OciArtifactPusher.ParseTarget($"oci://{proxy.Authority}/team/vad:1"));

        Assert.Equal(OciBlobOutcome.Present, result.Blobs.Single(b => b.What == "(config)").Outcome);
        Assert.Equal(OciBlobOutcome.Present, result.Blobs.Single(b => b.What == "LICENSE").Outcome);
        Assert.Equal(OciBlobOutcome.Uploaded, result.Blobs.Single(b => b.What == "SileroVad.onnx").Outcome);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await RestoreAsync($"oci:{_registry.Authority}/team/vad:1")).Sha256);
    }

    [Fact]
    public async Task BasicAuth_PushesWithTheDockerConfigsCredentials_AndWithoutThemIsMR0061()
    {
        using var secured = DistributionRegistry.Start(("push-user", "push-pass-123"));
        using var test = new SourceTestContext();
        var target = OciArtifactPusher.ParseTarget($"oci://{secured.Authority}/private/vad:1");

        var refused = await Assert.ThrowsAsync<ModelRefsException>(() =>
            new OciArtifactPusher(test.Context(), NoDockerConfig).PushAsync(Package(SileroFile()), target));
        Assert.Equal("MR0061", refused.Diagnostic.Id);
        Assert.Contains("docker login", refused.Message);

        var config = DockerConfig.Write(_temp.Combine("docker"), "{\"auths\":{\"" + secured.Authority + "\":{\"auth\":\"" + DockerConfig.Auth("push-user", "push-pass-123") + "\"}}}");
        Func<string, string?> environment = name => name == OciSettings.DockerConfigVariable ? config : null;
        var result = await new OciArtifactPusher(test.Context(), environment).PushAsync(Package(SileroFile()), target);

        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await RestoreAsync($"oci:{secured.Authority}/private/vad@{result.Digest}", environment)).Sha256);
        Assert.DoesNotContain(test.Log, l => l.Contains("push-pass", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePackage_IsReproducible_AndATargetWithoutATagIsRefused()
    {
        var file = SileroFile();
        Assert.Equal(Package(file).Digest, Package(file).Digest);
        Assert.NotEqual(Package(file).Digest, OciModelPackage.FromModelFile(file, "SileroVad", "ISC", null).Digest);

        var noTag = Assert.Throws<ModelRefsException>(() => OciArtifactPusher.ParseTarget($"oci://{_registry.Authority}/team/vad"));
        Assert.Equal("MR0001", noTag.Diagnostic.Id);
        var digest = Assert.Throws<ModelRefsException>(() => OciArtifactPusher.ParseTarget($"oci://{_registry.Authority}/team/vad@sha256:{new string('a', 64)}"));
        Assert.Equal("MR0068", digest.Diagnostic.Id);
    }

    private sealed class Recorded : IProgress<long>
    {
        public List<long> Values { get; } = [];

        public void Report(long value) => Values.Add(value);
    }
}
