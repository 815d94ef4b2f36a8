using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref list [path]</c>: every model of every project, with its lock entry and where it is cached.</summary>
public static class ListCommand
{
    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var command = new Command("list", "List every model per project: handle, resolved version or revision, licence and where it was read, size, SHA-256 and where it is cached. Exit 0, or 3 when a project or its lock cannot be read.");
        command.Arguments.Add(path);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            foreach (var project in projects)
                project.RequireReadableLock();
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject { ["projects"] = new JsonArray(projects.Select(p => (JsonNode)ToJson(p)).ToArray()) });
            else
                foreach (var project in projects)
                    Render(terminal, project);
            return ExitCodes.Success;
        }));
        return command;
    }

    public static JsonObject ToJson(EvaluatedProject project) => new()
    {
        ["project"] = project.FullPath,
        ["lockFile"] = project.LockFilePath,
        ["cacheRoot"] = project.Cache.Root,
        ["models"] = new JsonArray(project.Models.Select(m => (JsonNode)ModelJson(project, m)).ToArray()),
    };

    public static JsonObject ModelJson(EvaluatedProject project, ProjectModel model)
    {
        var locked = model.Locked;
        var provenance = model.Handle?.Provenance(locked?.Resolved);
        var cachePath = CachePath(project, model);
        return new JsonObject
        {
            ["name"] = model.Name,
            ["include"] = model.Item.Include,
            ["handle"] = model.HandleText,
            ["scheme"] = model.Handle?.Scheme,
            ["definedIn"] = model.DefiningFile,
            ["problem"] = model.HandleProblem,
            ["locked"] = locked is not null,
            ["resolved"] = locked?.Resolved,
            ["version"] = provenance?.Version,
            ["sha256"] = locked?.Sha256,
            ["onnxSha256"] = locked?.OnnxSha256,
            ["size"] = locked?.Size,
            ["license"] = locked?.License,
            ["licenseSource"] = locked?.LicenseSource,
            ["converter"] = locked?.Converter,
            ["cached"] = cachePath is not null,
            ["cachePath"] = cachePath,
        };
    }

    /// <summary>The file that runs, when it is on disk: the cache's blob of the lock's ONNX hash, or a local model file.</summary>
    public static string? CachePath(EvaluatedProject project, ProjectModel model)
    {
        if (model.Handle?.LocalFilePath is { } local)
            return File.Exists(local) ? local : null;
        if (model.Locked is not { } locked)
            return null;
        return project.Cache.ContainsBlob(locked.OnnxSha256) ? project.Cache.GetBlobPath(locked.OnnxSha256) : null;
    }

    private static void Render(Terminal terminal, EvaluatedProject project)
    {
        terminal.Markup($"[bold]{Markup.Escape(project.FullPath)}[/]");
        if (project.Models.Count == 0)
        {
            terminal.Line("  no ModelReference items");
            terminal.Line();
            return;
        }
        var table = Terminal.NewTable("Model", "Version", "Licence", "Size", "SHA-256");
        foreach (var model in project.Models)
        {
            var locked = model.Locked;
            var state = model.HandleProblem is not null ? "[red]invalid handle[/]"
                : locked is null ? "[yellow]not restored[/]"
                : CachePath(project, model) is null ? "[yellow]not cached[/]" : "cached";
            table.AddRow(
                new Markup($"{Markup.Escape(model.Name)}\n[dim]{Markup.Escape(model.HandleText)}[/]"),
                new Markup(Markup.Escape(model.Handle?.Provenance(locked?.Resolved).Version ?? "-")),
                new Markup(Markup.Escape(locked is null ? "-" : (locked.License ?? "unknown") + (locked.LicenseSource is { } s ? $" ({s})" : ""))),
                new Markup(locked is null ? "-" : Terminal.Size(locked.Size)),
                new Markup($"{Terminal.ShortHash(locked?.OnnxSha256)}\n{state}"));
        }
        terminal.Out.Write(table);
        terminal.Line($"lock: {project.LockFilePath}  cache: {project.Cache.Root}");
        terminal.Line();
    }
}
