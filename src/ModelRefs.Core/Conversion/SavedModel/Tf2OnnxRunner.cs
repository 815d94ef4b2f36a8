using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace ModelRefs.Core.Conversion.SavedModel;

/// <summary>A Python interpreter that has tf2onnx (and TensorFlow), with the versions that go into the converter identity.</summary>
public sealed record Tf2OnnxInterpreter(string Path, string Tf2OnnxVersion, string TensorFlowVersion)
{
    /// <summary>The converter identity recorded in models.lock.json and used in the conversion cache key.</summary>
    public string Identity(long opset) => $"tf2onnx/{Tf2OnnxVersion} (tensorflow {TensorFlowVersion}, opset {opset})";
}

/// <summary>What the search for tf2onnx found: an interpreter, or why there is none.</summary>
public sealed record Tf2OnnxProbe(Tf2OnnxInterpreter? Interpreter, IReadOnlyList<string> Tried, string? Problem);

/// <summary>
/// Runs <c>python -m tf2onnx.convert --saved-model … --output … --opset …</c>. The interpreter is
/// <c>ModelRefsPython</c> when set, else the first of <c>python3</c> on PATH and <c>/usr/bin/python3</c>
/// that has both tf2onnx and tensorflow. The probe reads installed versions without importing them.
/// </summary>
public static class Tf2OnnxRunner
{
    private const string ProbeScript =
        "import sys, importlib.util as u\n" +
        "missing = [m for m in ('tf2onnx', 'tensorflow') if u.find_spec(m) is None]\n" +
        "if missing:\n    print('missing ' + ' '.join(missing)); sys.exit(3)\n" +
        "import importlib.metadata as m\n" +
        "def v(n):\n    try:\n        return m.version(n)\n    except Exception:\n        return 'unknown'\n" +
        "print(v('tf2onnx')); print(v('tensorflow') if v('tensorflow') != 'unknown' else v('tensorflow-cpu'))\n";

    /// <summary>Finds an interpreter with tf2onnx; never throws.</summary>
    public static Tf2OnnxProbe Find(string? configured, string? pathVariable = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
            candidates.Add(configured.Trim());
        else
        {
            foreach (var folder in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "python.exe" : "python3");
                if (File.Exists(candidate) && !candidates.Contains(candidate))
                    candidates.Add(candidate);
            }
            if (!OperatingSystem.IsWindows() && File.Exists("/usr/bin/python3") && !candidates.Contains("/usr/bin/python3"))
                candidates.Add("/usr/bin/python3");
        }

        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            var (exit, output) = Run(candidate, ["-c", ProbeScript], null, TimeSpan.FromSeconds(60));
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (exit == 0 && lines.Length >= 2)
                return new Tf2OnnxProbe(new Tf2OnnxInterpreter(candidate, lines[^2], lines[^1]), candidates, null);
            problems.Add(exit == 3 && lines.FirstOrDefault(l => l.StartsWith("missing", StringComparison.Ordinal)) is { } missing
                ? $"{candidate}: {missing} (cannot import)"
                : $"{candidate}: {(exit < 0 ? "could not be started" : "failed")} ({Tail(output)})");
        }
        return new Tf2OnnxProbe(null, candidates,
            candidates.Count == 0 ? "no python3 on PATH" : string.Join("; ", problems));
    }

    /// <summary>Converts the SavedModel folder; returns null on success, else tf2onnx's output (its tail).</summary>
    public static string? Convert(Tf2OnnxInterpreter python, string savedModelDirectory, string signatureKey, long opset, string outputPath, TimeSpan timeout)
    {
        var (exit, output) = Run(python.Path,
            ["-m", "tf2onnx.convert", "--saved-model", savedModelDirectory, "--signature_def", signatureKey,
             "--opset", opset.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", outputPath],
            savedModelDirectory, timeout);
        return exit == 0 && File.Exists(outputPath) ? null : $"exit code {exit}: {Tail(output)}";
    }

    private static string Tail(string output)
    {
        var trimmed = output.Trim();
        return trimmed.Length <= 2000 ? trimmed : "…" + trimmed[^2000..];
    }

    private static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        var output = new StringBuilder();
        try
        {
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                return (-2, $"timed out after {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            lock (output)
                return (process.ExitCode, output.ToString());
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return (-1, e.Message);
        }
    }
}
