using System.Net;
using System.Text.Json;
using ModelRefs.Core.Archives;
using ModelRefs.Core.Conversion;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Npm;

/// <summary>
/// What is missing, said precisely: the package (MR0005), the version (MR0070, with the nearest
/// versions and the latest from the packument) or the file (MR0071, with the files that could be meant).
/// </summary>
public sealed partial class NpmModelSource
{
    /// <summary>A file of the package larger than this is not read to tell whether it is a TF.js model.json.</summary>
    private const long MaxSniffedJsonBytes = 64L << 20;

    /// <summary>Extensions of model files, listed first among a folder's files.</summary>
    private static readonly HashSet<string> ModelExtensions = new([".onnx", ".json", ".tflite", ".pb", ".pt", ".pth", ".safetensors", ".gguf", ".h5"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Versions shown on each side of the missing one.</summary>
    private const int NearestVersionsEachSide = 3;

    private static ModelRefsException PackageNotFound(NpmModelHandle npm, Uri registry) =>
        new(RestoreDiagnostics.NpmPackageNotFound,
            $"Model '{npm.Text}': the package {npm.PackageName} is not on the npm registry {Downloads.Redact(registry)}. " +
            $"Check the package name (scoped packages start with @scope/; `npm view {npm.PackageName} --registry {Downloads.Redact(registry)}`), " +
            "or set ModelRefsNpmRegistry to the registry that has it.");

    /// <summary>
    /// The version document was not found: the packument (<c>GET {registry}/{name}</c>) tells whether
    /// the package is missing (MR0005) or only the version (MR0070, listing the nearest and the latest).
    /// </summary>
    private static async Task<ModelRefsException> MissingVersionAsync(NpmModelHandle npm, FetchContext context, Uri registry, CancellationToken cancellationToken)
    {
        var url = new Uri(registry, npm.EncodedPackageName);
        context.Log($"{npm.Text}: version {npm.Version} not found; GET {Downloads.Redact(url)} for the package's versions");
        List<string> versions;
        string? latest;
        try
        {
            using var document = await Downloads.GetJsonAsync(npm, context, url,
                status => status == HttpStatusCode.NotFound ? PackageNotFound(npm, registry) : null,
                e => BadDocument(npm, url, "it is not JSON", e), cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            versions = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("versions", out var listed) && listed.ValueKind == JsonValueKind.Object
                ? listed.EnumerateObject().Select(v => v.Name).ToList()
                : [];
            latest = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("dist-tags", out var tags) && tags.ValueKind == JsonValueKind.Object ? String(tags, "latest") : null;
        }
        catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.NpmPackageNotFound)
        {
            return e;
        }
        catch (ModelRefsException e)
        {
            // The package's versions cannot be listed (a registry without packuments): say what is known.
            context.Log($"{npm.Text}: the package's versions cannot be listed ({e.Message})");
            versions = [];
            latest = null;
        }
        return VersionNotFound(npm, registry, versions, latest);
    }

    internal static ModelRefsException VersionNotFound(NpmModelHandle npm, Uri registry, IReadOnlyList<string> versions, string? latest)
    {
        var registryText = Downloads.Redact(registry);
        var listing = versions.Count == 0
            ? " The registry lists no version of it."
            : $" Nearest versions: {string.Join(", ", NearestVersions(npm.Version, versions))}" +
              (latest is null ? "" : $"; latest: {latest}") + $" ({versions.Count} in all).";
        return new ModelRefsException(RestoreDiagnostics.NpmVersionNotFound,
            $"Model '{npm.Text}': the package {npm.PackageName} has no version {npm.Version} on the npm registry {registryText}.{listing} " +
            $"Write an existing exact version in the Include (`npm view {npm.PackageName} versions --registry {registryText}` lists them).");
    }

    /// <summary>The versions just below and just above <paramref name="wanted"/> by semver precedence; prereleases only when the wanted version is one.</summary>
    internal static IReadOnlyList<string> NearestVersions(string wanted, IEnumerable<string> versions)
    {
        var target = SemanticVersion.Parse(wanted)!;
        var parsed = versions.Select(v => SemanticVersion.Parse(v)).OfType<SemanticVersion>().ToList();
        var releases = parsed.Where(v => !v.IsPrerelease || target.IsPrerelease).ToList();
        var sorted = (releases.Count > 0 ? releases : parsed).Order().ToList();
        var below = sorted.Where(v => v.CompareTo(target) < 0).TakeLast(NearestVersionsEachSide);
        var above = sorted.Where(v => v.CompareTo(target) > 0).Take(NearestVersionsEachSide);
        return below.Concat(above).Select(v => v.Text).ToList();
    }

    /// <summary>
    /// MR0071: the package has no file at the path. Lists what could be meant, nearest first: for a
    /// <c>.json</c> path the package's TF.js graph models (told by content), for other paths the files
    /// with the same extension, else its TF.js graph models, else every file.
    /// </summary>
    private static ModelRefsException FileNotFound(NpmModelHandle npm, string tarballPath, ArchiveLimits limits, CancellationToken cancellationToken)
    {
        var wanted = npm.PathInPackage;
        var extension = Path.GetExtension(wanted).ToLowerInvariant();
        var files = new List<string>();
        var graphModels = new List<string>();
        try
        {
            foreach (var entry in TarArchive.Entries(tarballPath, TarCompression.Gzip, limits, cancellationToken))
            {
                if (!entry.IsRegularFile || PathInPackage(entry.Name) is not { } path)
                    continue;
                files.Add(path);
                if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && entry.Length <= MaxSniffedJsonBytes)
                {
                    using var content = new MemoryStream();
                    entry.DataStream.CopyTo(content);
                    if (ModelFormatSniffer.Sniff(content, path).Kind == ModelFileKind.TfJsGraphModel)
                        graphModels.Add(path);
                }
            }
        }
        catch (UnsafeArchiveException)
        {
            // The first pass read it whole; a listing is only a help.
        }

        string listing;
        var folder = wanted.TrimEnd('/') + "/";
        if (files.Where(f => f.StartsWith(folder, StringComparison.Ordinal)).ToList() is { Count: > 0 } inFolder)
            listing = $"'{wanted}' is a folder of the package; its files: " +
                      NearestNames.Join(inFolder.OrderBy(f => ModelExtensions.Contains(Path.GetExtension(f)) ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal).ToList(), 20) + ".";
        else if (extension == ".json")
            listing = graphModels.Count == 0
                ? "The package has no TF.js graph model (no .json file with modelTopology)."
                : $"Its TF.js graph models: {NearestNames.Join(NearestNames.Order(wanted, graphModels), 20)}.";
        else if (extension.Length > 0 && files.Where(f => f.EndsWith(extension, StringComparison.OrdinalIgnoreCase)).ToList() is { Count: > 0 } sameKind)
            listing = $"Its {extension} files: {NearestNames.Join(NearestNames.Order(wanted, sameKind), 20)}.";
        else if (graphModels.Count > 0)
            listing = (extension.Length > 0 ? $"The package has no {extension} files. " : "") +
                      $"Its TF.js graph models (restore converts them to ONNX): {NearestNames.Join(NearestNames.Order(wanted, graphModels), 20)}.";
        else
            listing = (extension.Length > 0 ? $"The package has no {extension} files. " : "") +
                      (files.Count == 0 ? "It has no files." : $"Nearest files: {NearestNames.Join(NearestNames.Order(wanted, files))}.");
        return new ModelRefsException(RestoreDiagnostics.NpmFileNotFound,
            $"Model '{npm.Text}': {npm.PackageName}@{npm.Version} has no file '{wanted}'. {listing} Fix the path after the version in the Include " +
            "(it is written without the tarball's package/ folder).");
    }
}
