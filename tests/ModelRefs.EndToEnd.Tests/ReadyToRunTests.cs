using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using ModelRefs.TestSupport;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// The package carries the restore task, Core and the generator compiled ahead of time for the
/// runtime and RID of the SDK that packed it (here: this machine's); a build on that SDK runs
/// those images, and ModelRefsReadyToRun=false runs the IL assemblies.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed partial class ReadyToRunTests(PackedPackages packages)
{
    [Fact]
    public void OnTheSdkItWasPackedWith_TheTaskAndTheGeneratorRunFromTheirReadyToRunImages()
    {
        using var app = LocalModelApp();

        var build = app.Build("-v:d");

        Assert.True(build.ExitCode == 0, build.Output);
        var task = TaskAssembly(build.Output);
        var generator = GeneratorAnalyzer(build.Output);
        if (!PackedWithImages)
        {
            // An SDK whose RID the package has no images for (ModelRefs.csproj): the IL assemblies, as before.
            Assert.EndsWith("/tasks/net8.0/ModelRefs.Tasks.dll", task.Replace('\\', '/'));
            Assert.EndsWith("/analyzers/dotnet/cs/ModelRefs.Generator.dll", generator.Replace('\\', '/'));
            return;
        }
        Assert.Matches(ReadyToRunFolder(), task.Replace('\\', '/'));
        Assert.Matches(ReadyToRunFolder(), generator.Replace('\\', '/'));
        // Native code in the images (the task's Core too), none in the IL assemblies, and each image
        // compiled from this very build's IL: a stale image would run other code than the package's.
        var packageRoot = PackageRoot(task);
        foreach (var (image, il) in new[]
        {
            (task, Path.Combine(packageRoot, "tasks", "net8.0", "ModelRefs.Tasks.dll")),
            (Path.Combine(Path.GetDirectoryName(task)!, "ModelRefs.Core.dll"), Path.Combine(packageRoot, "tasks", "net8.0", "ModelRefs.Core.dll")),
            (generator, Path.Combine(packageRoot, "analyzers", "dotnet", "cs", "ModelRefs.Generator.dll")),
        })
        {
            Assert.True(HasNativeCode(image), image);
            Assert.False(HasNativeCode(il), il);
            Assert.Equal(Mvid(il), Mvid(image));
        }
        // The generator ran from its image: the generated class compiled and runs.
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("inputs=input,state,sr", run.Output);
    }

    [Fact]
    public void WithModelRefsReadyToRunFalse_TheILAssembliesRun()
    {
        using var app = LocalModelApp();

        var build = app.Build("-v:d", "-p:ModelRefsReadyToRun=false");

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.EndsWith("/tasks/net8.0/ModelRefs.Tasks.dll", TaskAssembly(build.Output).Replace('\\', '/'));
        Assert.EndsWith("/analyzers/dotnet/cs/ModelRefs.Generator.dll", GeneratorAnalyzer(build.Output).Replace('\\', '/'));
        Assert.DoesNotContain("/readytorun/", build.Output.Replace('\\', '/'));
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("inputs=input,state,sr", run.Output);
    }

    private ConsumerProject LocalModelApp()
    {
        var app = new ConsumerProject(packages);
        app.CopyFile(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path), "models-src/silero_vad_v5.onnx");
        app.WriteProject("""<ModelReference Include="models-src/silero_vad_v5.onnx" Name="SileroVad" />""");
        app.WriteFile("Program.cs", """System.Console.WriteLine("inputs=" + string.Join(",", Consumer.Models.SileroVad.Info.Inputs.Select(i => i.Name)));""");
        return app;
    }

    /// <summary>The file MSBuild loaded the restore task from (its detailed log).</summary>
    private static string TaskAssembly(string log) =>
        Path.GetFullPath(Assert.Single(UsingRestoreTask().Matches(log).Select(m => m.Groups[1].Value).Distinct()));

    /// <summary>The ModelRefs generator on csc's command line.</summary>
    private static string GeneratorAnalyzer(string log) =>
        Assert.Single(GeneratorOnCommandLine().Matches(log).Select(m => m.Groups["path"].Value).Distinct());

    private static string PackageRoot(string taskAssembly)
    {
        var normalized = taskAssembly.Replace('\\', '/');
        return normalized[..normalized.IndexOf("/readytorun/", StringComparison.Ordinal)];
    }

    private static bool HasNativeCode(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    private static Guid Mvid(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
    }

    /// <summary>Whether ModelRefs.csproj packs images for this SDK's RID (the tests pack on this machine).</summary>
    private static bool PackedWithImages
    {
        get
        {
            var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
            return (rid.StartsWith("linux-", StringComparison.Ordinal) || rid.StartsWith("osx-", StringComparison.Ordinal) || rid.StartsWith("win-", StringComparison.Ordinal))
                && (rid.EndsWith("-x64", StringComparison.Ordinal) || rid.EndsWith("-arm64", StringComparison.Ordinal));
        }
    }

    [GeneratedRegex("Using \"RestoreModels\" task from assembly \"([^\"]+)\"")]
    private static partial Regex UsingRestoreTask();

    [GeneratedRegex(@"[/-]analyzer:(?:""(?<path>[^""]*ModelRefs\.Generator\.dll)""|(?<path>\S*ModelRefs\.Generator\.dll))")]
    private static partial Regex GeneratorOnCommandLine();

    [GeneratedRegex(@"/readytorun/net[0-9]+\.0/[a-z0-9.-]+/(tasks/ModelRefs\.Tasks|analyzer/ModelRefs\.Generator)\.dll$")]
    private static partial Regex ReadyToRunFolder();
}
