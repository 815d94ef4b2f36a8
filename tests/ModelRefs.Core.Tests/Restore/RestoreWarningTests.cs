using System.Net;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// The warnings restore gives about what it restored: plain HTTP from a host that is not loopback
/// (MR0016), a licence known only from a package that redistributes the model (MR0017), one content
/// under two licences (MR0018); and that an up-to-date restore gives them again.
/// </summary>
public sealed class RestoreWarningTests
{
    [Fact]
    public async Task PlainHttpRegistry_OnAHostThatIsNotLoopback_WarnsMR0016_UnlessSha256PinsTheModel()
    {
        using var f = new RestoreFixture();
        var model = RestoreFixture.Model("plain");
        using var registry = LoopbackNpmRegistry.Start();
        // registry.example reaches the loopback registry through it as an HTTP proxy, as a
        // registry on the network would be reached: no name lookup, nothing leaves the machine.
        registry.TarballBaseUrl = "http://registry.example/";
        registry.AddTarball(f.WriteTarball("@test/plain", "1.0.0", "MIT", ("m.onnx", model)));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, Proxy = new WebProxy(registry.Url), UseProxy = true });
        var request = f.Request(npmRegistry: "http://registry.example/");
        var item = RestoreFixture.Item("npm:@test/plain@1.0.0/m.onnx", ("License", "MIT"));

        var result = await new ModelRestorer(http, f.Log.Add).RestoreAsync([item], request);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.NotEqual(0, registry.RequestCount);
        var warning = Assert.Single(result.Problems);
        Assert.Equal("MR0016", warning.Diagnostic.Id);
        Assert.False(warning.IsError);
        Assert.Same(item, warning.Item);
        Assert.Contains("registry.example", warning.Message);
        Assert.Contains("Sha256=", warning.Message);

        // Up to date: the same warning again, from the no-op record.
        var again = await new ModelRestorer(http, f.Log.Add).RestoreAsync([item], request);
        Assert.True(again.WasNoOp);
        Assert.Equal(warning.Message, Assert.Single(again.Problems).Message);
        Assert.Same(item, again.Problems[0].Item);

        // Pinned by the item: the project says what the content is, the connection does not matter.
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model));
        var pinned = RestoreFixture.Item("npm:@test/plain@1.0.0/m.onnx", ("License", "MIT"), ("Sha256", sha));
        var quiet = await new ModelRestorer(http, f.Log.Add).RestoreAsync([pinned], request);
        Assert.True(quiet.Succeeded, string.Join("\n", quiet.Problems.Select(p => p.Message)));
        Assert.Empty(quiet.Problems);
    }

    [Fact]
    public async Task LoopbackPlainHttp_GivesNoMR0016()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/local", "1.0.0", "MIT", ("m.onnx", RestoreFixture.Model("local"))));

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item("npm:@test/local@1.0.0/m.onnx", ("License", "MIT")));

        Assert.True(result.Succeeded);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task RealSileroFromTwoPackages_RecordsEachPackagesProvenance_WarnsMR0017AndMR0018()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SileroVad); // ISC, the package's own licence
        var silero = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path));
        registry.AddTarball(f.WriteTarball("@test/vad-bundle", "1.0.0", "Apache-2.0", ("silero.onnx", silero)));
        var web = RestoreFixture.Item($"npm:{NpmPackages.SileroVad}/{NpmPackages.SileroVadV5Path}", ("Name", "WebVad"));
        var bundle = RestoreFixture.Item("npm:@test/vad-bundle@1.0.0/silero.onnx", ("Name", "BundleVad"));

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), web, bundle);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var redistributed = result.Problems.Where(p => p.Diagnostic.Id == "MR0017").ToList();
        Assert.Equal(2, redistributed.Count);
        Assert.Contains(redistributed, p => p.Item == web && p.Message.Contains("ISC is declared by the npm package @ricky0123/vad-web@0.0.31 that carries the file", StringComparison.Ordinal));
        Assert.Contains(redistributed, p => p.Item == bundle && p.Message.Contains("Apache-2.0 is declared by the npm package @test/vad-bundle@1.0.0 that carries the file", StringComparison.Ordinal));
        Assert.All(redistributed, p => Assert.Contains("License=", p.Message));

        var conflicts = result.Problems.Where(p => p.Diagnostic.Id == "MR0018").ToList();
        Assert.Equal(2, conflicts.Count);
        Assert.All(conflicts, p => Assert.Contains(NpmPackages.SileroVadV5Sha256, p.Message));
        Assert.All(conflicts, p => Assert.Contains("ISC for 'npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx'", p.Message));
        Assert.All(conflicts, p => Assert.Contains("Apache-2.0 for 'npm:@test/vad-bundle@1.0.0/silero.onnx'", p.Message));
        Assert.All(result.Problems, p => Assert.False(p.IsError));

        // The provenance in the manifest and the notices, word for word.
        var manifest = File.ReadAllText(result.Models.Single(m => m.Name == "WebVad").ManifestPath);
        Assert.Contains("\"licenseProvenance\": \"declared by the npm package @ricky0123/vad-web@0.0.31 that carries the file\"", manifest);
        Assert.Contains("\"licenseSource\": \"npm\"", manifest);
        var notices = File.ReadAllText(result.NoticesPath!);
        Assert.Contains("ISC (permissive; declared by the npm package @ricky0123/vad-web@0.0.31 that carries the file)", notices);
        Assert.Contains("Apache-2.0 (permissive; declared by the npm package @test/vad-bundle@1.0.0 that carries the file)", notices);

        // The same License on both (after checking upstream): no warning left.
        var checkedUpstream = await f.RestoreAsync(f.Request(npmRegistry: registry.Url),
            RestoreFixture.Item(web.Include, ("Name", "WebVad"), ("License", "MIT")),
            RestoreFixture.Item(bundle.Include, ("Name", "BundleVad"), ("License", "MIT")));
        Assert.True(checkedUpstream.Succeeded);
        Assert.Empty(checkedUpstream.Problems);
        Assert.Contains("MIT (permissive; set by the item's License metadata)", File.ReadAllText(checkedUpstream.NoticesPath!));
    }
}
