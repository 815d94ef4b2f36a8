using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref outdated</c>: newer versions per model, from each source (Core's <see cref="ModelSources.GetVersionsAsync"/>).</summary>
public static class OutdatedCommand
{
    public sealed record Row(EvaluatedProject Project, ProjectModel Model, ModelVersions? Versions, string? Error);

    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var command = new Command("outdated", "Show, per model, the newer versions its source has, like `dotnet list package --outdated`: npm (the packument's versions and latest), " +
            "TF Hub (the latest version), PyTorch Hub and Hugging Face (the commit the tag, branch or revision points at now, against the locked one), " +
            "OCI registries (newer version tags from the tag list; a tag such as latest: whether it names another manifest than the lock pins); " +
            "sources without versions (URLs, local files) say so. Exit 0; 4 when a source could not be asked; 3 when a project cannot be read.");
        command.Arguments.Add(path);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            var rows = new List<Row>();
            foreach (var project in projects)
            {
                project.RequireReadableLock();
                foreach (var model in project.Models)
                    rows.Add(await CheckAsync(project, model, ct));
            }
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject
                {
                    ["models"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["project"] = r.Project.FullPath,
                        ["name"] = r.Model.Name,
                        ["handle"] = r.Model.HandleText,
                        ["current"] = r.Versions?.Current,
                        ["latest"] = r.Versions?.Latest,
                        ["newer"] = new JsonArray((r.Versions?.Newer ?? []).Select(v => (JsonNode)v).ToArray()),
                        ["outdated"] = r.Versions?.IsOutdated ?? false,
                        ["note"] = r.Versions?.Note,
                        ["error"] = r.Error,
                    }).ToArray()),
                });
            else
            {
                var table = Terminal.NewTable("Model", "Current", "Latest", "Newer");
                foreach (var r in rows)
                    table.AddRow(
                        new Markup($"{Markup.Escape(r.Model.Name)}\n[dim]{Markup.Escape(r.Project.Name)}[/]"),
                        new Markup(Markup.Escape(Terminal.ShortHash(r.Versions?.Current) is { Length: > 0 } current ? current : "-")),
                        new Markup(r.Versions?.IsOutdated == true ? $"[yellow]{Markup.Escape(Terminal.ShortHash(r.Versions.Latest ?? r.Versions.Newer[^1]))}[/]" : Markup.Escape(Terminal.ShortHash(r.Versions?.Latest) is { Length: > 0 } latest ? latest : "-")),
                        new Markup(r.Error is not null ? $"[red]{Markup.Escape(r.Error)}[/]"
                            : r.Versions!.IsOutdated ? Markup.Escape(string.Join(", ", r.Versions.Newer.TakeLast(5).Select(Terminal.ShortHash)) + (r.Versions.Newer.Count > 5 ? $" ({r.Versions.Newer.Count} newer)" : ""))
                            : r.Versions.Note is { } note ? $"[dim]{Markup.Escape(note)}[/]"
                            : "[green]up to date[/]"));
                terminal.Out.Write(table);
                var outdated = rows.Count(r => r.Versions?.IsOutdated == true);
                terminal.Line(outdated == 0 ? "Every model is up to date." : $"{outdated} model(s) have newer versions: `modelref update <handle>` or `modelref update --all`.");
            }
            return rows.Any(r => r.Error is not null) ? ExitCodes.SourceError : ExitCodes.Success;
        }));
        return command;
    }

    public static async Task<Row> CheckAsync(EvaluatedProject project, ProjectModel model, CancellationToken cancellationToken)
    {
        if (model.Handle is null)
            // hf: and oci: handles are parsed only by versions that support them.
            return new Row(project, model, ModelVersions.Unversioned(model.HandleProblem ?? "not a valid handle"), null);
        try
        {
            var versions = await ModelSources.Default.GetVersionsAsync(model.Handle, SourceClient.ContextFor(project, model), cancellationToken);
            // The lock may pin another version than the handle names (a handle without one): it is the current one.
            var current = model.Handle.Provenance(model.Locked?.Resolved).Version;
            return new Row(project, model, current is not null && versions.Current is null ? versions with { Current = current } : versions, null);
        }
        catch (ModelRefsException e)
        {
            return new Row(project, model, null, $"{e.Diagnostic.Id}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new Row(project, model, null, $"{model.HandleText}: {e.Message}");
        }
    }
}
