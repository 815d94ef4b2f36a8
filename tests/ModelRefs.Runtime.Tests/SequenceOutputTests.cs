using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Onnx;

namespace ModelRefs.Runtime.Tests;

/// <summary>Outputs that are sequences of maps (a classifier's ZipMap) or of tensors, read from a real model written by the onnx package.</summary>
public sealed class SequenceOutputTests : IDisposable
{
    private readonly TempDirectory _folder = new("modelrefs-seq-tests");

    public void Dispose() => _folder.Dispose();

    private static readonly ModelInfo Info = BuiltModels.Info("Classifier",
        [new("features", TensorElementKind.Float, [-1, 3], ["N", null], null)],
        [
            new("label", TensorElementKind.Int64, [-1], ["N"], null),
            new("probabilities", "seq(map(int64,tensor(float)))", TensorElementKind.Float, null),
            new("named", "seq(map(string,tensor(float)))", TensorElementKind.Float, null),
            new("rows", "seq(tensor(float))", TensorElementKind.Float, null),
        ]);

    private ModelSession Open()
    {
        string path = _folder.Combine("classifier.onnx");
        if (!File.Exists(path))
            ZipMapClassifier.Write(path);
        return ModelSession.Open(Info, ModelLocation.File(path), null);
    }

    [Fact]
    public void A_zipmap_output_reads_as_one_map_per_row_on_every_run()
    {
        using var session = Open();
        float[][] rows = [[2, 0, 0], [0, 0, 3]];
        for (int run = 0; run < 3; run++)
        {
            // Different batch sizes: sequences are re-read whatever the shapes do.
            float[][] batch = run == 1 ? [rows[1]] : rows;
            session.SetInput<float>(0, batch.SelectMany(r => r).ToArray(), [batch.Length, 3]);
            session.Run();

            Assert.Equal(batch.Select(r => ZipMapClassifier.Labels[Array.IndexOf(ZipMapClassifier.Probabilities(r), ZipMapClassifier.Probabilities(r).Max())]),
                session.GetOutput<long>(0).ToArray());
            IReadOnlyList<IReadOnlyDictionary<long, float>> maps = session.GetSequenceOfMaps<long, float>(1);
            IReadOnlyList<IReadOnlyDictionary<string, float>> named = session.GetSequenceOfMaps<string, float>(2);
            Assert.Equal(batch.Length, maps.Count);
            Assert.Equal(batch.Length, named.Count);
            for (int i = 0; i < batch.Length; i++)
            {
                float[] expected = ZipMapClassifier.Probabilities(batch[i]);
                Assert.Equal(ZipMapClassifier.Labels, maps[i].Keys.Order());
                Assert.Equal(ZipMapClassifier.Names.Order(), named[i].Keys.Order());
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(expected[c], maps[i][ZipMapClassifier.Labels[c]], 5);
                    Assert.Equal(expected[c], named[i][ZipMapClassifier.Names[c]], 5);
                }
            }

            IReadOnlyList<TensorData<float>> sequence = session.GetSequence<float>(3);
            Assert.Equal(2, sequence.Count);
            Assert.Equal(batch.SelectMany(r => r), sequence[0].Data);
            Assert.Equal([batch.Length, 3L], sequence[0].Shape);
            Assert.Equal([batch.Length, 3L], sequence[1].Shape);
        }
    }

    [Fact]
    public void Reading_a_sequence_as_another_type_names_both()
    {
        using var session = Open();
        session.SetInput<float>(0, [1, 2, 3], [1, 3]);
        session.Run();
        var e = Assert.Throws<ArgumentException>(() => session.GetSequenceOfMaps<string, float>(1));
        Assert.Contains("'probabilities' is seq(map(int64,tensor(float))), but was read as seq(map(string,tensor(float)))", e.Message);
        Assert.Throws<ArgumentException>(() => session.GetOutput<float>(1));
        Assert.Throws<ArgumentException>(() => session.GetOutputShape(1));
        Assert.Throws<ArgumentException>(() => session.GetSequence<float>(0));
        Assert.Equal("probabilities: float seq(map(int64,tensor(float)))", Info.Outputs[1].ToString());
    }

    [Fact]
    public void A_signature_that_calls_a_sequence_a_tensor_fails_at_open()
    {
        string path = _folder.Combine("classifier.onnx");
        ZipMapClassifier.Write(path);
        var wrong = BuiltModels.Info("Classifier", Info.Inputs.ToArray(),
            [Info.Outputs[0], new("probabilities", TensorElementKind.Float, [-1, 3], null, null), Info.Outputs[2], Info.Outputs[3]]);
        var e = Assert.Throws<InvalidOperationException>(() => ModelSession.Open(wrong, ModelLocation.File(path), null));
        Assert.Contains("'probabilities'", e.Message);
    }
}
