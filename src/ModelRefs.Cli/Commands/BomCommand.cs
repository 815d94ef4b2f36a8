using System.CommandLine;
using ModelRefs.Cli.Output;
using ModelRefs.Cli.Projects;
using ModelRefs.Core.Bom;
using ModelRefs.Core.Onnx;

namespace ModelRefs.Cli.Commands;

/// <summary><c>modelref bom</c>: the CycloneDX 1.6 ML-BOM of the projects' models, written by Core's <see cref="ModelBomWriter"/> (as the build writes it with ModelRefsGenerateBom).</summary>
public static class BomCommand
{
    public static Command Create()
    {
        var path = CliApp.PathArgument();
        var output = new Option<string?>("--output", "-o") { Description = "Write the BOM to this file instead of standard output." };
        var command = new Command("bom", "Write a CycloneDX 1.6 JSON bill of materials of the models (machine-learning-model components: version, purl, SHA-256 of the fetched " +
            "artifact and the ONNX file, licences, download URL, model card with inputs and outputs, conversion as pedigree). It is JSON whatever --format says. " +
            "Exit 0; 1 when a model is not in the lock yet (it is left out: build first); 3 when a project cannot be read.");
        command.Arguments.Add(path);
        command.Options.Add(output);
        command.SetAction(CliApp.Action(async (parse, terminal, ct) =>
        {
            var (located, projects) = await EvaluatedProject.LoadAsync(parse.GetValue(path), ct);
            var models = new List<BomModel>();
            var missing = 0;
            foreach (var project in projects)
            {
                project.RequireReadableLock();
                foreach (var model in project.Models)
                {
                    if (model.Handle is null || model.Locked is null)
                    {
                        missing++;
                        terminal.Error.WriteLine($"modelref: {model.HandleText} ({project.FullPath}) is not in {project.LockFilePath}, so it is not in the BOM. Run `dotnet build` to restore it first.");
                        continue;
                    }
                    models.Add(new BomModel(model.Name, model.Handle, model.Locked, ReadSignature(project, model)));
                }
            }
            // A model that several projects of a solution use is one component.
            models = models.DistinctBy(m => m.Handle.Text).ToList();
            var subject = new BomSubject(Path.GetFileNameWithoutExtension(located.Path), null);
            var bytes = ModelBomWriter.Write(subject, models);
            if (parse.GetValue(output) is { } file)
            {
                var full = Path.GetFullPath(file);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllBytes(full, bytes);
                terminal.Error.WriteLine($"modelref: wrote {full} ({models.Count} model(s)).");
            }
            else
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(bytes);
            }
            return missing == 0 ? ExitCodes.Success : ExitCodes.Findings;
        }));
        return command;
    }

    /// <summary>The signature of the ONNX file that runs (the cache's blob, or the local file), for the model card; null when it is not on disk.</summary>
    private static OnnxModelSignature? ReadSignature(EvaluatedProject project, ProjectModel model)
    {
        var file = model.Handle!.LocalFilePath is { } local ? local
            : project.Cache.ContainsBlob(model.Locked!.OnnxSha256) ? project.Cache.GetBlobPath(model.Locked.OnnxSha256) : null;
        if (file is null || !File.Exists(file))
            return null;
        try
        {
            return OnnxSignatureReader.Read(file);
        }
        catch (OnnxFormatException)
        {
            return null;
        }
    }
}
