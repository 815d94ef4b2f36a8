using ModelRefs.Core.Archives;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.TestSupport.Http;
using Spec = ModelRefs.TestSupport.Http.LoopbackGitHub.ZipEntrySpec;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

public class GitHubRepoClientTests
{
    private const string Include = "torchhub:pytorch/vision:v0.14.1/squeezenet1_1";

    [Fact]
    public async Task Tag_IsPinnedToItsCommit_AndTheCommitsZipballIsExtracted()
    {
        using var test = new TorchHubTestContext();
        var sha = test.AddFixtureRepo();
        var source = test.Source();

        var resolution = await source.ResolveAsync(TorchHubTestContext.Handle(Include), test.Context());
        Assert.Equal(("v0.14.1", sha, "github"), (resolution.Ref, resolution.Commit, resolution.Source));

        var checkout = await source.FetchAsync(resolution, test.Context());
        Assert.Equal(Path.Combine(test.Cache.Root, "torchhub", $"pytorch_vision_{sha}"), checkout.Directory);
        Assert.True(File.Exists(checkout.HubconfPath));
        Assert.True(File.Exists(Path.Combine(checkout.Directory, "hubmodels", "squeezenet.py")));
        Assert.NotNull(checkout.ZipballSha256);
        Assert.NotNull(test.Cache.TryGetBlob(checkout.ZipballSha256!));
        Assert.Equal(test.GitHub.WebUrl + $"pytorch/vision/zipball/{sha}", checkout.ZipballUrl);
        Assert.Equal(["GET /api/repos/pytorch/vision/commits/v0.14.1", $"GET /pytorch/vision/zipball/{sha}"],
            test.GitHub.Requests.Select(r => r.ToString()));
        Assert.All(test.GitHub.Requests, r => Assert.StartsWith("ModelRefs", r.Header("User-Agent")));

        // The same commit again: no download.
        test.GitHub.Server.ClearRequests();
        var again = await source.FetchAsync(resolution, test.Context());
        Assert.Equal(checkout.Directory, again.Directory);
        Assert.Null(again.ZipballSha256);
        Assert.Empty(test.GitHub.Requests);
    }

    [Fact]
    public async Task MovedTag_ResolvesToTheNewCommit_ButALockedCommitStays()
    {
        using var test = new TorchHubTestContext();
        var first = test.AddFixtureRepo();
        var source = test.Source();
        var handle = TorchHubTestContext.Handle(Include);
        Assert.Equal(first, (await source.ResolveAsync(handle, test.Context())).Commit);

        var second = test.AddFixtureRepo(tinyDoc: "Changed after the tag moved.");
        Assert.NotEqual(first, second);

        var moved = await source.ResolveAsync(handle, test.Context());
        Assert.Equal(second, moved.Commit);
        var movedCheckout = await source.FetchAsync(moved, test.Context());
        Assert.Equal("Changed after the tag moved.", HubconfReader.Read(movedCheckout.Directory).Find("tiny")!.Docstring!.Split('\n')[0]);

        test.GitHub.Server.ClearRequests();
        var locked = await source.ResolveAsync(handle, test.Context(), lockedCommit: first.ToUpperInvariant());
        Assert.Equal((first, "lock"), (locked.Commit, locked.Source));
        Assert.Empty(test.GitHub.Requests); // a locked commit needs no API call
        var lockedCheckout = await source.FetchAsync(locked, test.Context());
        Assert.Equal("A tiny convolutional network, fast to export.", HubconfReader.Read(lockedCheckout.Directory).Find("tiny")!.Docstring!.Split('\n')[0]);
    }

    [Fact]
    public async Task NoRef_ProbesMain_ThenMaster()
    {
        using var test = new TorchHubTestContext();
        var sha = test.AddFixtureRepo(owner: "someone", repo: "models", tag: "master");
        var resolution = await test.Source().ResolveAsync(TorchHubTestContext.Handle("torchhub:someone/models/tiny"), test.Context());
        Assert.Equal(("master", sha), (resolution.Ref, resolution.Commit));
        Assert.Equal(["GET /api/repos/someone/models/commits/main", "GET /api/repos/someone/models/commits/master"],
            test.GitHub.Requests.Select(r => r.ToString()));

        var main = test.AddFixtureRepo(owner: "someone", repo: "models", tag: "main", tinyDoc: "On main.");
        resolution = await test.Source().ResolveAsync(TorchHubTestContext.Handle("torchhub:someone/models/tiny"), test.Context());
        Assert.Equal(("main", main), (resolution.Ref, resolution.Commit));
    }

