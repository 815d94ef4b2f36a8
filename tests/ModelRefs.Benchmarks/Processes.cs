using System.Diagnostics;

namespace ModelRefs.Benchmarks;

/// <summary>Runs the tools the benchmarks time (dotnet, curl, sha256sum) and fails loudly when one fails.</summary>
internal static class Processes
{
    /// <summary>Runs <paramref name="file"/> to its end and returns its standard output; MSBuild node reuse is off so that every build starts cold alike.</summary>
    public static string Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
