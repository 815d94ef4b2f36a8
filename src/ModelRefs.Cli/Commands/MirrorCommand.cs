using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.Oci;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref mirror --to oci://&lt;registry&gt;/&lt;prefix&gt; [path]</c>: every locked model into a team's OCI mirror (Core's <see cref="OciMirror"/> names, <see cref="OciArtifactPusher"/> pushes).</summary>
public static class MirrorCommand
{
    private sealed record Row(string Project, string Name, string Handle, string? Target, OciPushResult? Result, string? Problem);

    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var to = new Option<string>("--to") { Description = "The mirror: oci://<registry>/<prefix>.", Required = true };
        var chunk = PushCommand.ChunkSizeOption();
        var command = new Command("mirror", "Push every model of the project's (or solution's) lock to an OCI mirror: the ONNX file, its external data, the original a converter read and the licence text, " +
            "as <prefix>/<scheme>/<slug of the handle>:sha256-<ONNX SHA-256>. Builds with ModelRefsMirror set to the same prefix restore from it first; ModelRefsMirrorOnly=true never asks a hub. " +
            "Models already mirrored upload nothing. Restore first: files come from the cache. Exit 0; 3 when a model has no lock entry or is not in the cache; 4 when the registry fails.");
        command.Arguments.Add(path);
        command.Options.Add(to);
        command.Options.Add(chunk);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var mirror = parse.GetValue(to)!;
            (string Registry, string Prefix) prefix;
            try
            {
                prefix = OciMirror.ParsePrefix(mirror, "--to");
            }
            catch (ModelRefsException e)
            {
                throw new CliException(ExitCodes.UsageError, e.Message, e);
            }
            var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            var rows = new List<Row>();
            var done = new Dictionary<string, OciPushResult>(StringComparer.Ordinal);
            OciArtifactPusher? pusher = null;
            foreach (var project in projects)
            {
                project.RequireReadableLock();
                pusher ??= new OciArtifactPusher(SourceClient.Context(project.Cache, project.Settings, PushCommand.Log(terminal))) { ChunkSize = parse.GetValue(chunk) };
                foreach (var model in project.Models)
                {
                    if (model.Handle is null || model.Handle.IsLocalFile)
                        continue; // a project's own files are in its repository, not on a hub
                    if (model.Locked is null)
                    {
                        rows.Add(new Row(project.Name, model.Name, model.HandleText, null, null, $"no entry in {project.LockFilePath}: restore the project first"));
                        continue;
                    }
                    var location = OciMirror.Location(prefix.Registry, prefix.Prefix, model.Handle, model.Locked);
                    if (done.TryGetValue(location.Text, out var already))
                    {
                        rows.Add(new Row(project.Name, model.Name, model.HandleText, location.Text, already, null));
                        continue;
                    }
                    OciModelPackage package;
                    try
                    {
                        package = OciModelPackage.FromLockedModel(model.Handle, model.Name, model.Locked, project.Cache, includeOriginal: true);
                    }
                    catch (ModelRefsException e)
                    {
                        rows.Add(new Row(project.Name, model.Name, model.HandleText, location.Text, null, $"{e.Diagnostic.Id}: {e.Message}"));
                        continue;
                    }
                    var result = await PushCommand.Push(() => pusher.PushAsync(package, location, ct));
                    done[location.Text] = result;
                    rows.Add(new Row(project.Name, model.Name, model.HandleText, location.Text, result, null));
                }
            }
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject
                {
                    ["mirror"] = $"oci://{prefix.Registry}/{prefix.Prefix}",
                    ["models"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["project"] = r.Project,
                        ["name"] = r.Name,
                        ["handle"] = r.Handle,
                        ["target"] = r.Target,
                        ["digest"] = r.Result?.Digest,
                        ["bytesUploaded"] = r.Result?.BytesUploaded,
                        ["error"] = r.Problem,
                    }).ToArray()),
                });
            else
            {
                var table = Terminal.NewTable("Model", "Mirrored as", "Uploaded");
                foreach (var r in rows)
                    table.AddRow(
                        new Markup($"{Markup.Escape(r.Name)}\n[dim]{Markup.Escape(r.Project)}[/]"),
                        new Markup(Markup.Escape(r.Target ?? "-")),
                        new Markup(r.Problem is not null ? $"[red]{Markup.Escape(r.Problem)}[/]"
                            : r.Result!.BytesUploaded == 0 ? "[green]already there[/]" : Markup.Escape(Terminal.Size(r.Result.BytesUploaded))));
                terminal.Out.Write(table);
                var failed = rows.Count(r => r.Problem is not null);
                terminal.Line(failed == 0
                    ? $"{rows.Count} model(s) in the mirror. Build with -p:ModelRefsMirror=oci://{prefix.Registry}/{prefix.Prefix} to restore from it (ModelRefsMirrorOnly=true: never from a hub)."
                    : $"{failed} of {rows.Count} model(s) were not mirrored: restore the project (dotnet build), then run mirror again.");
            }
            return rows.Any(r => r.Problem is not null) ? ExitCodes.InputError : ExitCodes.Success;
        }));
        return command;
    }
}
