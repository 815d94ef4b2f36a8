using ModelRefs.EndToEnd.Tests;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Cli.Tests.Infrastructure;

/// <summary>
/// A solution (.slnx) of two real consumer projects, restored once by <c>dotnet build</c> against a
/// loopback npm registry serving the real Silero VAD package:
/// <list type="bullet">
/// <item>App: Silero v5 from npm (licence ISC, as the package declares it), a local ONNX file, MIT
/// project licence, <c>ModelRefsGenerateBom=true</c>.</item>
/// <item>Lib: the same Silero v5 with <c>ModelRefsDeniedLicenses=ISC</c> (a licence violation), the
/// legacy Silero model from its folder's Directory.Build.props, and an item whose condition is false.</item>
/// </list>
/// Tests only read it; tests that change a project or a cache make their own.
/// </summary>
public sealed class RestoredSolution : IDisposable
{
    private readonly TempDirectory _dir = new("modelrefs-cli-sln-");

    public RestoredSolution(PackedTool tool)
    {
        Registry = LoopbackNpmRegistry.Start();
        Registry.AddPackage(NpmPackages.SileroVad);
        CacheRoot = _dir.Combine("modelrefs-home");
        File.WriteAllText(_dir.Combine("nuget.config"), tool.NuGetConfig);
        File.WriteAllText(Solution, """
            <Solution>
              <Project Path="App/App.csproj" />
              <Project Path="Lib/Lib.csproj" />
            </Solution>
            """);
        Consumer.Write(AppProject, Consumer.Project(tool, CacheRoot, Registry.Url,
            $"""
                <ModelReference Include="{Consumer.SileroV5}" Name="SileroVad" />
                <ModelReference Include="models/local.onnx" Name="LocalModel" License="MIT" />
            """,
            "    <PackageLicenseExpression>MIT</PackageLicenseExpression>\n    <ModelRefsGenerateBom>true</ModelRefsGenerateBom>"));
        System.IO.Directory.CreateDirectory(_dir.Combine("App", "models"));
        File.Copy(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath), LocalModelFile);
        Consumer.Write(LibProject, Consumer.Project(tool, CacheRoot, Registry.Url,
            $"""
                <ModelReference Include="{Consumer.SileroV5}" Name="SileroVad" />
                <ModelReference Include="npm:never-restored@1.0.0/model.onnx" Condition="'$(IncludeNeverRestored)' == 'true'" />
            """,
            "    <ModelRefsDeniedLicenses>ISC</ModelRefsDeniedLicenses>"));
        Consumer.Write(_dir.Combine("Lib", "Directory.Build.props"), $"""
            <Project>
              <ItemGroup>
                <ModelReference Include="{Consumer.SileroLegacy}" Name="LegacyVad" AcceptLicense="ISC" />
              </ItemGroup>
            </Project>
            """);

        Build = DotNet.Run(Directory, TimeSpan.FromMinutes(10), "build", Solution, "-c", "Release");
        if (Build.ExitCode != 0)
            throw new InvalidOperationException("The solution did not build:\n" + Build.Output);
    }

    public LoopbackNpmRegistry Registry { get; }
    public string Directory => _dir.Path;
    public string Solution => _dir.Combine("Models.slnx");
    public string AppProject => _dir.Combine("App", "App.csproj");
    public string LibProject => _dir.Combine("Lib", "Lib.csproj");
    public string LibProps => _dir.Combine("Lib", "Directory.Build.props");
    public string LocalModelFile => _dir.Combine("App", "models", "local.onnx");
    public string CacheRoot { get; }

    /// <summary>The output of the one build (the analyzer's licence warnings are in it).</summary>
    public ProcessResult Build { get; }

    public string AppBomFromBuild => _dir.Combine("App", "bin", "Release", "net10.0", "models.cdx.json");

    public void Dispose()
    {
        Registry.Dispose();
        _dir.Dispose();
    }
}
