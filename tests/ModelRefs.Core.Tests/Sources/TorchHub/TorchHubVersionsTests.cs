using ModelRefs.Core.Configuration;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

public class TorchHubVersionsTests
{
    [Fact]
    public async Task AMovedRef_IsNewerThanTheLockedCommit_ACommitRefHasNothingToCompare()
    {
        using var test = new TorchHubTestContext();
        var first = test.AddFixtureRepo(tag: "main");
        var handle = TorchHubTestContext.Handle("torchhub:pytorch/vision:main/squeezenet1_1");
        FetchContext Context(string? pinned) => new(test.Cache, test.Context().Http)
        {
            PinnedResolved = pinned,
            Settings = new SettingValues { [TorchHubSettings.GitHubUrl] = test.GitHub.WebUrl, [TorchHubSettings.GitHubApiUrl] = test.GitHub.ApiUrl },
        };
        var locked = TorchHubModelSource.ResolvedText(handle, first);

        Assert.False((await ModelSources.Default.GetVersionsAsync(handle, Context(locked))).IsOutdated);

        var second = test.AddFixtureRepo(tag: "main", tinyDoc: "A newer commit on main.");
        var versions = await ModelSources.Default.GetVersionsAsync(handle, Context(locked));
        Assert.Equal(first, versions.Current);
        Assert.Equal(second, versions.Latest);
        Assert.Equal([second], versions.Newer);

        var pinnedToCommit = TorchHubTestContext.Handle($"torchhub:pytorch/vision:{first}/squeezenet1_1");
        Assert.NotNull((await ModelSources.Default.GetVersionsAsync(pinnedToCommit, Context(null))).Note);
        Assert.Equal("torchhub:pytorch/vision:v0.15.1/squeezenet1_1", ModelSources.Default.WithVersion(handle, "v0.15.1").Text);
    }
}
