using ModelRefs.Generator.Parsing;

namespace ModelRefs.Generator.Tests;

public class JsonReaderTests
{
    [Fact]
    public void Reads_nested_values_with_escapes()
    {
        JsonNode root = JsonReader.Parse("\uFEFF { \"a\": [1, -2.5e3, true, false, null], \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\" } ");
        Assert.Equal(JsonKind.Object, root.Kind);
        Assert.Equal(5, root["a"]!.Items!.Count);
        Assert.Equal("-2.5e3", root["a"]!.Items![1].Text);
        Assert.Equal("q\"\\/\b\f\n\r\té😀", root["s"]!.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("\"abc")]
    [InlineData("\"a\\x\"")]
    [InlineData("\"a\\u12\"")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData("-")]
    [InlineData("tru")]
    [InlineData("{} {}")]
    [InlineData("// comment\n{}")]
    [InlineData("\"tab\there\"")]
    public void Rejects_invalid_json(string text)
    {
        Assert.Throws<JsonReaderException>(() => JsonReader.Parse(text));
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        string text = new string('[', 100_000) + new string(']', 100_000);
        Assert.Throws<JsonReaderException>(() => JsonReader.Parse(text));
    }

    [Fact]
    public void Spans_cover_the_value()
    {
        const string text = "{\"k\": {\"x\": 1}}";
        JsonNode inner = JsonReader.Parse(text)["k"]!;
        Assert.Equal("{\"x\": 1}", text.Substring(inner.Start, inner.End - inner.Start));
    }
}