    [Theory]
    [InlineData("torchhub:pytorch/vision:v9.9.9/squeezenet1_1", "no repository pytorch/vision with a tag, branch or commit 'v9.9.9'")]
    [InlineData("torchhub:pytorch/nothing:v1/squeezenet1_1", "no repository pytorch/nothing with a tag, branch or commit 'v1'")]
    [InlineData("torchhub:nobody/nothing/squeezenet1_1", "with a 'main' or 'master' branch")]
    public async Task UnknownRepoOrRef_IsMR0020(string include, string expected)
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo();
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.Source().ResolveAsync(TorchHubTestContext.Handle(include), test.Context()));
        Assert.Equal("MR0020", e.Diagnostic.Id);
        Assert.Contains(include, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task CommitMissingFromGitHub_IsMR0020()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo();
        var handle = TorchHubTestContext.Handle("torchhub:pytorch/vision:" + new string('b', 40) + "/tiny");
        var source = test.Source();
        var resolution = await source.ResolveAsync(handle, test.Context());
        Assert.Equal("commit", resolution.Source);
        Assert.Empty(test.GitHub.Requests);
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => source.FetchAsync(resolution, test.Context()));
        Assert.Equal("MR0020", e.Diagnostic.Id);
        Assert.Contains("no archive of pytorch/vision at commit bbbb", e.Message);
    }

    [Fact]
    public async Task Token_GoesOnlyToTheGitHubHosts_AndNeverIntoMessages()
    {
        using var test = new TorchHubTestContext();
        var sha = test.AddFixtureRepo();
        const string token = "ghp_secretTOKEN0123456789";
        var source = test.Source(token);
        var resolution = await source.ResolveAsync(TorchHubTestContext.Handle(Include), test.Context());
        await source.FetchAsync(resolution, test.Context());
        Assert.All(test.GitHub.Requests, r => Assert.Equal("Bearer " + token, r.Header("Authorization")));

        // Another host (the same server under another name) gets no token.
        var endpoints = new GitHubEndpoints(test.GitHub.WebUrl, test.GitHub.ApiUrl, token);
        Assert.Null(endpoints.TokenFor(new Uri(test.GitHub.WebUrl.Replace("127.0.0.1", "localhost") + "x")));
        Assert.Null(endpoints.TokenFor(new Uri("https://example.com/pytorch/vision")));
        Assert.Equal(token, endpoints.TokenFor(new Uri(test.GitHub.ApiUrl + "repos/a/b/commits/c")));
        Assert.Null(new GitHubEndpoints(null, null, token).TokenFor(new Uri("http://github.com/a")));   // not over plain http
        Assert.Equal(token, new GitHubEndpoints(null, null, token).TokenFor(new Uri("https://api.github.com/repos/a/b")));

        test.GitHub.Server.Intercept = _ => LoopbackResponse.Status(401);
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => source.ResolveAsync(TorchHubTestContext.Handle(Include), test.Context()));
        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("GITHUB_TOKEN was refused", e.Message);
        Assert.DoesNotContain(token, e.Message);
        Assert.DoesNotContain(token, test.LogText);
        Assert.NotNull(sha);
    }

    [Fact]
    public async Task RateLimit_SaysToSetGitHubToken()
    {
        using var test = new TorchHubTestContext();
        test.GitHub.Server.Intercept = _ => LoopbackResponse.Status(403).WithHeader("X-RateLimit-Remaining", "0");
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.Source().ResolveAsync(TorchHubTestContext.Handle(Include), test.Context()));
        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("rate limit", e.Message);
        Assert.Contains("set GITHUB_TOKEN", e.Message);
    }

    [Fact]
    public async Task Offline_UsesTheLastResolvedCommitAndTheCache_OrIsMR0010()
    {
        using var test = new TorchHubTestContext();
        var sha = test.AddFixtureRepo();
        var source = test.Source();
        var handle = TorchHubTestContext.Handle(Include);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => source.ResolveAsync(handle, test.Context(offline: true)));
        Assert.Equal("MR0010", e.Diagnostic.Id);
        var locked = await source.ResolveAsync(handle, test.Context(offline: true), lockedCommit: sha);
        var notCached = await Assert.ThrowsAsync<ModelRefsException>(() => source.FetchAsync(locked, test.Context(offline: true)));
        Assert.Equal("MR0010", notCached.Diagnostic.Id);
        Assert.Empty(test.GitHub.Requests);

        await source.FetchAsync(await source.ResolveAsync(handle, test.Context()), test.Context());
        test.GitHub.Server.ClearRequests();
        var offline = await source.ResolveAsync(handle, test.Context(offline: true));
        Assert.Equal((sha, "cache"), (offline.Commit, offline.Source));
        Assert.True(File.Exists((await source.FetchAsync(offline, test.Context(offline: true))).HubconfPath));
        Assert.Empty(test.GitHub.Requests);
    }

    public static TheoryData<string, Spec[]> Attacks => new()
    {
        { "zip slip", [new Spec("o-r-1/hubconf.py", "x=1\n"u8.ToArray()), new Spec("o-r-1/../../evil.py", "pwned"u8.ToArray())] },
        { "outside the target folder", [new Spec("o-r-1/hubconf.py", "x=1\n"u8.ToArray()), new Spec("/tmp/evil.py", "pwned"u8.ToArray())] },
        { "symbolic link", [new Spec("o-r-1/hubconf.py", "x=1\n"u8.ToArray()), new Spec("o-r-1/weights", "/root/.ssh/id_rsa"u8.ToArray(), 0xA1FF)] },
        { "more than the limit of 50 entries", Enumerable.Range(0, 60).Select(i => new Spec($"o-r-1/f{i}.py", "x"u8.ToArray())).Append(new Spec("o-r-1/hubconf.py", "x=1\n"u8.ToArray())).ToArray() },
        { "bytes (an archive bomb?)", [new Spec("o-r-1/hubconf.py", "x=1\n"u8.ToArray()), new Spec("o-r-1/a.bin", new byte[300_000]), new Spec("o-r-1/b.bin", new byte[300_000])] },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task ArchiveAttacks_AreMR0023_AndNothingIsExtracted(string expected, Spec[] entries)
    {
        using var test = new TorchHubTestContext();
        var sha = test.GitHub.AddZipball("evil", "repo", LoopbackGitHub.BuildZip(entries));
        test.GitHub.SetRef("evil", "repo", "v1", sha);
        var source = new GitHubRepoClient(new GitHubEndpoints(test.GitHub.WebUrl, test.GitHub.ApiUrl),
            new ArchiveLimits { MaxEntries = 50, MaxTotalBytes = 500_000 });

        var resolution = await source.ResolveAsync(TorchHubTestContext.Handle("torchhub:evil/repo:v1/model"), test.Context());
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => source.FetchAsync(resolution, test.Context()));

        Assert.Equal("MR0023", e.Diagnostic.Id);
        Assert.Contains(expected, e.Message);
        Assert.Contains("Nothing was extracted", e.Message);
        var root = Path.Combine(test.Cache.Root, "torchhub");
        Assert.False(Directory.Exists(Path.Combine(root, $"evil_repo_{sha}")));
        Assert.Empty(Directory.Exists(Path.Combine(root, ".tmp")) ? Directory.GetFileSystemEntries(Path.Combine(root, ".tmp")) : []);
        Assert.False(File.Exists(Path.Combine(test.Cache.Root, "evil.py")));
        Assert.False(File.Exists(Path.Combine(root, "evil.py")));
    }

    [Fact]
    public async Task RepoWithoutHubconf_IsMR0020()
    {
        using var test = new TorchHubTestContext();
        var sha = test.GitHub.AddCommit("someone", "plain", new Dictionary<string, string> { ["README.md"] = "# no hub here\n" });
        test.GitHub.SetRef("someone", "plain", "main", sha);
        var source = test.Source();
        var resolution = await source.ResolveAsync(TorchHubTestContext.Handle("torchhub:someone/plain/model"), test.Context());
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => source.FetchAsync(resolution, test.Context()));
        Assert.Equal("MR0020", e.Diagnostic.Id);
        Assert.Contains("has no hubconf.py at its root", e.Message);
    }
}
