using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref why &lt;name|handle&gt;</c>: which projects and items bring a model, and which lock entries pin it.</summary>
public static class WhyCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The model's generated type name (SileroVad), its handle, or the Include as written; a part of a handle matches too." };
        var project = CliApp.ProjectOption();
        var command = new Command("why", "Show which projects and ModelReference items bring a model, the file that declares each, and the lock entry that pins it. Exit 0, or 3 when no project references it.");
        command.Arguments.Add(model);
        command.Options.Add(project);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var query = parse.GetValue(model)!.Trim();
            var (located, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(project), ct);
            var matches = projects.SelectMany(p => p.Models.Select(m => (Project: p, Model: m))).Where(x => Exact(x.Model, query)).ToList();
            if (matches.Count == 0)
                matches = projects.SelectMany(p => p.Models.Select(m => (Project: p, Model: m)))
                    .Where(x => x.Model.HandleText.Contains(query, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
                throw new CliException(ExitCodes.InputError,
                    $"No ModelReference in {located.Path} is named or matches '{query}'. `modelref list` shows the models each project references.");

            if (terminal.IsJson)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["query"] = query,
                    ["matches"] = new JsonArray(matches.Select(x => (JsonNode)new JsonObject
                    {
                        ["project"] = x.Project.FullPath,
                        ["definedIn"] = x.Model.DefiningFile,
                        ["line"] = ItemLine(x.Model),
                        ["lockFile"] = x.Project.LockFilePath,
                        ["model"] = ListCommand.ModelJson(x.Project, x.Model),
                    }).ToArray()),
                });
                return ExitCodes.Success;
            }
            foreach (var (p, m) in matches)
            {
                terminal.Markup($"[bold]{Markup.Escape(m.Name)}[/] ({Markup.Escape(m.HandleText)})");
                terminal.Line($"  project:     {p.FullPath}");
                var line = ItemLine(m);
                terminal.Line($"  declared in: {m.DefiningFile}{(line > 0 ? ":" + line : "")}");
                terminal.Line($"  item:        <ModelReference Include=\"{m.Item.Include}\" />");
                if (m.Locked is { } locked)
                {
                    terminal.Line($"  pinned by:   {p.LockFilePath}");
                    terminal.Line($"  resolved:    {locked.Resolved}");
                    terminal.Line($"  SHA-256:     {locked.Sha256}");
                }
                else
                    terminal.Line($"  pinned by:   nothing yet ({p.LockFilePath} has no entry; `dotnet build` adds it)");
                terminal.Line();
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool Exact(ProjectModel model, string query) =>
        string.Equals(model.Name, query, StringComparison.OrdinalIgnoreCase)
        || string.Equals(model.HandleText, query, StringComparison.Ordinal)
        || string.Equals(model.Item.Include.Trim(), query, StringComparison.Ordinal);

    /// <summary>The item's line in the file that declares it (the first Include attribute with its text), 0 when not found.</summary>
    private static int ItemLine(ProjectModel model) => ProjectFileEdit.FindInclude(model.DefiningFile, model.Item.Include)?.Line ?? 0;
}
