using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.TestSupport;
using Xunit.Abstractions;
using static ModelRefs.Conversion.Tests.TfJs.TfJsModelWriter;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>One operator-level case: a tiny graph and its inputs.</summary>
public sealed record OpCase(string Name, Func<TfJsModelWriter, List<TestTensor>> Build, double Tolerance = 1e-5);

/// <summary>Builds every case, runs them all in one tfjs process, converts them.</summary>
public sealed class OperatorCasesFixture : IDisposable
{
    private readonly TempDirectory _temp = new("modelrefs-tfjs-ops-");
    private readonly Lazy<Dictionary<string, (string json, List<TestTensor> inputs, TfJsResult reference)>> _results;

    public OperatorCasesFixture() => _results = new(() =>
    {
        var built = OperatorCases.All.Select(c =>
        {
            var writer = new TfJsModelWriter();
            var inputs = c.Build(writer);
            return (c.Name, json: writer.Save(_temp.Combine(c.Name)), inputs);
        }).ToList();
        var outputs = built.Select(b => Outputs(b.json)).ToList();
        var results = TfJsReference.Run(built.Select((b, i) => new TfJsJob(b.json, b.inputs, outputs[i])).ToList(), _temp.Combine("tfjs"));
        return built.Select((b, i) => (b, r: results[i])).ToDictionary(x => x.b.Name, x => (x.b.json, x.b.inputs, x.r));
    });

    /// <summary>The outputs the converter will produce (signature, else leaves), as tensor names tfjs understands.</summary>
    private static List<string> Outputs(string json)
    {
        var model = TfJsGraphModel.Load(json);
        if (model.SignatureOutputs.Count > 0)
            return model.SignatureOutputs.Select(o => o.Name.EndsWith(":0", StringComparison.Ordinal) ? o.Name[..^2] : o.Name).ToList();
        var consumed = model.Nodes.SelectMany(n => n.Inputs).Select(i => i.Split(':')[0]).ToHashSet();
        return model.Nodes.Where(n => !consumed.Contains(n.Name) && n.Op is not ("Const" or "Placeholder")).Select(n => n.Name).ToList();
    }

    public (string json, List<TestTensor> inputs, TfJsResult reference) Get(string name) => _results.Value[name];
    public string Temp(string name) => _temp.Combine(name + ".onnx");
    public void Dispose() => _temp.Dispose();
}

public sealed class OperatorTests(OperatorCasesFixture fixture, ITestOutputHelper output) : IClassFixture<OperatorCasesFixture>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in OperatorCases.All)
            data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operator_matches_tfjs(string name)
    {
        var (json, inputs, reference) = fixture.Get(name);
        Assert.True(reference.Error == null, $"tfjs failed on the test graph: {reference.Error}");
        var result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = fixture.Temp(name) });
        var actual = OrtRunner.Run(result, inputs);
        var tolerance = OperatorCases.All.Single(c => c.Name == name).Tolerance;
        output.WriteLine($"{name}: {result.NodeCount} nodes, {result.TransposeCount} Transpose: {string.Join(", ", result.OnnxOpCounts.Select(kv => $"{kv.Key}×{kv.Value}"))}");
        for (var i = 0; i < actual.Count; i++)
        {
            var diff = OrtRunner.MaxAbsDiff(reference.Outputs[i], actual[i], $"{name} output {result.Outputs[i]}");
            output.WriteLine($"  {result.Outputs[i]} [{string.Join(",", actual[i].Shape)}]: max |diff| {diff:E2}");
            Assert.True(diff <= tolerance, $"{name} output {result.Outputs[i]}: max |diff| {diff:E3} > {tolerance:E0}");
        }
    }

    [Fact]
    public void Conv_chain_keeps_activations_in_NCHW()
    {
        var (json, _, _) = fixture.Get("conv_chain_layout");
        var result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = fixture.Temp("layout-check") });
        // One transpose in (graph input), one out (graph output): none between the convolutions, pooling, pads, concat, bias adds and activations.
        Assert.Equal(2, result.TransposeCount);
    }

    [Fact]
    public void Unsupported_operator_names_the_op_and_the_node()
    {
        using var temp = new TempDirectory();
        var w = new TfJsModelWriter();
        var x = w.Placeholder("x", "DT_FLOAT", 2, 3);
        w.Op("Relu", "relu", [x]);
        w.Op("Cumsum", "my/cumsum", ["relu", w.IntScalar("axis", 0)]);
        var json = w.Save(temp.Path);
        var e = Assert.Throws<TfJsConversionException>(() => TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = temp.Combine("m.onnx") }));
        Assert.Equal("Cumsum", e.Op);
        Assert.Equal("my/cumsum", e.NodeName);
        Assert.True(e.IsUnsupportedOperator);
        Assert.Contains("'Cumsum'", e.Message);
        Assert.Contains("'my/cumsum'", e.Message);
        Assert.False(File.Exists(temp.Combine("m.onnx")));
    }

    [Fact]
    public void Every_unsupported_operator_is_named_with_its_nodes()
    {
        using var temp = new TempDirectory();
        var w = new TfJsModelWriter();
        var x = w.Placeholder("x", "DT_FLOAT", 2, 3);
        var a = w.Op("Cumsum", "first/cumsum", [x, w.IntScalar("axis", 0)]);
        var b = w.Op("Cumsum", "second/cumsum", [a, w.IntScalar("axis2", 1)]);
        var e1 = w.Op("Einsum", "my/einsum", [b, x], ("equation", S("ij,ij->ij")));
        w.Op("Relu", "relu", [w.Op("Cumprod", "my/cumprod", [e1, w.IntScalar("axis3", 0)])]);
        var json = w.Save(temp.Path);
        var e = Assert.Throws<TfJsConversionException>(() => TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = temp.Combine("m.onnx") }));
        Assert.True(e.IsUnsupportedOperator);
        Assert.Equal(["Cumprod", "Cumsum", "Einsum"], e.UnsupportedOperators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["first/cumsum", "second/cumsum"], e.UnsupportedOperators["Cumsum"]);
        foreach (var name in new[] { "'Cumsum'", "'first/cumsum'", "'second/cumsum'", "'Einsum'", "'my/einsum'", "'Cumprod'", "'my/cumprod'" })
            Assert.Contains(name, e.Message);
        Assert.Contains("3 TF.js operators", e.Message);
        Assert.NotNull(e.Op);
        Assert.Contains($"'{e.NodeName}'", e.Message);
        Assert.False(File.Exists(temp.Combine("m.onnx")));
    }

    [Fact]
    public void NonMaxSuppressionV5_pads_as_TensorFlow_does()
    {
        // TensorFlow pads V5's indices and scores with zeros to max_output_size and returns the count;
        // tfjs 4.22 ignores pad_to_max_output_size, so this checks ORT against the unpadded V5 (itself compared with tfjs above).
        using var temp = new TempDirectory();
        var w = new TfJsModelWriter();
        var boxes = w.Placeholder("boxes", "DT_FLOAT", 40, 4);
        var scores = w.Placeholder("scores", "DT_FLOAT", 40);
        var args = new[] { boxes, scores, w.IntScalar("max", 25), w.Const("iou", [0.3f], []), w.Const("t", [0.2f], []), w.Const("sigma", [0f], []) };
        w.Op("NonMaxSuppressionV5", "plain", args, ("pad_to_max_output_size", B(false)));
        w.Op("NonMaxSuppressionV5", "padded", args, ("pad_to_max_output_size", B(true)));
        w.Outputs("plain", "plain:1", "plain:2", "padded", "padded:1", "padded:2");
        var json = w.Save(temp.Path);
        var result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = temp.Combine("m.onnx") });
        var o = OrtRunner.Run(result, OperatorCases.NmsInputs());
        var count = (int)o[0].Shape[0];
        Assert.InRange(count, 2, 24);
        Assert.Equal(count, ((int[])o[2].Values)[0]);
        Assert.Equal(count, ((int[])o[5].Values)[0]);
        Assert.Equal([25L], o[3].Shape);
        Assert.Equal(((int[])o[0].Values).Concat(new int[25 - count]), (int[])o[3].Values);
        Assert.Equal(((float[])o[1].Values).Concat(new float[25 - count]), (float[])o[4].Values);
    }

    [Fact]
    public void Unsupported_fused_activation_fails_instead_of_dropping_it()
    {
        using var temp = new TempDirectory();
        var w = new TfJsModelWriter();
        var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 4, 2);
        w.Op("_FusedConv2D", "conv", [x, w.Random("f", [1, 1, 2, 2]), w.Random("b", [2])],
            ("strides", Ints(1, 1, 1, 1)), ("padding", S("SAME")), ("data_format", S("NHWC")), ("dilations", Ints(1, 1, 1, 1)),
            ("fused_ops", Strs("BiasAdd", "Gelu")), ("num_args", I(1)));
        var json = w.Save(temp.Path);
        var e = Assert.Throws<TfJsConversionException>(() => TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = temp.Combine("m.onnx") }));
        Assert.Equal("conv", e.NodeName);
        Assert.Contains("Gelu", e.Message);
    }

    [Fact]
    public void Missing_weight_shard_is_reported()
    {
        using var temp = new TempDirectory();
        var w = new TfJsModelWriter();
        w.Op("Add", "add", [w.Placeholder("x", "DT_FLOAT", 2), w.Const("c", 1f, 2f)]);
        var json = w.Save(temp.Path);
        File.Delete(temp.Combine("group1-shard2of2.bin"));
        var e = Assert.Throws<TfJsConversionException>(() => TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = temp.Combine("m.onnx") }));
        Assert.Contains("group1-shard2of2.bin", e.Message);
    }
}

