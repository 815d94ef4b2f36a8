using ModelRefs.TestSupport;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Licensing;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Manifests;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>Restore records each model's licence: normalised, with its source, the declared value, AcceptLicense and attribution; and writes the notices file.</summary>
public class RestoreLicenseTests
{
    private static readonly string MitText = LicenseTexts.Mit("Copyright (c) 2024 Jane Doe");

    private static FetchedArtifact Artifact(string? license, string? source = "npm", string? text = null, string? attribution = null) =>
        new("/cache/blob", new string('a', 64), "https://example/x.tgz#m.onnx", license, source) { LicenseText = text, Attribution = attribution };

    [Fact]
    public void ItemMetadata_Overrides_TheSource()
    {
        var license = RestoredLicense.Resolve("cc by-nc 4.0", Artifact("ISC"));
        Assert.Equal(new RestoredLicense("CC-BY-NC-4.0", "metadata", "cc by-nc 4.0", LicenseCategory.NonCommercial, null), license);
    }

    [Fact]
    public void SourceLicense_IsNormalised_AndKeepsTheDeclaredValue()
    {
        var license = RestoredLicense.Resolve(null, Artifact("(MIT OR GPL-2.0+)", attribution: "Author: Jane"));
        Assert.Equal("MIT OR GPL-2.0-or-later", license.Expression);
        Assert.Equal("npm", license.Source);
        Assert.Equal("(MIT OR GPL-2.0+)", license.Declared);
        Assert.Equal(LicenseCategory.Permissive, license.Category);
        Assert.Equal("Author: Jane", license.Attribution);
    }

    [Fact]
    public void SeeLicenseIn_IsRecognisedFromTheFileText_WithItsCopyrightLine()
    {
        var license = RestoredLicense.Resolve(null, Artifact("SEE LICENSE IN LICENSE.md", text: MitText, attribution: "Author: Jane Doe <jane@example.com>"));
        Assert.Equal("MIT", license.Expression);
        Assert.Equal("LICENSE file", license.Source);
        Assert.Equal("SEE LICENSE IN LICENSE.md", license.Declared);
        Assert.Equal("Author: Jane Doe <jane@example.com>\nCopyright (c) 2024 Jane Doe", license.Attribution);
    }

    [Theory]
    [InlineData("SEE LICENSE IN LICENSE.md", null)]                // the file could not be read
    [InlineData("SEE LICENSE IN LICENSE.md", "Our own terms.")]    // the file is not a known licence
    [InlineData("Custom licence, see website", null)]
    [InlineData("NOASSERTION", null)]
    public void UnreadableLicense_IsUnknown_WithTheRawValue(string declared, string? text)
    {
        var license = RestoredLicense.Resolve(null, Artifact(declared, text: text));
        Assert.Null(license.Expression);
        Assert.Equal("npm", license.Source);
        Assert.Equal(declared, license.Declared);
        Assert.Equal(LicenseCategory.Unknown, license.Category);
    }

    [Fact]
    public void NothingStated_IsUnknown_WithNoSource()
    {
        Assert.Equal(new RestoredLicense(null, null, null, LicenseCategory.Unknown, null), RestoredLicense.Resolve(null, Artifact(null, source: null)));
    }

    [Fact]
    public void LockWrittenBeforeShortSourceWords_ReadsAsNpm()
    {
        var license = RestoredLicense.Resolve(null, Artifact("ISC", "npm registry version document of @ricky0123/vad-web@0.0.31 (license field)"));
        Assert.Equal("npm", license.Source);
    }

    [Fact]
    public void LockWithTheOldLongNpmSource_ReadsAsNpm_SoLockedModeSeesNoChange()
    {
        using var f = new RestoreFixture();
        File.WriteAllText(f.LockPath, $$"""
            { "version": 1, "models": { "npm:a@1.0.0/m.onnx": {
              "resolved": "https://r/a.tgz#m.onnx", "sha256": "{{new string('a', 64)}}", "size": 1, "onnxSha256": "{{new string('a', 64)}}",
              "license": "ISC", "licenseSource": "npm registry version document of a@1.0.0 (license field)", "converter": null } } }
            """);
        Assert.Equal("npm", LockFileFormat.Read(f.LockPath)!.Find("npm:a@1.0.0/m.onnx")!.LicenseSource);
    }

