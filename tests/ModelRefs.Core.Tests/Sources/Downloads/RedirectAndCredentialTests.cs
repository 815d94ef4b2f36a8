using System.Net;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using static ModelRefs.Core.Tests.Sources.Downloads.DownloadTest;

namespace ModelRefs.Core.Tests.Sources.Downloads;

public class RedirectAndCredentialTests
{
    private const string Token = "ghp_TEST_SECRET_0123456789abcdef";

    /// <summary>GITHUB_TOKEN bound to a loopback "GitHub endpoint" (as ModelRefsGitHubUrl would).</summary>
    private static Credentials GitHubTokenFor(LoopbackHttpServer server) =>
        Credentials.FromEnvironment(new Dictionary<string, string?> { ["GITHUB_TOKEN"] = Token }, [new Uri(server.Url)]);

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RedirectLoop_MR0003_NamesModelAndChain(bool autoRedirect)
    {
        using var test = new SourceTestContext();
        using var server = LoopbackHttpServer.Start();
        server.Map("/a.onnx", _ => LoopbackResponse.Redirect(server.Url + "b.onnx?token=" + Token));
        server.Map("/b.onnx", _ => LoopbackResponse.Redirect("/a.onnx"));
        var url = server.Url + "a.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync(url, test.Context(http: Client(autoRedirect))));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains($"Model '{url}'", e.Message);
        Assert.Contains(autoRedirect ? "redirect" : "loop", e.Message);
        Assert.Contains(server.Url + "b.onnx?token=***", e.Message);
        Assert.DoesNotContain(Token, e.Message);
        Assert.DoesNotContain(test.Log, l => l.Contains(Token, StringComparison.Ordinal));
        AssertNoBlobs(test);
    }

    [Fact(Timeout = 30_000)]
    public async Task TooManyRedirects_MR0003()
    {
        using var test = new SourceTestContext();
        using var server = LoopbackHttpServer.Start();
        server.MapPrefix("/hop/", r => LoopbackResponse.Redirect($"/hop/{int.Parse(r.Path[5..]) + 1}"));
        var url = server.Url + "hop/0";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            test.FetchAsync(url, test.Context(http: NoAutoRedirect, download: Fast() with { MaxRedirects = 5 })));

        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("more than 5 redirects", e.Message);
        Assert.Equal(6, server.RequestCount); // not retried
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RedirectToAnotherOrigin_DropsAuthorization(bool autoRedirect)
    {
        using var test = new SourceTestContext();
        using var storage = LoopbackHttpServer.Start(); // another port: another origin
        storage.Map("/blob", r => LoopbackResponse.Ranged(r, Content));
        using var hub = LoopbackHttpServer.Start();
        hub.Map("/model.onnx", _ => LoopbackResponse.Redirect(storage.Url + "blob"));
        var url = hub.Url + "model.onnx";

        var artifact = await test.FetchAsync(url, test.Context(sha256: ContentSha, http: Client(autoRedirect), credentials: GitHubTokenFor(hub)));

        Assert.Equal(ContentSha, artifact.Sha256);
        Assert.Equal(storage.Url + "blob", artifact.Resolved);
        Assert.Equal("Bearer " + Token, Assert.Single(hub.Requests).Header("Authorization"));
        Assert.Null(Assert.Single(storage.Requests).Header("Authorization"));
    }

    [Fact(Timeout = 30_000)]
    public async Task RedirectWithinTheOrigin_KeepsAuthorization_AndTokenNeverInMessages()
    {
        using var test = new SourceTestContext();
        using var hub = LoopbackHttpServer.Start();
        hub.Map("/model.onnx", _ => LoopbackResponse.Redirect("/files/model.onnx"));
        hub.Map("/files/model.onnx", _ => LoopbackResponse.Status(500));
        var url = hub.Url + "model.onnx";

        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            test.FetchAsync(url, test.Context(http: NoAutoRedirect, credentials: GitHubTokenFor(hub), download: Fast(maxAttempts: 2))));

        Assert.All(hub.Requests, r => Assert.Equal("Bearer " + Token, r.Header("Authorization")));
        Assert.Equal(4, hub.RequestCount);
        Assert.Contains(hub.Url + "files/model.onnx", e.Message);
        Assert.DoesNotContain(Token, e.Message);
        Assert.DoesNotContain(Token, e.ToString());
        Assert.DoesNotContain(test.Log, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(Token, GitHubTokenFor(hub).ToString());
    }

