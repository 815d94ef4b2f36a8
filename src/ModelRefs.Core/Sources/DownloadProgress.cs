using System.Diagnostics;

namespace ModelRefs.Core.Sources;

/// <summary>
/// What a user sees of one download at the build's default verbosity (<see cref="FetchContext.Progress"/>):
/// nothing for a download that ends within <see cref="DownloadOptions.ProgressDelay"/>; after that one
/// line naming the model and its size, then one line per <see cref="DownloadOptions.ProgressInterval"/>
/// (also while the server sends nothing), and one line when it ends. A timer reports, so a stalled
/// body is reported too; every call is under one lock, so restores running in parallel and the
/// timer's thread never interleave half a state. Dispose (awaited) before the task returns: no line
/// is written after it.
/// </summary>
internal sealed class DownloadProgress : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly string _model;
    private readonly Action<string> _sink;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _timer;
    private long _bytes;
    private long? _total;
    private readonly TimeSpan _interval;
    private TimeSpan _lastLine;
    private bool _announced;
    private bool _done;

    public DownloadProgress(string model, FetchContext context)
    {
        _model = model;
        _sink = context.Progress ?? context.Log;
        var options = context.Download;
        _interval = options.ProgressInterval;
        _timer = new Timer(_ => Tick(), null, options.ProgressDelay, options.ProgressInterval);
    }

    /// <summary>Bytes held so far and the full size when known (resumed downloads count what they had).</summary>
    public void Report(long bytes, long? total)
    {
        lock (_gate)
        {
            _bytes = bytes;
            _total = total;
        }
    }

    /// <summary>The download ended with its content verified: one closing line if it was announced.</summary>
    public void Completed(long bytes)
    {
        lock (_gate)
        {
            if (_done)
                return;
            _done = true;
            if (_announced)
                _sink($"{DownloadProgressLine.DonePrefix}{_model}: {Size(bytes)} in {_clock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            // A busy thread pool can run late ticks back to back: one line per interval all the same.
            if (_done || (_announced && _clock.Elapsed - _lastLine < _interval * 0.8))
                return;
            _lastLine = _clock.Elapsed;
            if (!_announced)
            {
                _announced = true;
                _sink($"{DownloadProgressLine.Prefix}{_model}" + (_total is { } size ? $" ({Size(size)})" : " (size not announced by the server)") + $": {Done()}");
            }
            else
                _sink($"{DownloadProgressLine.Prefix}{_model}: {Done()}");
        }
    }

    private string Done()
    {
        var rate = _clock.Elapsed.TotalSeconds > 0 ? _bytes / _clock.Elapsed.TotalSeconds : 0;
        return _total is { } all && all > 0
            ? $"{Size(_bytes)} of {Size(all)} ({100.0 * _bytes / all:0} %), {Size((long)rate)}/s"
            : $"{Size(_bytes)}, {Size((long)rate)}/s";
    }

    public static string Size(long bytes) =>
        bytes >= 10L << 30 ? $"{bytes >> 30} GB" : bytes >= 1L << 30 ? $"{bytes / 1073741824.0:0.0} GB"
        : bytes >= 10L << 20 ? $"{bytes >> 20} MB" : bytes >= 1L << 20 ? $"{bytes / 1048576.0:0.0} MB" : $"{bytes >> 10} KB";

    public async ValueTask DisposeAsync()
    {
        // Waits for a tick under way, so no line follows the download's end.
        await _timer.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
            _done = true;
    }
}

/// <summary>
/// A progress line of <see cref="DownloadProgress"/> read back, for a host that sees the build's
/// output only (<c>modelref update</c> draws its progress bars from a child build's lines).
/// </summary>
/// <param name="Model">The model's handle text, as the line names it.</param>
/// <param name="Percent">How much is done, 0–100; null when the server announced no size.</param>
/// <param name="Done">The closing line: the download ended, verified.</param>
public sealed record DownloadProgressLine(string Model, int? Percent, bool Done)
{
    internal const string Prefix = "ModelRefs: downloading ";
    internal const string DonePrefix = "ModelRefs: downloaded ";

    /// <summary>The progress line in <paramref name="line"/> (leading logger indentation allowed); null for any other line.</summary>
    public static DownloadProgressLine? TryParse(string line)
    {
        var text = line.Trim();
        var done = text.StartsWith(DonePrefix, StringComparison.Ordinal);
        if (!done && !text.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var rest = text[(done ? DonePrefix : Prefix).Length..];
        // Handles hold ':' but not ": "; the counts after the last ": " hold none.
        var colon = rest.LastIndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0)
            return null;
        var model = rest[..colon];
        var size = model.LastIndexOf(" (", StringComparison.Ordinal);
        if (size > 0 && model.EndsWith(')'))
            model = model[..size];
        int? percent = done ? 100 : null;
        var counts = rest[(colon + 2)..];
        var open = counts.IndexOf('(');
        var close = counts.IndexOf(" %)", StringComparison.Ordinal);
        if (!done && open >= 0 && close > open
            && int.TryParse(counts.AsSpan(open + 1, close - open - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p))
            percent = Math.Clamp(p, 0, 100);
        return new DownloadProgressLine(model, percent, done);
    }
}
