using System.Text;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.Core.Tests.Sources.TfHub;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// Restore tells a model file's format from its content for every source: ONNX runs, a TF.js graph
/// model converts without Format, and every other format fails saying what the file is and what to
/// do, never with a protobuf or JSON parser's message.
/// </summary>
public sealed class ModelFormatRestoreTests
{
    private static readonly string[] ParserWords = ["protobuf", "wire type", "group", "JsonReader", "is an invalid start of a value"];

    private static RestoreProblem SingleProblem(RestoreResult result)
    {
        var problem = Assert.Single(result.Problems);
        foreach (var word in ParserWords)
            Assert.DoesNotContain(word, problem.Message, StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    [Fact]
    public async Task ALocalTfJsGraphModel_WithoutFormat_IsConvertedToOnnx_AndLockedWithItsConverter()
    {
        using var f = new RestoreFixture();
        Directory.CreateDirectory(Path.Combine(f.ProjectDirectory, "tiny"));
        File.WriteAllText(Path.Combine(f.ProjectDirectory, "tiny", "model.json"), ModelFormatFiles.TfJsGraphModel);
        File.WriteAllBytes(Path.Combine(f.ProjectDirectory, "tiny", "w.bin"), ModelFormatFiles.TfJsGraphModelShard());

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("tiny/model.json", ("Name", "Tiny")));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var signature = OnnxSignatureReader.Read(Assert.Single(result.Models).OnnxPath);
        Assert.Equal("x", Assert.Single(signature.Inputs).Name);
        var entry = LockFileFormat.Read(f.LockPath)!.Find("tiny/model.json")!;
        Assert.StartsWith("modelrefs-tfjs", entry.Converter!);
        Assert.NotEqual(entry.Sha256, entry.OnnxSha256);
    }

    [Fact]
    public async Task ARealTfJsGraphModelFromNpm_WithoutFormat_IsConverted_ItsShardFromTheSamePackage()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.Human);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item("npm:@vladmandic/human@3.3.6/models/blazeface.json"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var signature = OnnxSignatureReader.Read(Assert.Single(result.Models).OnnxPath);
        Assert.Equal([1, 256, 256, 3], Assert.Single(signature.Inputs).Shape!.Select(d => d.Value ?? -1));
        Assert.Contains(f.Log, l => l.Contains("converting the TF.js graph model", StringComparison.Ordinal));

        // Again, from the lock: the conversion is in the cache, the registry is not asked.
        registry.ClearRequests();
        var again = await f.RestoreAsync(f.Request(npmRegistry: registry.Url, lockedMode: true), RestoreFixture.Item("npm:@vladmandic/human@3.3.6/models/blazeface.json"));
        Assert.True(again.Succeeded, string.Join("\n", again.Problems.Select(p => p.Message)));
        Assert.Equal(0, registry.RequestCount);
    }

