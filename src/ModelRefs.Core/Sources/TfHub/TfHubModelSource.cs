using ModelRefs.Core.Configuration;
using ModelRefs.Core.Archives;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Conversion;
using ModelRefs.Core.Conversion.SavedModel;
using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources.TfHub;

/// <summary>
/// TF Hub's compressed-download protocol (docs/tfhub.md): <c>GET {ModelRefsTfHubUrl}{publisher}/{model}/{variations}/{version}</c>
/// with <c>?tfjs-format=compressed</c>, <c>?tf-hub-format=compressed</c> or <c>?lite-format=tflite</c>,
/// redirects followed (tfhub.dev sends the download on to storage or Kaggle); the archive is a blob of
/// the cache, extracted safely once per machine, and converted to ONNX once per machine (TF.js in C#,
/// SavedModel with tf2onnx). An unversioned handle is pinned to the version the download's final URL
/// names; the lock's <c>resolved</c> URL holds it from then on.
/// </summary>
public sealed partial class TfHubModelSource : IModelSource
{
    public const string DefaultUrl = "https://tfhub.dev/";

    /// <summary>The metadata request of ModelRefs' own (docs/tfhub.md): the model page's path with this query, answered with JSON.</summary>
    public const string MetadataQuery = "metadata-format=json";

    /// <param name="limits">Archive limits for every fetch; null: the project's (<see cref="ArchiveSettings"/>).</param>
    public TfHubModelSource(ArchiveLimits? limits = null) => _limits = limits;

    private readonly ArchiveLimits? _limits;

    public string Scheme => "tfhub";

    public string HandleForms => "tfhub:<publisher>/<model>[/<variation>…]/<version> (also as a https://tfhub.dev/… or https://www.kaggle.com/models/… URL)";

    public IReadOnlyList<Setting> Settings => [TfHubSettings.Url, ConversionSettings.Python];

    /// <summary><c>tfhub:</c> handles, and tfhub.dev and Kaggle model URLs, which name the same models (contract.md).</summary>
    public ModelHandle? TryParse(HandleText include) => include.Scheme switch
    {
        "tfhub" => TfHubModelHandle.Create(include.Text, include.Rest),
        "https" or "http" when Uri.TryCreate(include.Text, UriKind.Absolute, out var uri) && TfHubModelHandle.IsHubUrl(uri)
            => TfHubModelHandle.CreateFromUrl(include.Text, uri),
        _ => null,
    };

    /// <summary>The name of this source's cache folder: <c>extracted/&lt;archive sha256&gt;/</c> and <c>metadata/&lt;archive sha256&gt;.txt</c> are in it.</summary>
    public const string CacheFolderName = "tfhub";

    /// <summary>The cache folder for extracted TF Hub archives.</summary>
    public static string Root(ModelCache cache) => cache.Layout.SourceFolder(CacheFolderName);

