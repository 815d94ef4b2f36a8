using System.Runtime.CompilerServices;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>Paths in the test project's source folder (not bin/), so baselines can be rewritten in place.</summary>
internal static class TestFiles
{
    private const string ProjectFileName = "ModelRefs.Generator.Tests.csproj";

    public static string ProjectDirectory { get; } = FindProjectDirectory();

    public static string Manifest(string fileName) => Path.Combine(ProjectDirectory, "Manifests", fileName);

    public static string ReadManifest(string fileName) => File.ReadAllText(Manifest(fileName));

    public static string Baseline(string fileName) => Path.Combine(ProjectDirectory, "Baselines", fileName);

    /// <summary>
    /// Up from the test binaries (bin/Debug/net10.0) to the project folder. CI builds map source
    /// paths to <c>/_/</c> (ContinuousIntegrationBuild), so the caller file path is only a fallback.
    /// </summary>
    private static string FindProjectDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ProjectFileName)))
            {
                return dir.FullName;
            }
        }

        string fromSource = Path.GetFullPath(Path.Combine(ThisDirectory(), ".."));
        if (File.Exists(Path.Combine(fromSource, ProjectFileName)))
        {
            return fromSource;
        }

        throw new InvalidOperationException("Cannot find " + ProjectFileName + " above " + AppContext.BaseDirectory + ".");
    }

    private static string ThisDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
