using System.Reflection;
using Microsoft.CodeAnalysis;
using ModelRefs.Core.Onnx;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>Generated code runs: compile a wrapper and a caller in memory, load it, run a tiny ONNX model through both Run overloads.</summary>
public sealed class RunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelrefs-gen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Info's signature comes from the packed table (<c>TensorSignature.FromTable</c>) in generated
    /// code: read back at run time, it is the manifest's, tensor by tensor (names, element types,
    /// unknown ranks, scalars, fixed, named and unnamed dynamic dimensions, descriptions).
    /// </summary>
    [Theory]
    [InlineData("SileroVad.modelref.json", "VoiceActivity.Models.SileroVad")]
    [InlineData("AllTypes.modelref.json", "Samples.Models.AllTypes")]
    [InlineData("AwfulNames.modelref.json", null)]
    public void Generated_info_is_the_manifest_signature(string manifestFile, string? typeName)
    {
        string manifest = TestFiles.ReadManifest(manifestFile);
        using var json = System.Text.Json.JsonDocument.Parse(manifest);
        typeName ??= json.RootElement.GetProperty("namespace").GetString() + "." + json.RootElement.GetProperty("name").GetString();
        Compilation compilation = GeneratorHarness.CreateCompilation("internal static class Empty { }");
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/" + manifestFile, manifest)], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
        var info = (ModelRefs.Runtime.ModelInfo)Assembly.Load(stream.ToArray()).GetType(typeName)!.GetProperty("Info")!.GetValue(null)!;

        foreach (var (key, actual) in new[] { ("inputs", info.Inputs), ("outputs", info.Outputs) })
        {
            var expected = json.RootElement.GetProperty(key).EnumerateArray().ToArray();
            Assert.Equal(expected.Length, actual.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                var e = expected[i];
                var a = actual[i];
                Assert.Equal(e.GetProperty("name").GetString(), a.Name);
                Assert.Equal(e.GetProperty("elementType").GetString(), a.ElementType.ToString(), ignoreCase: true);
                string? doc = e.TryGetProperty("doc", out var d) ? d.GetString() : null;
                Assert.Equal(string.IsNullOrEmpty(doc) ? null : doc, a.Description);
                if (!e.TryGetProperty("shape", out var shape) || shape.ValueKind == System.Text.Json.JsonValueKind.Null)
                {
                    Assert.Null(a.Shape);
                    Assert.Null(a.DimensionNames);
                    continue;
                }

                var dims = shape.EnumerateArray().ToArray();
                Assert.Equal(dims.Select(x => x.TryGetProperty("value", out var v) ? v.GetInt64() : -1L), a.Shape!);
                Assert.Equal(dims.Select(x => x.TryGetProperty("value", out _) ? null : x.TryGetProperty("param", out var p) ? p.GetString() : null), a.DimensionNames!);
            }
        }
    }

    [Fact]
    public void Generated_wrapper_runs_a_model_through_both_overloads()
    {
        string modelPath = Path.Combine(_dir, "echo.onnx");
        // Each output is the Identity of the input with its index.
        new OnnxModelBuilder()
            .IrVersion(8)
            .Opset(13)
            .Producer("modelrefs-tests")
            .Input("x.1", OnnxElementType.Float, "batch", 4)
            .Input("class", OnnxElementType.Int64)
            .Output("out:0", OnnxElementType.Float, "batch", 4)
            .Output("count", OnnxElementType.Int64)
            .Node("Identity", ["x.1"], ["out:0"])
            .Node("Identity", ["class"], ["count"])
            .Save(modelPath);

        const string manifest = """
            {
              "schema": 1, "name": "Echo", "namespace": "Tests.Models", "handle": "models/echo.onnx",
              "sha256": "00", "onnxSha256": "00", "modelFile": "echo.onnx",
              "inputs": [
                { "name": "x.1", "kind": "tensor", "elementType": "float", "shape": [ { "param": "batch" }, { "value": 4 } ] },
                { "name": "class", "kind": "tensor", "elementType": "int64", "shape": [ ] }
              ],
              "outputs": [
                { "name": "out:0", "kind": "tensor", "elementType": "float", "shape": [ { "param": "batch" }, { "value": 4 } ] },
                { "name": "count", "kind": "tensor", "elementType": "int64", "shape": [ ] }
              ]
            }
            """;
        const string caller = """
            using System;
            using ModelRefs.Runtime;
            using Tests.Models;

            public static class Caller
            {
                public static string Go(string modelPath)
                {
                    using var echo = new Echo(modelPath);
                    float[] data = { 1, 2, 3, 4, 5, 6, 7, 8 };
                    EchoOutput o = echo.Run(new EchoInput { X1 = new TensorData<float>(data, 2, 4), Class = TensorData<long>.Scalar(42) });
                    string a = string.Join(",", o.Out0.Data) + "|" + string.Join(",", o.Out0.Shape) + "|" + o.Count.Data[0] + "|" + o.Count.Shape.Length;

                    EchoOutputSpans s = echo.Run(data.AsSpan(0, 4), stackalloc long[] { 1, 4 }, 7L);
                    string b = string.Join(",", s.Out0.ToArray()) + "|" + string.Join(",", s.Out0Shape.ToArray()) + "|" + s.Count[0];

                    string error;
                    try { echo.Run(data, stackalloc long[] { 8, 1 }, 7L); error = "none"; }
                    catch (ShapeMismatchException e) { error = e.InputName; }
                    return a + "#" + b + "#" + error + "#" + Echo.Info.Inputs[0];
                }
            }
            """;

        Compilation compilation = GeneratorHarness.CreateCompilation(caller);
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Echo.modelref.json", manifest)], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
        Assembly assembly = Assembly.Load(stream.ToArray());
        string result = (string)assembly.GetType("Caller")!.GetMethod("Go")!.Invoke(null, [modelPath])!;

        Assert.Equal("1,2,3,4,5,6,7,8|2,4|42|0#1,2,3,4|1,4|7#x.1#x.1: float [batch, 4]", result);
    }

    [Fact]
    public void A_classifier_with_zipmap_outputs_gets_typed_lists_of_maps()
    {
        // The model as restore sees it: written by the onnx package, its signature read by Core, its manifest by ManifestWriter.
        string modelPath = Path.Combine(_dir, "classifier.onnx");
        ModelRefs.TestSupport.Onnx.ZipMapClassifier.Write(modelPath);
        OnnxModelSignature signature = OnnxSignatureReader.Read(modelPath);
        static ModelRefs.Core.Manifests.ManifestValue Value(OnnxValueInfo v) => new(v.Name, v.Kind.ToManifestName(), v.ElementType.ToManifestName(),
            v.Shape?.Select(d => new ModelRefs.Core.Manifests.ManifestDimension(d.Value, d.Param)).ToArray(), null, v.Type);
        string manifest = System.Text.Encoding.UTF8.GetString(ModelRefs.Core.Manifests.ManifestWriter.ToJson(new ModelRefs.Core.Manifests.ModelManifest
        {
            Name = "Classifier", Namespace = "Tests.Models", Handle = "classifier.onnx", Sha256 = "00", OnnxSha256 = "00", ModelFile = "classifier.onnx",
            Inputs = signature.Inputs.Select(Value).ToArray(),
            Outputs = signature.Outputs.Select(Value).ToArray(),
        }));

        const string caller = """
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using ModelRefs.Runtime;
            using Tests.Models;

            public static class Caller
            {
                public static string Go(string modelPath)
                {
                    using var classifier = new Classifier(modelPath);
                    ClassifierOutput o = classifier.Run(new ClassifierInput { Features = new TensorData<float>(new float[] { 2, 0, 0, 0, 0, 3 }, 2, 3) });
                    IReadOnlyList<IReadOnlyDictionary<long, float>> maps = o.Probabilities;
                    IReadOnlyList<IReadOnlyDictionary<string, float>> named = o.Named;
                    IReadOnlyList<TensorData<float>> rows = o.Rows;
                    string a = string.Join(",", o.Label.Data) + "|" + maps.Count + "|" + maps[0][10].ToString("F4") + "|" + named[1]["eel"].ToString("F4")
                        + "|" + rows.Count + "|" + string.Join(",", rows[0].Shape);

                    ClassifierOutputSpans s = classifier.Run(new float[] { 0, 0, 3 }, new long[] { 1, 3 });
                    string b = s.Label[0] + "|" + s.Probabilities.Single()[30].ToString("F4") + "|" + s.Named[0]["eel"].ToString("F4");
                    return a + "#" + b + "#" + Classifier.Info.Outputs[1];
                }
            }
            """;

        Compilation compilation = GeneratorHarness.CreateCompilation(caller);
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Classifier.modelref.json", manifest)], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
        Assembly assembly = Assembly.Load(stream.ToArray());
        string result = (string)assembly.GetType("Caller")!.GetMethod("Go")!.Invoke(null, [modelPath])!;

        float[] first = ModelRefs.TestSupport.Onnx.ZipMapClassifier.Probabilities([2, 0, 0]);
        float[] second = ModelRefs.TestSupport.Onnx.ZipMapClassifier.Probabilities([0, 0, 3]);
        string F(float v) => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("10,30|2|" + F(first[0]) + "|" + F(second[2]) + "|2|2,3#30|" + F(second[2]) + "|" + F(second[2])
            + "#probabilities: float seq(map(int64,tensor(float)))", result);
    }

    /// <summary>Inputs x.i, each the Identity into output y:i, in the three kinds WideManifests cycles through.</summary>
    private string SaveIdentities(int count)
    {
        var builder = new OnnxModelBuilder().IrVersion(8).Opset(13);
        for (int i = 0; i < count; i++)
        {
            string x = "x." + i, y = "y:" + i;
            _ = WideManifests.KindOf(i, allKinds: false) switch
            {
                0 => builder.Input(x, OnnxElementType.Float, "batch", 4).Output(y, OnnxElementType.Float, "batch", 4),
                1 => builder.Input(x, OnnxElementType.Int64).Output(y, OnnxElementType.Int64),
                _ => builder.Input(x, OnnxElementType.Float, 2, 3).Output(y, OnnxElementType.Float, 2, 3),
            };
            builder.Node("Identity", [x], [y]);
        }

        string modelPath = Path.Combine(_dir, "identities" + count + ".onnx");
        builder.Save(modelPath);
        return modelPath;
    }

    [Fact]
    public void Indexed_wrapper_runs_300_identities_by_index_and_by_name()
    {
        const int count = ModelRefs.Generator.Model.ModelSpec.IndexedThreshold + 44;
        string modelPath = SaveIdentities(count);
        const string caller = """
            using System;
            using ModelRefs.Runtime;
            using Tests.Wide;

            public static class Caller
            {
                public static string Go(string modelPath)
                {
                    using var wide = new Wide(modelPath);
                    var input = new WideInput();
                    for (int i = 0; i < input.Count; i++)
                    {
                        // Even inputs by index, odd ones by name.
                        switch (i % 3)
                        {
                            case 0: if (i % 2 == 0) input.Set(i, new TensorData<float>(Values(i, 8), 2, 4)); else input.Set("x." + i, new TensorData<float>(Values(i, 8), 2, 4)); break;
                            case 1: if (i % 2 == 0) input.Set(i, TensorData<long>.Scalar(i)); else input.Set("x." + i, TensorData<long>.Scalar(i)); break;
                            default: if (i % 2 == 0) input.Set(i, new TensorData<float>(Values(i, 6), 2, 3)); else input.Set("x." + i, new TensorData<float>(Values(i, 6), 2, 3)); break;
                        }
                    }

                    WideOutput output = wide.Run(input);
                    int checkedOutputs = 0;
                    for (int i = 0; i < output.Count; i++)
                    {
                        string actual = (i % 3) switch
                        {
                            1 => string.Join(",", output.Get<long>("y:" + i)!.Data) + "|" + string.Join(",", output.Get<long>(i)!.Shape),
                            _ => string.Join(",", output.Get<float>(i)!.Data) + "|" + string.Join(",", output.Get<float>("y:" + i)!.Shape),
                        };
                        string expected = (i % 3) switch
                        {
                            0 => string.Join(",", Values(i, 8)) + "|2,4",
                            1 => i + "|",
                            _ => string.Join(",", Values(i, 6)) + "|2,3",
                        };
                        if (actual != expected)
                            return "output " + i + ": " + actual + " != " + expected;
                        checkedOutputs++;
                    }

                    wide.SetInput<float>(Wide.Info.IndexOfInput("x.3"), new float[] { 9, 8, 7, 6 }, new long[] { 1, 4 });
                    wide.Run();
                    string span = string.Join(",", wide.GetOutput<float>(Wide.Info.IndexOfOutput("y:3")).ToArray());

                    string unknown;
                    try { input.Set("nope", TensorData<long>.Scalar(1)); unknown = "none"; }
                    catch (ArgumentException e) { unknown = e.Message; }

                    string unset;
                    try { wide.Run(new WideInput()); unset = "none"; }
                    catch (ArgumentException e) { unset = e.Message; }
                    return checkedOutputs + "#" + span + "#" + unknown + "#" + unset + "#" + Wide.Info.Inputs[0] + "#" + Wide.Info.Outputs[count - 1]
                        + "#" + typeof(WideInput).GetProperties().Length;
                }

                private const int count = COUNT;

                private static float[] Values(int start, int count)
                {
                    var values = new float[count];
                    for (int k = 0; k < count; k++)
                        values[k] = start + k;
                    return values;
                }
            }
            """;

        Compilation compilation = GeneratorHarness.CreateCompilation(caller.Replace("COUNT", count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Wide.modelref.json", WideManifests.Text(count))], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
        Assembly assembly = Assembly.Load(stream.ToArray());
        string result = (string)assembly.GetType("Caller")!.GetMethod("Go")!.Invoke(null, [modelPath])!;

        // 300 % 3 == 0, so the last output (299) is a float [2, 3]; the only property is Count.
        Assert.Equal(count + "#9,8,7,6#Model 'Wide' has no input named 'nope'. (Parameter 'onnxName')#The input 'x.0' of Wide is not set. (Parameter 'input')"
            + "#x.0: float [batch, 4]#y:" + (count - 1) + ": float [2, 3]#1", result);
    }

    [Fact]
    public void Wide_wrapper_runs_200_identities_through_both_apis()
    {
        const int count = 200;
        string modelPath = SaveIdentities(count);

        // Input i holds the values i, i+1, …; the caller checks every output against its input.
        const string caller = """
            using System;
            using ModelRefs.Runtime;
            using Tests.Wide;

            public static class Caller
            {
                public static string Go(string modelPath)
                {
                    using var wide = new Wide(modelPath);
                    var properties = typeof(WideInput).GetProperties();
                    // Every input is required: the object initializer sets them all.
                    WideInput input = INITIALIZER;

                    WideOutput output = wide.Run(input);
                    int checkedOutputs = 0;
                    for (int i = 0; i < Wide.Info.Outputs.Count; i++)
                    {
                        object value = typeof(WideOutput).GetProperty("Y" + i)!.GetValue(output)!;
                        string expected = (i % 3) switch
                        {
                            0 => string.Join(",", Values(i, 8)) + "|2,4",
                            1 => i + "|",
                            _ => string.Join(",", Values(i, 6)) + "|2,3",
                        };
                        string actual = value switch
                        {
                            TensorData<float> f => string.Join(",", f.Data) + "|" + string.Join(",", f.Shape),
                            TensorData<long> l => string.Join(",", l.Data) + "|" + string.Join(",", l.Shape),
                            _ => "?",
                        };
                        if (actual != expected)
                            return "output " + i + ": " + actual + " != " + expected;
                        checkedOutputs++;
                    }

                    // The index-based span API: change one input, read its output as a view.
                    wide.SetInput<float>(Wide.Info.IndexOfInput("x.3"), new float[] { 9, 8, 7, 6 }, new long[] { 1, 4 });
                    wide.Run();
                    int y3 = Wide.Info.IndexOfOutput("y:3");
                    string span = string.Join(",", wide.GetOutput<float>(y3).ToArray()) + "|" + string.Join(",", wide.GetOutputShape(y3).ToArray())
                        + "|" + wide.GetOutput<long>(1)[0] + "|" + output.Y3.Shape[0];

                    string error;
                    try { wide.SetInput<float>(2, new float[6], new long[] { 3, 2 }); error = "none"; }
                    catch (ShapeMismatchException e) { error = e.InputName; }

                    string unset;
                    input.X0 = null!;
                    try { wide.Run(input); unset = "none"; }
                    catch (ArgumentException e) { unset = e.Message; }
                    return checkedOutputs + "#" + span + "#" + error + "#" + unset + "#" + Wide.Info.Inputs[0] + "#" + properties.Length;
                }

                private static float[] Values(int start, int count)
                {
                    var values = new float[count];
                    for (int k = 0; k < count; k++)
                        values[k] = start + k;
                    return values;
                }
            }
            """;

        var initializer = new System.Text.StringBuilder("new WideInput\n{\n");
        for (int i = 0; i < count; i++)
        {
            initializer.Append("    X").Append(i).Append(" = ").Append((i % 3) switch
            {
                0 => "new TensorData<float>(Values(" + i + ", 8), 2, 4)",
                1 => "TensorData<long>.Scalar(" + i + ")",
                _ => "new TensorData<float>(Values(" + i + ", 6), 2, 3)",
            }).Append(",\n");
        }

        initializer.Append('}');
        Compilation compilation = GeneratorHarness.CreateCompilation(caller.Replace("INITIALIZER", initializer.ToString(), StringComparison.Ordinal));
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Wide.modelref.json", WideManifests.Text(count))], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
        Assembly assembly = Assembly.Load(stream.ToArray());
        string result = (string)assembly.GetType("Caller")!.GetMethod("Go")!.Invoke(null, [modelPath])!;

        Assert.Equal("200#9,8,7,6|1,4|1|2#x.2#The input 'x.0' of Wide is not set. (Parameter 'input')#x.0: float [batch, 4]#200", result);
    }
}
