using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace ModelRefs.Runtime.Tests;

public class SileroVadSessionTests(ITestOutputHelper log)
{
    private static readonly long[] ChunkShape = [1, SileroVad.ChunkSamples];
    private static readonly long[] StateShape = [2, 1, 128];

    /// <summary>Runs chunks through the session, carrying the state as a streaming VAD does; returns the probabilities.</summary>
    private static float[] Stream(ModelSession session, Func<int, float[]> chunk, int chunks)
    {
        var probabilities = new float[chunks];
        session.SetInput<float>(SileroVad.State, new float[2 * 128], StateShape);
        for (int i = 0; i < chunks; i++)
        {
            session.SetInput<float>(SileroVad.Input, chunk(i), ChunkShape);
            session.SetInput(SileroVad.Sr, [SileroVad.SampleRate], ReadOnlySpan<long>.Empty);
            session.Run();
            probabilities[i] = session.GetOutput<float>(SileroVad.Output)[0];
            session.SetInput(SileroVad.State, session.GetOutput<float>(SileroVad.StateN), StateShape);
        }
        return probabilities;
    }

    [Fact]
    public void SineAndSilence_GiveLowSpeechProbability()
    {
        using var session = SileroVad.Open();
        var sine = Stream(session, i => SileroVad.Sine(440, i), 30);
        var silence = Stream(session, _ => new float[SileroVad.ChunkSamples], 30);
        log.WriteLine($"440 Hz sine: max {sine.Max():F4}; silence: max {silence.Max():F4}");
        Assert.All(sine, p => Assert.InRange(p, 0f, 0.2f));
        Assert.All(silence, p => Assert.InRange(p, 0f, 0.2f));
        Assert.Equal([1L, 1L], session.GetOutputShape(SileroVad.Output).ToArray());
        Assert.Equal([2L, 1L, 128L], session.GetOutputShape(SileroVad.StateN).ToArray());
    }

    [Fact]
    public void Run_EqualsPlainInferenceSessionRun()
    {
        using var reference = new InferenceSession(SileroVad.ModelPath);
        using var session = SileroVad.Open();
        var state = new float[2 * 128];
        var expectedState = new float[2 * 128];
        for (int i = 0; i < 40; i++)
        {
            var chunk = i % 3 == 0 ? SileroVad.Noise(i) : SileroVad.Sine(200 + 37 * i, i);
            var expected = SileroVad.Reference(reference, chunk, [1, 512], expectedState, [2, 1, 128]);
            expectedState = expected.StateN;

            session.SetInput<float>(SileroVad.Input, chunk, ChunkShape);
            session.SetInput<float>(SileroVad.State, state, StateShape);
            session.SetInput(SileroVad.Sr, [SileroVad.SampleRate], ReadOnlySpan<long>.Empty);
            session.Run();
            state = session.GetOutput<float>(SileroVad.StateN).ToArray();

            AssertClose(expected.Output, session.GetOutput<float>(SileroVad.Output));
            AssertClose(expected.StateN, state);
            Assert.Equal(expected.OutputShape, session.GetOutputShape(SileroVad.Output).ToArray());
            Assert.Equal(expected.StateNShape, session.GetOutputShape(SileroVad.StateN).ToArray());
        }
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        using var session = SileroVad.Open();
        var chunk = SileroVad.Sine(440, 0);
        var state = new float[2 * 128];
        long sr = SileroVad.SampleRate;
        float sum = 0;

        void Step()
        {
            session.SetInput<float>(SileroVad.Input, chunk, ChunkShape);
            session.SetInput<float>(SileroVad.State, state, StateShape);
            session.SetInput(SileroVad.Sr, new ReadOnlySpan<long>(in sr), ReadOnlySpan<long>.Empty);
            session.Run();
            sum += session.GetOutput<float>(SileroVad.Output)[0];
            session.GetOutput<float>(SileroVad.StateN).CopyTo(state);
            sum += session.GetOutputShape(SileroVad.StateN)[0];
        }

        for (int i = 0; i < 50; i++)
            Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
            Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        log.WriteLine($"managed bytes allocated over 200 steady-state SetInput/Run/GetOutput steps: {allocated}");
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Fact]
    public void DynamicBatch_ChangingShapesBetweenCalls_GivesCorrectShapesAndValues()
    {
        using var reference = new InferenceSession(SileroVad.ModelPath);
        using var session = SileroVad.Open();
        foreach (int batch in new[] { 1, 3, 3, 1, 2, 3 })
        {
            var input = Enumerable.Range(0, batch).SelectMany(b => SileroVad.Sine(300 + 100 * b, b)).ToArray();
            var state = SileroVad.Noise(batch, 2 * batch * 128);
            var expected = SileroVad.Reference(reference, input, [batch, 512], state, [2, batch, 128]);

            session.SetInput<float>(SileroVad.Input, input, [batch, 512]);
            session.SetInput<float>(SileroVad.State, state, [2, batch, 128]);
            session.SetInput(SileroVad.Sr, [SileroVad.SampleRate], ReadOnlySpan<long>.Empty);
            session.Run();

            Assert.Equal([batch, 1L], session.GetOutputShape(SileroVad.Output).ToArray());
            Assert.Equal([2L, batch, 128L], session.GetOutputShape(SileroVad.StateN).ToArray());
            AssertClose(expected.Output, session.GetOutput<float>(SileroVad.Output));
            AssertClose(expected.StateN, session.GetOutput<float>(SileroVad.StateN));
        }
    }

