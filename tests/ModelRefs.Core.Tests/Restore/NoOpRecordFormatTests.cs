using ModelRefs.Core.Restore;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// The no-op record's line format: every field survives a round trip whatever it holds, and a
/// record that is not one (damaged, cut short, an old JSON record) reads as none, so the restore
/// runs in full and succeeds.
/// </summary>
public sealed class NoOpRecordFormatTests
{
    [Fact]
    public void Write_ThenParse_KeepsEveryField_EvenWithTabsNewlinesAndPercentSigns()
    {
        var state = new NoOpState("abc123",
            [
                new NoOpModel(0, "Vad", "/cache/blobs/ab/x", "models/vad.onnx", null, "/obj/Vad.modelref.json"),
                new NoOpModel(2, "Odd", "/tmp/a\tb/c\nd%09e%", "models/o dd.onnx", "App.Models.Odd.onnx", "/obj/%25.json")
                {
                    ExternalData = [new DeployedFile("/cache/blobs/cd/y", "models/w\r.bin", "ff00"), new DeployedFile("/z", "models/z.bin", "00ff")],
                },
            ],
            [new NoOpFile("/obj/Vad.modelref.json", 1234, 638_999_999_999_999_999), new NoOpFile("/p\t/%0A", 0, 0)])
        {
            Warnings = [new NoOpWarning("MR0017", "Licence 'ISC' is\tdeclared by\nthe npm package (100%)", 1), new NoOpWarning("MR0016", "plain", -1)],
        };

        var read = NoOpRecordFormat.Parse(NoOpRecordFormat.Write(state));

        Assert.NotNull(read);
        Assert.Equal(state.InputsHash, read.InputsHash);
        Assert.Equal(state.Files, read.Files);
        Assert.Equal(state.Warnings, read.Warnings);
        Assert.Equal(state.Models.Count, read.Models.Count);
        for (var i = 0; i < state.Models.Count; i++)
        {
            Assert.Equal(state.Models[i] with { ExternalData = null }, read.Models[i] with { ExternalData = null });
            Assert.Equal(state.Models[i].ExternalData ?? [], read.Models[i].ExternalData ?? []);
        }
        Assert.Null(read.Models[0].ExternalData);
    }

    [Fact]
    public void Write_PutsOneFactOnEachLine()
    {
        var state = new NoOpState("h", [new NoOpModel(0, "M", "/a\nb", "t", null, "m")], [new NoOpFile("/a\nb", 1, 2)]);

        var lines = NoOpRecordFormat.Write(state).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["modelrefs-noop 1", "inputs\th", "model\t0\tM\t/a%0Ab\tt\t\tm", "file\t/a%0Ab\t1\t2"], lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"InputsHash\":\"abc\",\"Models\":[],\"Files\":[]}")] // a record from before this format
    [InlineData("modelrefs-noop 1\n")] // no inputs line
    [InlineData("modelrefs-noop 2\ninputs\th\n")] // a later format
    [InlineData("modelrefs-noop 1\ninputs\th\nfile\t/a\tnot-a-size\t2\n")]
    [InlineData("modelrefs-noop 1\ninputs\th\nmodel\t0\tM\n")] // cut short
    [InlineData("modelrefs-noop 1\ninputs\th\ndata\t/a\tt\tsha\n")] // data before any model
    [InlineData("modelrefs-noop 1\ninputs\th\nsomething\tnew\n")]
    public void Parse_OfWhatIsNotARecord_IsNull(string text)
    {
        Assert.Null(NoOpRecordFormat.Parse(text));
    }

    [Fact]
    public async Task ADamagedRecord_CostsAFullRestore_ThatSucceedsAndWritesAGoodRecord()
    {
        using var f = new RestoreFixture();
        var item = RestoreFixture.Item(f.WriteModel("models/a.onnx", "a"), ("License", "MIT"));
        var request = f.Request();
        Assert.True((await f.RestoreAsync(request, item)).Succeeded);
        var record = Path.Combine(request.IntermediatePath, NoOpState.FileName);
        Assert.True((await f.RestoreAsync(request, item)).WasNoOp);

        File.WriteAllText(record, File.ReadAllText(record)[..40]); // cut off mid-line
        var again = await f.RestoreAsync(request, item);

        Assert.True(again.Succeeded, string.Join("\n", again.Problems.Select(p => p.Message)));
        Assert.False(again.WasNoOp);
        Assert.True((await f.RestoreAsync(request, item)).WasNoOp);
    }
}
