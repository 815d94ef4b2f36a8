using System.Security;
using System.Text;
using System.Text.Json;
using ModelRefs.Cli.Tests.Infrastructure;
using ModelRefs.EndToEnd.Tests;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using ModelRefs.TestSupport.Oci;
using ModelRefs.TestSupport.TorchHub;

namespace ModelRefs.Cli.Tests;

/// <summary>
/// <c>modelref push</c>, <c>mirror</c> and <c>outdated</c> for OCI, with the installed tool against
/// real registries (CNCF Distribution, one with htpasswd), and consumers built with the packed package.
/// </summary>
[Collection(PackedToolCollection.Name)]
public sealed class OciCommandsTests(PackedTool tool)
{
    private static readonly Dictionary<string, string?> NoDockerConfig = new() { ["DOCKER_CONFIG"] = "/nonexistent-docker-config" };

    private static ProcessResult Skopeo(params string[] arguments)
    {
        var result = ProcessRunner.Run("skopeo", arguments, Path.GetTempPath(), TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"skopeo {string.Join(' ', arguments)}:\n{result.Output}");
        return result;
    }

    /// <summary>An app named Consumer (its models are Consumer.Models.*) that runs Silero over a WAV file.</summary>
    private string WriteSileroApp(TempDirectory dir, string item, string properties = "")
    {
        File.WriteAllText(dir.Combine("nuget.config"), tool.NuGetConfig);
        var project = dir.Combine("Consumer", "Consumer.csproj");
        Consumer.Write(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <ModelRefsHome>{SecurityElement.Escape(dir.Combine("modelrefs-home"))}</ModelRefsHome>
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelRefs" Version="{tool.Version}" />
              </ItemGroup>
              <ItemGroup>
            {item}
              </ItemGroup>
            </Project>
            """);
        Consumer.Write(dir.Combine("Consumer", "Program.cs"), SileroProgram.Source);
        return project;
    }

    [Fact]
    public void Push_ARealModel_IsRestoredByAFreshConsumerThatRunsIt_RepushedToTheSameDigestWithoutUploads_AndReadBySkopeo()
    {
        using var registry = DistributionRegistry.Start();
        using var dir = new TempDirectory("modelrefs-cli-push-");
        var model = dir.Combine("silero_vad_v5.onnx");
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), model);
        var licence = dir.Combine("LICENSE");
        File.WriteAllText(licence, LicenseTexts.Mit("Copyright (c) 2024 Silero Team"));
        var target = $"oci://{registry.Authority}/team/silero-vad:5";

        var push = Modelref.Run(tool, dir.Path, NoDockerConfig, "push", model, target, "--name", "SileroVad", "--license", "MIT", "--license-file", licence,
            "--chunk-size", "512K", "--format", "json");

        Assert.True(push.ExitCode == 0, push.ToString());
        var digest = (string)push.Json["digest"]!;
        Assert.All(push.Json["blobs"]!.AsArray(), b => Assert.Equal("uploaded", (string?)b!["outcome"]));

        var again = Modelref.Run(tool, dir.Path, NoDockerConfig, "push", model, target, "--name", "SileroVad", "--license", "MIT", "--license-file", licence);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Manifest digest:\n  " + digest + "\n", again.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("Uploaded 0 B in 0 blob(s); 3 of 3 were already in the registry.", again.Stdout);

        var raw = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{registry.Authority}/team/silero-vad:5").Output.Trim();
        Assert.Equal(digest, OciTestClient.DigestOf(Encoding.UTF8.GetBytes(raw)));
        using (var manifest = JsonDocument.Parse(raw))
        {
            Assert.Equal("application/vnd.cncf.model.manifest.v1+json", manifest.RootElement.GetProperty("artifactType").GetString());
            Assert.Equal(["LICENSE", "SileroVad.onnx"], manifest.RootElement.GetProperty("layers").EnumerateArray()
                .Select(l => l.GetProperty("annotations").GetProperty("org.cncf.model.filepath").GetString()!));
        }

        // A fresh consumer restores it with oci: through the packed package and runs it.
        using var app = new TempDirectory("modelrefs-cli-push-app-");
        var project = WriteSileroApp(app, $"""<ModelReference Include="oci:{registry.Authority}/team/silero-vad:5" Name="SileroVad" />""");
        var build = DotNet.Run(app.Path, TimeSpan.FromMinutes(10), "build", project, "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains($"oci:{registry.Authority}/team/silero-vad@{digest}#SileroVad.onnx", File.ReadAllText(app.Combine("Consumer", "models.lock.json")));
        var run = DotNet.Run(app.Path, TimeSpan.FromMinutes(5), "run", "--project", project, "-c", "Release", "--no-build", "--", RepoPaths.SpeechWav);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, SileroProgram.Value(run.Output, "sha256"));
        Assert.Equal("MIT", SileroProgram.Value(run.Output, "license"));
        Assert.True(SileroProgram.Number(run.Output, "speech-mean") > 0.6, run.Output);

        // The project's model by its Name, with its lock entry's provenance.
        var byName = Modelref.Run(tool, app.Path, NoDockerConfig, "push", "SileroVad", $"oci://{registry.Authority}/team/republished:1", "--project", project, "--format", "json");
        Assert.True(byName.ExitCode == 0, byName.ToString());
        var republished = Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{registry.Authority}/team/republished:1").Output.Trim();
        using var annotations = JsonDocument.Parse(republished);
        var a = annotations.RootElement.GetProperty("annotations");
        Assert.Equal($"oci:{registry.Authority}/team/silero-vad:5", a.GetProperty("org.modelrefs.source").GetString());
        Assert.Equal($"oci:{registry.Authority}/team/silero-vad@{digest}#SileroVad.onnx", a.GetProperty("org.modelrefs.resolved").GetString());
        Assert.Equal(NpmPackages.SileroVadV5Sha256, a.GetProperty("org.modelrefs.upstream.sha256").GetString());

        // Not a file and not a model of the project: exit 3; not an OCI target: exit 2.
        Assert.Equal(3, Modelref.Run(tool, app.Path, NoDockerConfig, "push", "NoSuchModel", target, "--project", project).ExitCode);
        Assert.Equal(2, Modelref.Run(tool, dir.Path, NoDockerConfig, "push", model, "https://example.com/x").ExitCode);
    }

    [Fact]
    public void Push_ToAnHtpasswdRegistry_UsesTheDockerConfig_AndWithoutItIsExit4WithMR0061()
    {
        using var registry = DistributionRegistry.Start(("ci-pusher", "ci-secret-77"));
        using var dir = new TempDirectory("modelrefs-cli-push-auth-");
        var model = dir.Combine("vad.onnx");
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), model);
        var target = $"oci://{registry.Authority}/private/vad:1";

        var refused = Modelref.Run(tool, dir.Path, NoDockerConfig, "push", model, target);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("MR0061", refused.Stderr);

        var docker = Directory.CreateDirectory(dir.Combine("docker")).FullName;
        File.WriteAllText(Path.Combine(docker, "config.json"),
            "{\"auths\":{\"" + registry.Authority + "\":{\"auth\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("ci-pusher:ci-secret-77")) + "\"}}}");
        var pushed = Modelref.Run(tool, dir.Path, new Dictionary<string, string?> { ["DOCKER_CONFIG"] = docker }, "push", model, target);

        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        Assert.DoesNotContain("ci-secret-77", pushed.Stdout + pushed.Stderr);
        Skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "ci-pusher:ci-secret-77", $"docker://{registry.Authority}/private/vad:1");
    }

    [Fact]
    public async Task Outdated_ListsNewerTagsOfAnOciModel()
    {
        using var registry = DistributionRegistry.Start();
        using var client = new OciTestClient(registry.Url);
        var silero = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        foreach (var tag in new[] { "5.0", "5.1", "5.10", "6.0-beta" })
            await client.PushModelPackAsync("models/vad", tag, [TestLayer.Raw("vad.onnx", silero)], ["MIT"], tag);
        using var dir = new TempDirectory("modelrefs-cli-oci-outdated-");
        File.WriteAllText(dir.Combine("nuget.config"), tool.NuGetConfig);
        var project = dir.Combine("App", "App.csproj");
        Consumer.Write(project, Consumer.Project(tool, dir.Combine("home"), "http://127.0.0.1:9/", $"""<ModelReference Include="oci:{registry.Authority}/models/vad:5.1" />"""));
        var build = DotNet.Run(dir.Path, TimeSpan.FromMinutes(10), "build", project, "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Output);

        var outdated = Modelref.Run(tool, dir.Path, NoDockerConfig, "outdated", project, "--format", "json");

        Assert.True(outdated.ExitCode == 0, outdated.ToString());
        var row = outdated.Json["models"]!.AsArray().Single()!;
        Assert.Equal("5.1", (string?)row["current"]);
        Assert.Equal("5.10", (string?)row["latest"]);
        Assert.Equal(["5.10"], row["newer"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void Mirror_NpmTfHubAndTorchHubModels_ThenEveryHubStopped_BuildsFromTheMirrorOnly_WithTheLockByteIdentical()
    {
        using var registry = DistributionRegistry.Start();
        using var dir = new TempDirectory("modelrefs-cli-mirror-");
        File.WriteAllText(dir.Combine("nuget.config"), tool.NuGetConfig);
        var project = dir.Combine("App", "App.csproj");
        var home = dir.Combine("home");
        string lockBytes;
        {
            using var npm = LoopbackNpmRegistry.Start();
            npm.AddPackage(NpmPackages.SileroVad);
            using var tfhub = LoopbackTfHub.Start();
            tfhub.Add("google/movenet/singlepose/lightning", 4, "tfjs-format=compressed",
                LoopbackTfHub.TfJsTarGz(NpmPackages.GetFile("@vladmandic/human@3.3.6", "models/movenet-lightning.json")), license: "Apache-2.0");
            using var github = LoopbackGitHub.Start();
            HubRepoFixture.AddRepo(github, HubRepoFixture.ServeWeights(github));
            Consumer.Write(project, Consumer.Project(tool, home, npm.Url, $"""
                    <ModelReference Include="{Consumer.SileroV5}" Name="SileroVad" />
                    <ModelReference Include="tfhub:google/movenet/singlepose/lightning/4" Format="tfjs" Name="MoveNet" />
                    <ModelReference Include="torchhub:pytorch/vision:v0.14.1/squeezenet1_1" InputShape="1,3,224,224" Name="SqueezeNet" />
                """,
                $"    <ModelRefsTfHubUrl>{tfhub.Url}</ModelRefsTfHubUrl>\n    <ModelRefsGitHubUrl>{github.WebUrl}</ModelRefsGitHubUrl>\n    <ModelRefsGitHubApiUrl>{github.ApiUrl}</ModelRefsGitHubApiUrl>"));
            var first = DotNet.Run(dir.Path, TimeSpan.FromMinutes(15), "build", project, "-c", "Release");
            Assert.True(first.ExitCode == 0, first.Output);
            lockBytes = File.ReadAllText(dir.Combine("App", "models.lock.json"));

            var mirror = Modelref.Run(tool, dir.Path, NoDockerConfig, "mirror", project, "--to", $"oci://{registry.Authority}/team/mirror", "--format", "json");
            Assert.True(mirror.ExitCode == 0, mirror.ToString());
            var targets = mirror.Json["models"]!.AsArray().Select(m => (string)m!["target"]!).ToList();
            Assert.Equal(3, targets.Count);
            Assert.Contains(targets, t => t.StartsWith($"oci:{registry.Authority}/team/mirror/npm/ricky0123-vad-web-0-0-31-dist-silero-vad-v5-onnx:sha256-", StringComparison.Ordinal));
            Assert.Contains(targets, t => t.StartsWith($"oci:{registry.Authority}/team/mirror/tfhub/google-movenet-singlepose-lightning-4:sha256-", StringComparison.Ordinal));
            Assert.Contains(targets, t => t.StartsWith($"oci:{registry.Authority}/team/mirror/torchhub/pytorch-vision-v0-14-1-squeezenet1-1:sha256-", StringComparison.Ordinal));

            // Mirrored again: nothing uploaded.
            var again = Modelref.Run(tool, dir.Path, NoDockerConfig, "mirror", project, "--to", $"oci://{registry.Authority}/team/mirror", "--format", "json");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.All(again.Json["models"]!.AsArray(), m => Assert.Equal(0, (long)m!["bytesUploaded"]!));
        } // every hub stand-in is stopped here

        Directory.Delete(home, recursive: true);
        Directory.Delete(dir.Combine("App", "obj"), recursive: true);
        var fromMirror = DotNet.Run(dir.Path, TimeSpan.FromMinutes(10), "build", project, "-c", "Release",
            $"-p:ModelRefsMirror=oci://{registry.Authority}/team/mirror", "-p:ModelRefsMirrorOnly=true", "-p:ModelRefsLockedMode=true");

        Assert.True(fromMirror.ExitCode == 0, fromMirror.Output);
        Assert.Equal(lockBytes, File.ReadAllText(dir.Combine("App", "models.lock.json")));
        foreach (var name in new[] { "SileroVad", "MoveNet", "SqueezeNet" })
            Assert.True(File.Exists(dir.Combine("App", "bin", "Release", "net10.0", "models", name + ".onnx")), name);
    }
}
