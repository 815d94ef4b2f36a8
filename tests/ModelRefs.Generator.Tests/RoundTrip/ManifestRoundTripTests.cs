using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Generator.Naming;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.Local;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.Generator.Model;
using ModelRefs.Generator.Parsing;
using ModelRefs.Shared.Manifest;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Generator.Tests.RoundTrip;

/// <summary>
/// The manifest contract end to end: a real <see cref="ModelRestorer"/> restore writes the
/// manifest for each source kind, with every optional field filled, and the generator's parser
/// reads back every field the restore put there.
/// </summary>
public sealed class ManifestRoundTripTests : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly TempDirectory _dir = new("modelrefs-roundtrip-");

    public ManifestRoundTripTests()
    {
        Directory.CreateDirectory(ProjectDirectory);
        File.WriteAllText(ProjectFile, "<Project />");
    }

    private string ProjectDirectory => _dir.Combine("app");

    private string ProjectFile => Path.Combine(ProjectDirectory, "App.csproj");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Kinds => new() { "local", "https", "npm", "tfhub", "torchhub" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_field_restore_writes_is_read_by_the_generator(string kind)
    {
        byte[] model = RichModel(kind);
        using var server = LoopbackHttpServer.Start();
        using var registry = LoopbackNpmRegistry.Start();
        IModelSource hub = kind == "tfhub"
            ? new HubSourceStub(new TfHubModelSource(), _dir.Combine("hub"), model)
            : new HubSourceStub(new TorchHubModelSource(), _dir.Combine("hub"), model);
        string include = kind switch
        {
            "local" => Write("models/rich-local.onnx", model),
            "https" => Serve(server, "/models/rich.onnx", model),
            "npm" => Publish(registry, model),
            "tfhub" => "tfhub:google/rich/lightning/4",
            _ => "torchhub:pytorch/vision:v0.14.1/rich",
        };

        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Name"] = "Rich" + char.ToUpperInvariant(kind[0]) + kind[1..],
            ["Namespace"] = "App.Models." + kind,
            ["Embed"] = kind is "npm" or "tfhub" ? "true" : "false",
            ["AcceptLicense"] = "CC-BY-NC-4.0;GPL-3.0-only",
            ["InputNames"] = "Image, ,Rate",
            ["OutputNames"] = "Scores",
        };
        if (kind is "local" or "https")
            metadata["License"] = "apache 2.0";
        if (kind == "torchhub")
            metadata["InputShape"] = "1,3,224,224";
        var item = new ModelReference(include, metadata) { Line = 17 };
        var request = new RestoreRequest
        {
            ProjectFile = ProjectFile,
            IntermediatePath = Path.Combine(ProjectDirectory, "obj", "modelrefs"),
            DefaultNamespace = "App.Models",
            CacheRoot = _dir.Combine("cache"),
            Settings = new SettingValues { [NpmSettings.Registry] = registry.Url },
        };
        var sources = new ModelSources([new LocalModelSource(), new NpmModelSource(), hub, new HttpsModelSource()]);

        RestoreResult result = await new ModelRestorer(Http, sources: sources).RestoreAsync([item], request);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        RestoredModel restored = Assert.Single(result.Models);
        string json = File.ReadAllText(restored.ManifestPath);
        ParsedManifest parsed = ManifestParser.Parse(restored.ManifestPath, json);
        Assert.Empty(parsed.Diagnostics);
        ModelSpec spec = parsed.Model!;

        string handle = ModelHandle.Parse(include, ProjectDirectory).Text;
        LockedModel locked = LockFileFormat.Read(request.ResolvedLockFilePath)!.Find(handle)!;
        Assert.Equal(metadata["Name"], spec.DeclaredName);
        Assert.Equal(metadata["Name"], spec.TypeName);
        Assert.Equal(metadata["Namespace"], spec.Namespace);
        Assert.Equal(handle, spec.Handle);
        Assert.Equal(locked.Resolved, spec.Resolved);
        Assert.Equal(locked.Sha256, spec.Sha256);
        Assert.Equal(locked.OnnxSha256, spec.OnnxSha256);
        Assert.Equal(Sha256Of(model), spec.OnnxSha256);
        Assert.Equal(locked.License, spec.License);
        Assert.NotNull(spec.License);
        Assert.Equal(locked.LicenseSource, spec.LicenseSource);
        Assert.NotNull(spec.LicenseSource);
        using (var document = System.Text.Json.JsonDocument.Parse(json))
            Assert.Equal(document.RootElement.GetProperty("licenseProvenance").GetString(), spec.LicenseProvenance);
        Assert.NotNull(spec.LicenseProvenance);
        Assert.NotNull(spec.LicenseDeclared);
        Assert.Equal(["CC-BY-NC-4.0", "GPL-3.0-only"], spec.AcceptLicense);
        Assert.Equal(Path.GetFullPath(ProjectFile), spec.ProjectFile);
        Assert.Equal(17, spec.ItemLine);
        Assert.Equal(restored.TargetPath, spec.ModelFile);
        Assert.Equal(restored.ResourceName, spec.EmbeddedResource);
        Assert.Equal(metadata["Embed"] == "true", spec.EmbeddedResource is not null);
        Assert.Equal("the rich " + kind + " model", spec.Description);
        Assert.Equal("modelrefs-tests " + kind, spec.Producer);
        Assert.Equal(9, spec.IrVersion);
        Assert.Equal([new OpsetSpec("", 17), new OpsetSpec("com.microsoft", 1)], spec.Opsets);
        Assert.Equal([new MetadataEntry("author", "Jane <jane@example.com>"), new MetadataEntry("kind", kind)], spec.Metadata);
        AssertValues(OnnxSignatureReader.Read(restored.OnnxPath).Inputs, spec.Inputs);
        AssertValues(OnnxSignatureReader.Read(restored.OnnxPath).Outputs, spec.Outputs);
        Assert.Equal(4, spec.Inputs.Count);
        Assert.Equal(2, spec.Outputs.Count);
        Assert.Equal(["Image", "", "Rate"], spec.InputNames);
        Assert.Equal(["Scores"], spec.OutputNames);
        Assert.Equal("Image", MemberNames.For(spec).InputProperties[0]);
        Assert.Equal("Rate", MemberNames.For(spec).InputProperties[2]);

        AssertEveryKeyIsTheContracts(json);
    }

    [Theory]
    [InlineData("SileroVad.modelref.json")]
    [InlineData("AllTypes.modelref.json")]
    [InlineData("AwfulNames.modelref.json")]
    public void Hand_written_fixtures_use_only_the_contracts_keys(string fixture)
    {
        using JsonDocument document = JsonDocument.Parse(Infrastructure.TestFiles.ReadManifest(fixture));
        List<string> keys = ConstantsOf(typeof(ManifestKeys));
        Assert.All(document.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, keys));
        List<string> valueKeys = ConstantsOf(typeof(ManifestKeys.Value));
        Assert.All(
            document.RootElement.GetProperty(ManifestKeys.Inputs).EnumerateArray().Concat(document.RootElement.GetProperty(ManifestKeys.Outputs).EnumerateArray()),
            v => Assert.All(v.EnumerateObject(), p => Assert.Contains(p.Name, valueKeys)));
    }

    /// <summary>What restore writes is what ManifestKeys declares, no more and no less.</summary>
    private static void AssertEveryKeyIsTheContracts(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        Assert.Equal(ConstantsOf(typeof(ManifestKeys)), root.EnumerateObject().Select(p => p.Name).ToList());
        Assert.Equal(ConstantsOf(typeof(ManifestKeys.Opset)), KeysOf(root, ManifestKeys.Opsets));
        Assert.Equal(ConstantsOf(typeof(ManifestKeys.MetadataEntry)), KeysOf(root, ManifestKeys.Metadata));
        Assert.Equal(ConstantsOf(typeof(ManifestKeys.Value)), KeysOf(root, ManifestKeys.Inputs));
        Assert.Equal(ConstantsOf(typeof(ManifestKeys.Value)), KeysOf(root, ManifestKeys.Outputs));
        var dimensionKeys = root.GetProperty(ManifestKeys.Inputs).EnumerateArray()
            .Where(v => v.GetProperty(ManifestKeys.Value.Shape).ValueKind == JsonValueKind.Array)
            .SelectMany(v => v.GetProperty(ManifestKeys.Value.Shape).EnumerateArray())
            .SelectMany(d => d.EnumerateObject().Select(p => p.Name))
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(ConstantsOf(typeof(ManifestKeys.Dimension)).Order(StringComparer.Ordinal), dimensionKeys);
    }

    private static List<string> KeysOf(JsonElement root, string arrayKey)
        => root.GetProperty(arrayKey).EnumerateArray().First().EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>The string constants a class declares, in declaration order, leaving out the file suffix.</summary>
    private static List<string> ConstantsOf(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name != nameof(ManifestKeys.FileSuffix))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    private static void AssertValues(IReadOnlyList<OnnxValueInfo> expected, EquatableArray<TensorSpec> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            OnnxValueInfo e = expected[i];
            TensorSpec a = actual[i];
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Kind.ToManifestName(), a.Kind);
            Assert.Equal(e.ElementType.ToManifestName(), a.ElementType);
            Assert.Equal(e.Shape is not null, a.HasShape);
            Assert.Equal(
                (e.Shape ?? []).Select(d => (d.Value, d.Param)),
                a.Shape.Select(d => (d.Value, d.Param)));
            Assert.Equal(string.IsNullOrEmpty(e.DocString) ? null : e.DocString, a.Doc);
        }
    }

    /// <summary>A model with every optional part: doc strings, producer, opsets, metadata, fixed, symbolic and unknown dimensions, no shape, a scalar.</summary>
    private static byte[] RichModel(string kind) => new OnnxModelBuilder()
        .IrVersion(9)
        .Opset(17)
        .Opset("com.microsoft", 1)
        .Producer("modelrefs-tests", kind)
        .DocString("the rich " + kind + " model")
        .Metadata("author", "Jane <jane@example.com>")
        .Metadata("kind", kind)
        .Input(new OnnxValueInfo("x.1", OnnxValueKind.Tensor, OnnxElementType.Float, ["batch", 3, OnnxDimension.Unknown], "pixels, \"quoted\""))
        .Input("tokens", OnnxElementType.Int64, "batch", "seq")
        .Input(OnnxValueInfo.TensorWithoutShape("mask", OnnxElementType.Bool))
        .Input("count", OnnxElementType.Int32)
        .Output("y", OnnxElementType.Float, "batch", 3, OnnxDimension.Unknown)
        .Output(new OnnxValueInfo("labels", OnnxValueKind.Tensor, OnnxElementType.String, ["batch"], "one label per row"))
        .Node("Identity", ["x.1"], ["y"])
        .Node("Identity", ["tokens"], ["labels"])
        .ToBytes();

    private string Write(string relativePath, byte[] bytes)
    {
        string path = Path.Combine(ProjectDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return relativePath;
    }

    private static string Serve(LoopbackHttpServer server, string path, byte[] bytes)
    {
        server.Map(path, _ => LoopbackResponse.Bytes(bytes));
        return server.Url.TrimEnd('/') + path;
    }

    private string Publish(LoopbackNpmRegistry registry, byte[] model)
    {
        // Laid out as `npm pack` lays it out: everything under package/.
        string tarball = _dir.Combine("rich-npm.tgz");
        using (FileStream stream = File.Create(tarball))
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            byte[] packageJson = System.Text.Encoding.UTF8.GetBytes(
                """{"name":"@test/rich","version":"1.2.3","license":"(MIT OR Apache-2.0)","author":"Jane Doe <jane@example.com>"}""");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream(packageJson) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/dist/rich.onnx") { DataStream = new MemoryStream(model) });
        }

        registry.AddTarball(tarball);
        return "npm:@test/rich@1.2.3/dist/rich.onnx";
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// TF Hub and PyTorch Hub as their sources answer restore: an archive (or repo) in the cache,
    /// the ONNX file a converter made from it, the hub's licence, a docstring, the converter's
    /// identity. (Their protocols and conversions have their own tests in Core; here only what
    /// reaches the manifest matters, and real conversions need Python.)
    /// </summary>
    private sealed class HubSourceStub(IModelSource hub, string folder, byte[] onnx) : IModelSource
    {
        // The hub's own handles and settings; only the fetch is stood in for.
        public string Scheme => hub.Scheme;

        public string HandleForms => hub.HandleForms;

        public IReadOnlyList<Setting> Settings => hub.Settings;

        public ModelHandle? TryParse(HandleText include) => hub.TryParse(include);

        public Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
        {
            Directory.CreateDirectory(folder);
            string archive = Path.Combine(folder, "download.bin");
            byte[] archiveBytes = System.Text.Encoding.UTF8.GetBytes("archive of " + handle.Text);
            File.WriteAllBytes(archive, archiveBytes);
            string onnxPath = Path.Combine(folder, "converted.onnx");
            File.WriteAllBytes(onnxPath, onnx);
            bool tfHub = handle is TfHubModelHandle;
            var artifact = tfHub
                ? new FetchedArtifact(archive, Sha256Of(archiveBytes), "https://tfhub.dev/google/rich/lightning/4?tf-hub-format=compressed", "Apache-2.0", "hub")
                {
                    Converter = "modelrefs-tfjs 1",
                }
                : new FetchedArtifact(archive, Sha256Of(archiveBytes), "github:pytorch/vision@0123456789abcdef0123456789abcdef01234567", "BSD-3-Clause", "LICENSE file")
                {
                    Converter = "torch.onnx.export 2.1.0",
                    Attribution = "Copyright (c) Soumith Chintala 2016",
                };
            return Task.FromResult(artifact with { OnnxPath = onnxPath, OnnxSha256 = Sha256Of(onnx) });
        }
    }
}
