using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>
/// How the converter names the ONNX graph's inputs and outputs: after the model.json signature's
/// keys where it has them, else after the TF tensors. Each case reads the written ONNX file back
/// and runs it in ONNX Runtime, so a name on the wrong tensor shows up as wrong values.
/// </summary>
public sealed class SignatureNamingTests : IDisposable
{
    private readonly TempDirectory _temp = new("modelrefs-tfjs-names-");
    private int _models;

    public void Dispose() => _temp.Dispose();

    private (ConversionResult Result, OnnxModelSignature Onnx) Convert(TfJsModelWriter writer)
    {
        var folder = _temp.Combine("m" + _models++);
        var json = writer.Save(folder);
        return Convert(json);
    }

    private (ConversionResult Result, OnnxModelSignature Onnx) Convert(string json)
    {
        var result = TfJsToOnnxConverter.Convert(json, new TfJsConversionOptions { OutputPath = Path.Combine(Path.GetDirectoryName(json)!, "m.onnx") });
        return (result, OnnxSignatureReader.Read(result.OutputPath));
    }

    private static float[] Values(IReadOnlyList<TestTensor> outputs, int index) => (float[])outputs[index].Values;

    /// <summary>a, b float32 [2] → diff = a - b, sum = a + b.</summary>
    private static TfJsModelWriter TwoInputs()
    {
        var w = new TfJsModelWriter();
        var a = w.Placeholder("a", "DT_FLOAT", 2);
        var b = w.Placeholder("b", "DT_FLOAT", 2);
        w.Op("Sub", "diff", [a, b]);
        w.Op("AddV2", "sum", [a, b]);
        return w;
    }

    private static List<TestTensor> AB() => [TestTensor.Float("a", [2], [5f, 7f]), TestTensor.Float("b", [2], [1f, 2f])];

