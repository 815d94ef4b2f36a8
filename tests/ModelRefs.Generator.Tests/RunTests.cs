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
}
