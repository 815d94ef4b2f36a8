using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref push &lt;model&gt; oci://&lt;registry&gt;/&lt;repository&gt;:&lt;tag&gt;</c>: a model as a CNCF ModelPack artifact (Core's <see cref="OciArtifactPusher"/>).</summary>
public static class PushCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An .onnx file, or a model of the project by its Name (SileroVad) or handle, as its lock entry pins it." };
        var target = new Argument<string>("target") { Description = "oci://<registry>/<repository>:<tag>" };
        var project = CliApp.ProjectOption();
        var name = new Option<string?>("--name") { Description = "For a file: the model's name in the artifact (default: the file name)." };
        var license = new Option<string?>("--license") { Description = "For a file: its licence, an SPDX expression (a project model has its locked licence)." };
        var licenseFile = new Option<string?>("--license-file") { Description = "For a file: a licence text to put in the artifact as LICENSE." };
        var chunk = ChunkSizeOption();
        var command = new Command("push", "Publish a model to an OCI registry as a CNCF ModelPack artifact: its ONNX file, external data files and licence text as layers, " +
            "the licence and provenance (handle, resolved revision, upstream SHA-256, converter) as annotations. Blobs the registry has are not sent again; " +
            "large files go in chunks, and a broken upload is continued. The same model always gives the same manifest digest. " +
            "Credentials as docker/podman/oras keep them ($DOCKER_CONFIG/config.json). Exit 0; 3 when the model cannot be read; 4 when the registry refuses or fails.");
        command.Arguments.Add(model);
        command.Arguments.Add(target);
        command.Options.Add(project);
        command.Options.Add(name);
        command.Options.Add(license);
        command.Options.Add(licenseFile);
        command.Options.Add(chunk);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var destination = ParseTarget(parse.GetValue(target)!);
            var query = parse.GetValue(model)!.Trim();
            OciModelPackage package;
            FetchContext context;
            if (File.Exists(query))
            {
                string? text = null;
                if (parse.GetValue(licenseFile) is { } path)
                    text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : throw new CliException(ExitCodes.InputError, $"The licence file {Path.GetFullPath(path)} does not exist.");
                package = Read(() => OciModelPackage.FromModelFile(query, parse.GetValue(name), parse.GetValue(license)?.Trim(), text));
                var settings = parse.GetValue(project) is { } p ? (await EvaluatedProject.LoadAsync(p, ct)).Projects[0].Settings : SettingValues.Default;
                context = SourceClient.Context(new ModelCache(), settings, Log(terminal));
            }
            else
            {
                var (located, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(project), ct);
                var matches = projects.SelectMany(p => p.Models.Select(m => (Project: p, Model: m)))
                    .Where(x => x.Model.Name.Equals(query, StringComparison.OrdinalIgnoreCase) || x.Model.HandleText == query || x.Model.Item.Include == query)
                    .GroupBy(x => (x.Model.HandleText, x.Model.Locked?.OnnxSha256)).Select(g => g.First()).ToList();
                if (matches.Count == 0)
                    throw new CliException(ExitCodes.InputError,
                        $"'{query}' is neither a file nor a model of {located.Path} (by Name or handle). `modelref list` shows the models each project references.");
                if (matches.Count > 1)
                    throw new CliException(ExitCodes.InputError,
                        $"'{query}' names several models of {located.Path} ({string.Join(", ", matches.Select(m => m.Project.Name + ": " + m.Model.HandleText))}). Name one by its handle, or pass --project.");
                var (p, m) = matches[0];
                p.RequireReadableLock();
                if (m.Handle is null || m.Locked is null)
                    throw new CliException(ExitCodes.InputError,
                        $"Model '{m.HandleText}' of {p.FullPath} has no entry in {p.LockFilePath}. Restore the project first (dotnet build), then push it.");
                package = Read(() => OciModelPackage.FromLockedModel(m.Handle, m.Name, m.Locked, p.Cache, includeOriginal: false));
                context = SourceClient.Context(p.Cache, p.Settings, Log(terminal));
            }
            var total = package.Files.Sum(f => f.Size) + package.Config.Length;
            var result = await terminal.WithProgressAsync($"Pushing {package.Name}", total, progress =>
                Push(() => new OciArtifactPusher(context) { ChunkSize = parse.GetValue(chunk), Progress = progress }.PushAsync(package, destination, ct)));
            if (terminal.IsJson)
                terminal.WriteJson(Json(result));
            else
                Print(terminal, package.Name, result);
            return ExitCodes.Success;
        }));
        return command;
    }

    internal static Option<long> ChunkSizeOption()
    {
        var option = new Option<long>("--chunk-size")
        {
            Description = "Bytes per upload request (PATCH); a suffix K, M or G multiplies by 1024s. Default 8M. Lower it for a proxy that limits request bodies.",
            DefaultValueFactory = _ => OciArtifactPusher.DefaultChunkSize,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
                var factor = text.Length == 0 ? 1 : char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
                var digits = factor == 1 ? text : text[..^1];
                if (long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 && value <= (4L << 30) / factor)
                    return value * factor;
                result.AddError($"--chunk-size '{text}' is not a positive size (e.g. 8M, 512K or 1048576).");
                return 0;
            },
        };
        return option;
    }

    internal static OciModelHandle ParseTarget(string text)
    {
        try
        {
            return OciArtifactPusher.ParseTarget(text);
        }
        catch (ModelRefsException e)
        {
            throw new CliException(ExitCodes.UsageError, $"{e.Diagnostic.Id}: {e.Message}", e);
        }
    }

    internal static Action<string> Log(Terminal terminal) => message =>
    {
        if (!terminal.IsJson)
            terminal.Error.WriteLine("  " + message);
    };

    private static OciModelPackage Read(Func<OciModelPackage> read)
    {
        try
        {
            return read();
        }
        catch (ModelRefsException e)
        {
            throw new CliException(ExitCodes.InputError, $"{e.Diagnostic.Id}: {e.Message}", e);
        }
    }

    /// <summary>A registry's refusal or failure is exit 4 (a source failed), not an unreadable input.</summary>
    internal static async Task<T> Push<T>(Func<Task<T>> push)
    {
        try
        {
            return await push();
        }
        catch (ModelRefsException e)
        {
            throw new CliException(ExitCodes.SourceError, $"{e.Diagnostic.Id}: {e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new CliException(ExitCodes.SourceError, $"MR0068: the registry could not be reached ({e.Message}). Check the target, then push again.", e);
        }
    }

    internal static JsonObject Json(OciPushResult result) => new()
    {
        ["target"] = "oci://" + result.Target.Registry + "/" + result.Target.Repository + ":" + result.Target.Tag,
        ["digest"] = result.Digest,
        ["handle"] = result.Target.AtDigest(result.Digest, null),
        ["bytesUploaded"] = result.BytesUploaded,
        ["blobs"] = new JsonArray(result.Blobs.Select(b => (JsonNode)new JsonObject
        {
            ["path"] = b.What,
            ["digest"] = b.Digest,
            ["size"] = b.Size,
            ["outcome"] = b.Outcome.ToString().ToLowerInvariant(),
        }).ToArray()),
    };

    private static void Print(Terminal terminal, string name, OciPushResult result)
    {
        terminal.Markup($"Pushed [bold]{Markup.Escape(name)}[/] to oci://{Markup.Escape(result.Target.Registry + "/" + result.Target.Repository + ":" + result.Target.Tag)}");
        // The digest on a line of its own: 71 characters that an 80-column table must not wrap.
        terminal.Line("Manifest digest:");
        terminal.Line("  " + result.Digest);
        var table = Terminal.NewTable("File", "Size", "Blob");
        foreach (var blob in result.Blobs)
            table.AddRow(Markup.Escape(blob.What), Terminal.Size(blob.Size), blob.Outcome switch
            {
                OciBlobOutcome.Uploaded => "[yellow]uploaded[/]",
                OciBlobOutcome.Mounted => "mounted",
                _ => "[green]already there[/]",
            });
        terminal.Out.Write(table);
        var sent = result.Blobs.Count(b => b.Outcome == OciBlobOutcome.Uploaded);
        terminal.Line($"Uploaded {Terminal.Size(result.BytesUploaded)} in {sent} blob(s); {result.Blobs.Count - sent} of {result.Blobs.Count} were already in the registry.");
        terminal.Line($"Use it as <ModelReference Include=\"{result.Target.Text}\" /> (or @{result.Digest} to pin it).");
    }
}
