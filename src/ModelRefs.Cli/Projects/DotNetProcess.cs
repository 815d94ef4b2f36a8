using System.Diagnostics;
using System.Text;

namespace ModelRefs.Cli.Projects;

/// <summary>Runs the dotnet CLI (MSBuild evaluations, solution listings, restores) and captures its output.</summary>
public static class DotNetProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => (StandardOutput + "\n" + StandardError).Trim();
    }

    /// <param name="onOutputLine">Called with each standard-output line as it arrives (progress), besides capturing it.</param>
    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default,
        Action<string>? onOutputLine = null)
    {
        var start = new ProcessStartInfo(DotNetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new CliException(ExitCodes.InputError, $"Could not run '{start.FileName}' ({e.Message}). modelref needs the .NET SDK on PATH to read projects as MSBuild evaluates them.", e);
        }
        using (process)
        {
            var stdout = onOutputLine is null
                ? process.StandardOutput.ReadToEndAsync(cancellationToken)
                : ReadLinesAsync(process.StandardOutput, onOutputLine, cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }

    private static async Task<string> ReadLinesAsync(StreamReader reader, Action<string> onLine, CancellationToken cancellationToken)
    {
        var all = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            all.Append(line).Append('\n');
            onLine(line);
        }
        return all.ToString();
    }

    /// <summary>The dotnet host that runs this tool when it is one (a tool runs under it), else dotnet on PATH.</summary>
    private static string DotNetHost()
    {
        var root = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(root) && File.Exists(root))
            return root;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? current : "dotnet";
    }
}