    [Fact]
    public void ShapeMismatch_NamesModelInputAndBothShapes()
    {
        using var session = SileroVad.Open();
        var e = Assert.Throws<ShapeMismatchException>(() =>
            session.SetInput<float>(SileroVad.State, new float[2 * 64], [2, 1, 64]));
        Assert.Equal("SileroVad", e.ModelName);
        Assert.Equal("state", e.InputName);
        Assert.Equal("[2, ?, 128]", e.Expected);
        Assert.Equal("[2, 1, 64]", e.Given);
        Assert.Contains("'SileroVad'", e.Message);
        Assert.Contains("'state'", e.Message);
        Assert.Contains("[2, ?, 128]", e.Message);
        Assert.Contains("[2, 1, 64]", e.Message);
        log.WriteLine(e.Message);

        var rank = Assert.Throws<ShapeMismatchException>(() => session.SetInput<float>(SileroVad.Input, new float[512], [512]));
        Assert.Equal("[?, ?]", rank.Expected);
        Assert.Equal("[512]", rank.Given);
        Assert.Contains("rank 2", rank.Message);

        var scalar = Assert.Throws<ShapeMismatchException>(() => session.SetInput<long>(SileroVad.Sr, [16000], [1]));
        Assert.Equal("[]", scalar.Expected);

        // A wrong element count is a shape mismatch too, as the generated XML docs promise.
        var count = Assert.Throws<ShapeMismatchException>(() => session.SetInput<float>(SileroVad.Input, new float[100], ChunkShape));
        Assert.Equal("[1, 512]", count.Given);
        Assert.Equal("input", count.InputName);
        Assert.Contains("given 100 values, but shape [1, 512] holds 512", count.Message);
        Assert.Throws<ShapeMismatchException>(() => session.SetInput<float>(SileroVad.Input, new float[513], ChunkShape));
    }

    [Fact]
    public void WrongElementType_IsRejectedWithTheExpectedType()
    {
        using var session = SileroVad.Open();
        var e = Assert.Throws<ArgumentException>(() => session.SetInput<float>(SileroVad.Sr, [16000f], ReadOnlySpan<long>.Empty));
        Assert.Contains("'sr'", e.Message);
        Assert.Contains("int64", e.Message);
        Assert.Contains("Single", e.Message);
        Assert.Throws<ArgumentException>(() => session.SetInput<double>(SileroVad.Input, new double[512], ChunkShape));
        Assert.Throws<ArgumentException>(() => session.SetInput(SileroVad.Input, new string[512], ChunkShape));

        Stream(session, _ => new float[512], 1);
        var output = Assert.Throws<ArgumentException>(() => session.GetOutput<double>(SileroVad.Output));
        Assert.Contains("'output'", output.Message);
        Assert.Throws<ArgumentException>(() => session.GetStringOutput(SileroVad.Output));
    }

