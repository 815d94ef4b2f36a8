using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelRefs.Generator.Tests.Infrastructure;

namespace ModelRefs.Generator.Tests;

/// <summary>Generated code compiles, with no warnings (docs included), against ModelRefs.Runtime.</summary>
public class CompileTests
{
    private const string SileroUsage = """
        using System;
        using ModelRefs.Runtime;
        using VoiceActivity.Models;

        internal static class Usage
        {
            public static float Allocating(float[] samples)
            {
                using var vad = new SileroVad(new ModelOptions { IntraOpThreads = 1 });
                var output = vad.Run(new SileroVadInput
                {
                    Input = new TensorData<float>(samples, 1, samples.Length),
                    State = new TensorData<float>(new float[2 * 128], 2, 1, 128),
                    Sr = TensorData<long>.Scalar(16000),
                });
                TensorData<float> state = output.StateN;
                return output.Output.Data[0] + state.Data.Length;
            }

            public static float Spans(SileroVad vad, ReadOnlySpan<float> samples, float[] state)
            {
                SileroVadOutputSpans o = vad.Run(samples, stackalloc long[] { 1, samples.Length }, state, stackalloc long[] { 2, 1, 128 }, 16000L);
                o.StateN.CopyTo(state);
                return o.Output[0] + o.OutputShape[0];
            }

            public static string Describe()
            {
                ModelInfo info = SileroVad.Info;
                using var fromPath = new SileroVad("other.onnx");
                using var plain = new SileroVad();
                return info.Inputs[0].ToString() + SileroVad.ModelFile + new SileroVadInput(null!, null!, TensorData<long>.Scalar(8000)).Sr.Data[0];
            }
        }
        """;

    [Fact]
    public void Silero_wrapper_and_usage_compile_without_warnings()
    {
        AssertCompilesClean(SileroUsage, "SileroVad.modelref.json");
    }

    [Fact]
    public void All_baseline_manifests_compile_together_without_warnings()
    {
        AssertCompilesClean("internal static class Empty { }", "SileroVad.modelref.json", "AllTypes.modelref.json", "AwfulNames.modelref.json");
    }

    [Fact]
    public void Awful_names_are_usable_from_code()
    {
        const string usage = """
            using ModelRefs.Runtime;
            using Weird.@class.Models;

            internal static class Usage
            {
                public static object Use(Awful model, TensorData<float> t)
                {
                    var input = new AwfulInput { OnnxFlatten0 = t, X1 = t, Input53 = t, Input1 = t, ABC0 = t, X = t, X2 = t, Class = t, Out = t, Params = t,
                                                 Run = t, Info = t, Dispose = t, ModelFile = t, Awful = t, AwfulInput2 = t, Équipe = t, 输入 = t, X1_2 = t, X12 = t, XShape = t, ToString2 = t,
                                                 Input = t, Input23 = t, Value = t, This = t };
                    AwfulOutput output = model.Run(input);
                    return output.Output53.Data.Length + output.Output.Data.Length + output.OutputShape.Data.Length + output.AwfulOutput2.Data.Length + output.Equals2.Shape.Length;
                }
            }
            """;
        AssertCompilesClean(usage, "AwfulNames.modelref.json");
    }

