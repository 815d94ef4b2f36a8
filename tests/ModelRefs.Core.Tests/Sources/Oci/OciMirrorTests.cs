using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.TestSupport.Oci;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>ModelRefsMirror and ModelRefsMirrorOnly through the whole restore, with a real registry as the mirror and the npm stand-in gone.</summary>
public sealed class OciMirrorTests : IDisposable
{
    private readonly DistributionRegistry _registry = DistributionRegistry.Start();

    public void Dispose() => _registry.Dispose();

    private static RestoreRequest WithMirror(RestoreFixture f, string? mirror, bool only, string npmRegistry = "http://127.0.0.1:9/") => f.Request() with
    {
        Settings = new SettingValues
        {
            [NpmSettings.Registry] = npmRegistry,
            [OciMirror.Mirror] = mirror,
            [OciMirror.MirrorOnly] = only ? "true" : null,
        },
    };

    private async Task<string> MirrorAsync(RestoreFixture f, ModelReference item, string prefix)
    {
        var handle = ModelHandle.Parse(item.Include, f.ProjectDirectory);
        var locked = LockFileFormat.Read(f.LockPath)!.Find(handle.Text)!;
        using var test = new SourceTestContext();
        var location = OciMirror.Location(_registry.Authority, prefix, handle, locked);
        await new OciArtifactPusher(test.Context(), _ => null).PushAsync(
            OciModelPackage.FromLockedModel(handle, "Model", locked, new ModelCache(f.CacheRoot), includeOriginal: true), location);
        return location.Text;
    }

    private static void ForgetEverything(RestoreFixture f)
    {
        Directory.Delete(f.CacheRoot, recursive: true);
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
    }

    [Fact]
    public async Task MirrorOnly_RestoresALockedModelFromTheMirror_WithTheLockByteIdentical_AndWithoutItIsMR0069()
    {
        using var f = new RestoreFixture();
        var (item, _) = await f.RestoreOnceOnlineAsync(); // the npm stand-in is gone from here on
        var lockBytes = File.ReadAllBytes(f.LockPath);
        var location = await MirrorAsync(f, item, "team/mirror");
        Assert.StartsWith($"oci:{_registry.Authority}/team/mirror/npm/test-models-1-0-0-m-model-onnx:sha256-", location);

        ForgetEverything(f);
        var restored = await new ModelRestorer(new HttpClient(), f.Log.Add).RestoreAsync([item], WithMirror(f, $"oci://{_registry.Authority}/team/mirror", only: true));

        Assert.True(restored.Succeeded, string.Join("\n", restored.Problems.Select(p => p.Message)));
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
        Assert.Contains(f.Log, l => l.Contains("from the mirror " + location, StringComparison.Ordinal));

        // A mirror that lacks the model: MR0069, naming the model and the mirror, and nothing asked of npm.
        ForgetEverything(f);
        var missing = await new ModelRestorer(new HttpClient(), f.Log.Add).RestoreAsync([item], WithMirror(f, $"oci://{_registry.Authority}/empty", only: true));
        var problem = Assert.Single(missing.Problems);
        Assert.Equal("MR0069", problem.Diagnostic.Id);
        Assert.Contains(item.Include, problem.Message);
        Assert.Contains("modelref mirror --to", problem.Message);
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
    }

    [Fact]
    public async Task AMirrorThatLacksAModel_FallsBackToTheHub_AndANewModelUnderMirrorOnlyIsMR0069()
    {
        using var f = new RestoreFixture();
        var tarball = f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("v1")));
        var item = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx");
        using var npm = ModelRefs.TestSupport.Http.LoopbackNpmRegistry.Start();
        npm.AddTarball(tarball);

        // Not locked yet: MirrorOnly has no hash to look it up by.
        var unlocked = await new ModelRestorer(new HttpClient(), f.Log.Add).RestoreAsync([item], WithMirror(f, $"oci://{_registry.Authority}/team/mirror", only: true, npm.Url));
        Assert.Equal("MR0069", Assert.Single(unlocked.Problems).Diagnostic.Id);
        Assert.Contains("no entry in models.lock.json", unlocked.Problems[0].Message);

        var first = await f.RestoreAsync(f.Request(npmRegistry: npm.Url), item);
        Assert.True(first.Succeeded);
        var lockBytes = File.ReadAllBytes(f.LockPath);
        ForgetEverything(f);
        var fallback = await new ModelRestorer(new HttpClient(), f.Log.Add).RestoreAsync([item], WithMirror(f, $"oci://{_registry.Authority}/team/mirror", only: false, npm.Url));
        Assert.True(fallback.Succeeded, string.Join("\n", fallback.Problems.Select(p => p.Message)));
        Assert.Contains(f.Log, l => l.Contains("not from the mirror", StringComparison.Ordinal) && l.Contains("MR0060", StringComparison.Ordinal));
        Assert.Equal(lockBytes, File.ReadAllBytes(f.LockPath));
    }

    [Fact]
    public void TheMirrorLocation_IsDeterministic_AndAPrefixThatIsNoRepositoryIsMR0014()
    {
        var handle = ModelHandle.Parse("npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx", Path.GetTempPath());
        var locked = new LockedModel("r", new string('a', 64), 1, new string('b', 64), null, null, null);
        Assert.Equal($"oci:reg.example:5000/team/mirror/npm/ricky0123-vad-web-0-0-31-dist-silero-vad-v5-onnx:sha256-{new string('b', 64)}",
            OciMirror.Location("reg.example:5000", "team/mirror", handle, locked).Text);
        Assert.Equal(("reg.example", "a/b"), OciMirror.ParsePrefix("oci://reg.example/a/b/"));
        Assert.Equal("MR0014", Assert.Throws<Diagnostics.ModelRefsException>(() => OciMirror.ParsePrefix("oci://reg.example")).Diagnostic.Id);
        Assert.Equal("MR0014", Assert.Throws<Diagnostics.ModelRefsException>(() => OciMirror.ParsePrefix("oci://reg.example/Upper Case")).Diagnostic.Id);
    }

    [Fact]
    public async Task AMirrorOnlyValueThatIsNoBoolean_IsMR0014_NamingTheProperty()
    {
        using var f = new RestoreFixture();
        var request = f.Request() with { Settings = new SettingValues { [OciMirror.MirrorOnly] = "maybe" } };
        var result = await new ModelRestorer(new HttpClient(), f.Log.Add).RestoreAsync([RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx")], request);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0014", problem.Diagnostic.Id);
        Assert.Contains("ModelRefsMirrorOnly='maybe'", problem.Message);
    }
}