/// <summary>The operator-level cases (each a tiny graph compared with tfjs).</summary>
public static class OperatorCases
{
    private static List<TestTensor> Image(string name, params long[] shape)
        => [TestTensor.Float(name, shape, TfJsReference.RandomFloats(shape.Sum(x => (int)x), shape.Aggregate(1L, (a, d) => a * d), -1, 1))];

    private static (string, System.Text.Json.Nodes.JsonNode)[] ConvAttrs(string padding, long stride = 1, long dilation = 1, params string[] fused)
    {
        var list = new List<(string, System.Text.Json.Nodes.JsonNode)>
        {
            ("strides", Ints(1, stride, stride, 1)), ("padding", S(padding)), ("data_format", S("NHWC")), ("dilations", Ints(1, dilation, dilation, 1)),
        };
        if (fused.Length > 0)
        {
            list.Add(("fused_ops", Strs(fused)));
            list.Add(("num_args", I(fused[0] == "FusedBatchNorm" ? 4 : 1)));
            list.Add(("epsilon", F(0.001f)));
        }
        return list.ToArray();
    }

    private static (string, System.Text.Json.Nodes.JsonNode)[] PoolAttrs(string padding, long k, long s)
        => [("ksize", Ints(1, k, k, 1)), ("strides", Ints(1, s, s, 1)), ("padding", S(padding)), ("data_format", S("NHWC"))];

    private static string Conv(TfJsModelWriter w, string name, string x, long cin, long cout, string padding = "SAME", long stride = 1)
        => w.Op("_FusedConv2D", name, [x, w.Random(name + "/f", [3, 3, cin, cout]), w.Random(name + "/b", [cout])], ConvAttrs(padding, stride, 1, "BiasAdd", "Relu"));

