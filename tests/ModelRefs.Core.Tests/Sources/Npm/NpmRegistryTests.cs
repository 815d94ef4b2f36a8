using ModelRefs.Core.Sources.Npm;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources.Npm;

public class NpmRegistryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Environment_WinsOverNpmrc()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine(".npmrc"), "registry=https://from-file.example/\n");
        Assert.Equal("https://from-env.example/npm/", NpmRegistry.Resolve(temp.Path, Env(("npm_config_registry", "https://from-env.example/npm")), null));
        Assert.Equal("https://upper.example/", NpmRegistry.Resolve(temp.Path, Env(("NPM_CONFIG_REGISTRY", "https://upper.example")), null));
    }

    [Fact]
    public void NearestNpmrc_FromTheProjectUpwards()
    {
        using var temp = new TempDirectory();
        var project = temp.Combine("repo", "src", "app");
        Directory.CreateDirectory(project);
        File.WriteAllText(temp.Combine("repo", ".npmrc"),
            "; comment\n# another\n@myorg:registry=https://scoped.example/\n//repo.example/:_authToken=secret\nregistry = \"https://repo.example/npm/\"\n");
        File.WriteAllText(temp.Combine(".npmrc"), "registry=https://outer.example/\n");

        Assert.Equal("https://repo.example/npm/", NpmRegistry.Resolve(project, Env(), null));
    }

    [Fact]
    public void UserNpmrc_ThenTheDefault()
    {
        using var temp = new TempDirectory();
        var project = temp.Combine("project");
        var home = temp.Combine("home");
        Directory.CreateDirectory(project);
        Directory.CreateDirectory(home);

        Assert.Equal(NpmRegistry.DefaultUrl, NpmRegistry.Resolve(project, Env(), home));

        File.WriteAllText(Path.Combine(home, ".npmrc"), "registry=${MY_REGISTRY}/npm\n");
        Assert.Equal("https://expanded.example/npm/", NpmRegistry.Resolve(project, Env(("MY_REGISTRY", "https://expanded.example")), home));
    }

    [Fact]
    public void InvalidValues_AreIgnored()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine(".npmrc"), "registry=not a url\n");
        Assert.Equal(NpmRegistry.DefaultUrl, NpmRegistry.Resolve(temp.Path, Env(("npm_config_registry", "")), temp.Combine("nohome")));
    }
}
