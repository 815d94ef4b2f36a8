using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Caching;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref verify</c>: re-hashes cached files with Core's <see cref="ModelCache.VerifyBlobAsync"/> and evicts the damaged ones.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var all = new Option<bool>("--all") { Description = "Re-hash every blob of the cache, not only those the lock files name." };
        var cacheRoot = CacheCommand.CacheRootOption();
        var command = new Command("verify", "Re-hash every cached file the projects' lock files name (or, with --all, every file of the cache) and evict those whose content " +
            "no longer matches their SHA-256, so the next restore fetches them again. Exit 1 when a file was damaged, 0 otherwise, 3 when a project cannot be read.");
        command.Arguments.Add(path);
        command.Options.Add(all);
        command.Options.Add(cacheRoot);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var targets = new List<(ModelCache Cache, string Sha256, string What)>();
            if (parse.GetValue(all))
            {
                var cache = await CacheCommand.ResolveCacheAsync(parse.GetValue(cacheRoot), parse.GetValue(path), ct);
                // Named by what the cache's refs say the blob is (a model file, a tarball), when they say.
                var names = cache.EnumerateRefs().GroupBy(r => r.Sha256).ToDictionary(g => g.Key, g => g.Select(r => r.Resolved ?? r.Key).Order(StringComparer.Ordinal).First());
                targets.AddRange(cache.EnumerateBlobs().Select(b => (cache, b.Sha256, names.GetValueOrDefault(b.Sha256) ?? "(no ref)")));
            }
            else
            {
                var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
                foreach (var project in projects)
                {
                    project.RequireReadableLock();
                    foreach (var model in project.Models.Where(m => m.Locked is not null && m.Handle is { IsLocalFile: false }))
                    {
                        targets.Add((project.Cache, model.Locked!.Sha256, $"{model.Name} ({project.Name})"));
                        if (model.Locked.OnnxSha256 != model.Locked.Sha256)
                            targets.Add((project.Cache, model.Locked.OnnxSha256, $"{model.Name} ONNX ({project.Name})"));
                        foreach (var (location, file) in model.Locked.ExternalData)
                            targets.Add((project.Cache, file.Sha256, $"{model.Name} {location} ({project.Name})"));
                    }
                }
                targets = targets.DistinctBy(t => (t.Cache.Root, t.Sha256)).ToList();
            }

            var total = targets.Sum(t => t.Cache.ContainsBlob(t.Sha256) ? new FileInfo(t.Cache.GetBlobPath(t.Sha256)).Length : 0);
            var checks = await terminal.WithProgressAsync("Hashing", total, async progress =>
            {
                var results = new List<(string What, BlobCheck Check)>();
                long done = 0;
                foreach (var (cache, sha, what) in targets)
                {
                    var before = done;
                    var check = await cache.VerifyBlobAsync(sha, evictMismatch: true,
                        progress is null ? null : new Progress<long>(bytes => progress.Report(before + bytes)), ct);
                    if (check.Status != BlobCheckStatus.Missing)
                        done += new FileInfo(check.Path).Exists ? new FileInfo(check.Path).Length : 0;
                    results.Add((what, check));
                }
                return results;
            });

            var damaged = checks.Count(c => c.Check.Status == BlobCheckStatus.Mismatch);
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject
                {
                    ["checked"] = checks.Count(c => c.Check.Status != BlobCheckStatus.Missing),
                    ["damaged"] = damaged,
                    ["files"] = new JsonArray(checks.Select(c => (JsonNode)new JsonObject
                    {
                        ["what"] = c.What,
                        ["sha256"] = c.Check.Sha256,
                        ["path"] = c.Check.Path,
                        ["status"] = c.Check.Status.ToString().ToLowerInvariant(),
                        ["actualSha256"] = c.Check.ActualSha256,
                        ["evicted"] = c.Check.Evicted,
                    }).ToArray()),
                });
            else
            {
                var table = Terminal.NewTable("File", "SHA-256", "Result");
                foreach (var (what, check) in checks)
                    table.AddRow(Markup.Escape(what), Terminal.ShortHash(check.Sha256), check.Status switch
                    {
                        BlobCheckStatus.Intact => "[green]ok[/]",
                        BlobCheckStatus.Missing => "[yellow]not cached[/]",
                        _ => $"[red]damaged (hashes to {Terminal.ShortHash(check.ActualSha256)}){(check.Evicted ? ", evicted" : "")}[/]",
                    });
                terminal.Out.Write(table);
                terminal.Line(damaged == 0
                    ? $"{checks.Count(c => c.Check.Status == BlobCheckStatus.Intact)} file(s) verified, none damaged."
                    : $"{damaged} damaged file(s) evicted from the cache; the next `dotnet build` fetches them again.");
            }
            return damaged == 0 ? ExitCodes.Success : ExitCodes.Findings;
        }));
        return command;
    }
}
