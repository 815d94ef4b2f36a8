using ModelRefs.Core.Configuration;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// The no-op restore's quick check, driven as the MSBuild task drives it (key over the raw inputs,
/// answer from the record, else restore with the key): it answers an unchanged build with what the
/// restore returned, and misses whenever anything the restore reads may have changed, after which
/// the full check or the restore renews the record.
/// </summary>
public sealed class NoOpQuickCheckTests
{
    [Fact]
    public async Task AnUnchangedBuild_IsAnsweredByTheQuickCheck_WithWhatTheRestoreReturned_AndNoNetwork()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        f.WriteModel("local.onnx", "local");
        var local = RestoreFixture.Item("local.onnx", ("License", "MIT")) with { Line = 5 };
        // No License on the npm item: the package's licence is kept as a warning (MR0017) at its line.
        var npm = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx") with { Line = 7 };
        RestoreResult first;
        using (var registry = LoopbackNpmRegistry.Start())
        {
            registry.AddTarball(f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("npm"))));
            host.Settings["ModelRefsNpmRegistry"] = registry.Url;
            (first, var firstQuick) = await host.BuildAsync(local, npm);
            Assert.False(firstQuick);
            Assert.True(first.Succeeded, string.Join("\n", first.Problems.Select(p => p.Message)));
        }

        // The task's items carry no lines on this path: the check reads no project file.
        var (again, quick) = await host.BuildAsync(local with { Line = 0 }, npm with { Line = 0 });

        Assert.True(quick);
        Assert.True(again.WasNoOp);
        Assert.Equal(first.Models.Select(m => (m.Item.Include, m.Name, m.OnnxPath, m.TargetPath, m.ResourceName, m.ManifestPath)),
            again.Models.Select(m => (m.Item.Include, m.Name, m.OnnxPath, m.TargetPath, m.ResourceName, m.ManifestPath)));
        Assert.NotNull(again.NoticesPath);
        Assert.Equal(first.NoticesPath, again.NoticesPath);
        Assert.Equal(first.BomPath, again.BomPath);
        var warning = Assert.Single(again.Problems);
        Assert.Equal(Assert.Single(first.Problems), warning);
        Assert.Equal("MR0017", warning.Diagnostic.Id);
        Assert.Equal(Diagnostics.RestoreDiagnostics.RedistributedLicense, warning.Diagnostic);
        Assert.Equal(7, warning.Item!.Line);
        Assert.False(warning.IsError);
    }

    public static TheoryData<string> InputChanges => new()
    {
        "item metadata", "item added", "setting", "setting cleared", "environment variable",
        "intermediate path", "deployed model file", "lock edited", "lock deleted", "npmrc in the project folder",
        "npmrc deleted", "npmrc appears in a parent folder", "project file touched",
    };

    [Theory]
    [MemberData(nameof(InputChanges))]
    public async Task AnyChangeOfWhatTheRestoreReads_MissesTheQuickCheck_AndTheNextBuildIsQuickAgain(string change)
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        // The npm registry comes from the project's .npmrc here (no ModelRefsNpmRegistry setting).
        var npmrc = Path.Combine(f.ProjectDirectory, ".npmrc");
        File.WriteAllText(npmrc, "registry=http://127.0.0.1:9/\n");
        f.WriteModel("a.onnx", "a");
        var item = RestoreFixture.Item("a.onnx", ("License", "MIT"));
        Assert.False((await host.BuildAsync(item)).Quick);
        Assert.True((await host.BuildAsync(item)).Quick);

        var items = new[] { item };
        // Whether the restore's own inputs changed (a restore) or only what the quick check stamps (the full check answers).
        var restores = true;
        switch (change)
        {
            case "item metadata":
                items = [RestoreFixture.Item("a.onnx", ("License", "MIT"), ("Name", "Other"))];
                break;
            case "item added":
                f.WriteModel("b.onnx", "b");
                items = [item, RestoreFixture.Item("b.onnx", ("License", "MIT"))];
                break;
            case "setting":
                host.Settings["ModelRefsOutputFolder"] = "nets";
                break;
            case "setting cleared":
                host.Settings.Remove("ModelRefsDeploy");
                restores = false; // an empty setting reads as the default, as MSBuild passes it
                break;
            case "environment variable":
                host.Environment["MODELREFS_SOMETHING"] = "1";
                restores = false;
                break;
            case "intermediate path":
                host.IntermediatePath = Path.Combine(f.ProjectDirectory, "obj", "modelrefs") + "/";
                restores = false; // the same folder, written another way
                break;
            case "deployed model file":
                var blob = (await host.BuildAsync(item)).Result.Models.Single().OnnxPath;
                File.SetLastWriteTimeUtc(blob, DateTime.UtcNow.AddMinutes(1));
                break;
            case "lock edited":
                File.AppendAllText(f.LockPath, " ");
                break;
            case "lock deleted":
                File.Delete(f.LockPath);
                break;
            case "npmrc in the project folder":
                File.AppendAllText(npmrc, "registry=http://127.0.0.1:10/\n");
                break;
            case "npmrc deleted":
                File.Delete(npmrc);
                break;
            case "npmrc appears in a parent folder":
                File.WriteAllText(Path.Combine(f.Root, ".npmrc"), "registry=http://127.0.0.1:11/\n");
                restores = false; // the project's own .npmrc still names the registry
                break;
            case "project file touched":
                File.SetLastWriteTimeUtc(f.ProjectFile, DateTime.UtcNow.AddMinutes(1));
                restores = false;
                break;
            default:
                throw new ArgumentException(change);
        }

        f.Log.Clear();
        var (result, quick) = await host.BuildAsync(items);

        Assert.False(quick);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal(!restores, result.WasNoOp);
        Assert.Equal(!restores, f.Log.Contains(ModelRestorer.QuickKeyRenewedMessage));
        Assert.True((await host.BuildAsync(items)).Quick);
    }

    [Fact]
    public async Task ARecordWrittenWithoutAQuickKey_IsNotAnsweredByTheQuickCheck_UntilTheFullCheckRenewsIt()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        f.WriteModel("a.onnx", "a");
        var item = RestoreFixture.Item("a.onnx", ("License", "MIT"));
        // Another host (modelref, a test): the same restore, no key.
        Assert.True((await f.RestoreAsync(host.Request(quickKey: null), item)).Succeeded);
        Assert.True((await f.RestoreAsync(host.Request(quickKey: null), item)).WasNoOp);

        var (first, firstQuick) = await host.BuildAsync(item);
        Assert.False(firstQuick);
        Assert.True(first.WasNoOp);
        Assert.True((await host.BuildAsync(item)).Quick);
    }

    [Fact]
    public void TheKey_CoversTheEnvironment_ButNoCredential()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        var item = RestoreFixture.Item("a.onnx");
        var key = host.Key(item);

        host.Environment["SOME_SETTING"] = "1";
        var withVariable = host.Key(item);
        host.Environment["NPM_TOKEN"] = "npm_secret_one";
        var withToken = host.Key(item);
        host.Environment["NPM_TOKEN"] = "npm_secret_two";

        Assert.NotEqual(key, withVariable);
        Assert.NotEqual(withVariable, withToken); // that a credential is there, not its value
        Assert.Equal(withToken, host.Key(item));
        Assert.Matches("^[0-9a-f]{64}$", withToken);
    }

    [Fact]
    public void TheKey_TellsFieldsApart_WhateverTheyContain()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);

        Assert.NotEqual(host.Key(RestoreFixture.Item("a.onnx", ("License", "MIT"))), host.Key(RestoreFixture.Item("a.onnx|License=MIT")));
        Assert.NotEqual(host.Key(RestoreFixture.Item("a.onnx", ("Name", "B"), ("License", "MIT"))), host.Key(RestoreFixture.Item("a.onnx", ("Name", "B|License=MIT"))));
        host.Settings["ModelRefsOutputFolder"] = "a\nsetting=ModelRefsOffline=true";
        var injected = host.Key(RestoreFixture.Item("a.onnx"));
        host.Settings["ModelRefsOutputFolder"] = "a";
        host.Settings["ModelRefsOffline"] = "true";
        Assert.NotEqual(injected, host.Key(RestoreFixture.Item("a.onnx")));
    }

    [Fact]
    public void NoSettingFallsBackToAVariableTheKeyLeavesOut()
    {
        var variables = Core.Sources.ModelSources.Default.Settings.Select(s => s.EnvironmentVariable).OfType<string>()
            .Concat([Core.Caching.ModelCache.HomeVariable, "npm_config_registry", "NPM_CONFIG_REGISTRY"]).ToList();

        Assert.Contains("HF_ENDPOINT", variables);
        Assert.All(variables, v => Assert.False(NoOpQuickCheck.IsCredentialName(v), v));
        Assert.All(["NPM_TOKEN", "HF_TOKEN", "GITHUB_TOKEN", "MODELREFS_OCI_PASSWORD", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "SSH_AUTH_SOCK"],
            v => Assert.True(NoOpQuickCheck.IsCredentialName(v), v));
    }

    [Fact]
    public async Task TheRecord_HoldsNoValueOfTheEnvironment()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        host.Environment["NPM_TOKEN"] = "npm_0123456789abcdef_secret";
        host.Environment["SOME_PATH"] = "/opt/very-recognisable-value";
        f.WriteModel("a.onnx", "a");
        Assert.True((await host.BuildAsync(RestoreFixture.Item("a.onnx", ("License", "MIT")))).Result.Succeeded);

        var record = File.ReadAllText(Path.Combine(f.ProjectDirectory, "obj", "modelrefs", NoOpState.FileName));

        Assert.DoesNotContain("npm_0123456789abcdef_secret", record);
        Assert.DoesNotContain("very-recognisable-value", record);
        Assert.DoesNotContain("NPM_TOKEN", record);
    }

    [Fact]
    public async Task AMovedItemLine_RestoresAgain_AndTheKeptWarningMovesWithIt()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(f.WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("npm"))));
        host.Settings["ModelRefsNpmRegistry"] = registry.Url;
        var item = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx");
        Assert.Equal(3, Assert.Single((await host.BuildAsync(item with { Line = 3 })).Result.Problems).Item!.Line);
        Assert.True((await host.BuildAsync(item)).Quick);

        // A line inserted above the item: the project file changes, so the key does.
        File.WriteAllText(f.ProjectFile, "<Project>\n</Project>\n");
        var (moved, quick) = await host.BuildAsync(item with { Line = 4 });
        var (again, quickAgain) = await host.BuildAsync(item);

        Assert.False(quick);
        Assert.False(moved.WasNoOp);
        Assert.Equal(4, Assert.Single(moved.Problems).Item!.Line);
        Assert.True(quickAgain);
        Assert.Equal(4, Assert.Single(again.Problems).Item!.Line);
    }

    [Fact]
    public async Task TheBillOfMaterials_IsReturnedByTheQuickCheck_AsByTheRestore()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        host.Settings["ModelRefsGenerateBom"] = "true";
        f.WriteModel("a.onnx", "a");
        var item = RestoreFixture.Item("a.onnx", ("License", "MIT"));
        var (first, _) = await host.BuildAsync(item);

        var (again, quick) = await host.BuildAsync(item);

        Assert.True(quick);
        Assert.NotNull(first.BomPath);
        Assert.True(File.Exists(first.BomPath));
        Assert.Equal(first.BomPath, again.BomPath);
    }

    [Fact]
    public async Task ADesignTimeBuild_IsAnsweredByTheFullCheck_ButDoesNotRenewTheKey()
    {
        using var f = new RestoreFixture();
        var host = new TaskLikeHost(f);
        f.WriteModel("a.onnx", "a");
        var item = RestoreFixture.Item("a.onnx", ("License", "MIT"));
        Assert.False((await host.BuildAsync(item)).Quick);
        host.Environment["IDE_SESSION"] = "1";

        var designTime = await f.RestoreAsync(host.Request(host.Key(item)) with { DesignTime = true }, item);

        Assert.True(designTime.WasNoOp);
        Assert.DoesNotContain(ModelRestorer.QuickKeyRenewedMessage, f.Log);
        Assert.False((await host.BuildAsync(item)).Quick); // a real build renews it
        Assert.True((await host.BuildAsync(item)).Quick);
    }

    /// <summary>What the MSBuild task does with its parameters, with the environment given explicitly.</summary>
    private sealed class TaskLikeHost(RestoreFixture f)
    {
        public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase)
        {
            ["ModelRefsHome"] = f.CacheRoot,
            ["ModelRefsDeploy"] = "",
            ["ModelRefsOffline"] = "",
        };

        public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal) { ["PATH"] = "/usr/bin", ["HOME"] = "/home/dev" };

        // As MSBuild passes it: relative to the project.
        public string IntermediatePath { get; set; } = "obj/modelrefs/";

        public string Key(params ModelReference[] items) =>
            NoOpQuickCheck.Key(f.ProjectFile, IntermediatePath, "App.Models", Settings.ToList(), items, Environment);

        public RestoreRequest Request(string? quickKey) =>
            RestoreRequest.FromSettings(f.ProjectFile, IntermediatePath, "App.Models", new SettingValues(Settings)) with { QuickKey = quickKey };

        public async Task<(RestoreResult Result, bool Quick)> BuildAsync(params ModelReference[] items)
        {
            var key = Key(items);
            if (NoOpQuickCheck.TryAnswer(f.ProjectFile, IntermediatePath, key, items) is { } answer)
                return (answer, true);
            return (await f.RestoreAsync(Request(key), items), false);
        }
    }
}
