using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ModelRefs.Benchmarks;

/// <summary>The methods the JIT compiles in this process from now on (the runtime's own events), to see what a fresh process pays for.</summary>
internal sealed class JitListener : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;

    public ConcurrentQueue<string> Methods { get; } = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName == "MethodJittingStarted_V1" && e.Payload is { } payload && e.PayloadNames is { } names)
            Methods.Enqueue($"{payload[names.IndexOf("MethodNamespace")]}::{payload[names.IndexOf("MethodName")]}");
    }
}
