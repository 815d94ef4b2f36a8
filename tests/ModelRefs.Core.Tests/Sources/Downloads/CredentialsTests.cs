using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources.Downloads;

public class CredentialsTests
{
    private static readonly Credentials All = Credentials.FromEnvironment(
        new Dictionary<string, string?> { ["GITHUB_TOKEN"] = "gh-secret", ["HF_TOKEN"] = "hf-secret", ["UNRELATED"] = "x" },
        [new Uri("https://ghe.example.com/api/v3/")],
        [new NpmAuthToken("//npm.example.com/", "npm-root"), new NpmAuthToken("//npm.example.com/team/", "npm-team"),
         new NpmAuthToken("//127.0.0.1:4873/", "npm-local"), new NpmAuthToken("//plain.example/", "npm-plain")]);

    [Theory]
    [InlineData("https://github.com/pytorch/vision/zipball/v1", "gh-secret")]
    [InlineData("https://api.github.com/repos/a/b/commits/main", "gh-secret")]
    [InlineData("https://codeload.github.com/a/b/zip/abc", "gh-secret")]
    [InlineData("https://GITHUB.com/a", "gh-secret")]
    [InlineData("https://ghe.example.com/api/v3/repos/a/b", "gh-secret")]
    [InlineData("http://github.com/a", null)]                 // plain http: never
    [InlineData("https://github.com:8443/a", null)]           // another port: another origin
    [InlineData("https://gist.github.com/a", null)]
    [InlineData("https://github.com.evil.example/a", null)]
    [InlineData("https://objects.githubusercontent.com/a", null)]
    [InlineData("https://huggingface.co/org/model/resolve/main/m.onnx", "hf-secret")]
    [InlineData("https://cdn-lfs.huggingface.co/x", null)]
    [InlineData("https://npm.example.com/pkg/1.0.0", "npm-root")]
    [InlineData("https://npm.example.com/team/pkg/-/pkg-1.0.0.tgz", "npm-team")]
    [InlineData("https://npm.example.com:444/pkg", null)]
    [InlineData("http://npm.example.com/pkg", null)]
    [InlineData("http://127.0.0.1:4873/pkg", "npm-local")]    // loopback may be plain http
    [InlineData("http://127.0.0.1:4874/pkg", null)]
    [InlineData("http://plain.example/pkg", null)]
    public void TokenFor_OnlyTheCredentialsOwnOrigin(string url, string? expected) =>
        Assert.Equal(expected, All.TokenFor(new Uri(url)));

    [Fact]
    public void Nothing_Set_NoTokens()
    {
        var none = Credentials.FromEnvironment(new Dictionary<string, string?> { ["GITHUB_TOKEN"] = "  ", ["HF_TOKEN"] = null });
        Assert.Null(none.TokenFor(new Uri("https://github.com/")));
        Assert.Empty(none.Sources);
        Assert.Null(Credentials.None.TokenFor(new Uri("https://huggingface.co/")));
    }

    [Fact]
    public void ToString_AndScrub_NeverShowTokens()
    {
        var text = All.ToString();
        Assert.Contains("GITHUB_TOKEN", text);
        Assert.Contains("HF_TOKEN", text);
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain("npm-team", text);
        Assert.Equal("token *** and ***", All.Scrub("token gh-secret and hf-secret"));
        Assert.DoesNotContain("npm-root", new NpmAuthToken("//x/", "npm-root").ToString());
    }

    [Fact]
    public void NpmrcTokens_NearestFileWins_EnvExpanded_OtherKeysIgnored()
    {
        using var temp = new TempDirectory();
        var project = temp.Combine("repo", "app");
        var home = temp.Combine("home");
        Directory.CreateDirectory(project);
        Directory.CreateDirectory(home);
        File.WriteAllText(temp.Combine("repo", ".npmrc"), "//npm.example.com/:_authToken=from-repo\n//other.example/:_authToken=\"${OTHER}\"\n");
        File.WriteAllText(Path.Combine(project, ".npmrc"), "# comment\nregistry=https://npm.example.com/\n//npm.example.com/:_authToken=old\n//npm.example.com/:_authToken=${NPM_TOKEN}\nalways-auth=true\n//x/:_password=pw\n");
        File.WriteAllText(Path.Combine(home, ".npmrc"), "//npm.example.com/:_authToken=from-home\n//home.example/:_authToken=home\n");
        var environment = new Dictionary<string, string?> { ["NPM_TOKEN"] = "from-env", ["OTHER"] = "other-token" };

        var tokens = NpmRegistry.ReadAuthTokens(project, name => environment.GetValueOrDefault(name), home)
            .ToDictionary(t => t.Prefix, t => t.Token);

        Assert.Equal(new Dictionary<string, string>
        {
            ["//npm.example.com/"] = "from-env",
            ["//other.example/"] = "other-token",
            ["//home.example/"] = "home",
        }, tokens);
    }

    [Fact]
    public void Redact_RemovesUserInfo_AndSecretQueryValues()
    {
        Assert.Equal("https://host.example/m.onnx", Core.Sources.Downloads.Redact(new Uri("https://user:pw@host.example/m.onnx")));
        Assert.Equal("https://host.example/m.onnx?X-Amz-Signature=***&x=1&access_token=***&mytoken=***",
            Core.Sources.Downloads.Redact(new Uri("https://host.example/m.onnx?X-Amz-Signature=abc&x=1&access_token=t0k&mytoken=zz")));
        Assert.Equal("https://host.example/m.onnx?v=2", Core.Sources.Downloads.Redact(new Uri("https://host.example/m.onnx?v=2")));
    }

    [Fact]
    public void Backoff_Exponential_WithJitter_AndCappedRetryAfter()
    {
        var settings = new DownloadOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < 50; i++)
        {
            var first = Core.Sources.Downloads.Backoff(settings, 1, null);
            var third = Core.Sources.Downloads.Backoff(settings, 3, null);
            var tenth = Core.Sources.Downloads.Backoff(settings, 10, null);
            Assert.InRange(first.TotalSeconds, 0.5, 1);
            Assert.InRange(third.TotalSeconds, 2, 4);
            Assert.InRange(tenth.TotalSeconds, 15, 30);
        }
        Assert.Equal(TimeSpan.FromSeconds(7), Core.Sources.Downloads.Backoff(settings, 1, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(30), Core.Sources.Downloads.Backoff(settings, 1, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.Zero, Core.Sources.Downloads.Backoff(settings, 1, TimeSpan.FromSeconds(-5)));
    }
}
