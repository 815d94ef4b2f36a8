using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelRefs.Cli.Tests.Infrastructure;

/// <summary>What one run of the installed tool printed and returned.</summary>
public sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON on stdout:\n" + this);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the installed <c>modelref</c> as a user would: its own process, stdout and stderr apart, no colours.</summary>
public static class Modelref
{
    public static ToolRun Run(PackedTool tool, string workingDirectory, params string[] arguments) =>
        Run(tool, workingDirectory, null, arguments);

    /// <summary>
    /// Runs the tool on a pseudo-terminal (util-linux <c>script</c>), as in a user's shell: progress
    /// bars are drawn. Stdout holds everything the terminal showed, control sequences included.
    /// </summary>
    public static ToolRun RunInTerminal(PackedTool tool, string workingDirectory, params string[] arguments)
    {
        var command = string.Join(' ', arguments.Prepend(tool.Executable).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        return Run("script", workingDirectory, new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color", ["COLUMNS"] = "100" },
            ["-qefc", command, "/dev/null"]);
    }

    public static ToolRun Run(PackedTool tool, string workingDirectory, IDictionary<string, string?>? environment, params string[] arguments) =>
        Run(tool.Executable, workingDirectory, environment, arguments);

    private static ToolRun Run(string executable, string workingDirectory, IDictionary<string, string?>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // The test host runs under `dotnet test`, whose MSBuild variables would leak into the tool's msbuild.
        foreach (var key in info.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
                || key.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["NO_COLOR"] = "1";
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null)
                    info.Environment.Remove(key);
                else
                    info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"modelref {string.Join(' ', arguments)} did not finish in 10 minutes");
        }
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
