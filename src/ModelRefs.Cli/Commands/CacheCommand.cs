using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Caching;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref cache path|list|clear|prune</c>: the shared model cache, through Core's <see cref="ModelCache"/>.</summary>
public static class CacheCommand
{
    public static Option<string?> CacheRootOption() => new("--cache-root")
    {
        Description = "The cache folder. Default: the cache of the project named by --project (its ModelRefsHome), else MODELREFS_HOME, else ~/.modelrefs.",
    };

    /// <summary>The cache a command works on: the option, else the named project's, else Core's default root.</summary>
    public static async Task<ModelCache> ResolveCacheAsync(string? cacheRoot, string? project, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(cacheRoot))
            return new ModelCache(Path.GetFullPath(cacheRoot));
        if (!string.IsNullOrWhiteSpace(project))
        {
            var (_, projects) = await EvaluatedProject.LoadAsync(project, cancellationToken);
            if (projects.Count > 0)
                return projects[0].Cache;
        }
        return new ModelCache();
    }

    public static Command Create()
    {
        var command = new Command("cache", "Show, list, clear or prune the model cache shared by every project on the machine. Exit 0, 2 for a bad age, 3 for an unreadable project.");
        command.Subcommands.Add(Sub("path", "Print the cache folder.", (cache, _, terminal) =>
        {
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject { ["root"] = cache.Root });
            else
                terminal.Line(cache.Root);
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(Sub("list", "List the cached files: size, when a restore last used each, and the models (resolutions) they are.", (cache, _, terminal) => List(cache, terminal)));
        command.Subcommands.Add(Sub("clear", "Delete everything in the cache except what a running restore is fetching (its lock is held).", (cache, _, terminal) =>
            Report(terminal, cache, cache.Clear(), "cleared")));

        var olderThan = new Option<string>("--older-than")
        {
            Description = "Delete files no restore has used for this long: 30d (days), 12h (hours), 90m (minutes), 2w (weeks).",
            DefaultValueFactory = _ => "30d",
        };
        command.Subcommands.Add(Sub("prune", "Delete cached files no restore has used for a while (default 30 days), and files left by killed restores. Safe while restores run.", (cache, parse, terminal) =>
        {
            var text = parse.GetValue(olderThan)!;
            var age = ParseAge(text) ?? throw new CliException(ExitCodes.UsageError,
                $"--older-than '{text}' is not an age. Write a number and a unit: 30d, 12h, 90m or 2w.");
            return Report(terminal, cache, cache.Prune(age), $"pruned (unused for {text})");
        }, olderThan));
        return command;
    }

    private static Command Sub(string name, string description, Func<ModelCache, ParseResult, Terminal, int> run, params Option[] options)
    {
        var cacheRoot = CacheRootOption();
        var project = CliApp.ProjectOption();
        var command = new Command(name, description);
        command.Options.Add(cacheRoot);
        command.Options.Add(project);
        foreach (var option in options)
            command.Options.Add(option);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
            run(await ResolveCacheAsync(parse.GetValue(cacheRoot), parse.GetValue(project), ct), parse, terminal)));
        return command;
    }

    public static TimeSpan? ParseAge(string text)
    {
        text = text.Trim().ToLowerInvariant();
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
            return null;
        return text[^1] switch
        {
            'w' => TimeSpan.FromDays(7 * n),
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            _ => null,
        };
    }

    private static int List(ModelCache cache, Terminal terminal)
    {
        var blobs = cache.EnumerateBlobs();
        var refs = cache.EnumerateRefs().GroupBy(r => r.Sha256).ToDictionary(g => g.Key, g => g.ToList());
        var folders = cache.Layout.ExistingSourceFolders().Select(f => (Path: f, Size: FolderSize(f))).ToList();
        string Describe(CachedBlobInfo blob) => refs.TryGetValue(blob.Sha256, out var named)
            ? string.Join("\n", named.Select(r => r.Resolved ?? r.Key).Distinct().Order(StringComparer.Ordinal))
            : "(no ref)";
        if (terminal.IsJson)
        {
            terminal.WriteJson(new JsonObject
            {
                ["root"] = cache.Root,
                ["totalSize"] = blobs.Sum(b => b.Length) + folders.Sum(f => f.Size),
                ["blobs"] = new JsonArray(blobs.Select(b => (JsonNode)new JsonObject
                {
                    ["sha256"] = b.Sha256,
                    ["path"] = b.Path,
                    ["size"] = b.Length,
                    ["lastUsed"] = b.LastUsedUtc.ToString("O", CultureInfo.InvariantCulture),
                    ["models"] = new JsonArray((refs.GetValueOrDefault(b.Sha256) ?? []).Select(r => (JsonNode)new JsonObject
                    {
                        ["key"] = r.Key,
                        ["resolved"] = r.Resolved,
                        ["license"] = r.License,
                    }).ToArray()),
                }).ToArray()),
                ["folders"] = new JsonArray(folders.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["size"] = f.Size }).ToArray()),
            });
            return ExitCodes.Success;
        }
        terminal.Line(cache.Root);
        var table = Terminal.NewTable("SHA-256", "Size", "Last used", "Model");
        foreach (var blob in blobs)
            table.AddRow(Terminal.ShortHash(blob.Sha256), Terminal.Size(blob.Length), blob.LastUsedUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Markup.Escape(Describe(blob)));
        foreach (var (path, size) in folders)
            table.AddRow(Markup.Escape(Path.GetFileName(path) + "/"), Terminal.Size(size), "-", "(a source's folder)");
        terminal.Out.Write(table);
        terminal.Line($"{blobs.Count} file(s), {Terminal.Size(blobs.Sum(b => b.Length) + folders.Sum(f => f.Size))} in total.");
        return ExitCodes.Success;
    }

    private static long FolderSize(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int Report(Terminal terminal, ModelCache cache, CacheCleanup cleanup, string what)
    {
        if (terminal.IsJson)
            terminal.WriteJson(new JsonObject
            {
                ["root"] = cache.Root,
                ["deleted"] = new JsonArray(cleanup.DeletedBlobs.Select(b => (JsonNode)new JsonObject { ["sha256"] = b.Sha256, ["size"] = b.Length }).ToArray()),
                ["bytesFreed"] = cleanup.BytesFreed,
                ["deletedRefs"] = cleanup.DeletedRefs,
                ["deletedFolders"] = new JsonArray(cleanup.DeletedFolders.Select(f => (JsonNode)f).ToArray()),
                ["deletedTemporaryFiles"] = cleanup.DeletedTemporaryFiles,
                ["inUse"] = new JsonArray(cleanup.InUse.Select(f => (JsonNode)f).ToArray()),
            });
        else
        {
            terminal.Line($"{cache.Root}: {what}: {cleanup.DeletedBlobs.Count} file(s), {Terminal.Size(cleanup.BytesFreed)} freed.");
            foreach (var busy in cleanup.InUse)
                terminal.Line($"  kept, in use: {busy}");
        }
        return ExitCodes.Success;
    }
}