    /// <summary>The hub base URL with a trailing slash.</summary>
    public static Uri BaseUrl(string? configured)
    {
        var text = string.IsNullOrWhiteSpace(configured) ? DefaultUrl : configured.Trim();
        if (!text.EndsWith('/'))
            text += "/";
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"ModelRefsTfHubUrl '{configured}' is not an http(s) URL. Set it to a TF Hub endpoint such as {DefaultUrl}, or remove it.");
    }

    /// <summary>The format to fetch: <c>Format</c> metadata, else what the spelling implies, else SavedModel (the hub's default).</summary>
    public static TfHubFormat ResolveFormat(TfHubModelHandle handle, string? formatMetadata)
    {
        if (formatMetadata is null)
            return handle.ImpliedFormat ?? TfHubFormat.SavedModel;
        TfHubFormat format = formatMetadata.Trim().ToLowerInvariant() switch
        {
            "tfjs" => TfHubFormat.TfJs,
            "saved_model" or "savedmodel" => TfHubFormat.SavedModel,
            "tflite" => TfHubFormat.TfLite,
            _ => throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Format '{formatMetadata}' is not a TF Hub format. Write Format=\"tfjs\" (a TF.js graph model), " +
                "Format=\"saved_model\" (the hub's default) or Format=\"tflite\"."),
        };
        if (handle.ImpliedFormat is { } implied && implied != format)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': the Include names the {Name(implied)} format but Format is '{formatMetadata}'. Remove Format, or write the " +
                $"handle as {handle.Text} to choose the format with Format alone.");
        return format;
    }

    public static string Name(TfHubFormat format) => format switch
    {
        TfHubFormat.TfJs => "tfjs",
        TfHubFormat.TfLite => "tflite",
        _ => "saved_model",
    };

    /// <summary>The query of the compressed-download protocol for a format.</summary>
    public static string Query(TfHubFormat format) => format switch
    {
        TfHubFormat.TfJs => "tfjs-format=compressed",
        TfHubFormat.TfLite => "lite-format=tflite",
        _ => "tf-hub-format=compressed",
    };

    public async Task<FetchedArtifact> FetchAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var hub = handle as TfHubModelHandle ?? throw new ArgumentException("not a tfhub: handle", nameof(handle));
        var format = ResolveFormat(hub, context.GetMetadata("Format"));
        var opset = Opset(hub, context, format);
        var baseUrl = BaseUrl(context.Settings.Get(TfHubSettings.Url));

        var archive = await GetArchiveAsync(hub, context, baseUrl, format, cancellationToken).ConfigureAwait(false);
        return format switch
        {
            TfHubFormat.TfJs => await ConvertTfJsAsync(hub, context, archive, cancellationToken).ConfigureAwait(false),
            TfHubFormat.SavedModel => await ConvertSavedModelAsync(hub, context, archive, opset, cancellationToken).ConfigureAwait(false),
            _ => throw TfLite(hub, archive),
        };
    }

    private static long Opset(TfHubModelHandle hub, FetchContext context, TfHubFormat format)
    {
        if (context.GetMetadata("Opset") is not { } text)
            return TfJsToOnnxConverter.Opset;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var opset) || opset < 7 || opset > 23)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata, $"Model '{hub.Text}': Opset '{text}' is not an ONNX opset (a whole number such as 17).");
        if (format == TfHubFormat.TfJs && opset != TfJsToOnnxConverter.Opset)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{hub.Text}': the TF.js converter writes opset {TfJsToOnnxConverter.Opset}; Opset '{text}' cannot be honoured. Remove Opset.");
        return opset;
    }

    /// <summary>A downloaded archive (or .tflite file) at a pinned version.</summary>
    public sealed record TfHubArchive(string Path, string Sha256, int Version, string Resolved, string? License, string? LicenseSource, string? Description);

    private static string RefKey(Uri baseUrl, string pathAtVersion, TfHubFormat format) =>
        $"tfhub|{Downloads.Redact(baseUrl)}|{pathAtVersion}|{Query(format)}";

    private static string LatestKey(Uri baseUrl, TfHubModelHandle hub, TfHubFormat format) =>
        $"tfhub-latest|{Downloads.Redact(baseUrl)}|{hub.ModelPath}|{Query(format)}";

    /// <summary>The canonical, versioned download URL: what the lock records as <c>resolved</c>.</summary>
    public static string ResolvedUrl(Uri baseUrl, TfHubModelHandle hub, int version, TfHubFormat format) =>
        Downloads.Redact(new Uri(baseUrl, hub.PathAt(version) + "?" + Query(format)));

    /// <summary>The version a lock's resolved URL pins (<c>…/lightning/4?tfjs-format=compressed</c> → 4), or null.</summary>
    public static int? VersionFromResolved(TfHubModelHandle hub, string? resolved)
    {
        if (string.IsNullOrWhiteSpace(resolved) || !Uri.TryCreate(resolved, UriKind.Absolute, out var uri))
            return null;
        var path = uri.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        if (slash < 0 || !path[..slash].EndsWith("/" + hub.ModelPath, StringComparison.OrdinalIgnoreCase))
            return null;
        return int.TryParse(path[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
    }

    // The version in a download's final URL: a path segment "4", "4.tar.gz" or "4.tflite" (GCS's
    // tfhub-modules/<publisher>/<model>/<version>.tar.gz, Kaggle's …/<variation>/<version>/download).
    [GeneratedRegex(@"^(?<v>[0-9]{1,9})(?:\.tar\.gz|\.tgz|\.tar|\.tflite)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();

    /// <summary>The version named by a redirect target, searched from the end of its path; null when none.</summary>
    public static int? VersionFromFinalUrl(Uri finalUrl)
    {
        foreach (var segment in Enumerable.Reverse(finalUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)))
        {
            var match = VersionSegment().Match(Uri.UnescapeDataString(segment));
            if (match.Success && int.TryParse(match.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0)
                return v;
        }
        return null;
    }

    private async Task<TfHubArchive> GetArchiveAsync(TfHubModelHandle hub, FetchContext context, Uri baseUrl, TfHubFormat format,
        CancellationToken cancellationToken)
    {
        var cache = context.Cache;
        var expected = context.ExpectedSha256(hub);
        var version = hub.Version ?? VersionFromResolved(hub, context.PinnedResolved);
        if (version is null && context.Offline && cache.TryGetRef(LatestKey(baseUrl, hub, format)) is { Resolved: { } latest }
            && int.TryParse(latest, NumberStyles.None, CultureInfo.InvariantCulture, out var known))
        {
            context.Log($"{hub.Text}: offline, using version {known} last resolved on this machine");
            version = known;
        }

        if (version is { } pinned)
        {
            var key = RefKey(baseUrl, hub.PathAt(pinned), format);
            if (Cached(cache, key, expected, hub, pinned) is { } hit)
            {
                context.Log($"{hub.Text}: version {pinned} ({Name(format)}) in the cache, no network");
                return hit;
            }
        }
        if (context.Offline)
            throw new ModelRefsException(RestoreDiagnostics.OfflineNotCached,
                $"Model '{hub.Text}': restore is offline (ModelRefsOffline) and {(version is null ? "the latest version" : "version " + version)} of " +
                $"{hub.ModelPath} ({Name(format)}) is not in the cache ({cache.Root}). Restore once with the network to fill the cache.");

        var lockKey = "tfhub-download|" + RefKey(baseUrl, version is null ? hub.ModelPath : hub.PathAt(version.Value), format);
        var fetchLock = await context.AcquireFetchLockAsync(hub, lockKey, $"'{hub.Text}'", cancellationToken).ConfigureAwait(false);
        await using (fetchLock)
        {
            if (version is { } locked && Cached(cache, RefKey(baseUrl, hub.PathAt(locked), format), expected, hub, locked) is { } fresh)
                return fresh; // another restore downloaded it while this one waited

            var url = new Uri(baseUrl, (version is null ? hub.ModelPath : hub.PathAt(version.Value)) + "?" + Query(format));
            context.Log($"{hub.Text}: downloading {Downloads.Redact(url)}");
            Downloads.Downloaded downloaded;
            try
            {
                downloaded = await Downloads.DownloadToCacheAsync(hub, context, url, new BlobAddOptions { ExpectedSha256 = expected }, cancellationToken,
                    status => status is HttpStatusCode.NotFound or HttpStatusCode.Gone ? NotFound(hub, url, format) : null).ConfigureAwait(false);
            }
            catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.TfHubNotFound && version is { } missing)
            {
                throw await MissingVersionAsync(hub, context, baseUrl, format, missing, e, cancellationToken).ConfigureAwait(false);
            }
            catch (ContentHashMismatchException e)
            {
                throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                    $"Model '{hub.Text}': the download from {Downloads.Redact(url)} has SHA-256 {e.ActualSha256}, expected {e.ExpectedSha256}; " +
                    "nothing was cached. TF Hub versions are immutable, so the hub or a proxy served something else. If the new content is intended, " +
                    "update the Sha256 metadata or the models.lock.json entry.", e);
            }

            var resolvedVersion = version ?? VersionFromFinalUrl(downloaded.FinalUrl)
                ?? throw new ModelRefsException(RestoreDiagnostics.TfHubVersionUnresolved,
                    $"Model '{hub.Text}': the handle names no version, and the hub's answer ({Downloads.Redact(downloaded.FinalUrl)}) does not say which " +
                    $"version it served. Write the version in the Include (e.g. tfhub:{hub.ModelPath}/1); TF Hub versions are whole numbers shown on the model's page.");
            if (version is null)
                context.Log($"{hub.Text}: the latest version is {resolvedVersion}; models.lock.json pins it");

            var (license, licenseSource, description) = await GetMetadataAsync(hub, context, baseUrl, resolvedVersion, cancellationToken).ConfigureAwait(false);
            var resolved = ResolvedUrl(baseUrl, hub, resolvedVersion, format);
            cache.SetRef(new CacheRef(RefKey(baseUrl, hub.PathAt(resolvedVersion), format), downloaded.Blob.Sha256, resolved, license, licenseSource));
            MetadataIndex.Write(cache, downloaded.Blob.Sha256, description);
            if (version is null) // resolved now, not pinned by the lock: remember it for offline restores
                cache.SetRef(new CacheRef(LatestKey(baseUrl, hub, format), downloaded.Blob.Sha256, resolvedVersion.ToString(CultureInfo.InvariantCulture)));
            context.Log($"{hub.Text}: downloaded {downloaded.Blob.Length} bytes, SHA-256 {downloaded.Blob.Sha256}");
            return new TfHubArchive(downloaded.Blob.Path, downloaded.Blob.Sha256, resolvedVersion, resolved, license, licenseSource, description);
        }
    }

    private static TfHubArchive? Cached(ModelCache cache, string key, string? expected, TfHubModelHandle hub, int version)
    {
        if (cache.TryGetRef(key) is not { Resolved: { } resolved } known || (expected is not null && expected != known.Sha256))
            return null;
        return cache.TryGetBlob(known.Sha256) is { } path
            ? new TfHubArchive(path, known.Sha256, version, resolved, known.License, known.LicenseSource, MetadataIndex.Read(cache, known.Sha256))
            : null;
    }

    /// <summary>
    /// ModelRefs' metadata request: <c>GET {base}{path}/{version}?metadata-format=json</c> answered with
    /// <c>{"license": "Apache-2.0", "description": "…"}</c>. One attempt, no redirects; any other answer
    /// (the public hub's HTML pages, a 404, a redirect) means no metadata: the licence is then unknown
    /// and the item's License metadata can name it.
    /// </summary>
    private static async Task<(string? License, string? LicenseSource, string? Description)> GetMetadataAsync(TfHubModelHandle hub, FetchContext context,
        Uri baseUrl, int version, CancellationToken cancellationToken)
    {
        var url = new Uri(baseUrl, hub.PathAt(version) + "?" + MetadataQuery);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Both at their longest (49 days each) would be more than a timer takes.
            var limit = context.Download.ConnectTimeout + context.Download.IdleTimeout;
            timeout.CancelAfter(limit.TotalSeconds > Restore.RestoreSettings.MaxSeconds ? TimeSpan.FromSeconds(Restore.RestoreSettings.MaxSeconds) : limit);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
            {
                context.Log($"{hub.Text}: the hub has no metadata at {Downloads.Redact(url)} (HTTP {(int)response.StatusCode}); the licence stays unknown unless License is set");
                return (null, null, null);
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token).ConfigureAwait(false);
            var root = document.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                && v.GetString() is { Length: > 0 and < 4096 } s ? s.Trim() : null;
            var license = Text("license");
            return (license, license is null ? null : "hub", Text("description"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            context.Log($"{hub.Text}: reading the hub's metadata at {Downloads.Redact(url)} failed ({e.Message}); the licence stays unknown unless License is set");
            return (null, null, null);
        }
    }

    /// <summary>The archive extracted under the cache (once per machine).</summary>
    private string ExtractArchive(TfHubModelHandle hub, FetchContext context, TfHubArchive archive, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root(context.Cache), "extracted", archive.Sha256);
        try
        {
            var files = SafeTarExtractor.Extract(archive.Path, directory, _limits ?? ArchiveSettings.Limits(context.Settings), cancellationToken);
            if (files > 0)
                context.Log($"{hub.Text}: extracted {files} files");
        }
        catch (UnsafeArchiveException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.UnsafeArchive,
                $"Model '{hub.Text}': the archive from {archive.Resolved} was refused: {e.Message}. Nothing was extracted. A TF Hub archive must hold " +
                "only plain files and folders; report this to the model's publisher, or check ModelRefsTfHubUrl.", e);
        }
        return directory;
    }

    /// <summary>The shallowest file of this name under the folder (TF Hub archives put it at the root).</summary>
    private static string? FindShallowest(string directory, string fileName) =>
        Directory.EnumerateFiles(directory, fileName, SearchOption.AllDirectories)
            .OrderBy(p => p.Count(c => c == Path.DirectorySeparatorChar)).ThenBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault();

    private async Task<FetchedArtifact> ConvertTfJsAsync(TfHubModelHandle hub, FetchContext context, TfHubArchive archive, CancellationToken cancellationToken)
    {
        var key = ConversionCache.Key(archive.Sha256, TfJsToOnnxConverter.Identity, "tfjs|batch");
        var converted = ConversionCache.TryGet(context.Cache, key);
        if (converted is null)
        {
            var directory = ExtractArchive(hub, context, archive, cancellationToken);
            var modelJson = FindShallowest(directory, "model.json")
                ?? throw new ModelRefsException(RestoreDiagnostics.TfHubArchiveInvalid,
                    $"Model '{hub.Text}': the TF.js download ({archive.Resolved}) holds no model.json, so it is not a TF.js graph model. " +
                    "Check the handle and Format (Format=\"saved_model\" for the hub's default SavedModel).");
            converted = await ConversionCache.GetOrConvertAsync(context.Cache, key, $"converting '{hub.Text}'", context.Log, context.Download.LockTimeout,
                output => TfJsModelConversion.Run(hub, modelJson, output, context), cancellationToken).ConfigureAwait(false);
        }
        else
            context.Log($"{hub.Text}: ONNX conversion in the cache ({converted.OnnxSha256[..12]}…)");
        return Artifact(archive, converted);
    }

    private async Task<FetchedArtifact> ConvertSavedModelAsync(TfHubModelHandle hub, FetchContext context, TfHubArchive archive, long opset,
        CancellationToken cancellationToken)
    {
        var directory = ExtractArchive(hub, context, archive, cancellationToken);
        var savedModelPb = FindShallowest(directory, "saved_model.pb")
            ?? throw new ModelRefsException(RestoreDiagnostics.TfHubArchiveInvalid,
                $"Model '{hub.Text}': the SavedModel download ({archive.Resolved}) holds no saved_model.pb" +
                (FindShallowest(directory, "tfhub_module.pb") is not null ? " (it is a TF1 hub module, which tf2onnx cannot read)" : "") +
                ". Check the handle, or use Format=\"tfjs\" when the model has a TF.js variant.");
        SavedModelInfo info;
        try
        {
            info = SavedModelReader.Read(savedModelPb);
        }
        catch (OnnxFormatException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.TfHubArchiveInvalid,
                $"Model '{hub.Text}': saved_model.pb of {archive.Resolved} cannot be read: {e.Problem} at byte {e.Offset}.", e);
        }
        var serving = info.Serving ?? throw new ModelRefsException(RestoreDiagnostics.TfHubArchiveInvalid,
            $"Model '{hub.Text}': the SavedModel ({archive.Resolved}) has no '{SavedModelInfo.ServingKey}' signature" +
            (info.Signatures.Count == 0 ? " and no other" : $" (it has {string.Join(", ", info.Signatures.Select(s => "'" + s.Key + "'"))})") +
            ", so there is nothing to call. Use Format=\"tfjs\" when the model has a TF.js variant.");
        context.Log($"{hub.Text}: SavedModel {serving.Describe()}");

        var probe = Tf2OnnxRunner.Find(context.Settings.Get(ConversionSettings.Python));
        if (probe.Interpreter is not { } python)
            throw new ModelRefsException(RestoreDiagnostics.SavedModelConverterMissing,
                $"Model '{hub.Text}': the SavedModel (version {archive.Version}, {serving.Describe()}) is converted to ONNX by tf2onnx, and no Python " +
                $"with tf2onnx and tensorflow was found ({probe.Problem}). Install them (pip install tf2onnx tensorflow) into a python3 and set " +
                "ModelRefsPython to it, or use Format=\"tfjs\" when the model has a TF.js variant (TF.js models convert in .NET, without Python).");

        var identity = python.Identity(opset);
        var key = ConversionCache.Key(archive.Sha256, identity, $"saved_model|{serving.Key}");
        var converted = await ConversionCache.GetOrConvertAsync(context.Cache, key, $"converting '{hub.Text}'", context.Log, context.Download.LockTimeout,
            output =>
            {
                context.Log($"{hub.Text}: converting the SavedModel to ONNX with {identity} ({python.Path})");
                var failure = Tf2OnnxRunner.Convert(python, Path.GetDirectoryName(savedModelPb)!, serving.Key, opset, output, TimeSpan.FromMinutes(30));
                if (failure is not null)
                    throw new ModelRefsException(RestoreDiagnostics.ConversionFailed,
                        $"Model '{hub.Text}': tf2onnx could not convert the SavedModel ({serving.Describe()}): {failure}. Nothing was cached. " +
                        "Try another Opset, or Format=\"tfjs\" when the model has a TF.js variant.");
                return identity;
            }, cancellationToken).ConfigureAwait(false);
        return Artifact(archive, converted) with { Description = archive.Description ?? $"TF Hub {hub.Text}: {serving.Describe()}" };
    }

    private static FetchedArtifact Artifact(TfHubArchive archive, ConvertedModel converted) =>
        new(archive.Path, archive.Sha256, archive.Resolved, archive.License, archive.LicenseSource)
        {
            OnnxPath = converted.OnnxPath,
            OnnxSha256 = converted.OnnxSha256,
            Converter = converted.Converter,
            Description = archive.Description,
        };

    private static ModelRefsException TfLite(TfHubModelHandle hub, TfHubArchive archive)
    {
        var format = ModelFormatSniffer.Sniff(archive.Path);
        var what = format.Kind == ModelFileKind.TfLite ? format.Description : $"{format.Description}, not even a TensorFlow Lite flatbuffer";
        return new ModelRefsException(RestoreDiagnostics.TfLiteNotSupported,
            $"Model '{hub.Text}': the hub served {what} (version {archive.Version}, {new FileInfo(archive.Path).Length} bytes, cached), and this version of " +
            "ModelRefs has no TFLite → ONNX converter yet. Use Format=\"tfjs\" when the model has a TF.js variant (converted in .NET), " +
            "or Format=\"saved_model\" (converted by tf2onnx).");
    }

    /// <summary>
    /// A versioned download answered 404: the unversioned one (headers only) tells whether only the
    /// version is missing (and which is the latest) or the model has no download in this format at all.
    /// </summary>
    private static async Task<ModelRefsException> MissingVersionAsync(TfHubModelHandle hub, FetchContext context, Uri baseUrl, TfHubFormat format, int version,
        ModelRefsException notFound, CancellationToken cancellationToken)
    {
        try
        {
            var latest = await LatestVersionAsync(hub, context, baseUrl, format, cancellationToken).ConfigureAwait(false);
            return new ModelRefsException(RestoreDiagnostics.TfHubNotFound,
                $"Model '{hub.Text}': the hub has {hub.ModelPath} in {Name(format)} format, but no version {version} of it; the latest is {latest}. " +
                $"Write an existing version in the Include (tfhub:{hub.PathAt(latest)}), or leave the version out to take the latest (the lock then pins it).", notFound);
        }
        catch (ModelRefsException e) when (e.Diagnostic == RestoreDiagnostics.TfHubNotFound)
        {
            return new ModelRefsException(RestoreDiagnostics.TfHubNotFound,
                $"Model '{hub.Text}': the hub has no {Name(format)} download of {hub.ModelPath} at any version. Check the publisher, model and variation " +
                $"on the model's page, and whether it is published in {Name(format)} format (Format=\"tfjs\", \"saved_model\" or \"tflite\"); " +
                "check ModelRefsTfHubUrl for a mirror.", notFound);
        }
        catch (ModelRefsException)
        {
            return notFound; // the latest version cannot be learnt: what is known is the 404
        }
    }

    private static ModelRefsException NotFound(TfHubModelHandle hub, Uri url, TfHubFormat format) =>
        new(RestoreDiagnostics.TfHubNotFound,
            $"Model '{hub.Text}': the hub has no {Name(format)} download at {Downloads.Redact(url)} (HTTP 404). Check the publisher, model, variation " +
            $"and version on the model's page, and whether the model is published in {Name(format)} format (Format=\"tfjs\", \"saved_model\" or \"tflite\"); " +
            "check ModelRefsTfHubUrl for a mirror.");

    /// <summary>Descriptions from the hub's metadata, by archive SHA-256, for restores that find the archive in the cache.</summary>
    private static class MetadataIndex
    {
        private static string PathFor(ModelCache cache, string sha256) => Path.Combine(Root(cache), "metadata", sha256 + ".txt");

        public static string? Read(ModelCache cache, string sha256)
        {
            try
            {
                var path = PathFor(cache, sha256);
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        public static void Write(ModelCache cache, string sha256, string? description)
        {
            if (description is not null)
                AtomicFile.WriteAllBytes(PathFor(cache, sha256), Encoding.UTF8.GetBytes(description));
        }
    }
}
