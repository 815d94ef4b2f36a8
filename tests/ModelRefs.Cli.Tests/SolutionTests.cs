using System.Text.Json.Nodes;
using ModelRefs.Cli.Tests.Infrastructure;
using ModelRefs.TestSupport;

namespace ModelRefs.Cli.Tests;

/// <summary>The read-only commands on a restored solution of two projects (see <see cref="RestoredSolution"/>).</summary>
[Collection(PackedToolCollection.Name)]
public sealed class SolutionTests(PackedTool tool)
{
    private const string CycloneDx = "@cyclonedx/cyclonedx-library@6.9.5";

    private RestoredSolution Solution => tool.Solution;

    private static JsonObject Model(JsonNode project, string name) =>
        project["models"]!.AsArray().Single(m => (string?)m!["name"] == name)!.AsObject();

    [Fact]
    public void List_OnTheSolutionFolder_ShowsEveryProjectAsMSBuildEvaluatesIt()
    {
        var run = Modelref.Run(tool, Solution.Directory, "list", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var projects = run.Json["projects"]!.AsArray();
        Assert.Equal([Solution.AppProject, Solution.LibProject], projects.Select(p => (string)p!["project"]!).Order());

        var app = projects.Single(p => (string?)p!["project"] == Solution.AppProject)!;
        var silero = Model(app, "SileroVad");
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (string?)silero["sha256"]);
        Assert.Equal("0.0.31", (string?)silero["version"]);
        Assert.Equal("ISC", (string?)silero["license"]);
        Assert.Equal("npm", (string?)silero["licenseSource"]);
        Assert.Equal(2327524, (long)silero["size"]!);
        Assert.True((bool)silero["cached"]!);
        Assert.StartsWith(Solution.CacheRoot, (string)silero["cachePath"]!);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, Sha256Of((string)silero["cachePath"]!));
        var local = Model(app, "LocalModel");
        Assert.Equal(Solution.LocalModelFile, (string?)local["cachePath"]);
        Assert.Equal("MIT", (string?)local["license"]);

