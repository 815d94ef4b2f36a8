using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.TestSupport;
using Xunit.Abstractions;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>
/// Converts the real TF.js graph models of @vladmandic/human@3.3.6 and compares ONNX Runtime's
/// outputs with @tensorflow/tfjs@4.22.0 (CPU backend, Node.js) on the same random inputs.
/// </summary>
public sealed class HumanModelsFixture : IDisposable
{
    public const string Package = "@vladmandic/human@3.3.6";

    /// <summary>
    /// Model file, the batch size given where the model's is -1, and the max absolute difference
    /// allowed. 1e-4 except where outputs are in pixel units (blazeface boxes up to ~45, facemesh
    /// landmarks up to ~160, centernet sizes up to ~400): float32 sums taken in another order
    /// differ by a few ulps of those magnitudes (relative ≈ 3e-6); see docs/tfjs-conversion.md.
    /// </summary>
    public static readonly (string File, int Batch, double Tolerance)[] Models =
    [
        ("movenet-lightning", 1, 1e-4),
        ("blazeface", 1, 5e-4),
        ("emotion", 2, 1e-4),
        ("antispoof", 2, 1e-4),
        ("liveness", 2, 1e-4),
        ("facemesh", 1, 5e-4),
        ("iris", 1, 1e-4),
        ("faceres", 1, 1e-4),
        ("handlandmark-lite", 1, 1e-4),
        ("centernet", 1, 5e-3),
        ("handtrack", 1, 1e-4),
    ];

    private readonly TempDirectory _temp = new("modelrefs-tfjs-human-");
    private readonly Lazy<Dictionary<string, Case>> _cases;

    public sealed record Case(string ModelJson, string OnnxPath, ConversionResult? Conversion, Exception? ConversionError,
        IReadOnlyList<TestTensor> Inputs, TfJsResult? Reference);

    public HumanModelsFixture() => _cases = new Lazy<Dictionary<string, Case>>(Prepare);

    public Case Get(string model) => _cases.Value[model];

    private Dictionary<string, Case> Prepare()
    {
        var prepared = new Dictionary<string, Case>();
        var jobs = new List<(string model, TfJsJob job)>();
        foreach (var (file, batch, _) in Models)
        {
            var json = NpmPackages.GetFile(Package, $"models/{file}.json");
            var onnx = _temp.Combine(file + ".onnx");
            var inputs = RandomInputs(json, batch, seed: file.Length);
            try
            {
                var result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = onnx });
                prepared[file] = new Case(json, onnx, result, null, inputs, null);
                // tfjs takes the TF names (Placeholder nodes, output tensors), ONNX Runtime the ONNX ones (OrtRunner maps them).
                jobs.Add((file, new TfJsJob(json, inputs, result.Outputs.Select(o => o.TfName).ToList())));
            }
            catch (TfJsConversionException e)
            {
                prepared[file] = new Case(json, onnx, null, e, inputs, null);
            }
        }
        var results = TfJsReference.Run(jobs.Select(j => j.job).ToList(), _temp.Combine("tfjs"));
        for (var i = 0; i < jobs.Count; i++)
            prepared[jobs[i].model] = prepared[jobs[i].model] with { Reference = results[i] };
        return prepared;
    }

    /// <summary>Inputs shaped as the model's placeholders (-1 → <paramref name="batch"/>): int32 images in 0..255, floats in [0, 1).</summary>
    public static List<TestTensor> RandomInputs(string modelJson, int batch, int seed)
    {
        var model = TfJsGraphModel.Load(modelJson);
        var inputs = new List<TestTensor>();
        foreach (var node in model.Nodes.Where(n => n.Op == "Placeholder"))
        {
            var sig = model.SignatureInputs.FirstOrDefault(s => s.Name.Split(':')[0] == node.Name);
            var shape = (sig?.Shape ?? node.Attr("shape")?.Shape ?? throw new InvalidOperationException($"{node.Name} has no shape"))
                .Select(d => d < 0 ? batch : d).ToArray();
            var type = sig?.DataType ?? node.GetType("dtype", TfDataType.Float32);
            var count = shape.Aggregate(1L, (a, d) => a * d);
            inputs.Add(type switch
            {
                TfDataType.Int32 => TestTensor.Int(node.Name, shape, TfJsReference.RandomFloats(seed, count, 0, 256).Select(f => (int)f).ToArray()),
                TfDataType.UInt8 => TestTensor.Bytes(node.Name, shape, TfJsReference.RandomFloats(seed, count, 0, 256).Select(f => (byte)f).ToArray()),
                _ => TestTensor.Float(node.Name, shape, TfJsReference.RandomFloats(seed, count)),
            });
        }
        return inputs;
    }

    public void Dispose() => _temp.Dispose();
}

