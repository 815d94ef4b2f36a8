using System.Text;
using System.Text.Json;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>
/// Other clients and ModelRefs read each other's artifacts through a real registry: skopeo copies
/// an OCI image layout (written here per the image-layout spec) into the registry and the oci:
/// source restores it; skopeo reads what <see cref="OciArtifactPusher"/> pushed.
/// </summary>
public sealed class OciInteropTests : IDisposable
{
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();
    private readonly TempDirectory _temp = new("modelrefs-oci-interop-");

    public void Dispose()
    {
        _registry.Dispose();
        _temp.Dispose();
    }

    private static Func<string, string?> NoDockerConfig => OciTestSources.NoDockerConfig;

    private static ProcessResult Skopeo(params string[] arguments)
    {
        var result = ProcessRunner.Run("skopeo", arguments, Path.GetTempPath(), TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"skopeo {string.Join(' ', arguments)}:\n{result.Output}");
        return result;
    }

    /// <summary>An OCI image layout: <c>oci-layout</c>, <c>index.json</c> naming the manifest by tag, every blob under <c>blobs/sha256/</c>.</summary>
    private static void WriteLayout(string folder, string tag, byte[] manifest, params byte[][] blobs)
    {
        Directory.CreateDirectory(Path.Combine(folder, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(folder, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        foreach (var blob in blobs.Append(manifest))
            File.WriteAllBytes(Path.Combine(folder, "blobs", "sha256", OciTestClient.DigestOf(blob)[7..]), blob);
        File.WriteAllText(Path.Combine(folder, "index.json"), JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.index.v1+json",
            manifests = new[]
            {
                new Dictionary<string, object>
                {
                    ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                    ["digest"] = OciTestClient.DigestOf(manifest),
                    ["size"] = manifest.Length,
                    ["annotations"] = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag },
                },
            },
        }));
    }

    [Fact]
    public async Task AModelPackArtifact_SkopeoCopiedFromAnOciLayout_Restores()
    {
        var silero = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        var config = Encoding.UTF8.GetBytes("{\"descriptor\":{\"name\":\"silero-vad\",\"licenses\":[\"MIT\"]},\"config\":{\"format\":\"onnx\"},\"modelfs\":{\"type\":\"layers\",\"diffIds\":[\"" + OciTestClient.DigestOf(silero) + "\"]}}");
        var manifest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["artifactType"] = "application/vnd.cncf.model.manifest.v1+json",
            ["config"] = new { mediaType = "application/vnd.cncf.model.config.v1+json", digest = OciTestClient.DigestOf(config), size = config.Length },
            ["layers"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["mediaType"] = "application/vnd.cncf.model.weight.v1.raw",
                    ["digest"] = OciTestClient.DigestOf(silero),
                    ["size"] = silero.Length,
                    ["annotations"] = new Dictionary<string, string> { ["org.cncf.model.filepath"] = "vad/silero_vad.onnx" },
                },
            },
        }));
        var layout = _temp.Combine("layout");
        WriteLayout(layout, "5.1", manifest, config, silero);

        Skopeo("copy", "--dest-tls-verify=false", $"oci:{layout}:5.1", $"docker://{_registry.Authority}/other/silero-vad:5.1");

        using var test = new SourceTestContext();
        var fetched = await new OciModelSource(NoDockerConfig).FetchAsync(ModelHandle.Parse($"oci:{_registry.Authority}/other/silero-vad:5.1", test.Temp.Path), test.Context());
        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        Assert.Equal("MIT", fetched.License);
        // skopeo copied the manifest byte for byte: its digest is the layout's.
        Assert.Equal($"oci:{_registry.Authority}/other/silero-vad@{OciTestClient.DigestOf(manifest)}#vad/silero_vad.onnx", fetched.Resolved);
    }

    [Fact]
    public async Task WhatModelRefsPushed_SkopeoInspectsRaw_AsThePushedManifest()
    {
        var file = _temp.Combine("silero_vad.onnx");
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), file);
        using var test = new SourceTestContext();
        var result = await new OciArtifactPusher(test.Context(), NoDockerConfig).PushAsync(
            OciModelPackage.FromModelFile(file, "SileroVad", "MIT", null), OciArtifactPusher.ParseTarget($"oci://{_registry.Authority}/team/vad:1"));

        var raw = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Authority}/team/vad:1").Output.Trim();

        Assert.Equal(result.Digest, OciTestClient.DigestOf(Encoding.UTF8.GetBytes(raw)));
        using var json = JsonDocument.Parse(raw);
        Assert.Equal("application/vnd.cncf.model.manifest.v1+json", json.RootElement.GetProperty("artifactType").GetString());
        Assert.Equal("MIT", json.RootElement.GetProperty("annotations").GetProperty("org.opencontainers.image.licenses").GetString());
    }
}