    [Fact(Timeout = 30_000)]
    public async Task TokenOfAnotherOrigin_IsNotSent()
    {
        using var test = new SourceTestContext();
        using var other = LoopbackHttpServer.Start();
        using var server = LoopbackHttpServer.Start();
        server.Map("/m.onnx", r => LoopbackResponse.Ranged(r, Content));

        await test.FetchAsync(server.Url + "m.onnx", test.Context(http: NoAutoRedirect, credentials: GitHubTokenFor(other)));

        Assert.Null(Assert.Single(server.Requests).Header("Authorization"));
    }

    [Fact(Timeout = 30_000)]
    public async Task HttpsToHttp_Downgrade_IsRefused_ExceptToLoopback()
    {
        using var test = new SourceTestContext();
        using var loopback = LoopbackHttpServer.Start();
        loopback.Map("/m.onnx", r => LoopbackResponse.Ranged(r, Content));
        var handler = new FakeHandler(request => new HttpResponseMessage(HttpStatusCode.Found)
        {
            Headers = { Location = request.RequestUri!.AbsolutePath == "/remote" ? new Uri("http://mirror.example/m.onnx") : new Uri(loopback.Url + "m.onnx") },
        });
        using var fake = new HttpClient(new RoutingHandler(handler, NoAutoRedirect));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => test.FetchAsync("https://models.example/remote", test.Context(http: fake)));
        Assert.Equal("MR0003", e.Diagnostic.Id);
        Assert.Contains("from https to plain http was refused", e.Message);
        Assert.Contains("http://mirror.example/m.onnx", e.Message);
        Assert.Single(handler.Requests);

        var artifact = await test.FetchAsync("https://models.example/local", test.Context(http: fake));
        Assert.Equal(ContentSha, artifact.Sha256);
    }

    [Fact(Timeout = 60_000)]
    public async Task Npm_AuthTokenFromNpmrc_IsSentToTheRegistryOnly()
    {
        using var test = new SourceTestContext();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad);
        var npmrc = test.Temp.Combine("project", ".npmrc");
        Directory.CreateDirectory(Path.GetDirectoryName(npmrc)!);
        var nerfDart = "//127.0.0.1:" + registry.Server.Port + "/";
        File.WriteAllText(npmrc, $"registry={registry.Url}\n{nerfDart}:_authToken=${{NPM_TEST_TOKEN}}\n//registry.npmjs.org/:_authToken=other\n");
        var environment = new Dictionary<string, string?> { ["NPM_TEST_TOKEN"] = "npm_SECRET_abcdef" };
        var tokens = NpmRegistry.ReadAuthTokens(Path.GetDirectoryName(npmrc)!, name => environment.GetValueOrDefault(name), userProfile: null);
        var credentials = Credentials.FromEnvironment(environment, npmTokens: tokens);

        var artifact = await test.FetchAsync($"npm:{NpmPackages.SileroVad}/{NpmPackages.SileroVadV5Path}",
            test.Context(npmRegistry: registry.Url, http: NoAutoRedirect, credentials: credentials));

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal(2, registry.RequestCount); // version document, tarball
        Assert.All(registry.Requests, r => Assert.Equal("Bearer npm_SECRET_abcdef", r.Header("Authorization")));
        Assert.DoesNotContain(test.Log, l => l.Contains("npm_SECRET", StringComparison.Ordinal));
        Assert.DoesNotContain("npm_SECRET", string.Join(" ", tokens));
        Assert.DoesNotContain("npm_SECRET", credentials.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Npm_TarballDroppedMidBody_IsResumed()
    {
        using var test = new SourceTestContext();
        using var registry = LoopbackNpmRegistry.Start();
        var package = registry.AddPackage(NpmPackages.SileroVad);
        var tarballs = 0;
        registry.Server.Intercept = r =>
        {
            if (!r.Path.EndsWith(".tgz", StringComparison.Ordinal))
                return null;
            var response = LoopbackResponse.Ranged(r, package.Tarball);
            if (Interlocked.Increment(ref tarballs) == 1)
                response.DropAfterBodyBytes = package.Tarball.Length / 2;
            return response;
        };

        var artifact = await test.FetchAsync($"npm:{NpmPackages.SileroVad}/{NpmPackages.SileroVadV5Path}",
            test.Context(npmRegistry: registry.Url, http: NoAutoRedirect));

        Assert.Equal(NpmPackages.SileroVadV5Sha256, artifact.Sha256);
        Assert.Equal(2, tarballs);
        Assert.NotNull(registry.Requests[^1].Header("Range"));
    }
}

/// <summary>https://models.example goes to a fake handler, everything else to a real client.</summary>
internal sealed class RoutingHandler(FakeHandler fake, HttpClient real) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.Host == "models.example")
            return new HttpMessageInvoker(fake).SendAsync(request, cancellationToken);
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var header in request.Headers)
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return real.SendAsync(copy, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