    /// <summary>40 boxes [y1, x1, y2, x2] of sizes 0.1..0.5 in the unit square, some with the corners swapped (both sides accept any diagonal), and scores.</summary>
    internal static List<TestTensor> NmsInputs()
    {
        var corner = TfJsReference.RandomFloats(21, 80, 0, 0.7f);
        var size = TfJsReference.RandomFloats(22, 80, 0.1f, 0.5f);
        var b = new float[160];
        for (var i = 0; i < 40; i++)
        {
            var (y, x, h, wd) = (corner[2 * i], corner[2 * i + 1], size[2 * i], size[2 * i + 1]);
            (b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]) = i % 7 == 3 ? (y + h, x + wd, y, x) : (y, x, y + h, x + wd);
        }
        return [TestTensor.Float("boxes", [40, 4], b), TestTensor.Float("scores", [40], TfJsReference.RandomFloats(23, 40, 0, 1))];
    }

    public static readonly OpCase[] All =
    [
        new("conv2d_same_stride2", w => { w.Op("Conv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 9, 9, 3), w.Random("f", [3, 3, 3, 4])], ConvAttrs("SAME", 2)); return Image("x", 1, 9, 9, 3); }),
        new("conv2d_valid_dilated", w => { w.Op("Conv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 10, 10, 2), w.Random("f", [3, 3, 2, 3])], ConvAttrs("VALID", 1, 2)); return Image("x", 1, 10, 10, 2); }),
        new("conv2d_explicit_padding", w =>
        {
            var attrs = ConvAttrs("EXPLICIT", 1).Append(("explicit_paddings", Ints(0, 0, 1, 2, 2, 1, 0, 0))).ToArray();
            w.Op("Conv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 6, 7, 2), w.Random("f", [2, 3, 2, 3])], attrs);
            return Image("x", 1, 6, 7, 2);
        }),
        new("fused_conv2d_bias_relu6", w => { w.Op("_FusedConv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 8, 8, 3), w.Random("f", [3, 3, 3, 4], max: 3), w.Random("b", [4])], ConvAttrs("SAME", 1, 1, "BiasAdd", "Relu6")); return Image("x", 1, 8, 8, 3); }),
        new("fused_conv2d_bias_prelu", w =>
        {
            var attrs = ConvAttrs("SAME", 1, 1, "BiasAdd", "Prelu").Where(a => a.Item1 != "num_args").Append(("num_args", I(2))).ToArray();
            w.Op("_FusedConv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 6, 6, 3), w.Random("f", [3, 3, 3, 4]), w.Random("b", [4]), w.Random("alpha", [4], min: 0, max: 0.5f)], attrs);
            return Image("x", 1, 6, 6, 3);
        }),
        new("fused_conv2d_leakyrelu", w =>
        {
            var attrs = ConvAttrs("VALID", 1, 1, "BiasAdd", "LeakyRelu").Append(("leakyrelu_alpha", F(0.1f))).ToArray();
            w.Op("_FusedConv2D", "y", [w.Placeholder("x", "DT_FLOAT", 1, 6, 6, 3), w.Random("f", [3, 3, 3, 4]), w.Random("b", [4])], attrs);
            return Image("x", 1, 6, 6, 3);
        }),
        new("fused_conv2d_elu_sigmoid", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 6, 6, 3);
            w.Op("_FusedConv2D", "elu", [x, w.Random("f", [1, 1, 3, 4]), w.Random("b", [4])], ConvAttrs("SAME", 1, 1, "BiasAdd", "Elu"));
            w.Op("_FusedConv2D", "sigmoid", [x, w.Random("f2", [2, 2, 3, 4]), w.Random("b2", [4])], ConvAttrs("VALID", 1, 1, "BiasAdd", "Sigmoid"));
            return Image("x", 1, 6, 6, 3);
        }),
        new("depthwise_same_multiplier2", w => { w.Op("DepthwiseConv2dNative", "y", [w.Placeholder("x", "DT_FLOAT", 1, 7, 7, 3), w.Random("f", [3, 3, 3, 2])], ConvAttrs("SAME")); return Image("x", 1, 7, 7, 3); }),
        new("fused_depthwise_bias_relu6_stride2", w => { w.Op("FusedDepthwiseConv2dNative", "y", [w.Placeholder("x", "DT_FLOAT", 1, 8, 8, 4), w.Random("f", [3, 3, 4, 1], max: 3), w.Random("b", [4])], ConvAttrs("SAME", 2, 1, "BiasAdd", "Relu6")); return Image("x", 1, 8, 8, 4); }),
        new("quantised_weights_uint8_uint16_float16", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 5, 5, 3);
            var a = w.Op("_FusedConv2D", "a", [x, w.Random("f8", [3, 3, 3, 4], "uint8"), w.Random("b16", [4], "uint16")], ConvAttrs("SAME", 1, 1, "BiasAdd", "Relu"));
            w.Op("DepthwiseConv2dNative", "y", [a, w.Random("fh", [3, 3, 4, 1], "float16")], ConvAttrs("VALID"));
            return Image("x", 1, 5, 5, 3);
        }),
        new("pooling", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 9, 9, 2);
            w.Op("MaxPool", "max_same", [x], PoolAttrs("SAME", 3, 2));
            w.Op("AvgPool", "avg_same", [x], PoolAttrs("SAME", 3, 2));
            w.Op("AvgPool", "avg_valid", [x], PoolAttrs("VALID", 2, 2));
            return Image("x", 1, 9, 9, 2);
        }),
        new("resize", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 5, 6, 2);
            var size = w.Ints1("size", 9, 13);
            var down = w.Ints1("down", 3, 4);
            w.Op("ResizeBilinear", "bilinear_half_pixel", [x, size], ("align_corners", B(false)), ("half_pixel_centers", B(true)));
            w.Op("ResizeBilinear", "bilinear_align", [x, size], ("align_corners", B(true)), ("half_pixel_centers", B(false)));
            w.Op("ResizeBilinear", "bilinear_asymmetric", [x, down], ("align_corners", B(false)), ("half_pixel_centers", B(false)));
            w.Op("ResizeNearestNeighbor", "nearest_half_pixel", [x, size], ("align_corners", B(false)), ("half_pixel_centers", B(true)));
            w.Op("ResizeNearestNeighbor", "nearest_align", [x, size], ("align_corners", B(true)), ("half_pixel_centers", B(false)));
            w.Op("ResizeNearestNeighbor", "nearest_asymmetric", [x, down], ("align_corners", B(false)), ("half_pixel_centers", B(false)));
            return Image("x", 1, 5, 6, 2);
        }),
        new("pad", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 5, 5, 2);
            var conv = Conv(w, "conv", x, 2, 3);
            w.Op("Pad", "pad_nchw", [conv, w.IntConst("p1", [0, 0, 1, 2, 0, 1, 0, 3], [4, 2])]);
            w.Op("PadV2", "padv2", [x, w.IntConst("p2", [0, 0, 2, 0, 1, 1, 0, 0], [4, 2]), w.Const("value", [0.5f], [])]);
            w.Op("MirrorPad", "mirror", [x, w.IntConst("p3", [0, 0, 1, 2, 2, 1, 0, 0], [4, 2])], ("mode", S("REFLECT")));
            return Image("x", 1, 5, 5, 2);
        }),
        new("conv_chain_layout", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 12, 12, 3);
            var a = Conv(w, "a", x, 3, 4, stride: 2);
            var b = w.Op("DepthwiseConv2dNative", "b", [a, w.Random("bf", [3, 3, 4, 1])], ConvAttrs("SAME"));
            var c = w.Op("AddV2", "c", [a, b]);
            var d = w.Op("BiasAdd", "d", [c, w.Random("db", [4])]);
            var e = w.Op("Mul", "e", [d, w.Random("scale", [1, 1, 1, 4])]);
            var f = w.Op("Relu6", "f", [e]);
            var g = w.Op("MaxPool", "g", [f], PoolAttrs("SAME", 2, 2));
            var h = w.Op("Pad", "h", [g, w.IntConst("pads", [0, 0, 0, 0, 0, 0, 0, 4], [4, 2])]);
            var i = w.Op("ConcatV2", "i", [h, Conv(w, "j", g, 4, 8), w.IntScalar("axis", -1)], ("N", I(2)), ("Tidx", T("DT_INT32")));
            w.Op("Sigmoid", "y", [i]);
            return Image("x", 1, 12, 12, 3);
        }),
        new("concat_reshape_squeeze_expand_transpose", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 4, 3);
            var a = Conv(w, "a", x, 3, 2);
            w.Op("ConcatV2", "concat_h", [a, a, w.IntScalar("ax1", 1)], ("N", I(2)));
            w.Op("Transpose", "transpose_after_conv", [a, w.Ints1("perm", 0, 3, 2, 1)]);
            w.Op("Transpose", "transpose_to_nchw", [a, w.Ints1("perm2", 0, 3, 1, 2)]);
            var r = w.Op("Reshape", "reshape", [a, w.Ints1("shape", -1, 2, 16)]);
            var e = w.Op("ExpandDims", "expand", [r, w.IntScalar("dim", -1)]);
            w.Op("Squeeze", "squeeze", [e], ("squeeze_dims", Ints(0, 3)));
            return Image("x", 1, 4, 4, 3);
        }),
        new("slices", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 2, 5, 6, 4);
            var a = Conv(w, "a", x, 4, 4);
            w.Op("Slice", "slice_nchw", [a, w.Ints1("sb", 0, 1, 0, 1), w.Ints1("ss", -1, 3, -1, 2)]);
            w.Op("StridedSlice", "ss_simple", [a, w.Ints1("b1", 0, 1, 0, 0), w.Ints1("e1", 2, 5, 6, 3), w.Ints1("s1", 1, 2, 1, 1)], ("begin_mask", I(0)), ("end_mask", I(0)));
            w.Op("StridedSlice", "ss_masks_shrink", [x, w.Ints1("b2", 0, 0, 1), w.Ints1("e2", 0, 0, -1), w.Ints1("s2", 1, 1, 1)], ("begin_mask", I(2)), ("end_mask", I(2)), ("shrink_axis_mask", I(1)));
            w.Op("StridedSlice", "ss_ellipsis_newaxis", [x, w.Ints1("b3", 0, 0, 1), w.Ints1("e3", 0, 0, 3), w.Ints1("s3", 1, 1, 1)], ("ellipsis_mask", I(1)), ("new_axis_mask", I(2)));
            w.Op("StridedSlice", "ss_negative_stride", [x, w.Ints1("b4", 0, -1), w.Ints1("e4", 0, 0), w.Ints1("s4", 1, -2)], ("begin_mask", I(1)), ("end_mask", I(3)));
            w.Op("StridedSlice", "ss_shrink_last", [x, w.Ints1("b5", -1), w.Ints1("e5", 0), w.Ints1("s5", 1)], ("ellipsis_mask", I(0)), ("shrink_axis_mask", I(1)));
            return Image("x", 2, 5, 6, 4);
        }),
        new("gather", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 3, 5, 4);
            w.Op("GatherV2", "gather_axis1", [x, w.IntConst("idx", [4, 0, 2, 2], [2, 2]), w.IntScalar("axis", 1)], ("batch_dims", I(0)));
            w.Op("GatherNd", "gather_nd", [x, w.IntConst("nd", [0, 1, 2, 4, 1, 3], [3, 2])]);
            return Image("x", 3, 5, 4);
        }),
        new("reductions_and_argmax", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 6, 5, 3);
            var a = Conv(w, "a", x, 3, 4);
            w.Op("Mean", "mean_hw", [a, w.Ints1("axes1", 1, 2)], ("keep_dims", B(false)));
            w.Op("Mean", "mean_keep", [a, w.Ints1("axes2", 1, 2)], ("keep_dims", B(true)));
            w.Op("Sum", "sum_c", [a, w.IntScalar("axes3", -1)], ("keep_dims", B(false)));
            w.Op("Max", "max_h", [a, w.IntScalar("axes4", 1)], ("keep_dims", B(false)));
            w.Op("Min", "min_w", [x, w.IntScalar("axes5", 2)], ("keep_dims", B(true)));
            w.Op("Prod", "prod", [x, w.IntScalar("axes6", 3)], ("keep_dims", B(false)));
            w.Op("ArgMax", "argmax_c", [a, w.IntScalar("dim1", 3)], ("output_type", T("DT_INT32")));
            w.Op("ArgMin", "argmin_w", [a, w.IntScalar("dim2", 2)], ("output_type", T("DT_INT32")));
            return Image("x", 1, 6, 5, 3);
        }),
        new("softmax", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 4, 3);
            var a = Conv(w, "a", x, 3, 5);
            w.Op("Softmax", "softmax4", [a]);
            w.Op("LogSoftmax", "logsoftmax2", [w.Op("Reshape", "r", [x, w.Ints1("shape", 4, 12)])]);
            return Image("x", 1, 4, 4, 3);
        }),
        new("elementwise_broadcast_on_nchw", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 5, 3);
            var a = Conv(w, "a", x, 3, 3);
            w.Op("Sub", "sub_c", [a, w.Random("c1", [3])]);
            w.Op("RealDiv", "div_wc", [a, w.Random("c2", [5, 3], min: 1, max: 2)]);
            w.Op("Maximum", "max_x", [a, x]);
            w.Op("Minimum", "min_scalar", [a, w.Const("s", [0.3f], [])]);
            w.Op("SquaredDifference", "sqdiff", [x, a]);
            w.Op("Pow", "pow", [w.Op("Abs", "abs", [x]), w.Const("p", [1.5f], [])]);
            w.Op("AddN", "addn", [a, x, a], ("N", I(3)));
            w.Op("Prelu", "prelu", [a, w.Random("alpha", [1, 1, 3], min: 0, max: 0.3f)]);
            return Image("x", 1, 4, 5, 3);
        }),
        new("unary", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 2, 7);
            foreach (var op in new[] { "Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh", "Softplus", "Exp", "Neg", "Abs", "Floor", "Ceil", "Round", "Sign", "Square", "Sin", "Cos", "Erf" })
                w.Op(op, op.ToLowerInvariant(), [op == "Relu6" ? w.Op("Mul", "x8", [x, w.Const("eight", [8f], [])]) : x]);
            w.Op("LeakyRelu", "leaky", [x], ("alpha", F(0.3f)));
            var pos = w.Op("Add", "pos", [w.Op("Abs", "absx", [x]), w.Const("one", [1f], [])]);
            foreach (var op in new[] { "Sqrt", "Rsqrt", "Log", "Reciprocal", "Log1p" })
                w.Op(op, op.ToLowerInvariant(), [pos]);
            return [TestTensor.Float("x", [2, 7], TfJsReference.RandomFloats(3, 14, -3, 3))];
        }),
        new("integer_arithmetic_and_cast", w =>
        {
            var x = w.Placeholder("x", "DT_INT32", 8);
            var i = new (string, System.Text.Json.Nodes.JsonNode)[] { ("T", T("DT_INT32")) };
            var three = w.IntConst("three", [3], []);
            var minus = w.IntConst("minus", [-4], []);
            w.Op("FloorDiv", "floordiv", [x, three], i);
            w.Op("FloorDiv", "floordiv_neg", [x, minus], i);
            w.Op("FloorMod", "floormod", [x, three], i);
            w.Op("FloorMod", "floormod_neg", [x, minus], i);
            w.Op("Div", "div_int", [x, three], i);
            var f = w.Op("Cast", "to_float", [x], ("SrcT", T("DT_INT32")), ("DstT", T("DT_FLOAT")));
            var half = w.Op("Mul", "half", [f, w.Const("h", [0.7f], [])]);
            w.Op("Cast", "to_int", [half], ("SrcT", T("DT_FLOAT")), ("DstT", T("DT_INT32")));
            w.Op("FloorDiv", "floordiv_float", [f, w.Const("d", [2.5f], [])]);
            w.Op("FloorMod", "floormod_float", [f, w.Const("m", [-2.5f], [])]);
            return [TestTensor.Int("x", [8], [-7, -5, -1, 0, 1, 4, 9, 12])];
        }),
        new("compare_and_select", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 3, 4);
            var y = w.Placeholder("y", "DT_FLOAT", 3, 4);
            var b = new (string, System.Text.Json.Nodes.JsonNode)[] { ("T", T("DT_FLOAT")) };
            var gt = w.Op("Greater", "gt", [x, y], b);
            var le = w.Op("LessEqual", "le", [x, w.Const("z", [0f], [])], b);
            w.Op("Equal", "eq", [w.Op("Floor", "fx", [x]), w.Op("Floor", "fy", [y])], b);
            w.Op("NotEqual", "ne", [x, y], b);
            var and = w.Op("LogicalAnd", "and", [gt, le], ("T", T("DT_BOOL")));
            w.Op("LogicalNot", "not", [and], ("T", T("DT_BOOL")));
            w.Op("SelectV2", "select", [gt, x, y]);
            return [TestTensor.Float("x", [3, 4], TfJsReference.RandomFloats(5, 12, -2, 2)), TestTensor.Float("y", [3, 4], TfJsReference.RandomFloats(6, 12, -2, 2))];
        }),
        new("shape_arithmetic_dynamic_batch", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", -1, 4, 4, 2);
            var a = Conv(w, "a", x, 2, 3);
            var shape = w.Op("Shape", "shape", [a], ("out_type", T("DT_INT32")));
            var batch = w.Op("StridedSlice", "batch", [shape, w.Ints1("b", 0), w.Ints1("e", 1), w.Ints1("s", 1)], ("shrink_axis_mask", I(1)), ("T", T("DT_INT32")), ("Index", T("DT_INT32")));
            var newShape = w.Op("Pack", "new_shape", [batch, w.IntScalar("minus_one", -1)], ("N", I(2)), ("axis", I(0)), ("T", T("DT_INT32")));
            w.Op("Reshape", "flat", [a, newShape]);
            w.Op("Fill", "fill", [w.Ints1("dims", 2, 3), w.Const("v", [1.5f], [])]);
            w.Op("Range", "range", [w.IntScalar("start", 1), w.IntScalar("limit", 10), w.IntScalar("delta", 3)], ("Tidx", T("DT_INT32")));
            w.Op("Tile", "tile", [w.Op("Mean", "m", [a, w.Ints1("ax", 1, 2)], ("keep_dims", B(false))), w.Ints1("mult", 1, 2)]);
            return Image("x", 2, 4, 4, 2);
        }),
        new("matmul", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 3, 5);
            w.Op("MatMul", "matmul", [x, w.Random("w1", [5, 4])], ("transpose_a", B(false)), ("transpose_b", B(false)));
            w.Op("MatMul", "matmul_tb", [x, w.Random("w2", [6, 5])], ("transpose_a", B(false)), ("transpose_b", B(true)));
            w.Op("_FusedMatMul", "fused_matmul", [x, w.Random("w3", [5, 4]), w.Random("b3", [4])],
                ("transpose_a", B(false)), ("transpose_b", B(false)), ("fused_ops", Strs("BiasAdd", "Relu")), ("num_args", I(1)));
            w.Op("BatchMatMulV2", "batch_matmul", [w.Op("Reshape", "x3", [x, w.Ints1("s3", 3, 5, 1)]), w.Random("w4", [3, 1, 2])], ("adj_x", B(false)), ("adj_y", B(false)));
            return [TestTensor.Float("x", [3, 5], TfJsReference.RandomFloats(7, 15, -1, 1))];
        }),
        new("split_pack_unpack_topk", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 4, 6);
            var a = Conv(w, "a", x, 6, 6);
            w.Op("Split", "split", [w.IntScalar("axis", 3), a], ("num_split", I(3)));
            w.Op("SplitV", "splitv", [x, w.Ints1("sizes", 1, -1), w.IntScalar("axis2", 1)], ("num_split", I(2)), ("Tlen", T("DT_INT32")));
            var r = w.Op("Reshape", "r", [x, w.Ints1("shape", 4, 24)]);
            w.Op("Unpack", "unpack", [r], ("num", I(4)), ("axis", I(0)));
            w.Op("Pack", "pack", [r, r], ("N", I(2)), ("axis", I(1)));
            w.Op("TopKV2", "topk", [r, w.IntScalar("k", 3)], ("sorted", B(true)));
            w.Outputs("split", "split:1", "split:2", "splitv", "splitv:1", "unpack", "unpack:3", "pack", "topk", "topk:1");
            return Image("x", 1, 4, 4, 6);
        }),
        new("conv2d_transpose", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 5, 3);
            var a = Conv(w, "a", x, 3, 3);
            var deconv = ConvAttrs("SAME", 2).Where(p => p.Item1 != "dilations").ToArray();
            // Keras Conv2DTranspose: SAME, stride 2, output twice the input.
            w.Op("Conv2DBackpropInput", "same_stride2", [w.Ints1("size1", 1, 8, 10, 2), w.Random("f1", [3, 3, 2, 3]), a], deconv);
            // VALID with an output one larger than the filter reaches (output_padding).
            w.Op("Conv2DBackpropInput", "valid_extra", [w.Ints1("size2", 1, 10, 12, 4), w.Random("f2", [3, 3, 4, 3]), x], ConvAttrs("VALID", 2).Where(p => p.Item1 != "dilations").ToArray());
            // SAME stride 1 with an even kernel, on the raw NHWC input.
            w.Op("Conv2DBackpropInput", "same_even_kernel", [w.Ints1("size3", 1, 4, 5, 2), w.Random("f3", [2, 4, 2, 3]), x], ConvAttrs("SAME", 1).Where(p => p.Item1 != "dilations").ToArray());
            return Image("x", 1, 4, 5, 3);
        }),
        new("conv2d_transpose_dynamic_batch", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", -1, 3, 3, 2);
            var shape = w.Op("Shape", "shape", [x], ("out_type", T("DT_INT32")));
            var batch = w.Op("StridedSlice", "batch", [shape, w.Ints1("b", 0), w.Ints1("e", 1), w.Ints1("s", 1)], ("shrink_axis_mask", I(1)), ("T", T("DT_INT32")), ("Index", T("DT_INT32")));
            var sizes = w.Op("Pack", "sizes", [batch, w.IntScalar("h", 6), w.IntScalar("w", 6), w.IntScalar("c", 4)], ("N", I(4)), ("axis", I(0)), ("T", T("DT_INT32")));
            w.Op("Conv2DBackpropInput", "y", [sizes, w.Random("f", [3, 3, 4, 2]), x], ConvAttrs("SAME", 2).Where(p => p.Item1 != "dilations").ToArray());
            return Image("x", 2, 3, 3, 2);
        }),
        new("space_to_batch_dilated_conv", w =>
        {
            // The pattern TF emits for a dilated convolution: SpaceToBatchND → Conv2D VALID → BatchToSpaceND.
            var x = w.Placeholder("x", "DT_FLOAT", 1, 10, 10, 2);
            var a = Conv(w, "a", x, 2, 3);
            var s2b = w.Op("SpaceToBatchND", "s2b", [a, w.Ints1("block", 2, 2), w.IntConst("paddings", [2, 2, 2, 2], [2, 2])], ("Tblock_shape", T("DT_INT32")), ("Tpaddings", T("DT_INT32")));
            var conv = w.Op("Conv2D", "conv", [s2b, w.Random("f", [3, 3, 3, 4])], ConvAttrs("VALID"));
            w.Op("BatchToSpaceND", "b2s", [conv, w.Ints1("block2", 2, 2), w.IntConst("crops", [0, 0, 0, 0], [2, 2])], ("Tblock_shape", T("DT_INT32")), ("Tcrops", T("DT_INT32")));
            // Uneven pads and crops on the raw input, read back in NHWC.
            var s2 = w.Op("SpaceToBatchND", "s2b_raw", [x, w.Ints1("block3", 3, 2), w.IntConst("pads2", [1, 1, 0, 2], [2, 2])], ("Tblock_shape", T("DT_INT32")), ("Tpaddings", T("DT_INT32")));
            w.Op("BatchToSpaceND", "b2s_crops", [s2, w.Ints1("block4", 3, 2), w.IntConst("crops2", [0, 2, 1, 0], [2, 2])], ("Tblock_shape", T("DT_INT32")), ("Tcrops", T("DT_INT32")));
            w.Op("Reshape", "s2b_flat", [s2, w.Ints1("flat", 6, -1)]);
            return Image("x", 1, 10, 10, 2);
        }),
        new("size_atan2_sparse_to_dense", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 2, 3, 4, 2);
            var y = w.Placeholder("y", "DT_FLOAT", 2, 3, 4, 2);
            var a = Conv(w, "a", x, 2, 5);
            w.Op("Size", "size", [a], ("out_type", T("DT_INT32")));
            w.Op("Atan2", "atan2", [y, x]);
            w.Op("Atan2", "atan2_nchw", [a, w.Const("c", [-0.5f, 0f, 0.5f, 0f, 2f], [5])]);
            var i = new (string, System.Text.Json.Nodes.JsonNode)[] { ("Tindices", T("DT_INT32")), ("validate_indices", B(true)) };
            var values = w.Op("Reshape", "values", [w.Op("Slice", "first", [x, w.Ints1("sb", 0, 0, 0, 0), w.Ints1("ss", 1, 1, 3, 1)]), w.Ints1("flat", 3)]);
            w.Op("SparseToDense", "dense2d", [w.IntConst("idx", [0, 1, 2, 3, 1, 0], [3, 2]), w.Ints1("shape", 3, 4), values, w.Const("d", [-1f], [])], i);
            w.Op("SparseToDense", "dense1d", [w.Ints1("idx1", 4, 0, 2), w.Ints1("shape1", 6), w.Const("one", [1f], []), w.Const("z", [0f], [])], i);
            var x0 = TfJsReference.RandomFloats(11, 48, -1, 1);
            var y0 = TfJsReference.RandomFloats(12, 48, -1, 1);
            x0[0] = 0; y0[0] = 0; x0[1] = 0; y0[1] = 0.5f; x0[2] = 0; y0[2] = -0.5f; x0[3] = -1; y0[3] = 0; // axes and origin
            return [TestTensor.Float("x", [2, 3, 4, 2], x0), TestTensor.Float("y", [2, 3, 4, 2], y0)];
        }),
        new("non_max_suppression", w =>
        {
            var boxes = w.Placeholder("boxes", "DT_FLOAT", 40, 4);
            var scores = w.Placeholder("scores", "DT_FLOAT", 40);
            var iou = w.Const("iou", [0.3f], []);
            var threshold = w.Const("threshold", [0.2f], []);
            w.Op("NonMaxSuppressionV3", "v3", [boxes, scores, w.IntScalar("max10", 10), iou, threshold]);
            w.Op("NonMaxSuppressionV4", "v4_padded", [boxes, scores, w.IntScalar("max30", 30), iou, threshold], ("pad_to_max_output_size", B(true)));
            w.Op("NonMaxSuppressionV5", "v5", [boxes, scores, w.IntScalar("max8", 8), w.Const("iou5", [0.5f], []), w.Const("t5", [0.1f], []), w.Const("sigma", [0f], [])],
                ("pad_to_max_output_size", B(false)));
            // tfjs 4.22 returns V5's indices and scores only, unpadded (see NonMaxSuppressionV5_pads_as_TensorFlow_does).
            w.Outputs("v3", "v4_padded", "v4_padded:1", "v5", "v5:1");
            return NmsInputs();
        }),
        new("switch_merge_constant_predicate_and_where", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 3, 4);
            var yes = w.Op("Switch", "switch_true", [x, w.BoolScalar("true", true)]);
            var merged = w.Op("Merge", "merge_true", [w.Op("Neg", "not_taken", [yes]), w.Op("Relu", "taken", [yes + ":1"])], ("N", I(2)));
            w.Op("Mul", "y", [merged, w.Const("two", [2f], [])]);
            var no = w.Op("Switch", "switch_false", [x, w.BoolScalar("false", false)]);
            w.Op("Merge", "merge_false", [w.Op("Exp", "taken_false", [no]), w.Op("Sigmoid", "not_taken_false", [no + ":1"])], ("N", I(2)));
            w.Op("Where", "where", [w.Op("Greater", "positive", [x, w.Const("zero", [0f], [])])], ("T", T("DT_BOOL")));
            w.Outputs("y", "merge_false", "where"); // tfjs 4.22 gives Merge no value_index output
            return [TestTensor.Float("x", [3, 4], TfJsReference.RandomFloats(31, 12, -1, 1))];
        }),
        new("while_loop_with_tensor_lists", w =>
        {
            // A TF1 while frame as tf.while_loop / map_fn emit it: loop variables (counter, accumulator, two TensorLists),
            // loop invariants through is_constant Enters, the condition on the Merges, the body on Switch:1.
            var x = w.Placeholder("x", "DT_FLOAT", 2, 3);
            var frame = new (string, System.Text.Json.Nodes.JsonNode)[] { ("frame_name", S("loop")), ("is_constant", B(false)), ("parallel_iterations", I(10)) };
            var invariant = new (string, System.Text.Json.Nodes.JsonNode)[] { ("frame_name", S("loop")), ("is_constant", B(true)), ("parallel_iterations", I(10)) };
            var f32 = ("element_dtype", T("DT_FLOAT"));
            var reserved = w.Op("TensorListReserve", "list", [w.IntScalar("unknown_shape", -1), w.IntScalar("count", 3)], f32, ("shape_type", T("DT_INT32")));
            var source = w.Op("TensorListFromTensor", "source", [x, w.Ints1("row", 3)], f32, ("shape_type", T("DT_INT32")));
            var fixedList = w.Op("TensorListReserve", "fixed", [w.Ints1("fixed_shape", 3), w.IntScalar("fixed_count", 3)], f32, ("shape_type", T("DT_INT32")));
            string[] names = ["i", "acc", "list", "src", "fixed"];
            string[] inits = [w.IntScalar("i0", 0), x, reserved, source, fixedList];
            var merges = new string[names.Length];
            for (var k = 0; k < names.Length; k++)
                merges[k] = w.Op("Merge", $"loop/merge_{names[k]}", [w.Op("Enter", $"loop/enter_{names[k]}", [inits[k]], frame), $"loop/next_{names[k]}"], ("N", I(2)));
            var limit = w.Op("Enter", "loop/enter_limit", [w.IntScalar("limit", 3)], invariant);
            var scale = w.Op("Enter", "loop/enter_scale", [w.Random("scale", [3], min: 0.5f, max: 1.5f)], invariant);
            var cond = w.Op("LoopCond", "loop/cond", [w.Op("Less", "loop/less", [merges[0], limit], ("T", T("DT_INT32")))]);
            var sw = names.Select((nm, k) => w.Op("Switch", $"loop/switch_{nm}", [merges[k], cond])).ToArray();
            var i = w.Op("Identity", "loop/i", [sw[0] + ":1"], ("T", T("DT_INT32")));
            var item = w.Op("TensorListGetItem", "loop/item", [sw[3] + ":1", w.Op("FloorMod", "loop/row", [i, w.IntScalar("two", 2)], ("T", T("DT_INT32"))), w.Ints1("item_shape", 3)], f32);
            var acc = w.Op("AddV2", "loop/acc", [w.Op("Mul", "loop/scaled", [sw[1] + ":1", scale]), item]);
            var written = w.Op("TensorListSetItem", "loop/write", [sw[2] + ":1", i, w.Op("Tanh", "loop/tanh", [acc])], f32);
            var fixedWritten = w.Op("TensorListSetItem", "loop/write_fixed", [sw[4] + ":1", w.Op("Sub", "loop/reverse", [w.IntScalar("last", 2), i], ("T", T("DT_INT32"))), item], f32);
            string[] nexts = [w.Op("AddV2", "loop/i_next", [i, w.IntScalar("one", 1)], ("T", T("DT_INT32"))), acc, written, sw[3] + ":1", fixedWritten];
            for (var k = 0; k < names.Length; k++)
                w.Op("NextIteration", $"loop/next_{names[k]}", [nexts[k]]);
            w.Op("Exit", "loop/exit_i", [sw[0]], ("T", T("DT_INT32")));
            w.Op("Exit", "loop/exit_acc", [sw[1]]);
            w.Op("TensorListStack", "stacked", [w.Op("Exit", "loop/exit_list", [sw[2]]), w.Ints1("stack_shape", 2, 3)], f32, ("num_elements", I(-1)));
            w.Op("TensorListStack", "stacked_fixed", [w.Op("Exit", "loop/exit_fixed", [sw[4]]), w.Ints1("stack_shape2", 3)], f32, ("num_elements", I(3)));
            w.Outputs("loop/exit_i", "loop/exit_acc", "stacked", "stacked_fixed");
            return [TestTensor.Float("x", [2, 3], TfJsReference.RandomFloats(41, 6, -1, 1))];
        }),
        new("while_loop_with_tensor_arrays", w =>
        {
            // TF1 TensorArrays in a while frame: unstack (Scatter) before the loop, Read and Write inside it
            // (the flow is the loop variable, the handles are invariants), Gather and Size after it.
            var x = w.Placeholder("x", "DT_FLOAT", 3, 2);
            static System.Text.Json.Nodes.JsonNode Shape(params long[] dims) => new System.Text.Json.Nodes.JsonObject
            {
                ["shape"] = dims.Length == 0 ? new System.Text.Json.Nodes.JsonObject { ["unknownRank"] = true }
                    : new System.Text.Json.Nodes.JsonObject { ["dim"] = new System.Text.Json.Nodes.JsonArray(dims.Select(d => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) },
            };
            var frame = new (string, System.Text.Json.Nodes.JsonNode)[] { ("frame_name", S("ta_loop")), ("is_constant", B(false)), ("parallel_iterations", I(10)) };
            var invariant = new (string, System.Text.Json.Nodes.JsonNode)[] { ("frame_name", S("ta_loop")), ("is_constant", B(true)), ("parallel_iterations", I(10)) };
            var size = w.IntScalar("size", 3);
            var rows = w.Ints1("rows", 0, 1, 2);
            var taIn = w.Op("TensorArrayV3", "ta_in", [size], ("dtype", T("DT_FLOAT")), ("element_shape", Shape(2)), ("dynamic_size", B(false)), ("clear_after_read", B(true)), ("identical_element_shapes", B(true)), ("tensor_array_name", S("")));
            var unstacked = w.Op("TensorArrayScatterV3", "unstack", [taIn, rows, x, taIn + ":1"]);
            var taOut = w.Op("TensorArrayV3", "ta_out", [size], ("dtype", T("DT_FLOAT")), ("element_shape", Shape()), ("dynamic_size", B(false)), ("clear_after_read", B(true)), ("identical_element_shapes", B(true)), ("tensor_array_name", S("")));
            var mi = w.Op("Merge", "ta_loop/merge_i", [w.Op("Enter", "ta_loop/enter_i", [w.IntScalar("i0", 0)], frame), "ta_loop/next_i"], ("N", I(2)), ("T", T("DT_INT32")));
            var mf = w.Op("Merge", "ta_loop/merge_flow", [w.Op("Enter", "ta_loop/enter_flow", [taOut + ":1"], frame), "ta_loop/next_flow"], ("N", I(2)));
            var inHandle = w.Op("Enter", "ta_loop/enter_ta_in", [taIn], invariant);
            var inFlow = w.Op("Enter", "ta_loop/enter_unstacked", [unstacked], invariant);
            var outHandle = w.Op("Enter", "ta_loop/enter_ta_out", [taOut], invariant);
            var cond = w.Op("LoopCond", "ta_loop/cond", [w.Op("Less", "ta_loop/less", [mi, w.IntScalar("n", 3)], ("T", T("DT_INT32")))]);
            var si = w.Op("Switch", "ta_loop/switch_i", [mi, cond], ("T", T("DT_INT32")));
            var sf = w.Op("Switch", "ta_loop/switch_flow", [mf, cond]);
            var i = w.Op("Identity", "ta_loop/i", [si + ":1"], ("T", T("DT_INT32")));
            var read = w.Op("TensorArrayReadV3", "ta_loop/read", [inHandle, i, inFlow], ("dtype", T("DT_FLOAT")));
            var value = w.Op("Mul", "ta_loop/value", [read, w.Const("k", [3f], [])]);
            var written = w.Op("TensorArrayWriteV3", "ta_loop/write", [outHandle, i, value, sf + ":1"]);
            w.Op("NextIteration", "ta_loop/next_i", [w.Op("AddV2", "ta_loop/i_next", [i, w.IntScalar("one", 1)], ("T", T("DT_INT32")))], ("T", T("DT_INT32")));
            w.Op("NextIteration", "ta_loop/next_flow", [written]);
            var exitFlow = w.Op("Exit", "ta_loop/exit_flow", [sf]);
            w.Op("TensorArrayGatherV3", "gathered", [taOut, rows, exitFlow], ("dtype", T("DT_FLOAT")), ("element_shape", Shape(2)));
            w.Op("TensorArraySizeV3", "count", [taOut, exitFlow]);
            w.Outputs("gathered", "count");
            return [TestTensor.Float("x", [3, 2], TfJsReference.RandomFloats(42, 6, -1, 1))];
        }),
        new("cond_on_a_run_time_predicate", w =>
        {
            // TF1 tf.cond: a Switch on a computed predicate, a branch per side, Merges joining the sides
            // (one with different shapes per side, one side straight from the Switch).
            var x = w.Placeholder("x", "DT_FLOAT", 3);
            var max = w.Op("Max", "max", [x, w.IntScalar("axis", 0)], ("keep_dims", B(false)));
            foreach (var (name, op) in new[] { ("a", "Greater"), ("b", "Less") })
            {
                var pred = w.Op(op, $"{name}/pred", [max, w.Const($"{name}/minus5", [-5f], [])]);
                var sw = w.Op("Switch", $"{name}/switch_x", [x, pred]);
                var two = w.Const($"{name}/two", [2f], []);
                w.Op("Mul", $"{name}/true_value", [w.Op("Relu", $"{name}/relu", [sw + ":1"]), two]);
                w.Op("Add", $"{name}/false_value", [w.Op("Neg", $"{name}/neg", [sw]), w.Const($"{name}/half", [0.5f], [])]);
                w.Op("Merge", $"{name}/merge", [$"{name}/false_value", $"{name}/true_value"], ("N", I(2)));
                w.Op("Merge", $"{name}/merge_shapes", [w.Op("ConcatV2", $"{name}/twice", [sw + ":1", sw + ":1", w.IntScalar($"{name}/ax", 0)], ("N", I(2))), sw], ("N", I(2)));
            }
            w.Outputs("a/merge", "a/merge_shapes", "b/merge", "b/merge_shapes");
            return [TestTensor.Float("x", [3], TfJsReference.RandomFloats(43, 3, -1, 1))];
        }),
        new("batchnorm_depth_to_space", w =>
        {
            var x = w.Placeholder("x", "DT_FLOAT", 1, 4, 6, 8);
            w.Op("FusedBatchNormV3", "bn", [x, w.Random("s", [8]), w.Random("o", [8]), w.Random("m", [8]), w.Random("v", [8], min: 0.5f, max: 2)],
                ("epsilon", F(0.001f)), ("data_format", S("NHWC")), ("is_training", B(false)));
            w.Op("DepthToSpace", "d2s", [x], ("block_size", I(2)), ("data_format", S("NHWC")));
            return Image("x", 1, 4, 6, 8);
        }),
    ];
}
