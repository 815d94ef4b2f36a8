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

    [Fact]
    public async Task AVersionTag_ListsTheRepositorysNewerVersionTags_AcrossPages_ReleasesOnly()
    {
        using var test = new TorchHubTestContext();
        var sha = test.AddFixtureRepo(tag: "v0.14.1");
        foreach (var tag in new[] { "v0.13.0", "v0.15.0", "v0.15.2", "v0.16.0-rc1", "main", "release/0.17" })
            test.GitHub.SetRef("pytorch", "vision", tag, sha);
        // 120 old tags push the newest ones onto a second page of the tags API.
        for (var i = 0; i < 120; i++)
            test.GitHub.SetRef("pytorch", "vision", $"v0.0.{i}", sha);
        var handle = TorchHubTestContext.Handle("torchhub:pytorch/vision:v0.14.1/squeezenet1_1");
        var context = new FetchContext(test.Cache, test.Context().Http)
        {
            Settings = new SettingValues { [TorchHubSettings.GitHubUrl] = test.GitHub.WebUrl, [TorchHubSettings.GitHubApiUrl] = test.GitHub.ApiUrl },
        };

        var versions = await ModelSources.Default.GetVersionsAsync(handle, context);

        Assert.Equal("v0.14.1", versions.Current);
        Assert.Equal("v0.15.2", versions.Latest);
        Assert.Equal(["v0.15.0", "v0.15.2"], versions.Newer);
        Assert.Equal(2, test.GitHub.Requests.Count(r => r.Path.EndsWith("/tags", StringComparison.Ordinal)));

        var newest = TorchHubTestContext.Handle("torchhub:pytorch/vision:v0.15.2/squeezenet1_1");
        var upToDate = await ModelSources.Default.GetVersionsAsync(newest, context);
        Assert.False(upToDate.IsOutdated);
        Assert.Equal("v0.15.2", upToDate.Latest);
    }
}
