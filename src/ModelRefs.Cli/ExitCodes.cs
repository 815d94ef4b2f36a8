namespace ModelRefs.Cli;

/// <summary>The tool's exit codes (docs/cli.md): stable, so that scripts and CI can act on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked and found nothing to report.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found what it checks for: a licence violation, audit findings at or above the threshold, damaged or missing cached files.</summary>
    public const int Findings = 1;

    /// <summary>The command line is not valid (unknown command or option, bad value).</summary>
    public const int UsageError = 2;

    /// <summary>An input could not be read: no project or solution, a project MSBuild cannot evaluate, an unreadable lock, a model the project does not reference; or a file could not be written (MR0080).</summary>
    public const int InputError = 3;

    /// <summary>A hub, registry or restore failed (network, missing version, failed build).</summary>
    public const int SourceError = 4;

    /// <summary>An unexpected error (a bug): the message says where to report it.</summary>
    public const int InternalError = 70;
}

/// <summary>An expected failure: its message names the file or model and what to do; its exit code is one of <see cref="ExitCodes"/>.</summary>
public sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