    [Fact]
    public void Signature_keys_name_the_inputs_and_outputs_in_signature_order()
    {
        // The graph reaches a before b; the signature lists b first, and its outputs in its own order.
        var w = TwoInputs().SignatureInput("second", "b:0").SignatureInput("first", "a:0")
            .SignatureOutput("total", "sum:0").SignatureOutput("difference", "diff:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["second", "first"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["total", "difference"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal([new ConvertedTensor("second", "b", "second"), new ConvertedTensor("first", "a", "first")], result.Inputs);
        Assert.Equal([new ConvertedTensor("total", "sum", "total"), new ConvertedTensor("difference", "diff", "difference")], result.Outputs);
        Assert.Empty(result.Warnings);

        var outputs = OrtRunner.Run(result, AB());
        Assert.Equal([6f, 9f], Values(outputs, 0));
        Assert.Equal([4f, 5f], Values(outputs, 1));
    }

    [Fact]
    public void Without_a_signature_the_graph_keeps_the_TF_names_in_graph_order()
    {
        var (result, onnx) = Convert(TwoInputs());

        Assert.Equal(["a", "b"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["diff", "sum"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal([new ConvertedTensor("a", "a", null), new ConvertedTensor("b", "b", null)], result.Inputs);
        Assert.Equal([new ConvertedTensor("diff", "diff", null), new ConvertedTensor("sum", "sum", null)], result.Outputs);
        var outputs = OrtRunner.Run(result, AB());
        Assert.Equal([4f, 5f], Values(outputs, 0));
    }

    [Fact]
    public void Keys_that_only_repeat_the_tensor_name_keep_it_without_colon_zero()
    {
        var w = TwoInputs().SignatureInput("a:0", "a:0").SignatureInput("b", "b:0").SignatureOutput("sum:0", "sum:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["a", "b"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["sum"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal("sum:0", Assert.Single(result.Outputs).SignatureKey);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void The_signature_in_userDefinedMetadata_names_the_graph_too()
    {
        var w = TwoInputs().SignatureInput("left", "a:0").SignatureInput("right", "b:0").SignatureOutput("total", "sum:0");
        w.SignatureInUserDefinedMetadata = true;
        var (result, onnx) = Convert(w);

        Assert.Equal(["left", "right"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["total"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal([6f, 9f], Values(OrtRunner.Run(result, AB()), 0));
    }

    [Fact]
    public void Empty_blank_or_control_character_keys_keep_the_TF_name_with_a_warning()
    {
        var w = TwoInputs().SignatureInput("", "a:0").SignatureInput("  ", "b:0")
            .SignatureOutput("line\nbreak", "sum:0").SignatureOutput("difference", "diff:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["a", "b"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["sum", "difference"], onnx.Outputs.Select(o => o.Name));
        Assert.Equal(3, result.Warnings.Count);
        Assert.Contains(result.Warnings, m => m.Contains("\"\" of input 'a:0'", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("\"  \" of input 'b:0'", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, m => m.Contains("\"line\\nbreak\" of output 'sum:0'", StringComparison.Ordinal));
    }

    [Fact]
    public void An_input_and_an_output_with_one_key_stay_unique_the_input_keeps_it()
    {
        var w = TwoInputs().SignatureInput("x", "a:0").SignatureOutput("x", "sum:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["x", "b"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["x_1"], onnx.Outputs.Select(o => o.Name));
        Assert.Contains("Output 'sum:0' is named 'x_1' in the ONNX model ('x' was taken).", result.Warnings);
        Assert.Equal([6f, 9f], Values(OrtRunner.Run(result, AB()), 0));
    }

    [Fact]
    public void A_signature_input_the_outputs_do_not_need_leaves_its_key_to_an_output()
    {
        // c is listed by the signature but no output reads it, so it is not an input of the ONNX graph.
        var w = TwoInputs();
        w.Placeholder("c", "DT_FLOAT", 2);
        w.SignatureInput("x", "c:0").SignatureOutput("x", "sum:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["a", "b"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["x"], onnx.Outputs.Select(o => o.Name));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_key_that_is_another_nodes_name_still_names_its_output()
    {
        // x → relu → neg; the signature calls neg's output "relu": the relu node's own value is renamed, not the output.
        var w = new TfJsModelWriter();
        var x = w.Placeholder("x", "DT_FLOAT", 2);
        var relu = w.Op("Relu", "relu", [x]);
        w.Op("Neg", "neg", [relu]);
        w.SignatureOutput("relu", "neg:0").SignatureOutput("positive", "relu:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["relu", "positive"], onnx.Outputs.Select(o => o.Name));
        Assert.Empty(result.Warnings);
        var outputs = OrtRunner.Run(result, [TestTensor.Float("x", [2], [-1f, 3f])]);
        Assert.Equal([0f, -3f], Values(outputs, 0));
        Assert.Equal([0f, 3f], Values(outputs, 1));
    }

    [Fact]
    public void Two_keys_for_one_output_tensor_give_two_outputs_two_keys_for_one_input_the_first()
    {
        var w = TwoInputs().SignatureInput("p", "a:0").SignatureInput("q", "a:0").SignatureInput("r", "b:0")
            .SignatureOutput("sum1", "sum:0").SignatureOutput("sum2", "sum:0");
        var (result, onnx) = Convert(w);

        Assert.Equal(["p", "r"], onnx.Inputs.Select(i => i.Name));
        Assert.Equal(["sum1", "sum2"], onnx.Outputs.Select(o => o.Name));
        Assert.Contains("Signature inputs 'p' and 'q' both name the placeholder 'a'; the ONNX input takes the first.", result.Warnings);
        var outputs = OrtRunner.Run(result, AB());
        Assert.Equal([6f, 9f], Values(outputs, 0));
        Assert.Equal([6f, 9f], Values(outputs, 1));
    }

    [Fact]
    public void A_key_repeated_in_the_json_is_read_as_TF_js_reads_it_last_value_first_place()
    {
        var w = TwoInputs().SignatureOutput("k", "sum:0").SignatureOutput("m", "sum:0");
        var json = w.Save(_temp.Combine("dup"));
        // JsonObject cannot hold a key twice: append a second "k" (now diff) to the outputs object by hand.
        var text = File.ReadAllText(json);
        var marker = "\"m\":{\"name\":\"sum:0\"}";
        Assert.Contains(marker, text);
        File.WriteAllText(json, text.Replace(marker, marker + ",\"k\":{\"name\":\"diff:0\"}", StringComparison.Ordinal));

        var model = TfJsGraphModel.Load(json);
        Assert.Equal([("k", "diff:0"), ("m", "sum:0")], model.SignatureOutputs.Select(o => (o.Key, o.Name)));
        var (result, onnx) = Convert(json);
        Assert.Equal(["k", "m"], onnx.Outputs.Select(o => o.Name));
        var outputs = OrtRunner.Run(result, AB());
        Assert.Equal([4f, 5f], Values(outputs, 0));
        Assert.Equal([6f, 9f], Values(outputs, 1));
    }

    [Fact]
    public void UserDefinedMetadata_signature_replaces_signature_as_in_TF_js()
    {
        const string json = """
            {"format": "graph-model", "modelTopology": {"node": []},
             "signature": {"outputs": {"root": {"name": "a:0"}}},
             "userDefinedMetadata": {"signature": {"inputs": {"in": {"name": "x:0"}}, "outputs": {"meta": {"name": "b:0"}}}}}
            """;
        var model = TfJsGraphModel.Parse(_temp.Combine("model.json"), json);
        Assert.Equal(["in"], model.SignatureInputs.Select(i => i.Key));
        Assert.Equal(["meta"], model.SignatureOutputs.Select(o => o.Key));

        var rootOnly = TfJsGraphModel.Parse(_temp.Combine("model.json"), json.Replace("\"signature\": {\"inputs\"", "\"other\": {\"inputs\"", StringComparison.Ordinal));
        Assert.Equal(["root"], rootOnly.SignatureOutputs.Select(o => o.Key));
    }
}
