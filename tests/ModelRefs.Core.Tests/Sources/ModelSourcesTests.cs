using System.Text.RegularExpressions;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources;

/// <summary>The table of sources: one folder and one registration per source, settings declared once and passed by the build once.</summary>
public sealed class ModelSourcesTests
{
    private static readonly string TargetsFile = Path.Combine(RepoPaths.Root, "nuget", "ModelRefs", "build", "ModelRefs.targets");

    [Fact]
    public void EveryDeclaredSetting_IsPassedByTheTargets_ExactlyOnce()
    {
        var passed = Regex.Matches(File.ReadAllText(TargetsFile), @"<_ModelRefsSetting Include=""(?<name>[^""]+)"" Value=""\$\((?<property>[^)]+)\)"" />")
            .Select(m => (Name: m.Groups["name"].Value, Property: m.Groups["property"].Value))
            .ToList();
        var declared = ModelSources.Default.Settings.Select(s => s.Property).ToList();

        Assert.All(passed, p => Assert.Equal(p.Name, p.Property)); // each item carries its own property
        Assert.Equal(declared.Order(StringComparer.Ordinal), passed.Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Settings_AreListedOnce_RestoresOwnFirst()
    {
        var settings = ModelSources.Default.Settings;
        Assert.Equal(settings.Count, settings.Select(s => s.Property).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(RestoreSettings.All, settings.Take(RestoreSettings.All.Count));
        Assert.All(settings, s => Assert.False(string.IsNullOrWhiteSpace(s.Description)));
    }

    [Fact]
    public void EverySource_LivesInItsOwnFolder_WithItsHandleBesideIt()
    {
        var coreSources = Path.Combine(RepoPaths.Root, "src", "ModelRefs.Core", "Sources");
        foreach (var source in ModelSources.Default.Sources)
        {
            var type = source.GetType();
            var folder = type.Namespace!.Split('.')[^1];
            Assert.Equal("ModelRefs.Core.Sources." + folder, type.Namespace);
            Assert.True(File.Exists(Path.Combine(coreSources, folder, type.Name + ".cs")), $"{type.Name} is not in Sources/{folder}/");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(coreSources, folder), "*ModelHandle.cs"));
        }
        Assert.Equal(ModelSources.Default.Sources.Count, ModelSources.Default.Sources.Select(s => s.Scheme).Distinct().Count());
    }

    [Theory]
    [InlineData("models/m.onnx", "local")]
    [InlineData("file:models/m.onnx", "local")]
    [InlineData("https://example.com/m.onnx", "https")]
    [InlineData("https://tfhub.dev/google/movenet/singlepose/lightning/4", "tfhub")]
    [InlineData("npm:vad-web@1.0.0/m.onnx", "npm")]
    [InlineData("torchhub:pytorch/vision/resnet18", "torchhub")]
    [InlineData("tfhub:google/movenet/singlepose/lightning/4", "tfhub")]
    public void EachHandle_IsParsedByTheSourceOfItsScheme_AndFetchedByIt(string include, string scheme)
    {
        var handle = ModelSources.Default.Parse(include, "/p");
        Assert.Equal(scheme, handle.Scheme);
        Assert.Single(ModelSources.Default.Sources, s => s.Scheme == handle.Scheme);
    }

    [Fact]
    public void SupportedForms_NameEverySource()
    {
        foreach (var source in ModelSources.Default.Sources)
            Assert.Contains(source.HandleForms, ModelSources.Default.SupportedForms);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("on", true)]
    [InlineData("!false", true)]
    [InlineData("false", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void BooleanSettings_ReadAsMSBuildReadsThem(string? value, bool expected) =>
        Assert.Equal(expected, new SettingValues { [RestoreSettings.Offline] = value }.GetBool(RestoreSettings.Offline));

    [Fact]
    public void ABooleanSetting_ThatIsNoBoolean_NamesTheProperty()
    {
        var e = Assert.Throws<FormatException>(() => new SettingValues { [RestoreSettings.LockedMode] = "maybe" }.GetBool(RestoreSettings.LockedMode));
        Assert.Contains("ModelRefsLockedMode='maybe'", e.Message);
    }

    [Fact]
    public void RequestFromSettings_TakesTheRestoresOwnSettings_AndKeepsAllForTheSources()
    {
        var settings = new SettingValues(new Dictionary<string, string?>
        {
            ["ModelRefsOffline"] = "true",
            ["ModelRefsLockedMode"] = "false",
            ["ModelRefsLockFilePath"] = "locks/models.lock.json",
            ["ModelRefsOutputFolder"] = "ml",
            ["ModelRefsHome"] = "/cache",
            ["ModelRefsTfHubUrl"] = "http://127.0.0.1:1/",
        });
        var request = RestoreRequest.FromSettings("/p/App.csproj", "obj/modelrefs", "App.Models", settings);

        Assert.True(request.Offline);
        Assert.False(request.LockedMode);
        Assert.Equal(Path.GetFullPath("/p/locks/models.lock.json"), request.LockFilePath);
        Assert.Equal(Path.GetFullPath("/p/obj/modelrefs"), request.IntermediatePath);
        Assert.Equal("ml", request.OutputFolder);
        Assert.Equal("/cache", request.CacheRoot);
        Assert.Equal("http://127.0.0.1:1/", request.Settings.Get(ModelRefs.Core.Sources.TfHub.TfHubSettings.Url));
        Assert.Equal(Path.GetFullPath("/p"), request.Settings.ProjectDirectory);
    }

    [Fact]
    public void ASettingWithAnEnvironmentVariable_FallsBackToIt_OnlyWhenBlank()
    {
        var setting = new Setting("ModelRefsTestOnly", "test") { EnvironmentVariable = "MODELREFS_TEST_ONLY_" + Guid.NewGuid().ToString("N") };
        Environment.SetEnvironmentVariable(setting.EnvironmentVariable, "/from-env");
        try
        {
            Assert.Equal("/from-env", new SettingValues().Get(setting));
            Assert.Equal("/from-env", new SettingValues { [setting] = "  " }.Get(setting));
            Assert.Equal("/set", new SettingValues { [setting] = "/set" }.Get(setting));
        }
        finally
        {
            Environment.SetEnvironmentVariable(setting.EnvironmentVariable, null);
        }
    }

    [Fact]
    public void TheTrustedOwnersThatProjectsExtend_AreCoresDefault()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "nuget", "ModelRefs", "build", "ModelRefs.props"));
        var value = Regex.Match(props, @"<ModelRefsTrustedOwners [^>]*>(?<owners>[^<]*)</ModelRefsTrustedOwners>").Groups["owners"].Value;
        Assert.Equal(ModelRefs.Core.Sources.TorchHub.Export.TorchHubTrust.DefaultTrustedOwners, value);
    }
}
