using ModelRefs.Core.Configuration;
using System.Text.RegularExpressions;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources.Https;
using ModelRefs.Core.Sources.HuggingFace;
using ModelRefs.Core.Sources.Local;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources;

/// <summary>
/// The table of sources: parses an Include with the first source that claims it, lists every
/// declared setting, and dispatches a fetch to the source of the handle's scheme.
/// </summary>
public sealed partial class ModelSources
{
    private readonly IReadOnlyList<IModelSource> _sources;

    /// <param name="sources">In the order they are asked to parse an Include; the first that claims it wins.</param>
    public ModelSources(IEnumerable<IModelSource> sources)
    {
        _sources = sources.ToArray();
        SupportedForms = _sources.Count == 0 ? "" : _sources.Count == 1 ? _sources[0].HandleForms
            : string.Join(", ", _sources.Take(_sources.Count - 1).Select(s => s.HandleForms)) + ", or " + _sources[^1].HandleForms;
        Settings = RestoreSettings.All.Concat(_sources.SelectMany(s => s.Settings))
            .DistinctBy(s => s.Property, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// Every source of this version, one line each. A source that claims URLs of another scheme
    /// (TF Hub claims tfhub.dev and Kaggle URLs, Hugging Face huggingface.co file URLs) comes before that scheme's own source.
    /// </summary>
    public static ModelSources Default { get; } = new(
    [
        new LocalModelSource(),
        new NpmModelSource(),
        new TorchHubModelSource(),
        new TfHubModelSource(),
        new HuggingFaceModelSource(),
        new OciModelSource(),
        new HttpsModelSource(),
    ]);

    /// <summary>The handle forms of every source, for messages: "a local path (…), npm:…, or https://…".</summary>
    public string SupportedForms { get; }

    /// <summary>Every setting restore and the sources read, each once (restore's own first).</summary>
    public IReadOnlyList<Setting> Settings { get; }

    public IReadOnlyList<IModelSource> Sources => _sources;

    // Schemes that name hubs this version does not support yet, so their handles get a clear
    // answer instead of "unknown scheme". Each leaves this list when its source is registered.
    private static readonly string[] PlannedSchemes = [];

    // A scheme is two or more characters before ':' so that Windows drive letters (C:\…) stay paths.
    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]+):", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePattern();

    /// <summary>Parses an Include. Throws <see cref="ModelRefsException"/> (MR0001) when it is not a valid handle.</summary>
    public ModelHandle Parse(string include, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var text = (include ?? "").Trim();
        if (text.Length == 0)
            throw ModelHandle.Invalid(include ?? "", "the Include is empty. Write " + SupportedForms + ".");

        // MSBuild unescapes %00 and friends: no handle of any source holds a control character.
        if (text.FirstOrDefault(char.IsControl, '\uffff') is var control && control != '\uffff')
            throw ModelHandle.Invalid(Printable(text), $"the Include holds the control character U+{(int)control:X4} (MSBuild reads %{(int)control:X2} as one). " +
                "Remove it; if it is part of a URL, escape the '%' as %25.");

        var match = SchemePattern().Match(text);
        var scheme = match.Success ? match.Groups["scheme"].Value.ToLowerInvariant() : null;
        var parts = new HandleText(text, scheme, match.Success ? text[match.Length..] : text, projectDirectory);
        foreach (var source in _sources)
            if (source.TryParse(parts) is { } handle)
                return handle;

        if (scheme is not null && Array.IndexOf(PlannedSchemes, scheme) >= 0)
            throw ModelHandle.Invalid(text, $"'{scheme}:' handles are not supported by this version of ModelRefs yet. " +
                $"Supported now: {SupportedForms}. Until then, export the model to ONNX and reference the file.");
        throw ModelHandle.Invalid(text, $"the scheme '{scheme}:' is not known. Write {SupportedForms}.");
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    public Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(context);
        var source = _sources.FirstOrDefault(s => s.Scheme == handle.Scheme)
            ?? throw new ModelRefsException(RestoreDiagnostics.InvalidHandle,
                $"Model '{handle.Text}': no source can fetch '{handle.Scheme}' handles in this version. Write {SupportedForms}.");
        return source.FetchAsync(handle, context, cancellationToken);
    }

    /// <summary>The versions of a model its source knows (see <see cref="IVersionedSource"/>).</summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return SourceOf(handle) is IVersionedSource versioned
            ? await versioned.GetVersionsAsync(handle, context, cancellationToken).ConfigureAwait(false)
            : ModelVersions.Unversioned($"checking '{handle.Scheme}:' models for newer versions is not supported by this version of ModelRefs");
    }

    /// <summary>The handle at another version (see <see cref="IVersionedSource.WithVersion"/>); MR0001 when its source has no versions.</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return SourceOf(handle) is IVersionedSource versioned
            ? versioned.WithVersion(handle, version.Trim())
            : throw ModelHandle.Invalid(handle.Text, $"'{handle.Scheme}:' models cannot be moved to another version by this version of ModelRefs. Edit the Include yourself.");
    }

    /// <summary>Every pickled weight file the sources keep in a cache (see <see cref="IModelSource.PickledWeightFiles"/>).</summary>
    public IReadOnlyList<string> PickledWeightFiles(Caching.ModelCache cache) => _sources.SelectMany(s => s.PickledWeightFiles(cache)).ToList();

    private IModelSource? SourceOf(ModelHandle handle) => _sources.FirstOrDefault(s => s.Scheme == handle.Scheme);

    /// <summary>The external data files of a model <paramref name="handle"/>'s source fetched (see <see cref="IModelSource.FetchExternalDataAsync"/>).</summary>
    public Task<IReadOnlyList<ExternalDataFile>> FetchExternalDataAsync(ModelHandle handle, FetchedArtifact model, IReadOnlyList<ExternalDataRequest> files,
        FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var source = _sources.FirstOrDefault(s => s.Scheme == handle.Scheme)
            ?? throw new ModelRefsException(RestoreDiagnostics.InvalidHandle,
                $"Model '{handle.Text}': no source can fetch '{handle.Scheme}' handles in this version. Write {SupportedForms}.");
        return source.FetchExternalDataAsync(handle, model, files, context, cancellationToken);
    }

    /// <summary>Whether a lock entry still applies to the item (see <see cref="IModelSource.LockEntryApplies"/>).</summary>
    public bool LockEntryApplies(ModelHandle handle, string resolved, IReadOnlyDictionary<string, string> metadata) =>
        _sources.FirstOrDefault(s => s.Scheme == handle.Scheme) is not { } source || source.LockEntryApplies(handle, resolved, metadata);

    /// <summary>What the sources add to the no-op restore's hash for a project (see <see cref="IModelSource.DescribeProjectInputs"/>).</summary>
    public IEnumerable<string> DescribeProjectInputs(SettingValues settings) =>
        _sources.Select(s => s.DescribeProjectInputs(settings) is { } inputs ? s.Scheme + "=" + inputs : null).OfType<string>();

    /// <summary>The files those inputs are read from (see <see cref="IModelSource.ProjectInputFiles"/>).</summary>
    public IEnumerable<string> ProjectInputFiles(SettingValues settings) => _sources.SelectMany(s => s.ProjectInputFiles(settings));
}
