using System.Text.Json;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Licensing;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;

namespace ModelRefs.Cli.Projects;

/// <summary>One ModelReference of a project, with what Core makes of it: the parsed handle (or why it does not parse) and its lock entry.</summary>
/// <param name="DefiningFile">The file that declares the item (the project, or an import such as Directory.Build.props).</param>
public sealed record ProjectModel(ModelReference Item, string DefiningFile, ModelHandle? Handle, string? HandleProblem, string Name, LockedModel? Locked)
{
    /// <summary>The normalised handle when it parses, else the Include as written.</summary>
    public string HandleText => Handle?.Text ?? Item.Include;
}

/// <summary>
/// A project as MSBuild evaluates it (<c>dotnet msbuild -getItem:ModelReference -getProperty:…</c>,
/// so conditions, imports and Directory.Build.props count), its lock file and its cache, read with
/// the same Core calls restore makes.
/// </summary>
public sealed class EvaluatedProject
{
    /// <summary>The MSBuild properties modelref reads besides the settings Core declares.</summary>
    private static readonly string[] ProjectProperties =
        ["MSBuildProjectName", "Version", "PackageLicenseExpression", "ModelRefsAllowedLicenses", "ModelRefsDeniedLicenses", "RootNamespace", "BaseIntermediateOutputPath"];

    // Metadata every MSBuild item has; not the user's.
    private static readonly HashSet<string> WellKnownMetadata = new(StringComparer.OrdinalIgnoreCase)
    {
        "Identity", "FullPath", "RootDir", "Filename", "Extension", "RelativeDir", "Directory", "RecursiveDir",
        "ModifiedTime", "CreatedTime", "AccessedTime", "DefiningProjectFullPath", "DefiningProjectDirectory",
        "DefiningProjectName", "DefiningProjectExtension",
    };

    private EvaluatedProject(string path, IReadOnlyDictionary<string, string> properties, IReadOnlyList<(ModelReference Item, string DefiningFile)> items)
    {
        FullPath = path;
        Properties = properties;
        Settings = new SettingValues(ModelSources.Default.Settings.Select(s => KeyValuePair.Create(s.Property, properties.GetValueOrDefault(s.Property)))).ForProject(Directory);
        Name = properties.GetValueOrDefault("MSBuildProjectName") is { Length: > 0 } name ? name : System.IO.Path.GetFileNameWithoutExtension(path);
        var intermediate = properties.GetValueOrDefault("BaseIntermediateOutputPath") is { Length: > 0 } obj ? obj : "obj/";
        Request = RestoreRequest.FromSettings(path, System.IO.Path.Combine(intermediate, "modelrefs"), (properties.GetValueOrDefault("RootNamespace") ?? Name) + ".Models", Settings);
        Cache = new ModelCache(Request.CacheRoot);
        try
        {
            Lock = LockFileFormat.Read(LockFilePath);
        }
        catch (ModelRefsException e)
        {
            LockProblem = e.Message;
        }
        Models = items.Select(i => Describe(i.Item, i.DefiningFile)).ToList();
    }

    public string FullPath { get; }
    public string Name { get; }
    public string Directory => System.IO.Path.GetDirectoryName(FullPath)!;
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The settings Core declares, with this project's values.</summary>
    public SettingValues Settings { get; }

    /// <summary>What a restore of this project would be asked (lock path, cache root, modes).</summary>
    public RestoreRequest Request { get; }

    public string LockFilePath => Request.ResolvedLockFilePath;
    public ModelCache Cache { get; }

    /// <summary>The lock; null when there is none (or it cannot be read: see <see cref="LockProblem"/>).</summary>
    public LockFile? Lock { get; }

    /// <summary>Why the lock could not be read (MR0012's message), when it could not.</summary>
    public string? LockProblem { get; }

    public IReadOnlyList<ProjectModel> Models { get; }

    public string? Property(string name) => Properties.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