    [Fact]
    public async Task ARealTfJsGraphModelFromHuggingFace_WithoutFormat_IsConverted_ItsShardAtTheSameCommit()
    {
        using var f = new RestoreFixture();
        using var hub = LoopbackHuggingFace.Start();
        var repo = hub.AddRepo("someone/iris-tfjs");
        repo.Commit(new()
        {
            ["tfjs/iris.json"] = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.Human, "models/iris.json")),
            ["tfjs/iris.bin"] = File.ReadAllBytes(NpmPackages.GetFile(NpmPackages.Human, "models/iris.bin")),
            ["model.safetensors"] = ModelFormatFiles.Safetensors(),
        }, cardData: new { license = "mit" });
        var request = f.Request() with { Settings = new SettingValues { [HuggingFaceSettings.Url] = hub.Url } };

        var result = await f.RestoreAsync(request, RestoreFixture.Item("hf:someone/iris-tfjs/tfjs/iris.json"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.NotEmpty(OnnxSignatureReader.Read(Assert.Single(result.Models).OnnxPath).Outputs);
        Assert.Contains(hub.Server.Requests.Concat(hub.Cdn.Requests), r => r.Path.EndsWith("/tfjs/iris.bin", StringComparison.Ordinal));

        var safetensors = SingleProblem(await f.RestoreAsync(request, RestoreFixture.Item("hf:someone/iris-tfjs/model.safetensors")));
        Assert.Equal("MR0036", safetensors.Diagnostic.Id);
        Assert.Contains("under onnx/", safetensors.Message);
    }

    [Fact]
    public async Task ATfJsGraphModelOverHttps_WithoutFormat_IsConverted_ItsShardFromTheSameDirectory()
    {
        using var f = new RestoreFixture();
        using var server = LoopbackHttpServer.Start();
        server.Map("/models/tiny/model.json", _ => LoopbackResponse.Bytes(Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsGraphModel), "application/json"));
        server.Map("/models/tiny/w.bin", _ => LoopbackResponse.Bytes(ModelFormatFiles.TfJsGraphModelShard(), "application/octet-stream"));

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item(server.Url + "models/tiny/model.json", ("Name", "Tiny")));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        Assert.Equal("x", Assert.Single(OnnxSignatureReader.Read(Assert.Single(result.Models).OnnxPath).Inputs).Name);
    }

    [Fact]
    public async Task ARealTfLiteModelFromNpm_IsMR0035_SayingWhatItIsAndWhatToDo()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddPackage(NpmPackages.SelfieSegmentation);
        const string include = "npm:@mediapipe/selfie_segmentation@0.1.1675465747/selfie_segmentation.tflite";

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item(include));

        var problem = SingleProblem(result);
        Assert.Equal("MR0035", problem.Diagnostic.Id);
        Assert.Contains(include, problem.Message);
        Assert.Contains("TensorFlow Lite flatbuffer", problem.Message);
        Assert.Contains("tf2onnx", problem.Message);
        Assert.False(File.Exists(f.LockPath) && File.ReadAllText(f.LockPath).Contains("selfie", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> LocalFiles => new()
    {
        // file name, expected id, words the message must hold
        { "model.safetensors", "MR0036", "safetensors" },
        { "model.gguf", "MR0036", "GGUF" },
        { "model.h5", "MR0036", "HDF5" },
        { "weights_manifest.json", "MR0036", "weights manifest" },
        { "layers/model.json", "MR0036", "layers model" },
        { "broken/model.json", "MR0036", "without modelTopology" },
        { "page.onnx", "MR0007", "HTML page" },
        { "notes.onnx", "MR0007", "text file" },
        { "config.json", "MR0007", "not a TF.js model" },
    };

    private static byte[] Content(string name) => name switch
    {
        "model.safetensors" => ModelFormatFiles.Safetensors(),
        "model.gguf" => ModelFormatFiles.Gguf(),
        "model.h5" => ModelFormatFiles.Hdf5(),
        "weights_manifest.json" => Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsWeightsManifest),
        "layers/model.json" => Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsLayersModel),
        "broken/model.json" => Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsModelJsonWithoutTopology),
        "page.onnx" => "<!DOCTYPE html><html><head><title>Sign in</title></head></html>"u8.ToArray(),
        "notes.onnx" => "this is text, not a protobuf model"u8.ToArray(),
        "config.json" => """{"architectures":["BertModel"],"hidden_size":768}"""u8.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(LocalFiles))]
    public async Task AFileThatIsNotOnnx_FailsSayingWhatItIs(string name, string id, string words)
    {
        using var f = new RestoreFixture();
        var path = Path.Combine(f.ProjectDirectory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Content(name));

        var problem = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item(name)));

        Assert.Equal(id, problem.Diagnostic.Id);
        Assert.Contains(name, problem.Message);
        Assert.Contains(words, problem.Message);
        Assert.Contains("ONNX models and TF.js graph models", problem.Message);
    }

    [Theory]
    [InlineData("zip")]
    [InlineData("legacy")]
    public async Task APyTorchCheckpoint_WrittenByTorch_IsMR0036_PointingAtTheExport(string kind)
    {
        using var f = new RestoreFixture();
        Directory.CreateDirectory(f.ProjectDirectory);
        ModelFormatFiles.TorchSave(Path.Combine(f.ProjectDirectory, "weights.pt"), kind);

        var problem = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item("weights.pt")));

        Assert.Equal("MR0036", problem.Diagnostic.Id);
        Assert.Contains("PyTorch checkpoint", problem.Message);
        Assert.Contains("torch.onnx.export", problem.Message);
        Assert.Contains("torchhub:", problem.Message);
    }

    [Fact]
    public async Task ASavedModel_FolderOrFile_IsRefusedWithTheTf2OnnxCommand_AndFormatSavedModelIsNotHonouredLocally()
    {
        using var f = new RestoreFixture();
        var folder = Path.Combine(f.ProjectDirectory, "saved");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "saved_model.pb"), TfHubSourceTests.SavedModelPb());

        var asFolder = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item("saved")));
        Assert.Equal("MR0036", asFolder.Diagnostic.Id);
        Assert.Contains("SavedModel folder", asFolder.Message);
        Assert.Contains("tf2onnx.convert --saved-model", asFolder.Message);

        var asFile = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item("saved/saved_model.pb")));
        Assert.Equal("MR0036", asFile.Diagnostic.Id);

        var withFormat = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item("saved/saved_model.pb", ("Format", "saved_model"))));
        Assert.Equal("MR0037", withFormat.Diagnostic.Id);
        Assert.Contains("cannot be honoured for 'local:' models", withFormat.Message);
    }

    [Theory]
    [InlineData("tiny/model.json", "onnx", "MR0037", "Remove Format")]
    [InlineData("m.onnx", "tfjs", "MR0037", "Remove Format")]
    [InlineData("m.onnx", "tflite", "MR0037", "not a TFLite flatbuffer")]
    [InlineData("m.onnx", "keras", "MR0009", "Format=\"keras\" is not a format")]
    [InlineData("tiny/model.json", "tfjs", null, null)]
    [InlineData("m.onnx", "ONNX", null, null)]
    public async Task FormatMetadata_IsCheckedAgainstTheContent(string include, string format, string? id, string? words)
    {
        using var f = new RestoreFixture();
        f.WriteModel("m.onnx", "a");
        Directory.CreateDirectory(Path.Combine(f.ProjectDirectory, "tiny"));
        File.WriteAllText(Path.Combine(f.ProjectDirectory, "tiny", "model.json"), ModelFormatFiles.TfJsGraphModel);
        File.WriteAllBytes(Path.Combine(f.ProjectDirectory, "tiny", "w.bin"), ModelFormatFiles.TfJsGraphModelShard());

        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item(include, ("Format", format)));

        if (id is null)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
            return;
        }
        var problem = SingleProblem(result);
        Assert.Equal(id, problem.Diagnostic.Id);
        Assert.Contains(words!, problem.Message);
    }

    [Fact]
    public async Task AnUnknownFormat_FailsBeforeAnythingIsFetched()
    {
        using var f = new RestoreFixture();
        using var registry = LoopbackNpmRegistry.Start();

        var problem = SingleProblem(await f.RestoreAsync(f.Request(npmRegistry: registry.Url),
            RestoreFixture.Item("npm:@vladmandic/human@3.3.6/models/blazeface.json", ("Format", "pytorch"))));

        Assert.Equal("MR0009", problem.Diagnostic.Id);
        Assert.Contains("Format=\"pytorch\" is not a format ModelRefs knows", problem.Message);
        Assert.Equal(0, registry.RequestCount);
    }

    [Fact]
    public async Task AnExplicitFormatOnTorchHub_OtherThanOnnx_IsNotIgnored()
    {
        using var f = new RestoreFixture();
        var problem = SingleProblem(await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("torchhub:pytorch/vision:v0.14.1/squeezenet1_1", ("Format", "tflite"), ("InputShape", "1,3,224,224"))));
        Assert.Equal("MR0037", problem.Diagnostic.Id);
        Assert.Contains("Remove Format", problem.Message);
    }

    [Fact]
    public async Task ATfLiteFileWithFormatTfLite_IsMR0035()
    {
        using var f = new RestoreFixture();
        Directory.CreateDirectory(f.ProjectDirectory);
        File.Copy(NpmPackages.GetFile(NpmPackages.SelfieSegmentation, NpmPackages.SelfieSegmentationTfLitePath), Path.Combine(f.ProjectDirectory, "seg.tflite"));

        var problem = SingleProblem(await f.RestoreAsync(f.Request(), RestoreFixture.Item("seg.tflite", ("Format", "tflite"))));

        Assert.Equal("MR0035", problem.Diagnostic.Id);
        Assert.Contains("TFL3", problem.Message);
    }

    [Fact]
    public async Task ATfJsModelFromNpm_WhoseShardIsMissing_IsMR0033_NamingTheShard()
    {
        using var f = new RestoreFixture();
        var tarball = f.WriteTarball("@test/noshard", "1.0.0", "MIT", ("model/model.json", Encoding.UTF8.GetBytes(ModelFormatFiles.TfJsGraphModel)));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);

        var problem = SingleProblem(await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item("npm:@test/noshard@1.0.0/model/model.json")));

        Assert.Equal("MR0033", problem.Diagnostic.Id);
        Assert.Contains("w.bin", problem.Message);
        Assert.Contains("weightsManifest", problem.Message);
    }

    [Theory]
    [InlineData("a negative weight shape", "\"shape\":[1,4]", "\"shape\":[-1,4]")]
    [InlineData("a null in a weight shape", "\"shape\":[1,4]", "\"shape\":[null,4]")]
    [InlineData("a weight shape beyond any size", "\"shape\":[1,4]", "\"shape\":[4611686018427387904,4611686018427387904]")]
    [InlineData("an input dimension that is not a number", "{\"size\":\"1\"},{\"size\":\"4\"}]}}}},", "{\"size\":\"?\"},{\"size\":\"4\"}]}}}},")]
    [InlineData("an input that is not a node name", "\"input\":[\"x\",\"c\"]", "\"input\":[1,\"c\"]")]
    [InlineData("weights that are not a list", "\"weights\":[{\"name\":\"c\",\"shape\":[1,4],\"dtype\":\"float32\"}]", "\"weights\":null")]
    public async Task AMalformedTfJsModelJson_IsMR0033_NamingTheFile(string what, string field, string malformed)
    {
        using var f = new RestoreFixture();
        Assert.Contains(field, ModelFormatFiles.TfJsGraphModel);
        var json = ModelFormatFiles.TfJsGraphModel.Replace(field, malformed, StringComparison.Ordinal);
        var tarball = f.WriteTarball("@test/malformed", "1.0.0", "MIT",
            ("model/model.json", Encoding.UTF8.GetBytes(json)), ("model/w.bin", ModelFormatFiles.TfJsGraphModelShard()));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item("npm:@test/malformed@1.0.0/model/model.json"));

        var problem = SingleProblem(result);
        Assert.True(problem.Diagnostic.Id == "MR0033", $"{what}: {problem.Diagnostic.Id} {problem.Message}");
        Assert.StartsWith("Model 'npm:@test/malformed@1.0.0/model/model.json': ", problem.Message);
        Assert.Contains("model.json", problem.Message);
        Assert.Empty(result.Models);
    }
}
