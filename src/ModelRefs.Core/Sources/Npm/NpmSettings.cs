using ModelRefs.Core.Configuration;
namespace ModelRefs.Core.Sources.Npm;

/// <summary>The settings of the npm source.</summary>
public static class NpmSettings
{
    public static readonly Setting Registry = new("ModelRefsNpmRegistry", "npm registry base URL; default the registry npm is configured with (.npmrc)");

    /// <summary>The registry to use: the setting, else the one the project's .npmrc files name, else npm's default.</summary>
    public static string ResolveRegistry(SettingValues settings) =>
        settings.Get(Registry) ?? NpmRegistry.Resolve(settings.ProjectDirectory ?? Environment.CurrentDirectory);
}
