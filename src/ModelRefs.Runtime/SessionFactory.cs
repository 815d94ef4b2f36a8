using Microsoft.ML.OnnxRuntime;

namespace ModelRefs.Runtime;

/// <summary>Identifies a session that can be shared: same model bytes, same options.</summary>
internal readonly record struct SessionKey(
    string Location, int? IntraOpThreads, int? InterOpThreads, ExecutionProvider Provider, int DeviceId,
    GraphOptimizationLevel? OptimizationLevel, OrtLoggingLevel LogLevel, Action<SessionOptions>? Configure);

/// <summary>Creates ONNX Runtime sessions from <see cref="ModelOptions"/> and keeps the shared ones, ref-counted.</summary>
internal static class SessionFactory
{
    private static readonly object Gate = new();
    private static readonly Dictionary<SessionKey, SharedEntry> Shared = new();

    private sealed class SharedEntry(InferenceSession session)
    {
        public InferenceSession Session { get; } = session;
        public int References;
    }

    public static SessionKey KeyOf(ModelLocation location, ModelOptions options) =>
        new(location.Key, options.IntraOpThreads, options.InterOpThreads, options.ExecutionProvider, options.DeviceId,
            options.OptimizationLevel, options.LogLevel, options.ConfigureSession);

    /// <summary>Number of live shared sessions (for tests).</summary>
    internal static int SharedCount
    {
        get
        {
            lock (Gate)
                return Shared.Count;
        }
    }

    public static InferenceSession AcquireShared(SessionKey key, ModelInfo info, ModelLocation location, ModelOptions options)
    {
        // Creating under the lock is simple and keeps two first users from loading the model twice.
        lock (Gate)
        {
            if (!Shared.TryGetValue(key, out var entry))
            {
                entry = new SharedEntry(Create(info, location, options));
                Shared.Add(key, entry);
            }
            entry.References++;
            return entry.Session;
        }
    }

    public static void ReleaseShared(SessionKey key)
    {
        InferenceSession? toDispose = null;
        lock (Gate)
        {
            if (Shared.TryGetValue(key, out var entry) && --entry.References == 0)
            {
                Shared.Remove(key);
                toDispose = entry.Session;
            }
        }
        toDispose?.Dispose();
    }

    public static InferenceSession Create(ModelInfo info, ModelLocation location, ModelOptions options)
    {
        using var sessionOptions = CreateOptions(info, options);
        return location.CreateSession(info, sessionOptions);
    }

    private static SessionOptions CreateOptions(ModelInfo info, ModelOptions options)
    {
        var sessionOptions = new SessionOptions();
        try
        {
            if (options.IntraOpThreads is int intra)
                sessionOptions.IntraOpNumThreads = intra;
            if (options.InterOpThreads is int inter)
            {
                sessionOptions.InterOpNumThreads = inter;
                // Inter-op threads only do anything in parallel execution mode.
                if (inter > 1)
                    sessionOptions.ExecutionMode = ExecutionMode.ORT_PARALLEL;
            }
            if (options.OptimizationLevel is GraphOptimizationLevel level)
                sessionOptions.GraphOptimizationLevel = level;
            sessionOptions.LogSeverityLevel = options.LogLevel;
            AppendProvider(info, options, sessionOptions);
            options.ConfigureSession?.Invoke(sessionOptions);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private static void AppendProvider(ModelInfo info, ModelOptions options, SessionOptions sessionOptions)
    {
        string package = "";
        try
        {
            switch (options.ExecutionProvider)
            {
                case ExecutionProvider.Cpu:
                    return;
                case ExecutionProvider.Cuda:
                    package = "Microsoft.ML.OnnxRuntime.Gpu (with CUDA and cuDNN installed)";
                    sessionOptions.AppendExecutionProvider_CUDA(options.DeviceId);
                    return;
                case ExecutionProvider.DirectML:
                    package = "Microsoft.ML.OnnxRuntime.DirectML (Windows only)";
                    // DirectML supports neither memory patterns nor parallel execution.
                    sessionOptions.EnableMemoryPattern = false;
                    sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                    sessionOptions.AppendExecutionProvider_DML(options.DeviceId);
                    return;
                case ExecutionProvider.CoreML:
                    package = "Microsoft.ML.OnnxRuntime (on macOS or iOS)";
                    sessionOptions.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE);
                    return;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "Unknown execution provider.");
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException)
        {
            throw new InvalidOperationException(
                $"Model '{info.Name}' asked for the {options.ExecutionProvider} execution provider, which is not available in " +
                $"this process's ONNX Runtime ({e.Message.Trim()}). Reference {package} instead of the CPU-only " +
                "Microsoft.ML.OnnxRuntime package, or use ExecutionProvider.Cpu.", e);
        }
    }
}
