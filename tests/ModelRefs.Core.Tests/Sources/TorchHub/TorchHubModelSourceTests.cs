using ModelRefs.Core.Conversion;
using ModelRefs.Core.Configuration;
using System.Security.Cryptography;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.Core.Sources.TorchHub.Export;
using ModelRefs.TestSupport.TorchHub;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

/// <summary>The torchhub: source as the restorer calls it: metadata, settings and the lock in, an artifact out.</summary>
public class TorchHubModelSourceTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static FetchContext Context(TorchHubTestContext test, string? pinned = null, string? sha256 = null, string? trust = null,
        string? hubDirectory = null, string? projectDirectory = null, bool offline = false)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["InputShape"] = "1,3,16,16" };
        if (trust is not null)
            metadata["Trust"] = trust;
        if (hubDirectory is not null)
            metadata["HubDirectory"] = hubDirectory;
        return new FetchContext(test.Cache, Http)
        {
            Metadata = metadata,
            Settings = new SettingValues
            {
                [TorchHubSettings.GitHubUrl] = test.GitHub.WebUrl,
                [TorchHubSettings.GitHubApiUrl] = test.GitHub.ApiUrl,
                [ConversionSettings.Python] = HubRepoFixture.Python,
                ProjectDirectory = projectDirectory,
            },
            PinnedResolved = pinned,
            Sha256 = sha256,
            Offline = offline,
            Log = message => { lock (test.Log) test.Log.Add(message); },
        };
    }

    private static Task<FetchedArtifact> FetchAsync(string include, FetchContext context) =>
        new TorchHubModelSource().FetchAsync(TorchHubTestContext.Handle(include), context);

    [Fact]
    public async Task Fetch_PinsTheCommit_ExportsTheEntry_AndDescribesItForTheLock()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        var sha = test.AddFixtureRepo();

        var artifact = await FetchAsync("torchhub:pytorch/vision:v0.14.1/tiny", Context(test));

        Assert.Equal($"torchhub:pytorch/vision:{sha}/tiny", artifact.Resolved);
        // sha256: the repo's file listing, a cache blob, in sha256sum's format.
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(artifact.Path))).ToLowerInvariant(), artifact.Sha256);
        Assert.Contains("  hubconf.py\n", File.ReadAllText(artifact.Path));
        Assert.True(File.Exists(artifact.OnnxPath));
        Assert.NotEqual(artifact.Sha256, artifact.OnnxSha256);
        Assert.StartsWith(ExporterScript.Identity + " torch 1.13", artifact.Converter);
        Assert.StartsWith("A tiny convolutional network, fast to export.", artifact.Description);
        Assert.Contains(test.Log, l => l.Contains("no ONNX verifier is configured"));
    }

    [Fact]
    public async Task LockedCommit_WinsOverAMovedTag_WithNoApiCall_AndTheSecondFetchExportsNothing()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        var first = test.AddFixtureRepo();
        var artifact = await FetchAsync("torchhub:pytorch/vision:v0.14.1/tiny", Context(test));
        var moved = test.AddFixtureRepo(tinyDoc: "Another commit.");
        Assert.NotEqual(first, moved);
        test.GitHub.Server.ClearRequests();
        test.Log.Clear();

        var again = await FetchAsync("torchhub:pytorch/vision:v0.14.1/tiny", Context(test, pinned: artifact.Resolved, sha256: artifact.Sha256));

        Assert.Equal(artifact.Resolved, again.Resolved);
        Assert.Equal(artifact.OnnxSha256, again.OnnxSha256);
        Assert.Empty(test.GitHub.Requests);
        Assert.Contains(test.Log, l => l.Contains("ONNX export in the cache"));

        // Without the lock the moved tag is seen: another commit, another export.
        var unlocked = await FetchAsync("torchhub:pytorch/vision:v0.14.1/tiny", Context(test));
        Assert.Equal($"torchhub:pytorch/vision:{moved}/tiny", unlocked.Resolved);
        Assert.StartsWith("Another commit.", unlocked.Description);
    }

    [Fact]
    public async Task UntrustedOwner_IsRefusedBeforeAnyRequest_AndTrustTrueAllowsIt()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        test.AddFixtureRepo(owner: "someone", repo: "models", tag: "v1");

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync("torchhub:someone/models:v1/tiny", Context(test)));
        Assert.Equal(RestoreDiagnostics.UntrustedHubCode, e.Diagnostic);
        Assert.Contains("Trust=\"true\"", e.Message);
        Assert.Contains("<ModelRefsTrustedOwners>$(ModelRefsTrustedOwners);someone</ModelRefsTrustedOwners>", e.Message);
        Assert.Empty(test.GitHub.Requests);

        var artifact = await FetchAsync("torchhub:someone/models:v1/tiny", Context(test, trust: "true"));
        Assert.StartsWith("torchhub:someone/models:", artifact.Resolved);
    }

    [Fact]
    public async Task MissingEntry_FailsWithTheEntrypointsThatExist()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        test.AddFixtureRepo();

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync("torchhub:pytorch/vision:v0.14.1/Tiny", Context(test)));

        Assert.Equal(RestoreDiagnostics.HubNotFound, e.Diagnostic);
        Assert.Contains("Its entrypoints: failing, not_a_module, resnet18, spectral, squeezenet1_1, tiny.", e.Message);
        Assert.Contains("Did you mean 'tiny'?", e.Message);
    }

    [Fact]
    public async Task OtherCodeForTheLockedListing_FailsWithMR0004_AndAForeignLockEntryWithMR0009()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        var sha = test.AddFixtureRepo();
        var include = "torchhub:pytorch/vision:v0.14.1/tiny";

        var mismatch = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync(include, Context(test, sha256: new string('0', 64))));
        Assert.Equal(RestoreDiagnostics.HashMismatch, mismatch.Diagnostic);

        var foreign = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync(include, Context(test, pinned: $"torchhub:pytorch/other:{sha}/tiny")));
        Assert.Equal(RestoreDiagnostics.InvalidMetadata, foreign.Diagnostic);
        Assert.Contains("remove it from the lock", foreign.Message);
    }

    [Fact]
    public async Task HubDirectory_ExportsFromALocalFolder_WithNoNetwork_EvenOffline()
    {
        using var test = new TorchHubTestContext();
        HubRepoFixture.WriteTo(test.Temp.Combine("project", "hub"), test.WeightsUrl);

        var artifact = await FetchAsync("torchhub:pytorch/vision:v0.14.1/tiny",
            Context(test, hubDirectory: "hub", projectDirectory: test.Temp.Combine("project"), offline: true));

        Assert.Equal("hub/hubconf.py#tiny", artifact.Resolved);
        Assert.True(File.Exists(artifact.OnnxPath));
        Assert.StartsWith("A tiny convolutional network", artifact.Description);
        Assert.Empty(test.GitHub.Requests);
    }
}