public sealed class HumanModelTests(HumanModelsFixture fixture, ITestOutputHelper output) : IClassFixture<HumanModelsFixture>
{
    public static TheoryData<string> ModelNames()
    {
        var data = new TheoryData<string>();
        foreach (var (file, _, _) in HumanModelsFixture.Models)
            data.Add(file);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Converted_model_matches_tfjs(string model)
    {
        var c = fixture.Get(model);
        Assert.Null(c.ConversionError);
        Assert.NotNull(c.Reference);
        Assert.True(c.Reference!.Error == null, $"tfjs failed: {c.Reference.Error}");
        var tolerance = HumanModelsFixture.Models.Single(m => m.File == model).Tolerance;
        var actual = OrtRunner.Run(c.Conversion!, c.Inputs);
        Assert.Equal(c.Reference.Outputs.Count, actual.Count);
        output.WriteLine($"{model}: {c.Conversion!.NodeCount} ONNX nodes, {c.Conversion.TransposeCount} Transpose, converted in {c.Conversion.Elapsed.TotalMilliseconds:F0} ms");
        for (var i = 0; i < actual.Count; i++)
        {
            var diff = OrtRunner.MaxAbsDiff(c.Reference.Outputs[i], actual[i], $"{model} output {c.Conversion.Outputs[i]}");
            var scale = c.Reference.Outputs[i].AsDoubles().Select(Math.Abs).DefaultIfEmpty().Max();
            output.WriteLine($"  {c.Conversion.Outputs[i]} [{string.Join(",", actual[i].Shape)}]: max |diff| {diff:E2} (max |value| {scale:G4})");
            Assert.True(diff < tolerance, $"{model} output {c.Conversion.Outputs[i]}: max |diff| {diff:E3} ≥ {tolerance:E0}");
        }
    }

    [Fact]
    public void MoveNet_keeps_few_transposes_and_the_fixed_signature()
    {
        var c = fixture.Get("movenet-lightning");
        Assert.Null(c.ConversionError);
        // Its signature keys ("input:0", "Identity:0") only repeat the tensor names: the graph keeps them without ":0".
        var onnx = ModelRefs.Core.Onnx.OnnxSignatureReader.Read(c.OnnxPath);
        Assert.Equal(["input"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["Identity"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal([new ConvertedTensor("input", "input", "input:0")], c.Conversion!.Inputs);
        Assert.Equal([new ConvertedTensor("Identity", "Identity", "Identity:0")], c.Conversion.Outputs);
        // One into NCHW before the first convolution, the rest where GatherNd / Reshape read heads in TF layout.
        Assert.InRange(c.Conversion.TransposeCount, 1, 6);
        Assert.Equal(TfJsToOnnxConverter.Identity, c.Conversion.Converter);
    }

    [Theory]
    [InlineData("movenet-lightning")]
    [InlineData("centernet")]
    [InlineData("faceres")]
    public void Float16_weights_stay_float16_so_the_onnx_file_is_about_the_weights_size(string model)
    {
        var c = fixture.Get(model);
        Assert.Null(c.ConversionError);
        var weights = new FileInfo(Path.ChangeExtension(c.ModelJson, ".bin")).Length;
        var onnx = new FileInfo(c.OnnxPath).Length;
        output.WriteLine($"{model}: weights {weights} bytes, ONNX {onnx} bytes ({(double)onnx / weights:F2}×)");
        // Widened to float32 the file would be about twice the weights.
        Assert.InRange(onnx, weights / 2, weights * 115 / 100);
        Assert.True(c.Conversion!.OnnxOpCounts.TryGetValue("Cast", out var casts) && casts > 0);
    }

    [Fact]
    public void PoseEstimation_samples_lock_pins_what_this_converter_makes_of_MoveNet()
    {
        // A converter change that changes its output must come with the sample's lock regenerated
        // (dotnet build samples/PoseEstimation), or the sample's locked-mode build fails.
        // Restore converts a copy named model.json (the ONNX graph is named after the file), with its shards beside it.
        using var temp = new TempDirectory();
        var json = NpmPackages.GetFile(HumanModelsFixture.Package, "models/movenet-lightning.json");
        File.Copy(json, temp.Combine("model.json"));
        foreach (var shard in TfJsGraphModel.Load(json).WeightGroups.SelectMany(g => g.Paths))
            File.Copy(Path.Combine(Path.GetDirectoryName(json)!, shard), temp.Combine(shard));
        var result = TfJsToOnnxConverter.Convert(temp.Combine("model.json"), new TfJsConversionOptions { OutputPath = temp.Combine("MoveNet.onnx") });

        var lockPath = Path.Combine(RepoPaths.Root, "samples", "PoseEstimation", "models.lock.json");
        using var lockFile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(lockPath));
        var entry = lockFile.RootElement.GetProperty("models").GetProperty($"npm:{HumanModelsFixture.Package}/models/movenet-lightning.json");
        Assert.Equal(result.Converter, entry.GetProperty("converter").GetString());
        var onnxSha256 = System.Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(result.OutputPath))).ToLowerInvariant();
        Assert.True(onnxSha256 == entry.GetProperty("onnxSha256").GetString(),
            $"{lockPath} pins onnxSha256 {entry.GetProperty("onnxSha256").GetString()}; this converter makes {onnxSha256}. Rebuild the sample to regenerate its lock.");
    }

    [Fact]
    public void Facemesh_graph_takes_its_signature_names_in_signature_order()
    {
        // facemesh.json: signature outputs output_mesh → Identity_2:0, output_faceflag → Identity_1:0, output_contours → Identity:0.
        var c = fixture.Get("facemesh");
        Assert.Null(c.ConversionError);
        var onnx = ModelRefs.Core.Onnx.OnnxSignatureReader.Read(c.OnnxPath);
        Assert.Equal(["input_1"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["output_mesh", "output_faceflag", "output_contours"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal(["[batch,1404]", "[batch,1]", "[batch,266]"], onnx.Outputs.Select(o => o.ShapeText));
        Assert.Equal(
            [new("output_mesh", "Identity_2", "output_mesh"), new("output_faceflag", "Identity_1", "output_faceflag"), new ConvertedTensor("output_contours", "Identity", "output_contours")],
            c.Conversion!.Outputs);
        Assert.Empty(c.Conversion.Warnings);
    }

    [Theory]
    [InlineData("antispoof", "conv2d_input", "activation_4")]
    [InlineData("liveness", "conv2d_1_input", "activation_6")]
    public void Keras_models_outputs_take_their_layer_names_from_the_signature(string model, string input, string output)
    {
        var c = fixture.Get(model);
        Assert.Null(c.ConversionError);
        var onnx = ModelRefs.Core.Onnx.OnnxSignatureReader.Read(c.OnnxPath);
        Assert.Equal([input], onnx.Inputs.Select(i => i.Name));
        Assert.Equal([output], onnx.Outputs.Select(o => o.Name));
        Assert.Equal("Identity", Assert.Single(c.Conversion!.Outputs).TfName);
    }

    [Fact]
    public void Blazeface_signature_in_userDefinedMetadata_gives_the_outputs_and_their_order()
    {
        // blazeface.json has no "signature", only userDefinedMetadata.signature, which TF.js reads the same way.
        var c = fixture.Get("blazeface");
        Assert.Null(c.ConversionError);
        var onnx = ModelRefs.Core.Onnx.OnnxSignatureReader.Read(c.OnnxPath);
        Assert.Equal(["Identity_3", "Identity", "Identity_1", "Identity_2"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal(["Identity_3:0", "Identity:0", "Identity_1:0", "Identity_2:0"], c.Conversion!.Outputs.Select(o => o.SignatureKey));
        Assert.Equal(["[1,384,16]", "[1,512,1]", "[1,384,1]", "[1,512,16]"], onnx.Outputs.Select(o => o.ShapeText));
    }

    [Fact]
    public void Emotion_keeps_a_symbolic_batch()
    {
        var c = fixture.Get("emotion");
        Assert.Null(c.ConversionError);
        var signature = ModelRefs.Core.Onnx.OnnxSignatureReader.Read(c.OnnxPath);
        Assert.Equal("batch", signature.Inputs[0].Shape![0].Param);
        Assert.Equal("batch", signature.Outputs[0].Shape![0].Param);
    }

    [Fact]
    public void Hand_tracking_model_keeps_its_while_loop_as_one_onnx_Loop_and_its_seven_NMS()
    {
        // handtrack: a tf.map_fn over the batch (TF1 while frame with TensorLists) and one NonMaxSuppressionV5 per class.
        var c = fixture.Get("handtrack");
        Assert.Null(c.ConversionError);
        Assert.Equal(1, c.Conversion!.OnnxOpCounts["Loop"]);
        Assert.Equal(7, c.Conversion.OnnxOpCounts["NonMaxSuppression"]);
        Assert.Equal(6, c.Conversion.TfOpCounts["Enter"]);
    }
}
