using ModelRefs.Generator.Model;
using ModelRefs.Generator.Naming;
using Microsoft.CodeAnalysis.CSharp;
using ModelRefs.Generator.Parsing;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Generator.Tests;

/// <summary>ONNX and manifest names → C# identifiers; a model's own names follow the rule restore shares with the generator.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("onnx::Flatten_0", "OnnxFlatten0")]
    [InlineData("x.1", "X1")]
    [InlineData("x.1.2", "X1_2")]
    [InlineData("x.12", "X12")]
    [InlineData("53", "Input53")]
    [InlineData("input 1", "Input1")]
    [InlineData("a-b/c:0", "ABC0")]
    [InlineData("input_ids", "InputIds")]
    [InlineData("stateN", "StateN")]
    [InlineData("class", "Class")]
    [InlineData("Équipe", "Équipe")]
    [InlineData("éte", "Éte")]
    [InlineData("输入", "输入")]
    [InlineData("", "Input")]
    [InlineData("::", "Input")]
    [InlineData("_private", "Private")]
    [InlineData("zero\u200Bwidth", "ZeroWidth")]
    public void Pascal_case(string onnx, string expected)
    {
        Assert.Equal(expected, IdentifierNames.ToPascalCase(onnx, "Input"));
    }

    [Theory]
    [InlineData("Input", "input")]
    [InlineData("X1", "x1")]
    [InlineData("ABC0", "abc0")]
    [InlineData("IOBinding", "ioBinding")]
    [InlineData("Class", "@class")]
    [InlineData("Out", "@out")]
    [InlineData("Params", "@params")]
    [InlineData("This", "@this")]
    [InlineData("Value", "value")]
    [InlineData("Équipe", "équipe")]
    [InlineData("输入", "输入")]
    public void Camel_case_escapes_keywords(string pascal, string expected)
    {
        Assert.Equal(expected, IdentifierNames.ToCamelCase(pascal));
    }

    [Theory]
    [InlineData("SileroVad", "SileroVad")]
    [InlineData("silero_vad", "silero_vad")]
    public void Type_names_keep_valid_user_names(string declared, string expected)
    {
        Assert.Null(ModelTypeNames.NameProblem(declared));
        Assert.Equal(expected, ModelTypeNames.ToTypeName(declared));
        Assert.Equal(expected, ParseManifest(declared, "N").Model!.TypeName);
    }

    [Theory]
    [InlineData("class", "Class")]
    [InlineData("__arglist", "Arglist")]
    public void Keywords_are_names_restore_refuses_suggesting_their_type_name(string declared, string suggested)
    {
        // Restore says MR0009 and suggests the name instead of renaming silently; a hand-written
        // manifest with such a name is MR2003.
        Assert.Contains("C# keyword", ModelTypeNames.NameProblem(declared));
        Assert.Equal(suggested, ModelTypeNames.ToTypeName(declared));
        Assert.Equal("MR2003", Assert.Single(ParseManifest(declared, "N").Diagnostics).Id);
    }

    [Theory]
    [InlineData("silero-vad")]
    [InlineData("3d-unet")]
    [InlineData("@x")]
    public void Names_restore_would_not_write_are_MR2003(string declared)
    {
        // Restore refuses them (MR0009); the generator takes only names restore writes.
        Assert.NotNull(ModelTypeNames.NameProblem(declared));
        ParsedManifest parsed = ParseManifest(declared, "N");
        Assert.Null(parsed.Model);
        Assert.Equal("MR2003", Assert.Single(parsed.Diagnostics).Id);
    }

    [Theory]
    [InlineData("VoiceActivity.Models", "VoiceActivity.Models")]
    [InlineData("My.class.Models", "My.@class.Models")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Namespaces(string? declared, string expected)
    {
        Assert.Equal(expected, ParseManifest("M", declared).Model!.Namespace);
    }

    [Theory]
    [InlineData("My-App.Models")]
    [InlineData("a..b.")]
    public void Namespaces_restore_would_not_write_are_MR2003(string declared)
    {
        Assert.False(ModelTypeNames.IsNamespace(declared));
        Assert.Equal("MR2003", Assert.Single(ParseManifest("M", declared).Diagnostics).Id);
    }

    [Fact]
    public void The_shared_keyword_list_is_CSharps()
    {
        IEnumerable<string> roslyn = SyntaxFacts.GetReservedKeywordKinds().Select(SyntaxFacts.GetText).Append("global");
        Assert.Equal(roslyn.Order(StringComparer.Ordinal), ModelTypeNames.CSharpKeywords.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("silero_vad_v5", "SileroVadV5")]
    [InlineData("PP-OCRv4", "PPOCRv4")]
    [InlineData("3d-unet", "Model3dUnet")]
    [InlineData("--", "Model")]
    public void Default_names_come_from_the_file_name(string fileName, string expected)
    {
        Assert.Equal(expected, ModelTypeNames.FromFileName(fileName));
        Assert.Null(ModelTypeNames.NameProblem(expected));
    }

    [Fact]
    public void Names_differing_only_in_case_get_deterministic_suffixes()
    {
        MemberNames names = NamesFor("M", ["X", "x", "x_2", "X2"], []);
        Assert.Equal(["X", "X2", "X2_2", "X2_3"], names.InputProperties);
        Assert.Equal(["x", "x2", "x2_2", "x2_3"], names.InputParameters);
    }

    [Fact]
    public void Shape_parameters_never_collide_with_inputs()
    {
        MemberNames names = NamesFor("M", ["x", "xShape", "xShape2"], []);
        Assert.Equal(["x", "xShape", "xShape2"], names.InputParameters);
        Assert.Equal(["x_Shape", "xShapeShape", "xShape2Shape"], names.InputShapeParameters);
        Assert.Equal(names.InputParameters.Count + names.InputShapeParameters.Count,
            names.InputParameters.Concat(names.InputShapeParameters).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Output_shape_members_never_collide_with_outputs()
    {
        MemberNames names = NamesFor("M", [], ["output", "outputShape"]);
        Assert.Equal(["Output", "OutputShape"], names.OutputProperties);
        Assert.Equal(["Output_Shape", "OutputShapeShape"], names.OutputShapeProperties);
    }

    [Fact]
    public void A_companion_never_takes_a_model_name_and_is_never_a_numbered_variant()
    {
        // Issue 11.11: y's shape companion was YShape2 next to an output y_shape.
        MemberNames names = NamesFor("M", [], ["y", "y_shape", "z"]);
        Assert.Equal(["Y", "YShape", "Z"], names.OutputProperties);
        Assert.Equal(["Y_Shape", "YShapeShape", "ZShape"], names.OutputShapeProperties);
        // No tensor's member has '_' before a letter, so an _Shape companion cannot be a model name.
        Assert.DoesNotContain(NamesFor("M", [], ["y__Shape", "y _Shape", "Y_shape"]).OutputProperties, p => p.Contains("_S", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Unreadable_names_get_positional_members()
    {
        string json = "{\"boxes\": [1, 2, 3], \"scores\": \"float32\", \"labels\": {\"kind\": \"int64\", \"n\": 90}}";
        MemberNames names = NamesFor("M", ["x", "::/::", new string('a', 41)], [json, "scores", "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@a#b"]);
        Assert.Equal(["X", "Input1", "Input2"], names.InputProperties);
        Assert.Equal(["Output0", "Scores", "Output2"], names.OutputProperties);
        Assert.Equal("Output0Shape", names.OutputShapeProperties[0]);
        Assert.Equal(new string('A', 1) + new string('a', 39), IdentifierNames.MemberName(new string('a', 40), "Input", 7));
    }

    [Fact]
    public void InputNames_and_OutputNames_name_members_by_position_and_win_over_defaults()
    {
        // Output 1's default would be Identity1; the user's "Identity2" for output 0 is kept exactly, the default moves.
        ParsedManifest parsed = Parse("M", ["x.1", "x.2"], ["Identity2", "Identity1", "Identity"], ",Rate", "Identity1,,Mesh");
        Assert.Empty(parsed.Diagnostics);
        MemberNames names = MemberNames.For(parsed.Model!);
        Assert.Equal(["X1", "Rate"], names.InputProperties);
        Assert.Equal(["Identity1", "Identity1_2", "Mesh"], names.OutputProperties);
        Assert.Equal(["x1", "rate"], names.InputParameters);
    }

    [Theory]
    [InlineData("a,b,c", "InputNames has 3 entries, but the model has 2 inputs")]
    [InlineData("my-name", "InputNames entry 'my-name' is not a C# identifier")]
    [InlineData("class", "InputNames entry 'class' is a C# keyword")]
    [InlineData("Rate,rate", "InputNames names 'rate' twice")]
    public void Bad_member_names_are_MR2004(string inputNames, string expected)
    {
        ParsedManifest parsed = Parse("M", ["x.1", "x.2"], ["y"], inputNames, "");
        Assert.Null(parsed.Model);
        var d = Assert.Single(parsed.Diagnostics).ToDiagnostic();
        Assert.Equal("MR2004", d.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(expected, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("batch", "batch")]
    [InlineData("N", "N")]
    [InlineData("sequence_length", "sequence_length")]
    [InlineData("height2", "height2")]
    [InlineData("unk__314", "?")]
    [InlineData("p2o.DynamicDimension.0", "?")]
    [InlineData("Concat_dim_0", "?")]
    [InlineData("dim0", "?")]
    [InlineData("a_very_long_dimension_name_x", "?")]
    [InlineData("", "?")]
    public void Dynamic_dimensions_show_the_names_people_gave_them(string param, string shown)
    {
        Assert.Equal(shown, new DimensionSpec(null, param).Display);
        Assert.Equal("512", new DimensionSpec(512, null).Display);
    }

    [Fact]
    public void Members_avoid_the_enclosing_type_and_object_members()
    {
        MemberNames names = NamesFor("Vad", ["VadInput", "ToString", "Equals", "Run", "Info", "Dispose", "ModelFile", "Vad"], ["VadOutput", "VadOutputSpans", "GetHashCode", "GetType"]);
        Assert.Equal(["VadInput2", "ToString2", "Equals2", "Run", "Info", "Dispose", "ModelFile", "Vad"], names.InputProperties);
        Assert.Equal(["VadOutput2", "VadOutputSpans2", "GetHashCode2", "GetType2"], names.OutputProperties);
    }

    [Fact]
    public void Keywords_become_verbatim_parameters()
    {
        MemberNames names = NamesFor("M", ["class", "out", "params"], []);
        Assert.Equal(["Class", "Out", "Params"], names.InputProperties);
        Assert.Equal(["@class", "@out", "@params"], names.InputParameters);
        Assert.Equal(["classShape", "outShape", "paramsShape"], names.InputShapeParameters);
    }

    [Fact]
    public void Names_are_stable_whatever_else_is_in_the_compilation()
    {
        // Naming is a function of the one model: the same manifest always gives the same names.
        MemberNames a = NamesFor("M", ["x.1", "x:1", "53"], ["y"]);
        MemberNames b = NamesFor("M", ["x.1", "x:1", "53"], ["y"]);
        Assert.Equal(a.InputProperties, b.InputProperties);
        Assert.Equal(["X1", "X1_2", "Input53"], a.InputProperties);
    }

    [Fact]
    public void Many_claimants_of_one_name_get_the_next_suffixes_in_order()
    {
        // 3,001 claimants of "A" (names such as "a", "a.", "a.." all want it); suffixes continue where the last claimant stopped, and skip names already taken.
        var unique = new UniqueNames(["A3001"]);
        List<string> taken = [.. Enumerable.Range(0, 3001).Select(_ => unique.Take("A")), unique.Take("A3001")];
        Assert.Equal("A", taken[0]);
        Assert.Equal("A2", taken[1]);
        Assert.Equal("A3000", taken[2999]);
        Assert.Equal("A3002", taken[3000]);
        Assert.Equal("A3001_2", taken[3001]);
        Assert.Equal(taken.Count, taken.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(["A", "A2", "A3"], NamesFor("M", ["a", "a.", "a:"], []).InputProperties);
    }

    private static ParsedManifest Parse(string typeName, string[] inputs, string[] outputs, string inputNames, string outputNames)
    {
        static string Tensors(string[] names) => string.Join(",", names.Select(n => "{\"name\":" + Json(n) + ",\"elementType\":\"float\",\"shape\":[{\"param\":\"n\"}]}"));
        static string Names(string list) => "[" + string.Join(",", (list.Length == 0 ? [] : list.Split(',')).Select(Json)) + "]";
        string json = "{\"schema\":1,\"name\":" + Json(typeName) + ",\"namespace\":\"N\",\"handle\":\"h\",\"inputs\":[" + Tensors(inputs) + "],\"outputs\":[" + Tensors(outputs)
            + "],\"inputNames\":" + Names(inputNames) + ",\"outputNames\":" + Names(outputNames) + "}";
        return ManifestParser.Parse("/m.modelref.json", json);
    }

    private static MemberNames NamesFor(string typeName, string[] inputs, string[] outputs)
    {
        static string Tensors(string[] names) => string.Join(",", names.Select(n => "{\"name\":" + Json(n) + ",\"elementType\":\"float\",\"shape\":[{\"param\":\"n\"}]}"));
        string json = "{\"schema\":1,\"name\":" + Json(typeName) + ",\"namespace\":\"N\",\"handle\":\"h\",\"inputs\":[" + Tensors(inputs) + "],\"outputs\":[" + Tensors(outputs) + "]}";
        ParsedManifest parsed = ManifestParser.Parse("/m.modelref.json", json);
        Assert.Empty(parsed.Diagnostics);
        return MemberNames.For(parsed.Model!);
    }

    private static ParsedManifest ParseManifest(string name, string? ns)
        => ManifestParser.Parse("/m.modelref.json", "{\"schema\":1,\"name\":" + Json(name) + ",\"namespace\":" + (ns is null ? "null" : Json(ns)) + ",\"inputs\":[],\"outputs\":[]}");

    private static string Json(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
