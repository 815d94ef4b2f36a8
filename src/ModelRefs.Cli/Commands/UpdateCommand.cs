using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Sources;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary>
/// <c>modelref update</c>: moves a model to a newer (or the given) version by editing its Include
/// in the file that declares it, then refreshes the lock by running the project's restore
/// (<c>dotnet msbuild -restore -t:ModelRefsRestore</c>, the build's own restore). A handle that
/// names a moving ref (a branch, no version, a URL) keeps its Include: only its lock entry is
/// dropped, so the restore resolves it afresh. A failed restore puts every file back.
/// </summary>
public static class UpdateCommand
{
    private sealed record Change(EvaluatedProject Project, ProjectModel Model, string? NewInclude, string Why);

    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "The model to update: its type name, handle or Include. Omit with --all.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Update every model that has a newer version." };
        var version = new Option<string?>("--version") { Description = "The version to move to (default: the latest the source has)." };
        var project = CliApp.ProjectOption();
        var command = new Command("update", "Move a model (or --all) to its latest version, or to --version: edits the Include in the project file, keeping its formatting, " +
            "and refreshes models.lock.json by running the restore. For moving refs (branches, no version, URLs) only the lock entry is re-resolved. " +
            "Exit 0; 2 without a model or --all; 3 when the model or project is not found; 4 when a source or the restore failed (files are put back).");
        command.Arguments.Add(model);
        command.Options.Add(all);
        command.Options.Add(version);
        command.Options.Add(project);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var query = parse.GetValue(model)?.Trim();
            var everything = parse.GetValue(all);
            var wanted = parse.GetValue(version)?.Trim();
            if (query is null == !everything)
                throw new CliException(ExitCodes.UsageError, "Name one model to update (modelref update SileroVad) or pass --all, not both or neither.");
            if (everything && wanted is not null)
                throw new CliException(ExitCodes.UsageError, "--version moves one model; name it: modelref update <model> --version 1.2.3.");

            var (located, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(project), ct);
            var selected = projects.SelectMany(p => p.Models.Select(m => (Project: p, Model: m)))
                .Where(x => everything || Matches(x.Model, query!)).ToList();
            if (selected.Count == 0)
                throw new CliException(ExitCodes.InputError, $"No ModelReference in {located.Path} is named or matches '{query}'. `modelref list` shows the models.");
            foreach (var p in selected.Select(s => s.Project).Distinct())
                p.RequireReadableLock();

            var changes = new List<Change>();
            var unchanged = new List<(ProjectModel Model, string Why)>();
            foreach (var (p, m) in selected)
            {
                if (m.Handle is null)
                {
                    if (!everything)
                        throw new CliException(ExitCodes.InputError, m.HandleProblem!);
                    unchanged.Add((m, m.HandleProblem!));
                    continue;
                }
                var change = await PlanAsync(p, m, wanted, everything, ct);
                if (change is null)
                    unchanged.Add((m, "up to date"));
                else if (change.Why.StartsWith("!", StringComparison.Ordinal))
                    unchanged.Add((m, change.Why[1..]));
                else
                    changes.Add(change);
            }

            if (changes.Count > 0)
                await ApplyAsync(terminal, changes, ct);

            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject
                {
                    ["updated"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject
                    {
                        ["project"] = c.Project.FullPath,
                        ["name"] = c.Model.Name,
                        ["from"] = c.Model.HandleText,
                        ["to"] = c.NewInclude ?? c.Model.HandleText,
                        ["reason"] = c.Why,
                        ["lock"] = LockedJson(c),
                    }).ToArray()),
                    ["unchanged"] = new JsonArray(unchanged.Select(u => (JsonNode)new JsonObject { ["name"] = u.Model.Name, ["handle"] = u.Model.HandleText, ["reason"] = u.Why }).ToArray()),
                });
            else
            {
                foreach (var c in changes)
                    terminal.Line($"{c.Model.Name}: {c.Why}");
                foreach (var (m, why) in unchanged)
                    terminal.Line($"{m.Name}: {why}");
                if (changes.Count > 0)
                    terminal.Line("models.lock.json refreshed; review and commit it with the project file.");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool Matches(ProjectModel model, string query) =>
        string.Equals(model.Name, query, StringComparison.OrdinalIgnoreCase)
        || string.Equals(model.HandleText, query, StringComparison.Ordinal)
        || string.Equals(model.Item.Include.Trim(), query, StringComparison.Ordinal);

    /// <summary>
    /// What to do for one model: a new Include, a lock re-resolution, nothing (null), or a reason
    /// it cannot ("!…"). A handle that names a moving ref (a branch, a tag, no version, a URL
    /// without Sha256) keeps its Include and has its lock entry resolved again; one that names a
    /// version is moved to the newer version.
    /// </summary>
    private static async Task<Change?> PlanAsync(EvaluatedProject project, ProjectModel model, string? wanted, bool everything, CancellationToken ct)
    {
        var handle = model.Handle!;
        if (wanted is not null)
        {
            var moved = ModelSources.Default.WithVersion(handle, wanted);
            return moved.Text != handle.Text ? new Change(project, model, moved.Text, $"{handle.Text} → {moved.Text}")
                : model.Locked is null ? null : new Change(project, model, null, $"{handle.Text}: lock entry re-resolved");
        }
        var row = await OutdatedCommand.CheckAsync(project, model, ct);
        if (row.Error is not null)
            throw new CliException(ExitCodes.SourceError, row.Error);
        var versions = row.Versions!;
        // A moving ref whose target moved (a branch, "latest"), or a source that cannot tell: the lock
        // entry is resolved again and the Include stays. A version tag with newer tags moves to the newest.
        if (handle.MovablePin(model.Item.Metadata) is { } moving && (versions.IsMovedRef || versions.Latest is null))
        {
            if (model.Locked is not null && (versions.IsOutdated || versions.Latest is null))
                return new Change(project, model, null, $"{handle.Text}: lock entry re-resolved ({moving})");
            return null;
        }
        if (versions.IsOutdated)
        {
            var target = versions.Latest is { } latest && versions.Newer.Contains(latest) ? latest : versions.Newer[^1];
            var next = ModelSources.Default.WithVersion(handle, target);
            return new Change(project, model, next.Text, $"{handle.Text} → {next.Text}");
        }
        return versions.Note is { } note && !everything ? new Change(project, model, null, "!" + note) : null;
    }

    private static async Task ApplyAsync(Terminal terminal, IReadOnlyList<Change> changes, CancellationToken ct)
    {
        // Every file this changes, as it was, to put back if the restore fails.
        var originals = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        void Remember(string file)
        {
            if (!originals.ContainsKey(file))
                originals[file] = File.Exists(file) ? File.ReadAllBytes(file) : null;
        }
        try
        {
            foreach (var change in changes)
            {
                if (change.NewInclude is not null)
                {
                    Remember(change.Model.DefiningFile);
                    ProjectFileEdit.ReplaceInclude(change.Model.DefiningFile, change.Model.Item.Include, change.NewInclude);
                }
                else
                {
                    // Drop the entry so that restore resolves the handle afresh.
                    Remember(change.Project.LockFilePath);
                    var current = LockFileFormat.Read(change.Project.LockFilePath) ?? LockFile.Empty;
                    var kept = current.Models.Where(m => m.Key != change.Model.HandleText).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
                    LockFileFormat.WriteIfChanged(change.Project.LockFilePath, new LockFile(kept));
                }
            }
            foreach (var project in changes.Select(c => c.Project).DistinctBy(p => p.FullPath))
            {
                Remember(project.LockFilePath);
                var result = await RestoreAsync(terminal, project, ct);
                if (result.ExitCode != 0)
                    throw new CliException(ExitCodes.SourceError,
                        $"The restore of {project.FullPath} failed, so nothing was changed (the project and lock files are as they were):\n{result.Output}");
            }
        }
        catch
        {
            foreach (var (file, bytes) in originals)
                if (bytes is null)
                    File.Delete(file);
                else
                    File.WriteAllBytes(file, bytes);
            throw;
        }
    }

    /// <summary>
    /// The build's own restore of the project's models (NuGet restore first, so that the ModelRefs
    /// targets are imported). On a terminal, each download the child build announces
    /// (<see cref="DownloadProgressLine"/>, every half second) gets a progress bar.
    /// </summary>
    private static async Task<DotNetProcess.Result> RestoreAsync(Terminal terminal, EvaluatedProject project, CancellationToken ct)
    {
        string[] arguments = ["msbuild", project.FullPath, "-restore", "-t:ModelRefsRestore", "-nologo", "-v:m", "-tl:off", "-p:ModelRefsProgressInterval=0.5"];
        if (!terminal.IsInteractive || terminal.IsJson)
            return await DotNetProcess.RunAsync(project.Directory, arguments, ct);
        DotNetProcess.Result result = null!;
        await terminal.Out.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var restore = context.AddTask(Markup.Escape($"Restoring {project.Name}"), maxValue: 1);
                restore.IsIndeterminate = true;
                var downloads = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                result = await DotNetProcess.RunAsync(project.Directory, arguments, ct, line =>
                {
                    if (DownloadProgressLine.TryParse(line) is not { } progress)
                        return;
                    if (!downloads.TryGetValue(progress.Model, out var task))
                        downloads[progress.Model] = task = context.AddTask(Markup.Escape(Terminal.Shorten(progress.Model, 40)), maxValue: 100);
                    task.IsIndeterminate = progress.Percent is null;
                    if (progress.Percent is { } percent)
                        task.Value = percent;
                });
                foreach (var task in downloads.Values)
                    task.Value = task.MaxValue;
                restore.IsIndeterminate = false;
                restore.Value = restore.MaxValue;
            });
        return result;
    }

    private static JsonNode? LockedJson(Change change)
    {
        var handle = change.NewInclude ?? change.Model.HandleText;
        var entry = LockFileFormat.Read(change.Project.LockFilePath)?.Find(handle);
        return entry is null ? null : new JsonObject { ["resolved"] = entry.Resolved, ["sha256"] = entry.Sha256, ["license"] = entry.License };
    }
}