    [Fact]
    public void MisuseIsReportedClearly()
    {
        using var session = SileroVad.Open();
        Assert.Throws<InvalidOperationException>(() => session.GetOutput<float>(SileroVad.Output));
        session.SetInput<float>(SileroVad.Input, new float[512], ChunkShape);
        var missing = Assert.Throws<InvalidOperationException>(session.Run);
        Assert.Contains("'state'", missing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.SetInput<float>(3, new float[1], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => session.GetOutputShape(-1));
    }

    [Fact]
    public void ShareSession_SharesOneInferenceSessionAndReleasesItWithTheLastUser()
    {
        var shared = new ModelOptions { ShareSession = true, IntraOpThreads = 1 };
        var first = SileroVad.Open(shared);
        var second = SileroVad.Open(new ModelOptions { ShareSession = true, IntraOpThreads = 1 });
        using var other = SileroVad.Open(new ModelOptions { ShareSession = true, IntraOpThreads = 2 });
        using var own = SileroVad.Open(new ModelOptions { IntraOpThreads = 1 });
        Assert.Same(first.InferenceSession, second.InferenceSession);
        Assert.NotSame(first.InferenceSession, other.InferenceSession);
        Assert.NotSame(first.InferenceSession, own.InferenceSession);

        // Each instance keeps its own buffers: interleaved runs do not disturb each other.
        first.SetInput<float>(SileroVad.State, new float[256], StateShape);
        first.SetInput<float>(SileroVad.Input, SileroVad.Noise(1), ChunkShape);
        first.SetInput(SileroVad.Sr, [SileroVad.SampleRate], ReadOnlySpan<long>.Empty);
        first.Run();
        var firstOutput = first.GetOutput<float>(SileroVad.StateN).ToArray();
        var secondProbabilities = Stream(second, i => SileroVad.Sine(440, i), 3);
        Assert.Equal(firstOutput, first.GetOutput<float>(SileroVad.StateN).ToArray());
        Assert.True(secondProbabilities.All(float.IsFinite));

        var sharedSession = first.InferenceSession;
        first.Dispose();
        Stream(second, i => SileroVad.Sine(440, i), 2);   // still alive for the second user
        second.Dispose();
        using var third = SileroVad.Open(shared);
        Assert.NotSame(sharedSession, third.InferenceSession);
        Stream(third, i => SileroVad.Sine(440, i), 2);
    }

    [Fact]
    public async Task ShareSession_InstancesRunOnDifferentThreadsAtOnce()
    {
        using var alone = SileroVad.Open();
        var expectedSine = Stream(alone, i => SileroVad.Sine(440, i), 20);
        var expectedNoise = Stream(alone, i => SileroVad.Noise(i), 20);

        var options = new ModelOptions { ShareSession = true };
        using var a = SileroVad.Open(options);
        using var b = SileroVad.Open(options);
        Assert.Same(a.InferenceSession, b.InferenceSession);
        var sine = Task.Run(() => Stream(a, i => SileroVad.Sine(440, i), 20));
        var noise = Task.Run(() => Stream(b, i => SileroVad.Noise(i), 20));
        Assert.Equal(expectedSine, await sine);
        Assert.Equal(expectedNoise, await noise);
    }

    [Fact]
    public void Dispose_IsIdempotentAndLaterUseThrows()
    {
        var session = SileroVad.Open();
        Stream(session, i => SileroVad.Sine(440, i), 1);
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.SetInput<float>(SileroVad.Input, new float[512], ChunkShape));
        var disposed = Assert.Throws<ObjectDisposedException>(session.Run);
        // Named after the model (the generated class), not the engine behind it.
        Assert.Equal(SileroVad.Info.Name, disposed.ObjectName);
        Assert.Contains("'" + SileroVad.Info.Name + "'", disposed.Message);
        Assert.DoesNotContain("ModelSession", disposed.Message);
        Assert.Throws<ObjectDisposedException>(() => session.GetOutput<float>(SileroVad.Output));
        Assert.Throws<ObjectDisposedException>(() => session.GetOutputShape(SileroVad.Output));
        Assert.Throws<ObjectDisposedException>(() => session.GetStringOutput(SileroVad.Output));
        Assert.Same(SileroVad.Info, session.Info);
    }

    [Fact]
    public void Options_ThreadsOptimizationAndHookAreApplied()
    {
        SessionOptions? seen = null;
        using var session = SileroVad.Open(new ModelOptions
        {
            IntraOpThreads = 1,
            InterOpThreads = 2,
            OptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            ConfigureSession = o => seen = o,
        });
        Assert.NotNull(seen);
        Assert.Equal(1, seen!.IntraOpNumThreads);
        Assert.Equal(2, seen.InterOpNumThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_DISABLE_ALL, seen.GraphOptimizationLevel);
        Assert.All(Stream(session, _ => new float[512], 3), p => Assert.InRange(p, 0f, 0.2f));
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda)]
    [InlineData(ExecutionProvider.DirectML)]
    [InlineData(ExecutionProvider.CoreML)]
    public void MissingExecutionProvider_GivesAClearError(ExecutionProvider provider)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SileroVad.Open(new ModelOptions { ExecutionProvider = provider }));
        log.WriteLine(e.Message);
        Assert.Contains("SileroVad", e.Message);
        Assert.Contains(provider.ToString(), e.Message);
        Assert.Contains("ExecutionProvider.Cpu", e.Message);
    }

    [Fact]
    public void InfoThatDoesNotMatchTheModel_IsRejectedAtOpen()
    {
        var info = new ModelInfo("SileroVad", "test", null, "x", "x", null, null, null,
            [
                new TensorSignature("audio", TensorElementKind.Float, [-1, -1], null, null),
                new TensorSignature("state", TensorElementKind.Float, [2, -1, 128], null, null),
                new TensorSignature("sr", TensorElementKind.Int64, [], null, null),
            ],
            [new TensorSignature("output", TensorElementKind.Float, [-1, 1], null, null)]);
        var e = Assert.Throws<InvalidOperationException>(() => ModelSession.Open(info, ModelLocation.File(SileroVad.ModelPath), null));
        Assert.Contains("'audio'", e.Message);
        Assert.Contains("rebuild", e.Message);

        var wrongType = new ModelInfo("SileroVad", "test", null, "x", "x", null, null, null,
            [
                new TensorSignature("input", TensorElementKind.Float, [-1, -1], null, null),
                new TensorSignature("state", TensorElementKind.Float, [2, -1, 128], null, null),
                new TensorSignature("sr", TensorElementKind.Int32, [], null, null),
            ],
            [new TensorSignature("output", TensorElementKind.Float, [-1, 1], null, null)]);
        Assert.Contains("'sr'", Assert.Throws<InvalidOperationException>(
            () => ModelSession.Open(wrongType, ModelLocation.File(SileroVad.ModelPath), null)).Message);
    }

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
