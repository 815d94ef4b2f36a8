using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Audit;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Pickles;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref audit</c>: offline findings about the projects' models (MRA001–MRA005).</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var severity = new Option<AuditSeverity>("--severity")
        {
            Description = "The least severity that fails the audit (exit 1): info, warning or error.",
            DefaultValueFactory = _ => AuditSeverity.Error,
        };
        var weights = new Option<string[]>("--weights")
        {
            Description = "More PyTorch weight files (.pth, .pt) to scan for unsafe pickle imports, besides those the cache keeps for exports.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("audit", "Report, without network, models fetched over plain HTTP (MRA001), handles whose content can move (MRA002), licences known only from " +
            "a package that redistributes the model (MRA003), PyTorch weights whose pickles import code outside torch's safe set, read without unpickling (MRA004), and " +
            "licences that differ from a known model's upstream licence (MRA005). Exit 1 when a finding is at least --severity (default error), 0 otherwise, 3 when a project cannot be read.");
        command.Arguments.Add(path);
        command.Options.Add(severity);
        command.Options.Add(weights);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            var findings = new List<AuditFinding>();
            var weightFiles = (parse.GetValue(weights) ?? []).Select(Path.GetFullPath).ToList();
            foreach (var project in projects)
            {
                project.RequireReadableLock();
                foreach (var model in project.Models)
                    findings.AddRange(AuditModel(project, model));
                weightFiles.AddRange(ModelSources.Default.PickledWeightFiles(project.Cache));
            }
            foreach (var file in weightFiles.Distinct(StringComparer.Ordinal))
                findings.AddRange(AuditWeights(file));

            var threshold = parse.GetValue(severity);
            var failing = findings.Count(f => f.Rule.Severity >= threshold);
            if (terminal.IsJson)
                terminal.WriteJson(new JsonObject
                {
                    ["threshold"] = threshold.ToString().ToLowerInvariant(),
                    ["failing"] = failing,
                    ["findings"] = new JsonArray(findings.Select(f => (JsonNode)new JsonObject
                    {
                        ["id"] = f.Rule.Id,
                        ["severity"] = f.Rule.Severity.ToString().ToLowerInvariant(),
                        ["title"] = f.Rule.Title,
                        ["project"] = f.Project,
                        ["model"] = f.Model,
                        ["file"] = f.File,
                        ["message"] = f.Message,
                        ["help"] = f.Rule.HelpLink,
                    }).ToArray()),
                });
            else
            {
                foreach (var f in findings)
                {
                    var colour = f.Rule.Severity switch { AuditSeverity.Error => "red", AuditSeverity.Warning => "yellow", _ => "blue" };
                    terminal.Markup($"[{colour}]{f.Rule.Severity.ToString().ToLowerInvariant()} {f.Rule.Id}[/] {Markup.Escape(f.Model ?? f.File ?? "")}: {Markup.Escape(f.Message)}");
                    terminal.Line($"  {f.Rule.HelpLink}");
                }
                terminal.Line(findings.Count == 0 ? "No findings." : $"{findings.Count} finding(s), {failing} at or above {threshold.ToString().ToLowerInvariant()}.");
            }
            return failing == 0 ? ExitCodes.Success : ExitCodes.Findings;
        }));
        return command;
    }

    private static IEnumerable<AuditFinding> AuditModel(EvaluatedProject project, ProjectModel model)
    {
        if (model.Handle is not { } handle)
            yield break;
        var locked = model.Locked;
        AuditFinding Finding(AuditRule rule, string message) => new(rule, project.FullPath, model.Name, null, message);

        var url = ModelProvenance.HttpUrlOrNull(locked?.Resolved) ?? ModelProvenance.HttpUrlOrNull(handle.Text);
        if (url is not null && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            yield return Finding(AuditRules.PlainHttp, $"{handle.Text} was fetched over plain HTTP ({url}); anyone on the way could have changed it. Use an https:// URL or registry.");

        if (handle.MovablePin(model.Item.Metadata) is { } moving)
            yield return Finding(AuditRules.MovablePin, $"{handle.Text}: {moving}");

        if (handle.IsRedistributed && locked?.License is { } redistributed && locked.LicenseSource != RestoredLicense.MetadataSource)
            yield return Finding(AuditRules.RedistributorLicense,
                $"the licence {redistributed} is what the package {handle.Text} declares for itself ({locked.LicenseSource}); the model inside may be under its authors' own licence. " +
                "Check the model's upstream and set License=\"…\" on the item.");

        if (locked is not null && (KnownModels.Find(locked.OnnxSha256) ?? KnownModels.Find(locked.Sha256)) is { } known
            && !string.Equals(known.License, locked.License, StringComparison.OrdinalIgnoreCase))
            yield return Finding(AuditRules.KnownLicenseDiffers,
                $"this file is {known.Name} ({known.Upstream}), licensed {known.License} upstream, but the lock records {locked.License ?? "no licence"}" +
                (locked.LicenseSource is { } source ? $" (from {source})" : "") + $". If the upstream licence applies, set License=\"{known.License}\" on the item.");
    }

    private static IEnumerable<AuditFinding> AuditWeights(string file)
    {
        if (!File.Exists(file))
        {
            yield return new AuditFinding(AuditRules.UnsafePickle, null, null, file, "the weight file does not exist, so it could not be scanned.");
            yield break;
        }
        var scan = PickleImportScanner.Scan(file);
        if (scan.Problem is not null)
            yield return new AuditFinding(AuditRules.UnsafePickle, null, null, file, $"could not be read as PyTorch weights ({scan.Problem}); treat it as unsafe until checked.");
        else if (scan.Unsafe.Count > 0)
            yield return new AuditFinding(AuditRules.UnsafePickle, null, null, file,
                $"loading it would import {string.Join(", ", scan.Unsafe.Select(i => i.ToString()).Distinct())} " +
                $"(in {string.Join(", ", scan.Unsafe.Select(i => i.Entry).Distinct())}), outside torch's safe set: torch.load would run that code. " +
                "Do not load it; get the weights from their publisher, or as safetensors or ONNX.");
    }
}
