using System.Security;
using ModelRefs.EndToEnd.Tests;
using ModelRefs.TestSupport;

namespace ModelRefs.Cli.Tests.Infrastructure;

/// <summary>
/// Packs ModelRefs, ModelRefs.Runtime and ModelRefs.Cli once per run with a prerelease version of
/// their own into a private feed, and installs the tool from it into a temp tool path, the way a
/// user installs it (<c>dotnet tool install --tool-path … --add-source …</c>). Consumer projects
/// share the machine's NuGet folder.
/// </summary>
public sealed class PackedTool : IDisposable
{
    private readonly TempDirectory _work = new("modelrefs-cli-pack-");
    private readonly Lazy<RestoredSolution> _solution;

    public PackedTool()
    {
        Version = $"0.1.0-cli.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Feed = _work.Combine("feed");
        var artifacts = _work.Combine("artifacts");
        foreach (var project in new[] { "src/ModelRefs.Runtime/ModelRefs.Runtime.csproj", "nuget/ModelRefs/ModelRefs.csproj", "src/ModelRefs.Cli/ModelRefs.Cli.csproj" })
        {
            var pack = DotNet.Run(RepoPaths.Root, TimeSpan.FromMinutes(10),
                "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version, "--artifacts-path", artifacts);
            if (pack.ExitCode != 0)
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack.Output}");
        }
        ToolPath = _work.Combine("tools");
        var install = DotNet.Run(_work.Path, TimeSpan.FromMinutes(5),
            "tool", "install", "--tool-path", ToolPath, "--add-source", Feed, "ModelRefs.Cli", "--version", Version);
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"dotnet tool install ModelRefs.Cli failed:\n{install.Output}");
        Executable = Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "modelref.exe" : "modelref");
        _solution = new Lazy<RestoredSolution>(() => new RestoredSolution(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Version { get; }
    public string Feed { get; }
    public string ToolPath { get; }
    public string Executable { get; }

    /// <summary>The solution most tests read (two projects, restored once per run).</summary>
    public RestoredSolution Solution => _solution.Value;

    /// <summary>A nuget.config for a consumer folder: the private feed (nuget.org stays from the machine's config).</summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="modelrefs-cli-tests" value="{SecurityElement.Escape(Feed)}" />
          </packageSources>
        </configuration>
        """;

    public void Dispose()
    {
        if (_solution.IsValueCreated)
            _solution.Value.Dispose();
        _work.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PackedToolCollection : ICollectionFixture<PackedTool>
{
    public const string Name = "packed tool";
}
