using ModelRefs.TestSupport;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// Packs ModelRefs and ModelRefs.Runtime once per test run into a private feed, with a prerelease
/// version of their own: consumer projects then share the machine's NuGet folder (ONNX Runtime is
/// unpacked once) and can never pick up a package packed by an earlier run.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    private readonly TempDirectory _work = new("modelrefs-e2e-pack-");

    public PackedPackages()
    {
        Version = $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Feed = _work.Combine("feed");
        var artifacts = _work.Combine("artifacts");
        foreach (var project in new[] { "src/ModelRefs.Runtime/ModelRefs.Runtime.csproj", "nuget/ModelRefs/ModelRefs.csproj" })
        {
            var result = DotNet.Run(RepoPaths.Root, TimeSpan.FromMinutes(10),
                "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version, "--artifacts-path", artifacts);
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{result.Output}");
        }
    }

    public string Version { get; }
    public string Feed { get; }

    public void Dispose() => _work.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
