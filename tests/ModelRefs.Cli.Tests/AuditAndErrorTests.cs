using System.IO.Compression;
using System.Text;
using ModelRefs.Cli.Tests.Infrastructure;
using ModelRefs.TestSupport;

namespace ModelRefs.Cli.Tests;

/// <summary>Pickle scanning of PyTorch weights, and bad input: every one a clear message and a documented exit code.</summary>
[Collection(PackedToolCollection.Name)]
public sealed class AuditAndErrorTests(PackedTool tool)
{
    /// <summary>A folder with a project that MSBuild can evaluate (no restore needed for these commands).</summary>
    private static string WriteProject(TempDirectory dir, string items)
    {
        var project = dir.Combine("App.csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><ModelRefsHome>{dir.Combine("cache")}</ModelRefsHome></PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    [Fact]
    public void Audit_FindsAPickleThatImportsOsSystem_WithoutRunningIt()
    {
        using var dir = new TempDirectory("modelrefs-cli-pickle-");
        var project = WriteProject(dir, "");
        var marker = dir.Combine("the-pickle-ran");
        // torch.save's zip layout: <archive>/data.pkl; its pickle calls os.system("touch <marker>") when loaded.
        var weights = dir.Combine("evil.pt");
        using (var zip = ZipFile.Open(weights, ZipArchiveMode.Create))
        using (var pickle = zip.CreateEntry("evil/data.pkl").Open())
        {
            var command = Encoding.UTF8.GetBytes("touch " + marker);
            var bytes = new List<byte> { 0x80, 0x02 };
            bytes.AddRange("cos\nsystem\n"u8.ToArray());
            bytes.Add((byte)'X');
            bytes.AddRange(BitConverter.GetBytes(command.Length));
            bytes.AddRange(command);
            bytes.AddRange([0x85, (byte)'R', (byte)'.']);
            pickle.Write(bytes.ToArray());
        }

        var run = Modelref.Run(tool, dir.Path, "audit", project, "--weights", weights, "--format", "json");
        Assert.True(run.ExitCode == 1, run.ToString());
        var finding = Assert.Single(run.Json["findings"]!.AsArray(), f => (string?)f!["id"] == "MRA004")!;
        Assert.Equal("error", (string?)finding["severity"]);
        Assert.Equal(weights, (string?)finding["file"]);
        Assert.Contains("os.system", (string)finding["message"]!);
        Assert.False(File.Exists(marker), "scanning ran the pickle");
    }

    [Fact]
    public void Audit_RealTorchvisionWeights_AreClean()
    {
        using var dir = new TempDirectory("modelrefs-cli-torch-");
        var project = WriteProject(dir, "");
        var weights = dir.Combine("squeezenet1_1.pth");
        var save = ProcessRunner.Run("/usr/bin/python3",
            ["-c", "import sys, torch, torchvision; torch.save(torchvision.models.squeezenet1_1().state_dict(), sys.argv[1])", weights],
            dir.Path, TimeSpan.FromMinutes(5));
        Assert.True(save.ExitCode == 0, save.Output);

        var run = Modelref.Run(tool, dir.Path, "audit", project, "--weights", weights, "--severity", "info", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Json["findings"]!.AsArray());
    }

    [Fact]
    public void BadInput_GetsAClearMessage_AndItsExitCode()
    {
        using var dir = new TempDirectory("modelrefs-cli-errors-");
        var missing = dir.Combine("nowhere", "App.csproj");
        var notFound = Modelref.Run(tool, dir.Path, "list", missing);
        Assert.Equal(3, notFound.ExitCode);
        Assert.Contains(missing, notFound.Stderr);

        var empty = Modelref.Run(tool, dir.Path, "list");
        Assert.Equal(3, empty.ExitCode);
        Assert.Contains("no project or solution", empty.Stderr);

        var project = WriteProject(dir, """
                <ModelReference Include="hf:onnx-community/silero-vad@0123456789abcdef0123456789abcdef01234567/onnx/model.onnx" />
            """);
        File.WriteAllText(dir.Combine("models.lock.json"), "{ \"version\": 1, \"models\": {\n<<<<<<< HEAD\n");
        var damagedLock = Modelref.Run(tool, dir.Path, "list", project);
        Assert.Equal(3, damagedLock.ExitCode);
        Assert.Contains("models.lock.json is not a valid ModelRefs lock file", damagedLock.Stderr);
        File.Delete(dir.Combine("models.lock.json"));

        // A commit has nothing newer (oci: tags are compared in OciCommandsTests, against a real registry).
        var outdated = Modelref.Run(tool, dir.Path, "outdated", "--format", "json");
        Assert.True(outdated.ExitCode == 0, outdated.ToString());
        string? Note(string scheme) => (string?)outdated.Json["models"]!.AsArray().Single(m => ((string?)m!["handle"])!.StartsWith(scheme))!["note"];
        Assert.Contains("commit", Note("hf:"));

        var neither = Modelref.Run(tool, dir.Path, "update");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--all", neither.Stderr);
        var badAge = Modelref.Run(tool, dir.Path, "cache", "prune", "--older-than", "soon", "--cache-root", dir.Combine("cache"));
        Assert.Equal(2, badAge.ExitCode);
        Assert.Contains("soon", badAge.Stderr);
        var unknown = Modelref.Run(tool, dir.Path, "list", "--frobnicate");
        Assert.Equal(2, unknown.ExitCode);
        var why = Modelref.Run(tool, dir.Path, "why", "Nothing");
        Assert.Equal(3, why.ExitCode);
    }
}
