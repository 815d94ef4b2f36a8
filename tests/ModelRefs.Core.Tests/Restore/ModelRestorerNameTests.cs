namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// Restore owns the models' names (src/Shared/Naming/ModelTypeNames.cs): clashes are MR0008, unusable
/// names MR0009, both at the item, before the compiler runs. (These were the generator's MR2002.)
/// </summary>
public class ModelRestorerNameTests
{
    [Fact]
    public async Task Two_models_with_the_same_name_are_MR0008_for_the_later_one_whatever_the_order()
    {
        using var f = new RestoreFixture();
        f.WriteModel("a/vad.onnx", "a");
        f.WriteModel("b/vad.onnx", "b");
        var a = RestoreFixture.Item("a/vad.onnx", ("Name", "SileroVad"));
        var b = RestoreFixture.Item("b/vad.onnx", ("Name", "SileroVad"));

        foreach (var (first, second) in new[] { (a, b), (b, a) })
        {
            var result = await f.RestoreAsync(f.Request(), first, second);
            var problem = Assert.Single(result.Problems);
            Assert.Equal("MR0008", problem.Diagnostic.Id);
            Assert.True(problem.IsError);
            Assert.Same(second, problem.Item);
            Assert.Contains(first.Include, problem.Message);
            Assert.Same(first, Assert.Single(result.Models).Item);
        }
    }

    [Theory]
    [InlineData("SileroVadInput")]
    [InlineData("SileroVadOutputSpans")]
    [InlineData("silerovad")]
    public async Task A_model_named_like_another_models_generated_type_is_MR0008(string otherName)
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        f.WriteModel("other.onnx", "b");
        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("vad.onnx", ("Name", "SileroVad")),
            RestoreFixture.Item("other.onnx", ("Name", otherName)));
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0008", problem.Diagnostic.Id);
        Assert.Contains(otherName, problem.Message);
        Assert.Single(result.Models);
    }

    [Fact]
    public async Task Generated_types_in_different_namespaces_do_not_clash()
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        f.WriteModel("other.onnx", "b");
        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("vad.onnx", ("Name", "SileroVad")),
            RestoreFixture.Item("other.onnx", ("Name", "SileroVadInput"), ("Namespace", "Other.Models")));
        Assert.Empty(result.Problems);
        Assert.Equal(2, result.Models.Count);
    }

    [Fact]
    public async Task The_same_name_in_different_namespaces_is_MR0008_since_it_names_files()
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        f.WriteModel("other.onnx", "b");
        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("vad.onnx", ("Name", "SileroVad")),
            RestoreFixture.Item("other.onnx", ("Name", "SileroVad"), ("Namespace", "Other.Models")));
        Assert.Equal("MR0008", Assert.Single(result.Problems).Diagnostic.Id);
    }

    [Theory]
    [InlineData("Run")]
    [InlineData("Info")]
    [InlineData("ModelFile")]
    [InlineData("Dispose")]
    public async Task A_model_named_like_a_generated_member_is_MR0009(string name)
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("vad.onnx", ("Name", name)));
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0009", problem.Diagnostic.Id);
        Assert.Contains("member of the generated class", problem.Message);
        Assert.Empty(result.Models);
    }

    [Theory]
    [InlineData("silero-vad")]
    [InlineData("3d")]
    [InlineData("@x")]
    public async Task A_name_that_is_no_identifier_is_MR0009(string name)
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        var problem = Assert.Single((await f.RestoreAsync(f.Request(), RestoreFixture.Item("vad.onnx", ("Name", name)))).Problems);
        Assert.Equal("MR0009", problem.Diagnostic.Id);
        Assert.Contains("is not a valid C# type name", problem.Message);
    }

    [Theory]
    [InlineData("class", "Class")]
    [InlineData("namespace", "Namespace")]
    public async Task A_CSharp_keyword_as_Name_is_MR0009_suggesting_a_name_instead_of_silently_changing_it(string name, string suggestion)
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        var result = await f.RestoreAsync(f.Request(), RestoreFixture.Item("vad.onnx", ("Name", name)));
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0009", problem.Diagnostic.Id);
        Assert.Contains("C# keyword", problem.Message);
        Assert.Contains($"Name=\"{suggestion}\"", problem.Message);
    }

    [Fact]
    public async Task A_300_character_Name_is_MR0009_about_its_length_and_the_other_models_still_restore()
    {
        using var f = new RestoreFixture();
        f.WriteModel("vad.onnx", "a");
        f.WriteModel("other.onnx", "b");
        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("vad.onnx", ("Name", "A" + new string('b', 299))),
            RestoreFixture.Item("other.onnx"));
        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0009", problem.Diagnostic.Id);
        Assert.Contains("300 characters long", problem.Message);
        Assert.Contains("at most 200", problem.Message);
        Assert.Equal("Other", Assert.Single(result.Models).Name);
    }

    [Fact]
    public async Task Two_urls_that_differ_only_in_their_secret_query_values_are_MR0001()
    {
        using var f = new RestoreFixture();
        var result = await f.RestoreAsync(f.Request(),
            RestoreFixture.Item("https://127.0.0.1:9/m.onnx?file=a", ("Name", "A")),
            RestoreFixture.Item("https://127.0.0.1:9/m.onnx?file=b", ("Name", "B")));
        var ambiguous = Assert.Single(result.Problems, p => p.Diagnostic.Id == "MR0001");
        Assert.Contains("https://127.0.0.1:9/m.onnx?file=***", ambiguous.Message);
        Assert.Contains("different query values", ambiguous.Message);
        Assert.DoesNotContain(result.Problems, p => p.Message.Contains("file=b", StringComparison.Ordinal) || p.Message.Contains("file=a", StringComparison.Ordinal));
    }
}
