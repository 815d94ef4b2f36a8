using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ModelRefs.Cli.Output;

/// <summary>Output formats every command takes with <c>--format</c>.</summary>
public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>
/// Where a command writes: Spectre.Console for people (tables that fit 80 columns when the width
/// is unknown, colours unless <c>NO_COLOR</c> is set or output is redirected, progress bars only
/// on a terminal), plain JSON on stdout for scripts.
/// </summary>
public sealed class Terminal
{
    /// <summary>Width used when stdout is not a terminal (a pipe, a file, a CI log).</summary>
    public const int DefaultWidth = 80;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public Terminal(OutputFormat format, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        Format = format;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var redirected = stdout is not null || Console.IsOutputRedirected;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout ?? Console.Out),
            ColorSystem = noColor || redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Ansi = noColor || redirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
            Out.Profile.Width = DefaultWidth;
        else
            Out.Profile.Width = Math.Max(40, Out.Profile.Width);
        Error = stderr ?? Console.Error;
        IsInteractive = !redirected && !Console.IsErrorRedirected;
    }

    public OutputFormat Format { get; }

    public bool IsJson => Format == OutputFormat.Json;

    /// <summary>The console for tables and messages (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Warnings and errors (stderr), plain text.</summary>
    public TextWriter Error { get; }

    /// <summary>True when progress bars may be drawn.</summary>
    public bool IsInteractive { get; }

    public void WriteJson(JsonNode node) => Out.Profile.Out.Writer.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>A line of plain text (markup-escaped).</summary>
    public void Line(string text = "") => Out.WriteLine(text);

    /// <summary>A line with Spectre markup: callers escape values with <see cref="Markup.Escape"/>.</summary>
    public void Markup(string markup) => Out.MarkupLine(markup);

    /// <summary>A table that wraps its cells to the console's width instead of spilling past it.</summary>
    public static Table NewTable(params string[] columns)
    {
        var table = new Table { Border = TableBorder.Simple };
        foreach (var column in columns)
            table.AddColumn(new TableColumn(Spectre.Console.Markup.Escape(column)) { NoWrap = false });
        return table;
    }

    /// <summary>Text cut to <paramref name="max"/> characters, keeping its end (a handle's file name says most).</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : "…" + text[^(max - 1)..];

    /// <summary>The first 12 hex digits of a SHA-256, as tables show it (JSON has the full value).</summary>
    public static string ShortHash(string? sha256) => sha256 is { Length: > 12 } ? sha256[..12] : sha256 ?? "";

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };

    /// <summary>Runs work with a progress bar on a terminal, or without one elsewhere (JSON, pipes, CI).</summary>
    public async Task<T> WithProgressAsync<T>(string description, long total, Func<IProgress<long>?, Task<T>> work)
    {
        if (!IsInteractive || IsJson)
            return await work(null);
        T result = default!;
        await Out.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Spectre.Console.Markup.Escape(description), maxValue: Math.Max(1, total));
                result = await work(new Progress<long>(done => task.Value = done));
                task.Value = task.MaxValue;
            });
        return result;
    }
}