    /// <summary>The licence policy input of one model: the project's licence and lists, the item's AcceptLicense (as the analyzer gets them).</summary>
    public LicensePolicyInput PolicyInput(ProjectModel model) => LicensePolicyInput.FromMSBuild(
        Property("PackageLicenseExpression"), Property("ModelRefsAllowedLicenses"), Property("ModelRefsDeniedLicenses"), model.Item.AcceptLicense);

    /// <summary>Throws (exit 3) when the lock exists but cannot be read: commands that need it cannot answer.</summary>
    public void RequireReadableLock()
    {
        if (LockProblem is not null)
            throw new CliException(ExitCodes.InputError, LockProblem);
    }

    private ProjectModel Describe(ModelReference item, string definingFile)
    {
        ModelHandle? handle = null;
        string? problem = null;
        try
        {
            handle = ModelSources.Default.Parse(item.Include, Directory);
        }
        catch (ModelRefsException e)
        {
            problem = e.Message;
        }
        var name = item.Name ?? handle?.DefaultName ?? item.Include;
        return new ProjectModel(item, definingFile, handle, problem, name, handle is null ? null : Lock?.Find(handle.Text));
    }

    public static async Task<EvaluatedProject> EvaluateAsync(string projectFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(projectFile))
            throw new CliException(ExitCodes.InputError, $"{projectFile} does not exist (named by the solution?). Fix the path, or remove the project from the solution.");
        var properties = ProjectProperties.Concat(ModelSources.Default.Settings.Select(s => s.Property)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var result = await DotNetProcess.RunAsync(System.IO.Path.GetDirectoryName(projectFile)!,
            ["msbuild", projectFile, "-nologo", "-getItem:ModelReference", "-getProperty:" + string.Join(',', properties)], cancellationToken);
        if (result.ExitCode != 0)
            throw new CliException(ExitCodes.InputError, $"MSBuild could not evaluate {projectFile}:\n{result.Output}\nFix the project so that `dotnet msbuild` can read it.");
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (document.RootElement.TryGetProperty("Properties", out var props))
                foreach (var p in props.EnumerateObject())
                    values[p.Name] = p.Value.GetString() ?? "";
            var items = new List<(ModelReference, string)>();
            if (document.RootElement.TryGetProperty("Items", out var itemGroups) && itemGroups.TryGetProperty("ModelReference", out var references))
                foreach (var reference in references.EnumerateArray())
                {
                    var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var m in reference.EnumerateObject())
                        if (!WellKnownMetadata.Contains(m.Name))
                            metadata[m.Name] = m.Value.GetString() ?? "";
                    var include = reference.GetProperty("Identity").GetString() ?? "";
                    var defining = reference.TryGetProperty("DefiningProjectFullPath", out var d) ? d.GetString() ?? projectFile : projectFile;
                    items.Add((new ModelReference(include, metadata), defining));
                }
            return new EvaluatedProject(System.IO.Path.GetFullPath(projectFile), values, items);
        }
        catch (FormatException e)
        {
            // A setting the restore would refuse too (ModelRefsOffline=maybe): the same message.
            throw new CliException(ExitCodes.InputError, $"{projectFile}: {e.Message} Fix or remove it in the project.", e);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException(ExitCodes.InputError, $"MSBuild's evaluation of {projectFile} was not the JSON modelref expects ({e.Message}). Check that the .NET SDK is version 8.0.100 or newer.", e);
        }
    }

    /// <summary>Every project of the located path, evaluated in order.</summary>
    public static async Task<(ProjectLocator.Located Located, IReadOnlyList<EvaluatedProject> Projects)> LoadAsync(string? path, CancellationToken cancellationToken)
    {
        var located = await ProjectLocator.LocateAsync(path, cancellationToken);
        var projects = new List<EvaluatedProject>();
        foreach (var project in located.Projects)
            projects.Add(await EvaluateAsync(project, cancellationToken));
        return (located, projects);
    }
}