        // Lib: the item of its Directory.Build.props counts, the item whose condition is false does not.
        var lib = projects.Single(p => (string?)p!["project"] == Solution.LibProject)!;
        Assert.Equal(["LegacyVad", "SileroVad"], lib["models"]!.AsArray().Select(m => (string)m!["name"]!).Order());
        Assert.Equal(Solution.LibProps, (string?)Model(lib, "LegacyVad")["definedIn"]);
    }

    [Fact]
    public void List_AsATable_FitsEightyColumns_AndNamesEveryModel()
    {
        var run = Modelref.Run(tool, Solution.Directory, "list", Solution.Solution);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var line in run.Stdout.Split('\n'))
            Assert.True(line.TrimEnd('\r').Length <= 80, $"line longer than 80 columns: '{line}'");
        Assert.Contains("SileroVad", run.Stdout);
        Assert.Contains("LegacyVad", run.Stdout);
        Assert.Contains("LocalModel", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout); // NO_COLOR and a pipe: no escape sequences
    }

    [Fact]
    public void Why_FindsBothProjectsAndTheirLockEntries()
    {
        var run = Modelref.Run(tool, Solution.Directory, "why", "SileroVad", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var matches = run.Json["matches"]!.AsArray();
        Assert.Equal([Solution.AppProject, Solution.LibProject], matches.Select(m => (string)m!["project"]!).Order());
        foreach (var match in matches)
        {
            Assert.Equal(Path.Combine(Path.GetDirectoryName((string)match!["project"]!)!, "models.lock.json"), (string?)match["lockFile"]);
            Assert.Equal(NpmPackages.SileroVadV5Sha256, (string?)match["model"]!["sha256"]);
            Assert.True((int)match["line"]! > 0);
        }

        var text = Modelref.Run(tool, Solution.Directory, "why", "silero_vad_legacy");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(Solution.LibProps, text.Stdout);

        var none = Modelref.Run(tool, Solution.Directory, "why", "NoSuchModel");
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("NoSuchModel", none.Stderr);
    }

    [Fact]
    public void Licenses_ReportTheDeniedLicence_WithTheAnalyzersId_AndExitOne()
    {
        var run = Modelref.Run(tool, Solution.Directory, "licenses", "--format", "json");
        Assert.Equal(1, run.ExitCode);
        var models = run.Json["models"]!.AsArray();
        JsonNode Row(string project, string name) => models.Single(m => (string?)m!["project"] == project && (string?)m["name"] == name)!;

        var denied = Row(Solution.LibProject, "SileroVad");
        Assert.Equal("violation", (string?)denied["result"]);
        Assert.Equal("Permissive", (string?)denied["category"]);
        var finding = denied["findings"]!.AsArray().Single(f => (bool)f!["isViolation"]!)!;
        Assert.Equal("MR1006", (string?)finding["id"]);
        // The build's analyzer reported the same finding, with the same id, for the same model.
        Assert.Contains("MR1006", Solution.Build.Output);

        Assert.NotEqual("violation", (string?)Row(Solution.AppProject, "SileroVad")["result"]);
        Assert.NotEqual("violation", (string?)Row(Solution.LibProject, "LegacyVad")["result"]); // AcceptLicense="ISC"
        Assert.Equal(1, (int)run.Json["violations"]!);

        var app = Modelref.Run(tool, Solution.Directory, "licenses", Solution.AppProject);
        Assert.True(app.ExitCode == 0, app.ToString());
        Assert.Contains("No licence violations.", app.Stdout);
    }

    [Fact]
    public void Bom_IntoAFolderThatIsAFile_IsMR0080_NotAnUnexpectedError()
    {
        using var output = new TempDirectory();
        var notAFolder = output.Combine("taken");
        File.WriteAllText(notAFolder, "a file");

        var run = Modelref.Run(tool, Solution.Directory, "bom", Solution.AppProject, "-o", Path.Combine(notAFolder, "models.cdx.json"));

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("modelref: MR0080: a file or folder could not be written or read: ", run.Stderr);
        Assert.Contains(notAFolder, run.Stderr);
        Assert.DoesNotContain("unexpected error", run.Stderr);
        Assert.Equal("a file", File.ReadAllText(notAFolder));
    }

    [Fact]
    public void Bom_IsValidCycloneDx16_AndTheSameFileTheBuildWrote()
    {
        var schemaFolder = Path.GetDirectoryName(NpmPackages.GetFile(CycloneDx, "res/schema/bom-1.6.SNAPSHOT.schema.json"))!;
        NpmPackages.GetFile(CycloneDx, "res/schema/spdx.SNAPSHOT.schema.json");
        NpmPackages.GetFile(CycloneDx, "res/schema/jsf-0.82.SNAPSHOT.schema.json");

        // ModelRefsGenerateBom=true put models.cdx.json beside the app; the tool writes the same bytes.
        Assert.True(File.Exists(Solution.AppBomFromBuild), "the build wrote no models.cdx.json");
        var app = Modelref.Run(tool, Solution.Directory, "bom", Solution.AppProject);
        Assert.True(app.ExitCode == 0, app.ToString());
        Assert.Equal(File.ReadAllText(Solution.AppBomFromBuild), app.Stdout);
        AssertValid(schemaFolder, Solution.AppBomFromBuild);

        using var output = new TempDirectory();
        var bomFile = output.Combine("solution.cdx.json");
        var solution = Modelref.Run(tool, Solution.Directory, "bom", "-o", bomFile);
        Assert.True(solution.ExitCode == 0, solution.ToString());
        AssertValid(schemaFolder, bomFile);

        var bom = JsonNode.Parse(File.ReadAllText(bomFile))!;
        Assert.Equal("1.6", (string?)bom["specVersion"]);
        var components = bom["components"]!.AsArray();
        Assert.All(components, c => Assert.Equal("machine-learning-model", (string?)c!["type"]));
        var silero = components.Single(c => (string?)c!["bom-ref"] == Infrastructure.Consumer.SileroV5)!;
        Assert.Equal("pkg:npm/%40ricky0123/vad-web@0.0.31#dist/silero_vad_v5.onnx", (string?)silero["purl"]);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (string?)silero["hashes"]![0]!["content"]);
        Assert.Equal("ISC", (string?)silero["licenses"]![0]!["expression"]);
        Assert.StartsWith(Solution.Registry.Url, (string?)silero["externalReferences"]![0]!["url"]);
        var inputs = silero["modelCard"]!["modelParameters"]!["inputs"]!.AsArray().Select(i => (string)i!["format"]!).ToList();
        Assert.Equal(3, inputs.Count);
        Assert.Contains(inputs, i => i.StartsWith("input: tensor(float)", StringComparison.Ordinal));
        Assert.Contains(inputs, i => i.StartsWith("sr: tensor(int64)", StringComparison.Ordinal));
        // Three distinct models across the two projects: the shared one is one component.
        Assert.Equal(3, components.Count);
    }

    [Fact]
    public void Audit_FindsPlainHttpAndTheRedistributorsLicence_AndFailsOnlyAtTheAskedSeverity()
    {
        var run = Modelref.Run(tool, Solution.Directory, "audit", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString()); // default threshold: error
        var findings = run.Json["findings"]!.AsArray();
        var ids = findings.Select(f => (string)f!["id"]!).ToHashSet();
        Assert.Contains("MRA001", ids); // the loopback registry is plain http
        Assert.Contains("MRA003", ids); // ISC is the npm package's licence
        // Silero VAD v5's SHA-256 is in the known-models table: MIT upstream, ISC in the lock.
        var known = findings.First(f => (string?)f!["id"] == "MRA005" && (string?)f["model"] == "SileroVad")!;
        Assert.Contains("MIT", (string)known["message"]!);
        Assert.EndsWith("docs/diagnostics/MRA005.md", (string)known["help"]!);
        // The local model's licence is the item's own: no redistributor finding for it.
        Assert.DoesNotContain(findings, f => (string?)f!["id"] == "MRA003" && (string?)f["model"] == "LocalModel");

        var strict = Modelref.Run(tool, Solution.Directory, "audit", "--severity", "warning");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("MRA005", strict.Stdout);
    }

    [Fact]
    public void Verify_TheLockedFiles_AreIntact()
    {
        var run = Modelref.Run(tool, Solution.Directory, "verify", "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0, (int)run.Json["damaged"]!);
        var files = run.Json["files"]!.AsArray();
        Assert.Contains(files, f => (string?)f!["sha256"] == NpmPackages.SileroVadV5Sha256 && (string?)f["status"] == "intact");
        Assert.All(files, f => Assert.Equal("intact", (string?)f!["status"]));
    }

    private static string Sha256Of(string path) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    private static void AssertValid(string schemaFolder, string document)
    {
        var result = ProcessRunner.Run("/usr/bin/python3",
            [Path.Combine(AppContext.BaseDirectory, "validate_cyclonedx.py"), schemaFolder, "bom-1.6.SNAPSHOT.schema.json", document],
            AppContext.BaseDirectory, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"{document} is not valid CycloneDX 1.6:\n{result.Output}\n{File.ReadAllText(document)}");
    }
}
