using ModelRefs.Core.Caching;
using ModelRefs.Core.Licensing;
using System.Text;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.HuggingFace;

/// <summary>The hf: source against a loopback Hub whose LFS files live on a second server (the CDN).</summary>
public sealed class HuggingFaceSourceTests : IDisposable
{
    private const string RepoId = "onnx-community/silero-vad";
    private const string Handle = "hf:onnx-community/silero-vad/onnx/model.onnx";
    private const string Token = "hf_LoopbackSecretToken123";

    // Clients that follow redirects themselves drop the token on every hop; the downloader follows them by hand.
    private static readonly HttpClient NoRedirects = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    private readonly SourceTestContext _test = new();
    private readonly LoopbackHuggingFace _hub = LoopbackHuggingFace.Start();

    public void Dispose()
    {
        _hub.Dispose();
        _test.Dispose();
    }

    internal static byte[] SileroV5 => File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
    internal static byte[] SileroLegacy => File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadLegacyPath));
    private static readonly string SileroLegacySha256 = Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(SileroLegacy));

    private static Dictionary<string, byte[]> Files(byte[] model, params (string Path, string Text)[] more)
    {
        var files = new Dictionary<string, byte[]>
        {
            ["onnx/model.onnx"] = model,
            ["onnx/model_quantized.onnx"] = [1, 2, 3],
            ["config.json"] = "{\"model_type\":\"silero\"}"u8.ToArray(),
        };
        foreach (var (path, text) in more)
            files[path] = Encoding.UTF8.GetBytes(text);
        return files;
    }

    private static Credentials WithToken(string token = Token) =>
        Credentials.FromEnvironment(new Dictionary<string, string?> { [Credentials.HuggingFaceTokenVariable] = token });

    private FetchContext Context(string? pinned = null, string? sha256 = null, bool offline = false, Credentials? credentials = null,
        DownloadOptions? download = null) => new(_test.Cache, NoRedirects)
    {
        Settings = new SettingValues { [HuggingFaceSettings.Url] = _hub.Url },
        Log = message => { lock (_test.Log) _test.Log.Add(message); },
        Download = download ?? SourceTestContext.FastRetries,
        Credentials = credentials ?? Credentials.None,
        PinnedResolved = pinned,
        Sha256 = sha256,
        Offline = offline,
    };

    private Task<FetchedArtifact> Fetch(string include, FetchContext context, IReadOnlyDictionary<string, string>? environment = null) =>
        new HuggingFaceModelSource(name => environment?.GetValueOrDefault(name))
            .FetchAsync(ModelHandle.Parse(include, _test.Temp.Path), context);

    private async Task<ModelRefsException> Refused(string include, FetchContext context)
    {
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(include, context));
        Assert.Contains(include, e.Message); // every message names the model
        // Nothing half-written: only complete blobs (of earlier fetches) may be there.
        Assert.DoesNotContain(_test.CacheFiles(), f => f.EndsWith(Core.IO.AtomicFile.TempExtension, StringComparison.Ordinal));
        return e;
    }

    [Fact]
    public async Task Revision_IsPinnedToItsCommit_TheLfsFileVerified_AndTheTokenGoesToTheEndpointOnly()
    {
        var repo = _hub.AddRepo(RepoId);
        repo.Private = true;
        _hub.ValidTokens.Add(Token);
        var commit = repo.Commit(Files(SileroV5), cardData: new { license = "mit", library_name = "onnx" });

        var artifact = await Fetch(Handle, Context(credentials: WithToken()));

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal(SileroV5, File.ReadAllBytes(artifact.Path));
        Assert.Equal($"hf:{RepoId}@{commit}/onnx/model.onnx", artifact.Resolved);
        Assert.Equal("MIT", artifact.License);
        Assert.Equal(HuggingFaceModelSource.LicenseSourceName, artifact.LicenseSource);

        var api = Assert.Single(_hub.ApiRequests);
        Assert.Equal($"/api/models/onnx-community/silero-vad/revision/main", api.Path);
        Assert.Equal("blobs=true", api.Query);
        Assert.Equal("Bearer " + Token, api.Header("Authorization"));
        var resolve = Assert.Single(_hub.Server.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
        Assert.Equal($"/onnx-community/silero-vad/resolve/{commit}/onnx/model.onnx", resolve.Path); // the commit, not the branch
        Assert.Equal("Bearer " + Token, resolve.Header("Authorization"));
        var cdn = Assert.Single(_hub.Cdn.Requests);
        Assert.Null(cdn.Header("Authorization")); // the redirect to the CDN loses the token

        Assert.DoesNotContain(_test.Log, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain("cdn-secret", artifact.Resolved);
        foreach (var file in Directory.GetFiles(_test.Cache.Root, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Token, File.ReadAllText(file, Encoding.Latin1));
    }

    [Fact]
    public async Task TokenFile_IsUsed_WithoutHfToken_AndHfTokenWins()
    {
        using var home = new TempDirectory();
        File.WriteAllText(Path.Combine(home.Path, "token"), "hf_FromTheTokenFile\n");
        var fromFile = Credentials.FromEnvironment(new Dictionary<string, string?> { [Credentials.HuggingFaceHomeVariable] = home.Path });
        Assert.Equal("hf_FromTheTokenFile", fromFile.TokenFor(new Uri("https://huggingface.co/api/models/a/b")));
        Assert.Null(fromFile.TokenFor(new Uri(_hub.Url))); // bound to a configured endpoint only by the source
        Assert.Equal("hf_FromTheTokenFile", fromFile.WithHuggingFaceEndpoint(new Uri(_hub.Url + "/")).TokenFor(new Uri(_hub.Url + "/x")));
        Assert.Null(fromFile.WithHuggingFaceEndpoint(new Uri(_hub.Url + "/")).TokenFor(new Uri(_hub.Cdn.Url)));
        Assert.Null(fromFile.WithHuggingFaceEndpoint(new Uri("http://mirror.example/")).TokenFor(new Uri("http://mirror.example/x"))); // plain http off loopback
        Assert.DoesNotContain("hf_FromTheTokenFile", fromFile.ToString());
        Assert.Equal(Credentials.HuggingFaceTokenFileSource, fromFile.HuggingFaceTokenSource);

        var both = Credentials.FromEnvironment(new Dictionary<string, string?>
        {
            [Credentials.HuggingFaceHomeVariable] = home.Path,
            [Credentials.HuggingFaceTokenVariable] = Token,
        });
        Assert.Equal(Token, both.TokenFor(new Uri("https://huggingface.co/x")));
        // The default folder is ~/.cache/huggingface.
        var profile = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(profile.Path, ".cache", "huggingface"));
        File.WriteAllText(Path.Combine(profile.Path, ".cache", "huggingface", "token"), "hf_InTheProfile");
        Assert.Equal("hf_InTheProfile", Credentials.FromEnvironment(new Dictionary<string, string?>(), userProfile: profile.Path)
            .TokenFor(new Uri("https://huggingface.co/x")));
        profile.Dispose();

        var repo = _hub.AddRepo(RepoId);
        repo.Private = true;
        _hub.ValidTokens.Add("hf_FromTheTokenFile");
        repo.Commit(Files(SileroV5));
        var artifact = await Fetch(Handle, Context(credentials: fromFile));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
    }

    [Fact]
    public async Task LockedCommit_IsFetched_AfterTheBranchMoved_AndAnUnlockedHandleSeesTheMove()
    {
        var repo = _hub.AddRepo(RepoId);
        var first = repo.Commit(Files(SileroV5));
        var second = repo.Commit(Files(SileroLegacy)); // main moves

        var locked = await Fetch(Handle, Context(pinned: $"hf:{RepoId}@{first}/onnx/model.onnx", sha256: NpmPackages.SileroVadV5Sha256));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, locked.Sha256);
        Assert.Equal($"hf:{RepoId}@{first}/onnx/model.onnx", locked.Resolved);
        Assert.Equal($"/api/models/onnx-community/silero-vad/revision/{first}", Assert.Single(_hub.ApiRequests).Path);

        var moved = await Fetch(Handle, Context());
        Assert.Equal(SileroLegacySha256, moved.Sha256);
        Assert.Equal($"hf:{RepoId}@{second}/onnx/model.onnx", moved.Resolved);

        // A tag and a commit in the handle resolve the same way; a commit needs no branch at all.
        repo.SetRef("v5", first);
        Assert.Equal(locked.Resolved, (await Fetch($"hf:{RepoId}@v5/onnx/model.onnx", Context())).Resolved);
        _hub.ClearRequests();
        Assert.Equal(locked.Path, (await Fetch($"hf:{RepoId}@{first}/onnx/model.onnx", Context())).Path);
        Assert.Equal(0, _hub.RequestCount); // that commit is in the cache
    }

    [Fact]
    public async Task CachedCommit_NeedsNoNetwork_AndOfflineRestoresComeFromTheCacheOnly()
    {
        var repo = _hub.AddRepo(RepoId);
        repo.Commit(Files(SileroV5), cardData: new { license = "apache-2.0" });
        var first = await Fetch(Handle, Context());
        _hub.ClearRequests();

        var again = await Fetch(Handle, Context(pinned: first.Resolved, sha256: first.Sha256));
        Assert.Equal(0, _hub.RequestCount);
        Assert.Equal((first.Path, first.Resolved, first.License, first.LicenseSource), (again.Path, again.Resolved, again.License, again.LicenseSource));

        // Offline without a lock: the commit the branch named when last resolved here.
        var offline = await Fetch(Handle, Context(offline: true));
        Assert.Equal(first.Resolved, offline.Resolved);
        var hubOffline = await Fetch(Handle, Context(), new Dictionary<string, string> { [HuggingFaceSettings.OfflineVariable] = "1" });
        Assert.Equal(first.Resolved, hubOffline.Resolved);
        Assert.Equal(0, _hub.RequestCount);

        // Offline and not cached: MR0010, no request.
        var other = "hf:onnx-community/silero-vad/onnx/model_quantized.onnx";
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(other, Context(), new Dictionary<string, string> { [HuggingFaceSettings.OfflineVariable] = "1" }));
        Assert.Equal(RestoreDiagnostics.OfflineNotCached, e.Diagnostic);
        Assert.Contains(other, e.Message);
        Assert.Contains("HF_HUB_OFFLINE", e.Message);
        e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(other, Context(offline: true)));
        Assert.Equal(RestoreDiagnostics.OfflineNotCached, e.Diagnostic);
        Assert.Equal(0, _hub.RequestCount);
        // HF_HUB_OFFLINE=0 is not offline.
        var online = await Fetch(other, Context(), new Dictionary<string, string> { [HuggingFaceSettings.OfflineVariable] = "0" });
        Assert.Equal(Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(new byte[] { 1, 2, 3 })), online.Sha256);
    }

    [Fact]
    public async Task LfsHashMismatch_IsRefused_AndNothingIsCached()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        _hub.TamperLfs = bytes => { var copy = (byte[])bytes.Clone(); copy[copy.Length / 2] ^= 0xFF; return copy; };

        var e = await Refused(Handle, Context());

        Assert.Equal(RestoreDiagnostics.HashMismatch, e.Diagnostic);
        Assert.Contains(NpmPackages.SileroVadV5Sha256, e.Message);
        Assert.Contains("LFS", e.Message);
        Assert.Null(_test.Cache.TryGetBlob(NpmPackages.SileroVadV5Sha256));
        Assert.Empty(_test.CacheFiles());
    }

    [Fact]
    public async Task PlainGitFile_IsVerifiedBySize_AndByTheLockedSha256()
    {
        var repo = _hub.AddRepo(RepoId);
        repo.IsLfs = _ => false;
        repo.Commit(Files(SileroV5));

        var wrong = new string('a', 64);
        var e = await Refused(Handle, Context(sha256: wrong));
        Assert.Equal(RestoreDiagnostics.HashMismatch, e.Diagnostic);
        Assert.Contains(wrong, e.Message);
        Assert.Empty(_test.CacheFiles());
        Assert.Empty(_hub.Cdn.Requests); // a plain git file comes from the Hub itself

        var artifact = await Fetch(Handle, Context(sha256: NpmPackages.SileroVadV5Sha256));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
    }

    [Fact]
    public async Task LockedSha256_ThatTheHubListsOtherwise_IsRefusedBeforeDownloading()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        var e = await Refused(Handle, Context(sha256: SileroLegacySha256));
        Assert.Equal(RestoreDiagnostics.HashMismatch, e.Diagnostic);
        Assert.Empty(_hub.Cdn.Requests);
    }

    [Fact]
    public async Task DownloadCutHalfway_IsResumedWithRange()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        _hub.CutNextDownloadAt(SileroV5.Length / 2);

        var artifact = await Fetch(Handle, Context());

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        var cdn = _hub.Cdn.Requests;
        Assert.Equal(2, cdn.Count);
        Assert.Null(cdn[0].Header("Range"));
        Assert.StartsWith("bytes=", cdn[1].Header("Range"));
        Assert.NotEqual("bytes=0-", cdn[1].Header("Range"));
        Assert.True(_hub.Cdn.BodyBytesSent < SileroV5.Length * 3 / 2, "the second request sent the whole file again");
    }

    [Fact]
    public async Task RenamedRepo_IsFollowedThroughTheRelative307_WithTheToken()
    {
        var repo = _hub.AddRepo("silero/old-name");
        repo.Private = true;
        _hub.ValidTokens.Add(Token);
        var commit = repo.Commit(Files(SileroV5));
        _hub.Rename("silero/old-name", RepoId);

        var artifact = await Fetch("hf:silero/old-name/onnx/model.onnx", Context(credentials: WithToken()));

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal($"hf:silero/old-name@{commit}/onnx/model.onnx", artifact.Resolved);
        var moved = _hub.Server.Requests.Where(r => r.Path.Contains(RepoId, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, moved.Count); // API and resolve, each after a 307
        Assert.All(moved, r => Assert.Equal("Bearer " + Token, r.Header("Authorization"))); // same origin: the token follows
        Assert.Contains(_test.Log, l => l.Contains($"the repository is now {RepoId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingRepo_AndPrivateRepoWithoutToken_AreMR0040()
    {
        var missing = await Refused("hf:nobody/nothing/model.onnx", Context());
        Assert.Equal(RestoreDiagnostics.HuggingFaceRepoNotFound, missing.Diagnostic);
        Assert.Contains("HF_TOKEN", missing.Message);
        Assert.Contains("Repository not found", missing.Message);

        var repo = _hub.AddRepo(RepoId);
        repo.Private = true;
        repo.Commit(Files(SileroV5));
        var e = await Refused(Handle, Context());
        Assert.Equal(RestoreDiagnostics.HuggingFaceRepoNotFound, e.Diagnostic);
        Assert.Contains("if it is private, set HF_TOKEN", e.Message);

        // A token the Hub does not know: still MR0040, saying the token was sent (never its value).
        var refused = await Refused(Handle, Context(credentials: WithToken("hf_NotKnownToTheHub")));
        Assert.Equal(RestoreDiagnostics.HuggingFaceRepoNotFound, refused.Diagnostic);
        Assert.Contains("the token from HF_TOKEN was sent", refused.Message);
        Assert.DoesNotContain("hf_NotKnownToTheHub", refused.Message);
    }

    [Fact]
    public async Task GatedRepo_IsMR0041_UntilTheTokensAccountAcceptedTheTerms()
    {
        var repo = _hub.AddRepo(RepoId);
        repo.Gated = "manual";
        _hub.ValidTokens.Add(Token);
        repo.Commit(Files(SileroV5));

        var anonymous = await Refused(Handle, Context());
        Assert.Equal(RestoreDiagnostics.HuggingFaceGatedRepo, anonymous.Diagnostic);
        Assert.Contains($"{_hub.Url}/{RepoId}", anonymous.Message); // the page where the terms are accepted
        Assert.Contains("accept the terms", anonymous.Message);
        Assert.Contains("HF_TOKEN", anonymous.Message);

        var notAccepted = await Refused(Handle, Context(credentials: WithToken()));
        Assert.Equal(RestoreDiagnostics.HuggingFaceGatedRepo, notAccepted.Diagnostic);
        Assert.Contains("no access yet", notAccepted.Message);

        repo.AcceptedTokens.Add(Token);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await Fetch(Handle, Context(credentials: WithToken()))).Sha256);
    }

    [Fact]
    public async Task MissingRevision_IsMR0042()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        var e = await Refused($"hf:{RepoId}@v9/onnx/model.onnx", Context());
        Assert.Equal(RestoreDiagnostics.HuggingFaceRevisionNotFound, e.Diagnostic);
        Assert.Contains("'v9'", e.Message);
        Assert.Contains("branch, tag or", e.Message);
    }

    [Fact]
    public async Task MissingFile_IsMR0043_ListingTheRepositorysOnnxFiles()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        var e = await Refused($"hf:{RepoId}/model.onnx", Context());
        Assert.Equal(RestoreDiagnostics.HuggingFaceFileNotFound, e.Diagnostic);
        Assert.Contains("onnx/model.onnx, onnx/model_quantized.onnx", e.Message);
        Assert.DoesNotContain("config.json", e.Message);
        Assert.Empty(_hub.Cdn.Requests);
    }

    [Fact]
    public async Task RateLimit_IsWaitedOut_AsRetryAfterAsks_ThenMR0044()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));
        _hub.RateLimitNext(1, retryAfterSeconds: 1);
        Assert.Equal(NpmPackages.SileroVadV5Sha256, (await Fetch(Handle, Context())).Sha256);
        Assert.Contains(_test.Log, l => l.Contains("429", StringComparison.Ordinal) && l.Contains("retrying in 1.0 s", StringComparison.Ordinal));

        _hub.RateLimitNext(100);
        var e = await Refused($"hf:{RepoId}/onnx/model_quantized.onnx", Context(download: SourceTestContext.FastRetries with { MaxAttempts = 2 }));
        Assert.Equal(RestoreDiagnostics.HuggingFaceRateLimited, e.Diagnostic);
        Assert.Contains("gave up after 2 attempts", e.Message);
        Assert.Contains("HF_TOKEN", e.Message);
    }

    [Fact]
    public async Task EndpointThatIsNotTheHub_IsMR0045()
    {
        using var other = LoopbackHttpServer.Start();
        other.MapPrefix("/api/", _ => LoopbackResponse.Json("{\"sha\":\"main\",\"siblings\":[]}"));
        var context = Context();
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(Handle, new FetchContext(context.Cache, NoRedirects)
        {
            Settings = new SettingValues { [HuggingFaceSettings.Url] = other.Url },
            Download = SourceTestContext.FastRetries,
            Credentials = Credentials.None,
        }));
        Assert.Equal(RestoreDiagnostics.HuggingFaceInvalidAnswer, e.Diagnostic);
        Assert.Contains("ModelRefsHuggingFaceUrl", e.Message);

        var bad = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(Handle, new FetchContext(context.Cache, NoRedirects)
        {
            Settings = new SettingValues { [HuggingFaceSettings.Url] = "ftp://mirror.example" },
        }));
        Assert.Equal(RestoreDiagnostics.InvalidMetadata, bad.Diagnostic);
    }

    [Fact]
    public async Task Licence_FromReadmeFrontMatter_WhenTheEndpointGivesNoCardData()
    {
        var repo = _hub.AddRepo(RepoId);
        repo.OmitCardData = true;
        repo.Commit(Files(SileroV5, ("README.md", "---\nlicense: cc-by-nc-4.0\ntags:\n- onnx\n---\n# Silero VAD\n")), cardData: new { license = "cc-by-nc-4.0" });

        var artifact = await Fetch(Handle, Context());

        Assert.Equal("CC-BY-NC-4.0", artifact.License);
        Assert.Equal(HuggingFaceModelSource.LicenseSourceName, artifact.LicenseSource);
        Assert.Contains(_hub.Server.Requests, r => r.Path.EndsWith("/README.md", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Licence_FromALicenseFile_WhenTheCardStatesNone_IsRecognisedByRestore()
    {
        var mit = LicenseTexts.Mit("Copyright (c) 2020-present Silero Team");
        _hub.AddRepo(RepoId).Commit(Files(SileroV5, ("LICENSE", mit)), cardData: new { tags = new[] { "onnx" } });

        var artifact = await Fetch(Handle, Context());

        Assert.Null(artifact.License);
        Assert.Equal(mit, artifact.LicenseText);
        var restored = RestoredLicense.Resolve(null, artifact);
        Assert.Equal("MIT", restored.Expression);
        Assert.Equal("LICENSE file", restored.Source);
        Assert.Contains("Copyright (c) 2020-present Silero Team", restored.Attribution);

        // From the cache (a locked restore), the same text and licence.
        var again = await Fetch(Handle, Context(pinned: artifact.Resolved));
        Assert.Equal(mit, again.LicenseText);
    }

    [Fact]
    public async Task Licence_Other_IsUnknown_AndCarriesItsLinkIntoTheNotices()
    {
        _hub.AddRepo(RepoId).Commit(Files(SileroV5), cardData: new { license = "other", license_name = "silero-terms", license_link = "https://example.com/silero-terms" });

        var artifact = await Fetch(Handle, Context());

        Assert.Equal("LicenseRef-silero-terms", artifact.License);
        var restored = RestoredLicense.Resolve(null, artifact);
        Assert.Equal(LicenseCategory.Unknown, restored.Category);
        Assert.Contains("https://example.com/silero-terms", restored.Attribution);
    }

    [Fact]
    public async Task SameFileFromNpmAndHf_IsOneBlob()
    {
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        var npm = await _test.FetchAsync($"npm:{NpmPackages.SileroVad}/{NpmPackages.SileroVadV5Path}", _test.Context(npmRegistry: registry.Url));
        _hub.AddRepo(RepoId).Commit(Files(SileroV5));

        var hf = await Fetch(Handle, Context());

        Assert.Equal(npm.Sha256, hf.Sha256);
        Assert.Equal(npm.Path, hf.Path);
        Assert.Single(Directory.GetFiles(_test.Cache.Layout.BlobsDirectory, hf.Sha256, SearchOption.AllDirectories));
    }
}
