using System.CommandLine;
using ModelRefs.Cli.Commands;
using ModelRefs.Cli.Output;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Cli;

/// <summary>The <c>modelref</c> command line: one subcommand per job, each a thin shell over ModelRefs.Core.</summary>
public static class CliApp
{
    public static readonly Option<OutputFormat> FormatOption = new("--format")
    {
        Description = "Output format: table (for people) or json (for scripts).",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("modelref: the models of ModelRefs projects, as a package manager shows packages. " +
            "Exit codes: 0 ok, 1 findings (licence violation, audit finding, damaged cache file), 2 bad command line, " +
            "3 unreadable input (project, solution, lock), 4 a hub or restore failed, 70 unexpected error.");
        root.Options.Add(FormatOption);
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(OutdatedCommand.Create());
        root.Subcommands.Add(UpdateCommand.Create());
        root.Subcommands.Add(WhyCommand.Create());
        root.Subcommands.Add(LicensesCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        root.Subcommands.Add(BomCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(MirrorCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine("modelref: " + error.Message);
            Console.Error.WriteLine("Run 'modelref --help' (or 'modelref <command> --help') for the commands and their options.");
            return ExitCodes.UsageError;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancel.Token);
    }

    /// <summary>
    /// Wraps a command's work: expected failures become their message on stderr and their exit
    /// code; anything else is a bug, reported with its stack trace and exit code 70, never an
    /// unhandled crash.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, Terminal, CancellationToken, Task<int>> work) =>
        async (parse, cancellationToken) =>
        {
            var terminal = new Terminal(parse.GetValue(FormatOption));
            try
            {
                return await work(parse, terminal, cancellationToken);
            }
            catch (CliException e)
            {
                terminal.Error.WriteLine("modelref: " + e.Message);
                return e.ExitCode;
            }
            catch (ModelRefsException e)
            {
                terminal.Error.WriteLine($"modelref: {e.Diagnostic.Id}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                terminal.Error.WriteLine("modelref: cancelled.");
                return ExitCodes.InternalError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // This machine's file system (a folder that is a file, no permission, a full disk), not a bug.
                terminal.Error.WriteLine($"modelref: {RestoreDiagnostics.FileAccessFailed.Id}: a file or folder could not be written or read: {e.Message} " +
                    "Check that the path it names is one you can write to, on a disk with free space.");
                return ExitCodes.InputError;
            }
            catch (Exception e)
            {
                terminal.Error.WriteLine("modelref: unexpected error (please report it at https://github.com/modelrefs/modelrefs/issues with the command you ran):");
                terminal.Error.WriteLine(e.ToString());
                return ExitCodes.InternalError;
            }
        };

    /// <summary>The optional <c>[path]</c> argument: a project, a solution or a folder; default the current folder.</summary>
    public static Argument<string?> PathArgument()
    {
        var argument = new Argument<string?>("path")
        {
            Description = "A project file, a solution (.sln, .slnx) or a folder holding one. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        // An unknown option would otherwise be taken for the path.
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
                result.AddError($"Unrecognized option '{token.Value}'.");
        });
        return argument;
    }

    /// <summary><c>--project</c>, for commands whose positional argument is a model.</summary>
    public static Option<string?> ProjectOption() => new("--project", "-p")
    {
        Description = "A project file, a solution (.sln, .slnx) or a folder holding one. Default: the current folder.",
    };
}
