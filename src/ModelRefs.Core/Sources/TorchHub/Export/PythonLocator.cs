using System.ComponentModel;
using System.Diagnostics;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>A Python interpreter that can import torch, and the versions that go into export cache keys.</summary>
public sealed record PythonInterpreter(string Path, string PythonVersion, string TorchVersion);

/// <summary>
/// Finds the interpreter for exports: <c>ModelRefsPython</c> when set; otherwise the first
/// <c>python3</c> on PATH that has torch, then <c>/usr/bin/python3</c> (Debian's python3-torch is
/// only visible to the system interpreter). The probe reads torch's installed version without
/// importing it (a fraction of a second), so a cached export costs no torch import.
/// </summary>
public static class PythonLocator
{
    private const string ProbeScript =
        "import sys, importlib.util as u\n" +
        "if u.find_spec('torch') is None:\n    print('no-torch'); sys.exit(3)\n" +
        "try:\n    import importlib.metadata as m; v = m.version('torch')\n" +
        "except Exception:\n    import torch; v = torch.__version__\n" +
        "print(sys.version.split()[0]); print(v)\n";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Throws MR0022 (Python missing, torch missing) with what to install or set.</summary>
    public static PythonInterpreter Find(string modelText, string? configured, string? pathVariable = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = configured.Trim();
            var probe = Probe(path);
            return probe.Kind switch
            {
                ProbeKind.Ok => probe.Interpreter!,
                ProbeKind.NotStarted => throw Failed(modelText,
                    $"the Python interpreter '{path}' set in ModelRefsPython could not be started ({probe.Detail}). Set ModelRefsPython to " +
                    "the full path of a python3 that has torch (e.g. /usr/bin/python3), or remove it to use the first python3 on PATH that has torch."),
                ProbeKind.NoTorch => throw Failed(modelText, $"the Python interpreter '{path}' set in ModelRefsPython cannot import torch. " + InstallTorch(path)),
                _ => throw Failed(modelText, $"the Python interpreter '{path}' set in ModelRefsPython failed to start: {probe.Detail}"),
            };
        }

        var candidates = Candidates(pathVariable ?? Environment.GetEnvironmentVariable("PATH")).ToList();
        var withoutTorch = new List<string>();
        foreach (var candidate in candidates)
        {
            var probe = Probe(candidate);
            if (probe.Kind == ProbeKind.Ok)
                return probe.Interpreter!;
            if (probe.Kind == ProbeKind.NoTorch)
                withoutTorch.Add(candidate);
        }
        if (withoutTorch.Count == 0)
            throw Failed(modelText,
                "no Python interpreter was found: exporting a torchhub model runs torch.onnx.export in Python 3. Install Python 3 with torch " +
                "(Debian/Ubuntu: apt-get install python3-torch; elsewhere: pip install torch), or set ModelRefsPython to the full path of " +
                "a python3 that has torch.");
        throw Failed(modelText, $"none of the Python interpreters found ({string.Join(", ", withoutTorch)}) can import torch. " + InstallTorch(withoutTorch[0]));
    }

    private static string InstallTorch(string python) =>
        "Install torch for it (Debian/Ubuntu: apt-get install python3-torch, for /usr/bin/python3; otherwise: " +
        $"{python} -m pip install torch), or set ModelRefsPython to the full path of a python3 that has torch.";

    /// <summary>Each <c>python3</c> on PATH (in order), then /usr/bin/python3.</summary>
    internal static IEnumerable<string> Candidates(string? pathVariable)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = OperatingSystem.IsWindows() ? new[] { "python3.exe", "python.exe" } : ["python3"];
        foreach (var directory in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                string full;
                try { full = Path.GetFullPath(Path.Combine(directory.Trim('"'), name)); }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { continue; }
                if (File.Exists(full) && seen.Add(full))
                    yield return full;
            }
        if (!OperatingSystem.IsWindows() && File.Exists("/usr/bin/python3") && seen.Add("/usr/bin/python3"))
            yield return "/usr/bin/python3";
    }

    private enum ProbeKind { Ok, NotStarted, NoTorch, Failed }

    private sealed record ProbeResult(ProbeKind Kind, PythonInterpreter? Interpreter, string Detail);

    private static ProbeResult Probe(string python)
    {
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ProbeScript);
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        try
        {
            using var process = Process.Start(info)!;
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return new ProbeResult(ProbeKind.Failed, null, $"it did not answer within {ProbeTimeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (process.ExitCode == 3)
                return new ProbeResult(ProbeKind.NoTorch, null, "no torch");
            if (process.ExitCode != 0 || lines.Length < 2)
                return new ProbeResult(ProbeKind.Failed, null, $"exit code {process.ExitCode}: {TorchExporter.Tail(stderr.Result, 800)}");
            return new ProbeResult(ProbeKind.Ok, new PythonInterpreter(python, lines[^2], lines[^1]), "");
        }
        catch (Exception e) when (e is Win32Exception or FileNotFoundException or InvalidOperationException or IOException)
        {
            return new ProbeResult(ProbeKind.NotStarted, null, e.Message);
        }
    }

    internal static ModelRefsException Failed(string modelText, string what, Exception? inner = null) =>
        new(RestoreDiagnostics.ExportFailed, $"Model '{modelText}': {what}", inner);
}
