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
            [
                new NoOpFile("/obj/Vad.modelref.json", 1234, 638_999_999_999_999_999),
                new NoOpFile("/cache/blobs/ab/x", 99, 5) { IsCacheBlob = true },
                new NoOpFile("/p\t/%0A", 0, 0),
            ])
        {
            Warnings =
            [
                new NoOpWarning("MR0017", "Licence declared by the\tpackage", "Licence 'ISC' is\tdeclared by\nthe npm package (100%)", 1, 12),
                new NoOpWarning("MR0016", "t", "plain", -1, 0),
            ],
            QuickKey = "k\t1",
            Probes = [new NoOpFile("/app/App.csproj", 300, 7), new NoOpFile("/app/.npmrc", NoOpFile.Absent, 0)],
            NoticesPath = "/obj/THIRD-PARTY\nNOTICES.txt",
            BomPath = "/obj/bom.json",
        };

        var read = NoOpRecordFormat.Parse(NoOpRecordFormat.Write(state));

        Assert.NotNull(read);
        Assert.Equal(state.InputsHash, read.InputsHash);
        Assert.Equal(state.Files, read.Files);
        Assert.Equal(state.Warnings, read.Warnings);
        Assert.Equal(state.QuickKey, read.QuickKey);
        Assert.Equal(state.Probes, read.Probes);
        Assert.Equal(state.NoticesPath, read.NoticesPath);
        Assert.Equal(state.BomPath, read.BomPath);
        Assert.Equal(state.Models.Count, read.Models.Count);
        for (var i = 0; i < state.Models.Count; i++)
        {
            Assert.Equal(state.Models[i] with { ExternalData = null }, read.Models[i] with { ExternalData = null });
            Assert.Equal(state.Models[i].ExternalData ?? [], read.Models[i].ExternalData ?? []);
        }
        Assert.Null(read.Models[0].ExternalData);
        Assert.True(read.Files[1].IsCacheBlob);
        Assert.False(read.Files[0].IsCacheBlob);
    }

    [Fact]
    public void Parse_OfARecordWithoutQuickKeyOrProbes_LeavesThemNull_SoTheQuickCheckNeverAnswersIt()
    {
        var read = NoOpRecordFormat.Parse(NoOpRecordFormat.Write(new NoOpState("h", [], [])));

        Assert.NotNull(read);
        Assert.Null(read.QuickKey);
        Assert.Null(read.Probes);
        Assert.False(read.ProbesUnchanged());
    }

    [Fact]
    public void Write_PutsOneFactOnEachLine()
    {
        var state = new NoOpState("h", [new NoOpModel(0, "M", "/a\nb", "t", null, "m")], [new NoOpFile("/a\nb", 1, 2)]);

        var lines = NoOpRecordFormat.Write(state).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["modelrefs-noop 2", "inputs\th", "model\t0\tM\t/a%0Ab\tt\t\tm", "file\t/a%0Ab\t1\t2"], lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"InputsHash\":\"abc\",\"Models\":[],\"Files\":[]}")] // a record from before this format
    [InlineData("modelrefs-noop 2\n")] // no inputs line
    [InlineData("modelrefs-noop 1\ninputs\th\n")] // the format before quick keys
    [InlineData("modelrefs-noop 3\ninputs\th\n")] // a later format
    [InlineData("modelrefs-noop 2\ninputs\th\nfile\t/a\tnot-a-size\t2\n")]
    [InlineData("modelrefs-noop 2\ninputs\th\nfile\t/a\t-1\t2\n")] // only a probe can be absent
    [InlineData("modelrefs-noop 2\ninputs\th\nprobe\t/a\tx\t2\n")]
    [InlineData("modelrefs-noop 2\ninputs\th\nmodel\t0\tM\n")] // cut short
    [InlineData("modelrefs-noop 2\ninputs\th\nmodel\t-1\tM\t/a\tt\t\tm\n")] // no item has that index
    [InlineData("modelrefs-noop 2\ninputs\th\nwarning\tMR0017\t0\tlicence\n")] // a warning of format 1
    [InlineData("modelrefs-noop 2\ninputs\th\ndata\t/a\tt\tsha\n")] // data before any model
    [InlineData("modelrefs-noop 2\ninputs\th\nsomething\tnew\n")]
    [InlineData("modelrefs-noop 2\ninputs\th\nfile\t\t0\t0\n")] // an empty path (FileInfo("") would throw)
    [InlineData("modelrefs-noop 2\ninputs\th\nprobe\t\t-1\t0\n")]
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