    [Fact]
    public async Task NpmSeeLicenseIn_IsReadFromThePackage_AndRecorded_InManifestLockAndNotices()
    {
        using var f = new RestoreFixture();
        var tarball = f.WriteTarballWithPackageJson("@test/models", "1.0.0",
            """{"name":"@test/models","version":"1.0.0","license":"SEE LICENSE IN LICENSE.md","author":{"name":"Jane Doe","email":"jane@example.com"}}""",
            ("LICENSE.md", Encoding.UTF8.GetBytes(MitText)), ("m/model.onnx", RestoreFixture.Model("v1")));
        var item = RestoreFixture.Item("npm:@test/models@1.0.0/m/model.onnx", ("Name", "Tiny"), ("AcceptLicense", "MIT; CC-BY-4.0"));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(result.Models[0].ManifestPath));
        var root = manifest.RootElement;
        Assert.Equal("MIT", root.GetProperty("license").GetString());
        Assert.Equal("LICENSE file", root.GetProperty("licenseSource").GetString());
        Assert.Equal("SEE LICENSE IN LICENSE.md", root.GetProperty("licenseDeclared").GetString());
        Assert.Equal(["MIT", "CC-BY-4.0"], root.GetProperty("acceptLicense").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Author: Jane Doe <jane@example.com>\nCopyright (c) 2024 Jane Doe", root.GetProperty("attribution").GetString());
        Assert.Equal("read from the licence file of the npm package @test/models@1.0.0 that carries the file", root.GetProperty("licenseProvenance").GetString());
        string[] order = ["license", "licenseSource", "licenseProvenance", "licenseDeclared", "acceptLicense", "attribution", "modelFile"];
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(order, keys.Where(order.Contains));
        Assert.Equal(keys.IndexOf("license") + 6, keys.IndexOf("modelFile"));

        var locked = LockFileFormat.Read(f.LockPath)!.Find(item.Include)!;
        Assert.Equal(("MIT", "LICENSE file"), (locked.License, locked.LicenseSource));

        var notices = File.ReadAllText(result.NoticesPath!);
        Assert.Equal(Path.Combine(f.ProjectDirectory, "obj", "modelrefs", NoticesWriter.FileName), result.NoticesPath);
        Assert.Contains("Tiny\n----\n", notices);
        Assert.Contains("Model:    npm:@test/models@1.0.0/m/model.onnx\n", notices);
        Assert.Contains("Licence:  MIT (permissive; read from the licence file of the npm package @test/models@1.0.0 that carries the file)\n", notices);
        Assert.Contains("Attribution:\n  Author: Jane Doe <jane@example.com>\n  Copyright (c) 2024 Jane Doe\n", notices);

        // A fresh obj/ with the lock and a warm cache restores without the source: the same notices.
        Directory.Delete(Path.Combine(f.ProjectDirectory, "obj"), recursive: true);
        registry.ClearRequests();
        var again = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);
        Assert.True(again.Succeeded);
        Assert.Equal(0, registry.RequestCount);
        Assert.Equal(notices, File.ReadAllText(again.NoticesPath!));

        // No-op restore: the notices file is part of what it checks, and it is still reported.
        var noOp = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);
        Assert.True(noOp.WasNoOp);
        Assert.Equal(again.NoticesPath, noOp.NoticesPath);
        File.Delete(noOp.NoticesPath!);
        var restored = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);
        Assert.False(restored.WasNoOp);
        Assert.Equal(notices, File.ReadAllText(restored.NoticesPath!));
    }

    [Fact]
    public async Task ItemLicense_OverridesNpm_AndRemovingIt_GoesBackToTheSource()
    {
        using var f = new RestoreFixture();
        var tarball = f.WriteTarball("@test/models", "1.0.0", "Apache-2.0", ("m/model.onnx", RestoreFixture.Model("v1")));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);
        const string include = "npm:@test/models@1.0.0/m/model.onnx";

        var overridden = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(include, ("License", "CC-BY-NC-4.0")));
        Assert.True(overridden.Succeeded);
        Assert.Equal(("CC-BY-NC-4.0", "metadata"), Licence(f, include));
        Assert.Contains("Licence:  CC-BY-NC-4.0 (non-commercial; set by the item's License metadata)", File.ReadAllText(overridden.NoticesPath!));

        var fromSource = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(include));
        Assert.True(fromSource.Succeeded);
        Assert.Equal(("Apache-2.0", "npm"), Licence(f, include));
    }

    [Fact]
    public async Task LocalModel_WithNoLicence_IsUnknown_InTheNotices()
    {
        using var f = new RestoreFixture();
        f.WriteModel("models/a.onnx", "a");

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("models/a.onnx"));

        Assert.True(result.Succeeded);
        Assert.Equal((null, null), Licence(f, "models/a.onnx"));
        Assert.Contains("Licence:  unknown (the model states no licence)", File.ReadAllText(result.NoticesPath!));
        Assert.Null((await f.RestoreAsync(f.Request())).NoticesPath);
        Assert.False(File.Exists(result.NoticesPath));
    }

    private static (string? License, string? Source) Licence(RestoreFixture f, string include)
    {
        var entry = LockFileFormat.Read(f.LockPath)!.Models.Single(m => m.Key.EndsWith(include.Split(':').Last(), StringComparison.Ordinal)).Value;
        return (entry.License, entry.LicenseSource);
    }
}
