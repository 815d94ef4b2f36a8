using System.Runtime.CompilerServices;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>Paths in the test project's source folder (not bin/), so baselines can be rewritten in place.</summary>
internal static class TestFiles
{
    public static string ProjectDirectory { get; } = Path.GetFullPath(Path.Combine(ThisDirectory(), ".."));

    public static string Manifest(string fileName) => Path.Combine(ProjectDirectory, "Manifests", fileName);

    public static string ReadManifest(string fileName) => File.ReadAllText(Manifest(fileName));

    public static string Baseline(string fileName) => Path.Combine(ProjectDirectory, "Baselines", fileName);

    private static string ThisDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
