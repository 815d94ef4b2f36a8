namespace ModelRefs.Cli.Projects;

/// <summary>
/// Turns the command's path argument into project files: a project file; a <c>.sln</c> or
/// <c>.slnx</c> (its projects, as <c>dotnet sln list</c> reads it); or a folder holding one
/// solution, else one project. No argument means the current folder.
/// </summary>
public static class ProjectLocator
{
    private static readonly string[] SolutionExtensions = [".sln", ".slnx"];

    public static bool IsProjectFile(string path) => Path.GetExtension(path).EndsWith("proj", StringComparison.OrdinalIgnoreCase);

    public static bool IsSolution(string path) => SolutionExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>What was named: the solution or project file (for messages and BOM subjects), and its projects.</summary>
    public sealed record Located(string Path, IReadOnlyList<string> Projects);

    public static async Task<Located> LocateAsync(string? argument, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(argument) ? Directory.GetCurrentDirectory() : argument);
        if (Directory.Exists(path))
        {
            var solutions = SolutionExtensions.SelectMany(e => Directory.GetFiles(path, "*" + e)).Where(IsSolution).Order(StringComparer.Ordinal).ToList();
            // A .sln migrated to .slnx beside it is one solution: take the .slnx.
            var byName = solutions.GroupBy(s => System.IO.Path.GetFileNameWithoutExtension(s), StringComparer.OrdinalIgnoreCase)
                .Select(g => g.FirstOrDefault(s => s.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)) ?? g.First()).ToList();
            if (byName.Count > 1)
                throw new CliException(ExitCodes.InputError,
                    $"{path} holds several solutions ({string.Join(", ", byName.Select(System.IO.Path.GetFileName))}). Name the one to read, e.g. modelref list {System.IO.Path.GetFileName(byName[0])}.");
            if (byName.Count == 1)
                return await FromSolutionAsync(byName[0], cancellationToken);
            var projects = Directory.GetFiles(path, "*proj").Where(IsProjectFile).Order(StringComparer.Ordinal).ToList();
            if (projects.Count == 1)
                return new Located(projects[0], projects);
            if (projects.Count > 1)
                throw new CliException(ExitCodes.InputError,
                    $"{path} holds several project files ({string.Join(", ", projects.Select(System.IO.Path.GetFileName))}). Name the one to read.");
            throw new CliException(ExitCodes.InputError,
                $"{path} holds no project or solution file. Run modelref in a project or solution folder, or name the file: modelref list path/to/App.csproj.");
        }
        if (!File.Exists(path))
            throw new CliException(ExitCodes.InputError, $"{path} does not exist. Name a project file, a solution (.sln, .slnx) or a folder holding one.");
        if (IsSolution(path))
            return await FromSolutionAsync(path, cancellationToken);
        if (IsProjectFile(path))
            return new Located(path, [path]);
        throw new CliException(ExitCodes.InputError, $"{path} is neither a project file (*.csproj, *.fsproj, …) nor a solution (.sln, .slnx).");
    }

    private static async Task<Located> FromSolutionAsync(string solution, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(solution)!;
        var result = await DotNetProcess.RunAsync(directory, ["sln", solution, "list"], cancellationToken);
        if (result.ExitCode != 0)
            throw new CliException(ExitCodes.InputError, $"dotnet sln could not read {solution}:\n{result.Output}");
        // After the "Project(s)" header and its dashes, one project path per line, relative to the solution.
        var projects = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SkipWhile(line => !line.StartsWith("---", StringComparison.Ordinal)).Skip(1)
            .Select(line => System.IO.Path.GetFullPath(line.Replace('\\', System.IO.Path.DirectorySeparatorChar), directory))
            .Where(IsProjectFile)
            .ToList();
        return new Located(solution, projects);
    }
}
