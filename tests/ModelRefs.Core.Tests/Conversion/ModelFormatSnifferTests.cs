using System.Text;
using ModelRefs.Core.Conversion;
using ModelRefs.Core.Tests.Restore;
using ModelRefs.Core.Tests.Sources.TfHub;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Conversion;

/// <summary>Each format told from real bytes: real models from npm packages, files written by torch, and files laid out as their formats specify.</summary>
public sealed class ModelFormatSnifferTests : IDisposable
{
    private readonly TempDirectory _temp = new("modelrefs-sniff-");

    public void Dispose() => _temp.Dispose();

    private ModelFileFormat SniffBytes(string name, byte[] content)
    {
        var path = _temp.Combine(name);
        File.WriteAllBytes(path, content);
        return ModelFormatSniffer.Sniff(path);
    }

    private ModelFileFormat SniffText(string name, string content) => SniffBytes(name, Encoding.UTF8.GetBytes(content));

    [Fact]
    public void RealOnnxModels_AreOnnx()
    {
        Assert.Equal(ModelFileKind.Onnx, ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path)).Kind);
        Assert.Equal(ModelFileKind.Onnx, ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.PaddleOcr, NpmPackages.PaddleOcrDetPath)).Kind);
        Assert.Equal(ModelFileKind.Onnx, SniffBytes("tiny.onnx", RestoreFixture.Model("a")).Kind);
    }

    [Fact]
    public void ATruncatedOnnxModel_IsStillOnnx_SoThatTheOnnxReaderSaysWhereItIsDamaged()
    {
        var model = RestoreFixture.Model("a");
        var format = SniffBytes("cut.onnx", model[..(model.Length - 7)]);
        Assert.Equal(ModelFileKind.Onnx, format.Kind);
        Assert.Contains("damaged", format.Description);
    }

    [Theory]
    [InlineData("movenet-lightning")]
    [InlineData("blazeface")]
    [InlineData("handtrack")]
    public void RealTfJsGraphModels_AreGraphModels(string model) =>
        Assert.Equal(ModelFileKind.TfJsGraphModel, ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.Human, $"models/{model}.json")).Kind);

    [Fact]
    public void JsonThatIsNoModel_IsJson_NamingWhatIsMissing()
    {
        // The package's own list of its models, and its package.json: JSON, not models.
        var list = ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.Human, "models/models.json"));
        Assert.Equal(ModelFileKind.Json, list.Kind);
        var package = ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.Human, "package.json"));
        Assert.Equal(ModelFileKind.Json, package.Kind);
        Assert.Contains("no modelTopology", package.Description);
    }

    [Fact]
    public void TfJsWeightsManifests_BothForms_AreWeightsManifests()
    {
        var list = SniffText("weights_manifest.json", ModelFormatFiles.TfJsWeightsManifest);
        Assert.Equal(ModelFileKind.TfJsWeightsManifest, list.Kind);
        var noTopology = SniffText("model.json", ModelFormatFiles.TfJsModelJsonWithoutTopology);
        Assert.Equal(ModelFileKind.TfJsWeightsManifest, noTopology.Kind);
        Assert.Contains("without modelTopology", noTopology.Description);
        Assert.Contains("modelTopology", noTopology.Advice);
    }

    [Fact]
    public void ATfJsLayersModel_IsALayersModel() =>
        Assert.Equal(ModelFileKind.TfJsLayersModel, SniffText("model.json", ModelFormatFiles.TfJsLayersModel).Kind);

    [Fact]
    public void InvalidJson_IsJson_WithTheLineAndByte_NotTheParsersMessage()
    {
        var format = SniffText("model.json", "{\n  \"modelTopology\": {\"node\": [}\n}");
        Assert.Equal(ModelFileKind.Json, format.Kind);
        Assert.Contains("not valid JSON at line 2", format.Description);
        Assert.DoesNotContain("'}' is invalid", format.Description);
    }

    [Fact]
    public void ARealTfLiteModel_IsTfLite()
    {
        var format = ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.SelfieSegmentation, NpmPackages.SelfieSegmentationTfLitePath));
        Assert.Equal(ModelFileKind.TfLite, format.Kind);
        Assert.Contains("TFL3", format.Description);
        Assert.Contains("tf2onnx", format.Advice);
    }

    [Fact]
    public void AProtobufThatIsNotOnnx_IsNotOnnx()
    {
        // MediaPipe's graph config: a real protobuf, without ONNX's graph field.
        var format = ModelFormatSniffer.Sniff(NpmPackages.GetFile(NpmPackages.SelfieSegmentation, "selfie_segmentation.binarypb"));
        Assert.Equal(ModelFileKind.Unknown, format.Kind);
        Assert.Contains("not an ONNX model", format.Description);
    }

    [Fact]
    public void ASavedModelPb_IsASavedModel_AndSoIsItsFolder()
    {
        var folder = _temp.Combine("saved");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "saved_model.pb"), TfHubSourceTests.SavedModelPb());
        Assert.Equal(ModelFileKind.SavedModel, ModelFormatSniffer.Sniff(Path.Combine(folder, "saved_model.pb")).Kind);
        Assert.Equal(ModelFileKind.SavedModel, ModelFormatSniffer.Sniff(folder).Kind);
        // The same bytes under another name: its fields say what it is.
        Assert.Equal(ModelFileKind.SavedModel, SniffBytes("model.pb", TfHubSourceTests.SavedModelPb()).Kind);
    }

    [Theory]
    [InlineData("zip", ModelFileKind.PyTorchArchive)]
    [InlineData("legacy", ModelFileKind.Pickle)]
    [InlineData("torchscript", ModelFileKind.TorchScriptArchive)]
    public void PyTorchFiles_WrittenByTorch_AreTold(string kind, ModelFileKind expected)
    {
        var path = _temp.Combine($"weights-{kind}.pt");
        ModelFormatFiles.TorchSave(path, kind);
        var format = ModelFormatSniffer.Sniff(path);
        Assert.Equal(expected, format.Kind);
        Assert.Contains("torch.onnx.export", format.Advice);
        if (kind == "legacy")
            Assert.Contains("legacy PyTorch checkpoint", format.Description);
    }

    [Fact]
    public void SafetensorsGgufAndHdf5_AreTold()
    {
        var safetensors = SniffBytes("model.safetensors", ModelFormatFiles.Safetensors());
        Assert.Equal(ModelFileKind.Safetensors, safetensors.Kind);
        Assert.Contains("(1 tensor)", safetensors.Description);
        Assert.Equal(ModelFileKind.Gguf, SniffBytes("model.gguf", ModelFormatFiles.Gguf()).Kind);
        Assert.Equal(ModelFileKind.Hdf5, SniffBytes("model.h5", ModelFormatFiles.Hdf5()).Kind);
    }

    [Fact]
    public void SafetensorsWhoseHeaderLengthStartsLikeAPickle_IsSafetensors()
    {
        // A header of 0x280 bytes: the file starts 80 02, which is also how a pickle starts.
        var header = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""".PadRight(0x280);
        var bytes = BitConverter.GetBytes(0x280ul).Concat(Encoding.UTF8.GetBytes(header)).Concat(new byte[4]).ToArray();
        Assert.Equal(ModelFileKind.Safetensors, SniffBytes("w.safetensors", bytes).Kind);
    }

    [Fact]
    public void HtmlTextAndOtherZips_AreNotModels()
    {
        Assert.Equal(ModelFileKind.Html, SniffText("model.onnx", "<!DOCTYPE html><html><body>Sign in</body></html>").Kind);
        var text = SniffText("model.onnx", "this is text, not a protobuf model");
        Assert.Equal(ModelFileKind.Text, text.Kind);
        Assert.Contains("this is text", text.Description);

        var zipPath = _temp.Combine("bundle.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(zipPath, System.IO.Compression.ZipArchiveMode.Create))
            zip.CreateEntry("readme.txt");
        Assert.Equal(ModelFileKind.Zip, ModelFormatSniffer.Sniff(zipPath).Kind);
        Assert.Equal(ModelFileKind.Unknown, SniffBytes("noise.bin", [0x00, 0x01, 0x02, 0xFF, 0x07, 0x00]).Kind);
        var empty = SniffBytes("empty.onnx", []);
        Assert.Equal(ModelFileKind.Unknown, empty.Kind);
        Assert.Contains("empty file", empty.Description);
    }

    [Fact]
    public void AFolderWithoutASavedModel_IsAFolder() =>
        Assert.Equal(ModelFileKind.Folder, ModelFormatSniffer.Sniff(_temp.Path).Kind);
}
