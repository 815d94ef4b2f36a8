using System.CommandLine;
using System.Text.Json.Nodes;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Licensing;
using Spectre.Console;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref licenses [path]</c>: each model's licence against the project's policy, with Core's <see cref="LicensePolicy"/> (as the analyzer applies it).</summary>
public static class LicensesCommand
{
    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var command = new Command("licenses", "Show every model's licence, where it was read, its category, and the result of the project's licence policy " +
            "(PackageLicenseExpression, ModelRefsAllowedLicenses, ModelRefsDeniedLicenses, the item's AcceptLicense). " +
            "Exit 1 when a model violates the policy (the analyzer's MR1001-MR1007), 0 otherwise, 3 when a project cannot be read.");
        command.Arguments.Add(path);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var (_, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            var rows = new List<(EvaluatedProject Project, ProjectModel Model, LicenseInfo Info, IReadOnlyList<LicenseFinding> Findings)>();
            foreach (var project in projects)
            {
                project.RequireReadableLock();
                foreach (var model in project.Models)
                {
                    var info = LicenseInfo.FromDeclared(model.Locked?.License, LicenseSource.None);
                    rows.Add((project, model, info, LicensePolicy.Evaluate(model.Locked?.License, project.PolicyInput(model))));
                }
            }
            var violations = rows.Count(r => r.Findings.Any(f => f.IsWarning));
            if (terminal.IsJson)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["violations"] = violations,
                    ["models"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["project"] = r.Project.FullPath,
                        ["name"] = r.Model.Name,
                        ["handle"] = r.Model.HandleText,
                        ["license"] = r.Model.Locked?.License,
                        ["licenseSource"] = r.Model.Locked?.LicenseSource,
                        ["category"] = r.Info.Category.ToString(),
                        ["projectLicense"] = r.Project.Property("PackageLicenseExpression"),
                        ["acceptLicense"] = new JsonArray(LicensePolicyInput.SplitList(r.Model.Item.AcceptLicense).Select(a => (JsonNode)a).ToArray()),
                        ["result"] = Result(r.Findings),
                        ["findings"] = new JsonArray(r.Findings.Select(f => (JsonNode)new JsonObject
                        {
                            ["kind"] = f.Kind.ToString(),
                            ["id"] = DiagnosticId(f.Kind),
                            ["isViolation"] = f.IsWarning,
                            ["licenseIds"] = new JsonArray(f.LicenseIds.Select(i => (JsonNode)i).ToArray()),
                            ["message"] = f.Message,
                        }).ToArray()),
                    }).ToArray()),
                });
            }
            else
            {
                var table = Terminal.NewTable("Model", "Licence", "Category", "Policy");
                foreach (var r in rows)
                    table.AddRow(
                        new Markup($"{Markup.Escape(r.Model.Name)}\n[dim]{Markup.Escape(r.Project.Name)}[/]"),
                        new Markup(Markup.Escape((r.Model.Locked?.License ?? "unknown") + (r.Model.Locked?.LicenseSource is { } s ? $"\n({s})" : r.Model.Locked is null ? "\n(not restored)" : ""))),
                        new Markup(Markup.Escape(r.Info.Category.ToString())),
                        new Markup(r.Findings.Any(f => f.IsWarning)
                            ? "[red]" + Markup.Escape(string.Join("\n", r.Findings.Where(f => f.IsWarning).Select(f => $"{DiagnosticId(f.Kind)} {f.Kind}"))) + "[/]"
                            : r.Findings.Count > 0 ? "ok (attribution)" : "[green]ok[/]"));
                terminal.Out.Write(table);
                foreach (var r in rows)
                    foreach (var finding in r.Findings.Where(f => f.IsWarning))
                        terminal.Line($"{DiagnosticId(finding.Kind)} {r.Model.Name}: {finding.Message}");
                terminal.Line(violations == 0 ? "No licence violations." : $"{violations} model(s) violate the licence policy.");
            }
            return violations == 0 ? ExitCodes.Success : ExitCodes.Findings;
        }));
        return command;
    }

    private static string Result(IReadOnlyList<LicenseFinding> findings) =>
        findings.Any(f => f.IsWarning) ? "violation" : findings.Count > 0 ? "attribution" : "ok";

    /// <summary>The analyzer's id for the same finding, so that CI output and build warnings agree.</summary>
    public static string DiagnosticId(LicenseFindingKind kind) => LicenseFindingIds.Of(kind) ?? kind.ToString();
}
