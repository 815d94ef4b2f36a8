using System.Security;
using ModelRefs.TestSupport;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>
/// A fresh project in a temp folder that references the packed ModelRefs package, as a user's
/// project would, with its own model cache.
/// </summary>
public sealed class ConsumerProject : IDisposable
{
    private readonly TempDirectory _dir = new("modelrefs-e2e-app-");
    private readonly PackedPackages _packages;

    public ConsumerProject(PackedPackages packages, string name = "Consumer", string? cacheRoot = null)
    {
        _packages = packages;
        Name = name;
        CacheRoot = cacheRoot ?? _dir.Combine("modelrefs-home");
        File.WriteAllText(_dir.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="modelrefs-e2e" value="{SecurityElement.Escape(packages.Feed)}" />
              </packageSources>
            </configuration>
            """);
    }

    public string Name { get; }
    public string Directory => _dir.Path;
    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");
    public string CacheRoot { get; }

    /// <summary>Writes the project file: the package reference plus the given items and properties.</summary>
    public void WriteProject(string itemsXml, string propertiesXml = "")
    {
        File.WriteAllText(ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <ModelRefsHome>{SecurityElement.Escape(CacheRoot)}</ModelRefsHome>
            {propertiesXml}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelRefs" Version="{_packages.Version}" />
              </ItemGroup>
              <ItemGroup>
            {itemsXml}
              </ItemGroup>
            </Project>
            """);
    }

    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void CopyFile(string source, string relativePath)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path, overwrite: true);
    }

    public ProcessResult Build(params string[] extra) =>
        DotNet.Run(Directory, TimeSpan.FromMinutes(10), ["build", ProjectFile, "-c", "Release", .. extra]);

    public ProcessResult Run(params string[] args) =>
        DotNet.Run(Directory, TimeSpan.FromMinutes(5), ["run", "--project", ProjectFile, "-c", "Release", "--no-build", "--", .. args]);

    public ProcessResult Publish(string outputDirectory) =>
        DotNet.Run(Directory, TimeSpan.FromMinutes(10), "publish", ProjectFile, "-c", "Release", "-o", outputDirectory);

    public string LockFile => Path.Combine(Directory, "models.lock.json");

    public string OutputDirectory => Path.Combine(Directory, "bin", "Release", "net10.0");

    public void Dispose() => _dir.Dispose();
}
