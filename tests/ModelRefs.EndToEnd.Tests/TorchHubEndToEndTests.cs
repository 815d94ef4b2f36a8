using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using ModelRefs.TestSupport.TorchHub;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// <c>torchhub:</c> through the packed package: a loopback GitHub (commits API, zipballs, weights)
/// serves a torchvision-style hub repo; the build pins the tag to a commit, exports squeezenet1_1
/// with Debian's torch (/usr/bin/python3, found by the default rule), checks the export in ONNX
/// Runtime with the packed verifier, and the app runs the generated class. Needs python3-torch and
/// python3-torchvision (.ci/run installs them); fails without them.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class TorchHubEndToEndTests(PackedPackages packages)
{
    private const string Python = HubRepoFixture.Python;
    private const string Item = """<ModelReference Include="torchhub:pytorch/vision:v0.14.1/squeezenet1_1" InputShape="1,3,224,224" Name="SqueezeNet" />""";

    private const string Program = """
        using System.Globalization;
        using Consumer.Models;

        // A deterministic input the test recomputes in Python: sin(i / 1000).
        var input = new float[1 * 3 * 224 * 224];
        for (var i = 0; i < input.Length; i++)
            input[i] = (float)Math.Sin(i / 1000.0);
        using var model = new SqueezeNet();
        var result = model.Run(input, [1, 3, 224, 224]);
        var output = result.Output.ToArray();
        Console.WriteLine("output=" + string.Join(' ', output.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        Console.WriteLine("onnx-sha256=" + SqueezeNet.Info.OnnxSha256);
        Console.WriteLine("description=" + (SqueezeNet.Info.Description ?? "").Split('\n')[0]);
        """;

    private static string Properties(LoopbackGitHub github) =>
        $"<ModelRefsGitHubUrl>{github.WebUrl}</ModelRefsGitHubUrl><ModelRefsGitHubApiUrl>{github.ApiUrl}</ModelRefsGitHubApiUrl>";

    [Fact]
    public void TorchHubModel_BuildsAndRunsLikeTorch_LocksTheCommit_AndReusesTheExport()
    {
        RequireTorch();
        using var github = LoopbackGitHub.Start();
        var weightsUrl = HubRepoFixture.ServeWeights(github);
        var commit = HubRepoFixture.AddRepo(github, weightsUrl);
        using var sharedCache = new TempDirectory("modelrefs-e2e-torchhub-cache-");

        // 1. First build: resolve v0.14.1 → commit, download the zipball, export, verify in ORT, generate.
        using var app = new ConsumerProject(packages, cacheRoot: sharedCache.Path);
        app.WriteProject(Item, Properties(github));
        app.WriteFile("Program.cs", Program);
        var build = app.Build("-v:n");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("exporting squeezenet1_1", build.Output);
        Assert.Matches(@"verified: ONNX Runtime and torch differ by at most [0-9.eE+-]+ .*onnxruntime \d", build.Output);
        Assert.Contains(github.Requests, r => r.Path.Contains("/commits/v0.14.1", StringComparison.Ordinal));
        Assert.Contains(github.Requests, r => r.Path.Contains("/zipball/" + commit, StringComparison.Ordinal));

        using (var lockJson = JsonDocument.Parse(File.ReadAllText(app.LockFile)))
        {
            var entry = lockJson.RootElement.GetProperty("models").GetProperty("torchhub:pytorch/vision:v0.14.1/squeezenet1_1");
            Assert.Equal($"torchhub:pytorch/vision:{commit}/squeezenet1_1", entry.GetProperty("resolved").GetString());
            Assert.Matches("^modelrefs-torch-export@[0-9a-f]{12} torch 1\\.13.* opset 17$", entry.GetProperty("converter").GetString());
            Assert.Matches("^[0-9a-f]{64}$", entry.GetProperty("onnxSha256").GetString());
            Assert.NotEqual(entry.GetProperty("sha256").GetString(), entry.GetProperty("onnxSha256").GetString());
        }

        // 2. The generated class computes what torch computes (the hub repo loaded the way torch.hub does, from a local folder).
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.StartsWith("SqueezeNet 1.1 model", Value(run.Output, "description"));
        var dotnet = Numbers(Value(run.Output, "output"));
        var torch = TorchReference(weightsUrl);
        Assert.Equal(1000, dotnet.Length);
        Assert.Equal(torch.Length, dotnet.Length);
        var maxDiff = dotnet.Zip(torch, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff < 1e-3, $"largest difference from torch {maxDiff}");
        Assert.Equal(Array.IndexOf(torch, torch.Max()), Array.IndexOf(dotnet, dotnet.Max()));

        // 3. A second project on the same machine cache resolves the same commit and reuses the export.
        using var second = new ConsumerProject(packages, cacheRoot: sharedCache.Path);
        second.WriteProject(Item, Properties(github));
        second.WriteFile("Program.cs", Program);
        github.Server.ClearRequests();
        var secondBuild = second.Build("-v:n");
        Assert.True(secondBuild.ExitCode == 0, secondBuild.Output);
        Assert.DoesNotContain(github.Requests, r => r.Path.Contains("/zipball/", StringComparison.Ordinal));
        Assert.Contains("ONNX export in the cache", secondBuild.Output);
        Assert.DoesNotContain("exporting squeezenet1_1", secondBuild.Output);
        Assert.Equal(Value(run.Output, "onnx-sha256"), Value(second.Run().Output, "onnx-sha256"));

        // 4. The tag moves; a clean obj/ restores the locked commit from the cache: no API call, no download, no export.
        HubRepoFixture.AddRepo(github, weightsUrl, tinyDoc: "Moved: another commit.");
        github.Server.ClearRequests();
        Directory.Delete(Path.Combine(app.Directory, "obj"), recursive: true);
        var rebuild = app.Build("-v:n");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.Empty(github.Requests);
        Assert.Contains("ONNX export in the cache", rebuild.Output);
        Assert.DoesNotContain("exporting squeezenet1_1", rebuild.Output);
        Assert.Contains($"torchhub:pytorch/vision:{commit}/squeezenet1_1", File.ReadAllText(app.LockFile));
    }

    [Fact]
    public void UntrustedOwnerAndMissingEntry_FailTheBuild_WithTheirDiagnostics()
    {
        RequireTorch();
        using var github = LoopbackGitHub.Start();
        var weightsUrl = HubRepoFixture.ServeWeights(github);
        HubRepoFixture.AddRepo(github, weightsUrl);
        HubRepoFixture.AddRepo(github, weightsUrl, owner: "someone", repo: "models", tag: "v1");
        using var app = new ConsumerProject(packages);
        app.WriteProject("""
                <ModelReference Include="torchhub:someone/models:v1/squeezenet1_1" InputShape="1,3,224,224" />
                <ModelReference Include="torchhub:pytorch/vision:v0.14.1/squeezenet9" InputShape="1,3,224,224" />
            """, Properties(github));
        app.WriteFile("Program.cs", "Console.WriteLine();");

        var build = app.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Consumer\.csproj\(\d+(,\d+)?\): error MR0021: .*someone/models.*Trust=""true"".*ModelRefsTrustedOwners", build.Output);
        Assert.Matches(@"error MR0020: .*no entrypoint 'squeezenet9'.*Its entrypoints: .*resnet18.*squeezenet1_1", build.Output);
        // The untrusted repo was never even downloaded.
        Assert.DoesNotContain(github.Requests, r => r.Path.Contains("someone", StringComparison.Ordinal));
    }

    /// <summary>squeezenet1_1 of the fixture repo, loaded by torch.hub from a local folder, on the program's input.</summary>
    private static double[] TorchReference(string weightsUrl)
    {
        using var hub = new TempDirectory("modelrefs-e2e-torch-ref-");
        HubRepoFixture.WriteTo(hub.Combine("repo"), weightsUrl);
        const string script = """
            import sys, torch
            torch.hub.set_dir(sys.argv[2])
            model = torch.hub.load(sys.argv[1], "squeezenet1_1", source="local")
            model.eval()
            x = torch.sin(torch.arange(1 * 3 * 224 * 224, dtype=torch.float64) / 1000.0).float().reshape(1, 3, 224, 224)
            with torch.no_grad():
                y = model(x)
            print("output=" + " ".join(repr(float(v)) for v in y.flatten()))
            """;
        var result = ProcessRunner.Run(Python, ["-c", script, hub.Combine("repo"), hub.Combine("torch-hub")], hub.Path, TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Output);
        return Numbers(Value(result.Output, "output"));
    }

    private static void RequireTorch()
    {
        // Not a skip: CI installs Debian's torch (.ci/run); a machine without it fails here, saying so.
        var probe = ProcessRunner.Run(Python, ["-c", "import torch, torchvision"], Path.GetTempPath(), TimeSpan.FromMinutes(2));
        Assert.True(probe.ExitCode == 0,
            "These tests need Debian's torch: apt-get install -y --no-install-recommends python3-torch python3-torchvision python3-onnx\n" + probe.Output);
    }

    private static string Value(string output, string key) =>
        Regex.Match(output, "^" + Regex.Escape(key) + "=(.*)$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : throw new Xunit.Sdk.XunitException($"no '{key}=' line in:\n{output}");

    private static double[] Numbers(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