    [Fact]
    public void Model_in_the_global_namespace_compiles()
    {
        string manifest = TestFiles.ReadManifest("SileroVad.modelref.json").Replace("\"namespace\": \"VoiceActivity.Models\",", "\"namespace\": null,");
        Compilation compilation = GeneratorHarness.CreateCompilation("internal static class U { public static object M(ModelRefs.Runtime.TensorData<float> f, ModelRefs.Runtime.TensorData<long> l) => new SileroVadInput { Input = f, State = f, Sr = l }; }");
        GeneratorHarness.RunAndUpdateCompilation(new[] { GeneratorHarness.Manifest("/obj/SileroVad.modelref.json", manifest) }, compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void String_scalars_and_unknown_ranks_compile()
    {
        const string manifest = """
            { "schema": 1, "name": "Tokenizer", "namespace": "T", "handle": "h", "sha256": "", "onnxSha256": "", "modelFile": "t.onnx",
              "inputs": [
                { "name": "text", "kind": "tensor", "elementType": "string", "shape": [ ] },
                { "name": "texts", "kind": "tensor", "elementType": "string", "shape": [ { "param": "n" } ] },
                { "name": "anything", "kind": "tensor", "elementType": "float16", "shape": null },
                { "name": "fixed", "kind": "tensor", "elementType": "bool", "shape": [ { "value": 2 }, { "value": 3 } ] }
              ],
              "outputs": [
                { "name": "label", "kind": "tensor", "elementType": "string", "shape": [ ] },
                { "name": "ids", "kind": "tensor", "elementType": "int32", "shape": null }
              ] }
            """;
        const string usage = """
            internal static class Usage
            {
                public static int Use(T.Tokenizer t)
                {
                    T.TokenizerOutputSpans s = t.Run("hello", new[] { "a", "b" }, new long[] { 2 }, new System.Half[1], new long[] { 1 }, new bool[6]);
                    string[] label = s.Label;
                    return label.Length + s.Ids.Length + s.IdsShape.Length;
                }
            }
            """;
        Compilation compilation = GeneratorHarness.CreateCompilation(usage);
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/T.modelref.json", manifest)], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
    }

    [Fact]
    public void Wide_wrapper_and_usage_compile_without_warnings()
    {
        // Every element kind, above the threshold: typed properties, the list-backed Run and the index-based span API.
        const string usage = """
            using System;
            using ModelRefs.Runtime;
            using Tests.Wide;

            internal static class Usage
            {
                public static object Allocating(Wide model, TensorData<float> f, TensorData<long> l, TensorData<string> s, TensorData<Half> h, TensorData<bool> b)
                {
                    var input = new WideInput { X0 = f, X1 = l, X2 = f, X3 = s, X4 = h, X5 = b, REST };
                    WideOutput output = model.Run(input);
                    TensorData<string> y3 = output.Y3;
                    return output.Y0.Data.Length + output.Y1.Shape.Length + output.Y4.Data.Length + output.Y5.Data.Length + y3.Data.Length + input.X0.Data.Length;
                }

                public static float Spans(Wide model, ReadOnlySpan<float> data)
                {
                    model.SetInput(Wide.Info.IndexOfInput("x.0"), data, stackalloc long[] { 1, 4 });
                    model.SetInput(3, new[] { "a" }, new long[] { 1 });
                    model.Run();
                    ReadOnlySpan<float> y0 = model.GetOutput<float>(0);
                    return y0[0] + model.GetOutputShape(0)[0] + model.GetStringOutput(3).Length;
                }
            }
            """;
        // Every input is required: the rest of the 130 in the initializer too (kind i % 6 as WideManifests cycles).
        string rest = string.Join(", ", Enumerable.Range(6, 124).Select(i => "X" + i + " = " + "flfshb"[i % 6]));
        Compilation compilation = GeneratorHarness.CreateCompilation(usage.Replace("REST", rest, StringComparison.Ordinal));
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Wide.modelref.json", WideManifests.Text(130, allKinds: true))], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(65, true)]
    public void The_typed_span_api_ends_at_the_threshold(int count, bool wide)
    {
        string source = GeneratorHarness.GenerateSingle("/obj/Wide.modelref.json", WideManifests.Text(count));
        Assert.Equal(!wide, source.Contains("public readonly ref struct WideOutputSpans", StringComparison.Ordinal));
        Assert.Equal(wide, source.Contains("public void SetInput<T>(int index", StringComparison.Ordinal));
        // Info's signature is the packed table in every tier when no output is a sequence.
        Assert.Contains("TensorSignature.FromTable(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("TensorSignature.FromColumns(", source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelRefs.Generator.Model.ModelSpec.IndexedThreshold, false)]
    [InlineData(ModelRefs.Generator.Model.ModelSpec.IndexedThreshold + 1, true)]
    [InlineData(20000, true)]
    public void Per_tensor_members_end_at_the_indexed_threshold(int count, bool indexed)
    {
        string source = GeneratorHarness.GenerateSingle("/obj/Wide.modelref.json", WideManifests.Text(count, allKinds: true));
        Assert.Contains("TensorSignature.FromTable(", source, StringComparison.Ordinal);
        Assert.Equal(indexed, source.Contains("public void Set<T>(string onnxName", StringComparison.Ordinal));
        // The size of an indexed model's code does not depend on its signature beyond the table's constants.
        var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
        int members = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>().Count();
        int lines = source.Split('\n').Length;
        if (indexed)
        {
            Assert.True(members < 50, members + " members");
            Assert.True(lines < 400, lines + " lines");
        }
        else
        {
            Assert.True(members > 2 * count, members + " members");
        }
    }

    [Fact]
    public void Indexed_wrapper_and_usage_compile_without_warnings()
    {
        const string usage = """
            using System;
            using ModelRefs.Runtime;
            using Tests.Wide;

            internal static class Usage
            {
                internal static object Allocating(Wide model, TensorData<float> f)
                {
                    var input = new WideInput();
                    input.Set(0, f);
                    input.Set<long>("x.1", TensorData<long>.Scalar(3));
                    WideOutput output = model.Run(input);
                    return output.Get<float>("y:0")!.Data[0] + output.Get<long>(1)!.Data[0] + input.Count + output.Count;
                }
            }
            """;
        Compilation compilation = GeneratorHarness.CreateCompilation(usage);
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Wide.modelref.json", WideManifests.Text(2000, allKinds: true))], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));
        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
    }

    /// <summary>
    /// What makes the compile linear: in a wide model's code no method, accessor, constructor or
    /// initializer grows with the signature (only the count of members and the length of constant
    /// arrays do), whatever its size.
    /// </summary>
    [Theory]
    [InlineData(65)]
    [InlineData(3000)]
    public void No_emitted_body_grows_with_a_wide_signature(int count)
    {
        string source = GeneratorHarness.GenerateSingle("/obj/Wide.modelref.json", WideManifests.Text(count, allKinds: true));
        var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot();
        foreach (var member in root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax>())
        {
            Assert.True(member.ParameterList.Parameters.Count <= 3, member.ToString());
            Assert.True((member.Body?.Statements.Count ?? 0) <= 4, member.ToString());
        }

        foreach (var accessor in root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax>())
        {
            Assert.True(accessor.Body is null, accessor.ToString());
        }

        // The one initializer with the signature in it: constant arrays only, one expression per tensor or dimension.
        var creations = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax>().Count();
        Assert.True(creations < 10, creations + " object creations");
    }

    private const string EchoManifest = """
        {
          "schema": 1, "name": "Echo", "namespace": "Tests.Models", "handle": "models/echo.onnx",
          "sha256": "00", "onnxSha256": "00", "modelFile": "echo.onnx",
          "inputs": [
            { "name": "x.1", "kind": "tensor", "elementType": "float", "shape": [ { "param": "batch" }, { "value": 4 } ] },
            { "name": "class", "kind": "tensor", "elementType": "int64", "shape": [ ] }
          ],
          "outputs": [ { "name": "y", "kind": "tensor", "elementType": "float", "shape": [ { "param": "batch" }, { "value": 4 } ] } ]
        }
        """;

    private static List<Diagnostic> CompileErrors(LanguageVersion version, string usage)
    {
        var options = new CSharpParseOptions(version, DocumentationMode.Diagnose);
        Compilation compilation = GeneratorHarness.CreateCompilation(options, usage);
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Echo.modelref.json", EchoManifest)], compilation, out Compilation output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        return output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    private const string UsageHeader = """
        using ModelRefs.Runtime;
        using Tests.Models;

        internal static class Usage
        {
            internal static object Make(TensorData<float> x, TensorData<long> c)
            {

        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp11)]
    [InlineData(LanguageVersion.CSharp12)]
    [InlineData(LanguageVersion.Latest)]
    public void A_forgotten_input_is_a_compile_error_with_required_members(LanguageVersion version)
    {
        // Every input set: in an object initializer or through the input constructor.
        Assert.Empty(CompileErrors(version, UsageHeader + "return new EchoInput { X1 = x, Class = c }; } }"));
        Assert.Empty(CompileErrors(version, UsageHeader + "return new EchoInput(x, c); } }"));

        // One forgotten: CS9035 names the missing member.
        Diagnostic error = Assert.Single(CompileErrors(version, UsageHeader + "return new EchoInput { X1 = x }; } }"));
        Assert.Equal("CS9035", error.Id);
        Assert.Contains("EchoInput.Class", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(["CS9035", "CS9035"], CompileErrors(version, UsageHeader + "return new EchoInput(); } }").Select(d => d.Id));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.CSharp10)]
    public void Before_csharp_11_inputs_come_through_the_constructor_only(LanguageVersion version)
    {
        Assert.Empty(CompileErrors(version, UsageHeader + "var i = new EchoInput(x, c); i.Class = c; return i; } }"));
        // No parameterless constructor to forget an input with.
        Diagnostic error = Assert.Single(CompileErrors(version, UsageHeader + "return new EchoInput { X1 = x }; } }"));
        Assert.Equal("CS7036", error.Id);
    }

    [Fact]
    public void An_embedded_model_names_its_resource_and_no_model_file()
    {
        string manifest = EchoManifest.Replace("\"modelFile\": \"echo.onnx\",", "\"modelFile\": \"models/Echo.onnx\", \"embeddedResource\": \"Consumer.models.Echo.onnx\",", StringComparison.Ordinal);
        Assert.Contains("embeddedResource", manifest, StringComparison.Ordinal);
        string source = GeneratorHarness.GenerateSingle("/obj/Echo.modelref.json", manifest);
        Assert.Contains("public const string ModelResource = \"Consumer.models.Echo.onnx\";", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelFile", source, StringComparison.Ordinal);
        Assert.DoesNotContain("models/Echo.onnx", source, StringComparison.Ordinal);

        // Code that reads ModelFile of an embedded model does not compile: the file is not deployed.
        var options = GeneratorHarness.ParseOptions;
        Compilation compilation = GeneratorHarness.CreateCompilation(options, "internal static class U { internal static string M() => Tests.Models.Echo.ModelFile + Tests.Models.Echo.ModelResource; }");
        GeneratorHarness.RunAndUpdateCompilation([GeneratorHarness.Manifest("/obj/Echo.modelref.json", manifest)], compilation, out Compilation output, out _);
        Diagnostic error = Assert.Single(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal("CS0117", error.Id);
        Assert.Contains("ModelFile", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    internal static void AssertCompilesClean(string usage, params string[] manifests)
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(usage);
        GeneratorDriver driver = GeneratorHarness.RunAndUpdateCompilation(
            manifests.Select(m => GeneratorHarness.Manifest("/obj/" + m, TestFiles.ReadManifest(m))), compilation, out Compilation output, out var generatorDiagnostics);
        Assert.True(generatorDiagnostics.IsEmpty, GeneratorHarness.Describe(generatorDiagnostics));
        Assert.Equal(manifests.Length, driver.GetRunResult().GeneratedTrees.Length);

        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, GeneratorHarness.Describe(problems));

        // And it emits: the compilation is complete, not just free of declaration errors.
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics));
    }
}
