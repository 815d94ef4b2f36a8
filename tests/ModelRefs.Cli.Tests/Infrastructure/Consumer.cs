using System.Security;

namespace ModelRefs.Cli.Tests.Infrastructure;

/// <summary>Project files of consumer projects, as a user writes them: the packed ModelRefs package, items and properties.</summary>
public static class Consumer
{
    public const string SileroV5 = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx";
    public const string SileroLegacy = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx";

    /// <summary>A class library that references ModelRefs, restores into <paramref name="cacheRoot"/> from the registry at <paramref name="registryUrl"/>.</summary>
    public static string Project(PackedTool tool, string cacheRoot, string registryUrl, string items, string properties = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <ModelRefsHome>{SecurityElement.Escape(cacheRoot)}</ModelRefsHome>
            <ModelRefsNpmRegistry>{registryUrl}</ModelRefsNpmRegistry>
        {properties}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="ModelRefs" Version="{tool.Version}" />
          </ItemGroup>
          <ItemGroup>
        {items}
          </ItemGroup>
        </Project>
        """;

    public static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
