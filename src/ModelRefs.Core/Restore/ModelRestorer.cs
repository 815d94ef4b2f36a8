using System.Collections.Concurrent;
using ModelRefs.Core.Bom;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Licensing;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Manifests;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;
using ModelRefs.Shared.Naming;

namespace ModelRefs.Core.Restore;

/// <summary>
/// Restores a project's models: handle → source → verified file in the cache → ONNX signature →
/// manifest for the compiler. Every item is attempted; each failure becomes a
/// <see cref="RestoreProblem"/> naming the model, so one bad item does not hide the others.
/// </summary>
public sealed partial class ModelRestorer
{
    public const string ManifestExtension = Shared.Manifest.ManifestKeys.FileSuffix;

    private readonly Lazy<HttpClient> _http;
    private readonly Action<string> _log;
    private readonly Action<string>? _progress;
    private readonly ModelSources _sources;

    /// <param name="log">Detailed messages (MSBuild: normal importance).</param>
    /// <param name="sources">The sources; default <see cref="ModelSources.Default"/>.</param>
    /// <param name="progress">
    /// Lines for the default verbosity (a long download's size and progress; MSBuild: high
    /// importance); null sends them to <paramref name="log"/>. Called from several threads, one at a time.
    /// </param>
    public ModelRestorer(HttpClient http, Action<string>? log = null, ModelSources? sources = null, Action<string>? progress = null)
        : this(() => http, log, sources, progress)
    {
    }

    /// <param name="http">Called at the first fetch only: an up-to-date restore never creates a client
    /// (in a fresh MSBuild node, creating one costs more than the whole no-op check).</param>
    /// <param name="log">Detailed messages (MSBuild: normal importance).</param>
    /// <param name="sources">The sources; default <see cref="ModelSources.Default"/>.</param>
    /// <param name="progress">Lines for the default verbosity; see the other constructor.</param>
    public ModelRestorer(Func<HttpClient> http, Action<string>? log = null, ModelSources? sources = null, Action<string>? progress = null)
    {
        _http = new Lazy<HttpClient>(http);
        _log = log ?? (static _ => { });
        _sources = sources ?? ModelSources.Default;
        if (progress is not null)
        {
            var gate = new object();
            _progress = message => { lock (gate) progress(message); };
        }
    }

    /// <summary>Logged when the full no-op check answered what the quick check could not, and renewed its key.</summary>
    public const string QuickKeyRenewedMessage =
        "ModelRefs: the no-op record's quick key was renewed (the project file, the lock, an .npmrc file or the environment changed, not the restore's inputs).";

    /// <summary>The whole restore's deadline when <see cref="RestoreSettings.RestoreTimeout"/> is not set.</summary>
    public static readonly TimeSpan DefaultRestoreTimeout = TimeSpan.FromHours(1);

    public async Task<RestoreResult> RestoreAsync(IReadOnlyList<ModelReference> items, RestoreRequest request, CancellationToken cancellationToken = default)
    {
        var cache = new ModelCache(request.CacheRoot);
        request = request with { Settings = request.Settings.ForProject(request.ProjectDirectory) };
        // Said once for the project rather than once per model; local files alone never use the cache.
        if (File.Exists(cache.Root) && items.Any(item => TryParse(item, request) is not { IsLocalFile: true }))
            return new RestoreResult([], [new RestoreProblem(RestoreDiagnostics.FileAccessFailed,
                $"The model cache {cache.Root} is a file, not a folder: nothing can be restored into it. Move the file away, " +
                "or point ModelRefsHome (or the MODELREFS_HOME environment variable) at a folder.", null)]);
        var lockPath = request.ResolvedLockFilePath;
        var noOpPath = Path.Combine(request.IntermediatePath, NoOpState.FileName);
        var noticesPath = Path.Combine(request.IntermediatePath, NoticesWriter.FileName);
        var bomPath = Path.Combine(request.IntermediatePath, ModelBomWriter.FileName);
        // Stamped before anything is read from them: a change while this restore runs shows in the next one.
        var probes = request.QuickKey is null ? null : Probes(request, lockPath);
        var inputsHash = NoOpState.ComputeInputsHash(items, request, _sources, cache.Root, lockPath);

        var recordRead = NoOpState.DescribeProbe(noOpPath);
        if (NoOpState.TryLoad(noOpPath) is { } previous && previous.InputsHash == inputsHash && previous.FilesUnchanged()
            && previous.Answer(items) is { } upToDate)
        {
            _log(NoOpQuickCheck.UpToDateMessage);
            // The quick check missed (a touched project file, another environment): renew its key so that the next build takes it,
            // unless another restore of this obj/ has written a newer record meanwhile.
            if (probes is not null && !request.DesignTime && (previous.QuickKey != request.QuickKey || !previous.ProbesUnchanged())
                && NoOpState.DescribeProbe(noOpPath) == recordRead)
            {
                (previous with { QuickKey = request.QuickKey, Probes = probes }).Save(noOpPath);
                _log(QuickKeyRenewedMessage);
            }
            return upToDate;
        }
        if (File.Exists(noOpPath))
            File.Delete(noOpPath); // from here on, the obj/ state is not known to be good

        var credentials = Credentials.FromProcess(request.ProjectDirectory);
        var problems = new List<RestoreProblem>();
        LockFile? lockFile;
        try
        {
            lockFile = LockFileFormat.Read(lockPath);
        }
        catch (ModelRefsException ex)
        {
            return new RestoreResult([], [new RestoreProblem(ex.Diagnostic, ex.Message, null)]);
        }
        if (request.LockedMode && lockFile == null && items.Count > 0)
        {
            return new RestoreResult([], [new RestoreProblem(RestoreDiagnostics.LockOutOfDate,
                $"Locked mode (ModelRefsLockedMode=true) needs {lockPath}, and there is none. Restore once without locked mode to create it, review it and commit it.", null)]);
        }

        DownloadOptions download;
        TimeSpan deadline;
        try
        {
            download = DownloadOptions.Default;
            if (RestoreSettings.Seconds(request.Settings, RestoreSettings.DownloadIdleTimeout) is { } idle)
                download = download with { IdleTimeout = idle };
            if (RestoreSettings.Seconds(request.Settings, RestoreSettings.ProgressInterval) is { } interval)
                download = download with { ProgressInterval = interval };
            deadline = RestoreSettings.Seconds(request.Settings, RestoreSettings.RestoreTimeout) ?? DefaultRestoreTimeout;
            // Read by the deploy step after the restore; a bad value is reported here, with the others.
            Deployment.ModelDeployment.ParseMode(request.Settings.Get(RestoreSettings.Deploy));
        }
        catch (ModelRefsException ex)
        {
            return new RestoreResult([], [new RestoreProblem(ex.Diagnostic, ex.Message, null)]);
        }
        // One deadline for the whole restore, so that a stalled host cannot hold the build for long.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);

        var models = new List<RestoredModel>();
        var manifests = new List<ModelManifest>();
        var modelIndexes = new List<int>();
        var bomModels = new List<BomModel>();
        var entries = new SortedDictionary<string, LockedModel>(StringComparer.Ordinal);
        var names = new ModelNameClaims<ModelReference>();
        var deployedPaths = new DeployedPathClaims();

        var ambiguous = AmbiguousItems(items, request).ToList();
        problems.AddRange(ambiguous);
        cancellationToken.ThrowIfCancellationRequested();
        // Items are fetched concurrently; everything that depends on their order (name claims,
        // deployed paths, the lock, problems, log lines) is decided below in item order.
        var pending = Enumerable.Range(0, items.Count).Where(i => !ambiguous.Any(p => ReferenceEquals(p.Item, items[i]))).ToList();
        var outcomes = await RestoreItemsAsync(items, pending, request, cache, credentials, lockFile, download, deadline, timeout, cancellationToken).ConfigureAwait(false);
        foreach (var index in pending)
        {
            var item = items[index];
            var outcome = outcomes[index]!;
            var itemProblems = new List<RestoreProblem>(outcome.Problems);
            if (outcome.Restored is var (model, entry, handle, manifest, bomModel, warnings))
            {
                if (!names.TryClaim(model.Name, manifest.Namespace, item, out var first, out var clash))
                {
                    itemProblems.Add(new RestoreProblem(RestoreDiagnostics.DuplicateModelName,
                        $"Model '{Shown(item, request)}' would generate the class '{clash}', which model '{Shown(first!, request)}' already uses. Give one of them another name with Name=\"…\".", item));
                }
                else
                {
                    var deployed = model.ResourceName is null ? [(model.TargetPath, manifest.OnnxSha256, "its ONNX file")] : new List<(string, string, string)>();
                    deployed.AddRange(model.ExternalData.Select(f => (f.TargetPath, f.Sha256, "an external data file")));
                    if (deployedPaths.TryClaim(handle, deployed) is { } conflict)
                    {
                        itemProblems.Add(new RestoreProblem(RestoreDiagnostics.ExternalDataConflict, conflict, item));
                    }
                    // Written only once the name is this item's: two items claiming one name never race for one file.
                    else if (TryWriteManifest(item, request, cache, model, manifest, itemProblems) is { } changed)
                    {
                        if (changed)
                            _log($"ModelRefs: {handle} → {model.Name} ({manifest.Sha256[..12]}…)");
                        itemProblems.AddRange(warnings);
                        models.Add(model);
                        manifests.Add(manifest);
                        modelIndexes.Add(index);
                        entries[handle] = entry;
                        bomModels.Add(bomModel);
                    }
                }
            }
            ReportDamage(item, Shown(item, request), cache, outcome.Damaged, itemProblems, 0);
            problems.AddRange(itemProblems);
        }

        var offlineMisses = problems.Where(p => p.Diagnostic == RestoreDiagnostics.OfflineNotCached).ToList();
        if (offlineMisses.Count > 0)
            problems.Add(new RestoreProblem(RestoreDiagnostics.OfflineNotCached,
                $"Offline restore (ModelRefsOffline=true) is missing {offlineMisses.Count} model(s) from the cache {cache.Root}: " +
                string.Join(", ", offlineMisses.Select(p => Shown(p.Item!, request))) +
                ". Build once with network access (dotnet build -p:ModelRefsOffline=false) to fetch them, or copy that cache folder from a machine that has them.", null));

        if (request.LockedMode && lockFile != null)
        {
            // Every entry of the lock must still be referenced: locked mode removes nothing.
            var referenced = items.Select(i => TryNormalize(i, request)).ToHashSet(StringComparer.Ordinal);
            foreach (var handle in lockFile.Models.Keys.Where(h => !referenced.Contains(h)))
                problems.Add(new RestoreProblem(RestoreDiagnostics.LockOutOfDate,
                    $"Model '{handle}' is in {lockPath} but no ModelReference names it any more; locked mode (ModelRefsLockedMode=true) does not remove it. Restore without locked mode to update the lock, and commit it.", null));
        }

        problems.AddRange(ConflictingLicenseWarnings(models.Select((m, i) => (m.Item, manifests[i])).ToList()));

        var lockWritten = false;
        if (problems.All(p => !p.IsError))
        {
            try
            {
                // A design-time build never writes the lock (nor the no-op record: what it left out, a real build must restore).
                if (!request.LockedMode && !request.DesignTime && (lockFile != null || entries.Count > 0))
                    lockWritten = LockFileFormat.WriteIfChanged(lockPath, new LockFile(entries));
                RemoveStaleManifests(request.IntermediatePath, models);
                if (models.Count > 0)
                    NoticesWriter.WriteIfChanged(noticesPath, manifests);
                else if (File.Exists(noticesPath))
                    File.Delete(noticesPath);
                var files = models.SelectMany(m => new[] { m.OnnxPath, m.ManifestPath }.Concat(m.ExternalData.Select(f => f.Path)))
                    .Select(path => NoOpState.Describe(path, isCacheBlob: cache.Layout.IsBlobPath(path))).ToList();
                if (models.Count > 0)
                    files.Add(NoOpState.Describe(noticesPath));
                if (request.GenerateBom)
                {
                    ModelBomWriter.WriteIfChanged(bomPath, new BomSubject(Path.GetFileNameWithoutExtension(request.ProjectFile), null), bomModels);
                    files.Add(NoOpState.Describe(bomPath));
                }
                else if (File.Exists(bomPath))
                    File.Delete(bomPath);
                if (File.Exists(lockPath))
                    files.Add(NoOpState.Describe(lockPath));
                var saved = new NoOpState(NoOpState.ComputeInputsHash(items, request, _sources, cache.Root, lockPath),
                    models.Select((m, i) => new NoOpModel(modelIndexes[i], m.Name, m.OnnxPath, m.TargetPath, m.ResourceName, m.ManifestPath)
                    {
                        ExternalData = m.ExternalData.Count == 0 ? null : m.ExternalData,
                    }).ToList(),
                    files)
                {
                    Warnings = problems.Where(p => IsInputWarning(p.Diagnostic)).Select(p => NoOpWarning.From(p, items)).ToList() is { Count: > 0 } kept ? kept : null,
                    NoticesPath = ReturnedNotices(),
                    BomPath = ReturnedBom(),
                    QuickKey = request.QuickKey,
                    // A lock this restore wrote is stamped as written, like the files above (else the next build would miss).
                    Probes = probes is null || !lockWritten ? probes : [.. probes.Where(p => p.Path != Path.GetFullPath(lockPath)), NoOpState.DescribeProbe(lockPath)],
                };
                if (!request.DesignTime)
                    saved.Save(noOpPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The lock, the notices, the bill of materials or the no-op record: written atomically,
                // so what failed is left as it was, and the next build writes it again.
                problems.Add(new RestoreProblem(RestoreDiagnostics.FileAccessFailed,
                    $"ModelRefs could not finish the restore: a file could not be written or read: {ex.Message} " +
                    $"The restore writes the lock {lockPath} and its files in {request.IntermediatePath}, and reads the models in the cache {cache.Root}. " +
                    "Check that the path named is one you can write to, on a disk with free space, then build again.", null));
            }
        }
        return new RestoreResult(models, problems)
        {
            LockFileWritten = lockWritten,
            NoticesPath = ReturnedNotices(),
            BomPath = ReturnedBom(),
        };

        string? ReturnedNotices() => models.Count > 0 && File.Exists(noticesPath) ? noticesPath : null;
        string? ReturnedBom() => request.GenerateBom && File.Exists(bomPath) ? bomPath : null;
    }

    /// <summary>
    /// What the quick check stamps besides the record's files: the lock (present or not) and the
    /// files the sources read for the project. (The project file, where the items' lines come from,
    /// is in the quick key itself: the task stamps it before it reads the lines.)
    /// </summary>
    private List<NoOpFile> Probes(RestoreRequest request, string lockPath)
    {
        var probes = new List<NoOpFile> { NoOpState.DescribeProbe(lockPath) };
        foreach (var file in _sources.ProjectInputFiles(request.Settings))
            probes.Add(NoOpState.DescribeProbe(file));
        return probes;
    }

    /// <summary>Writes the item's manifest into obj/; whether it changed, or null (and the item's problem) when it could not be written.</summary>
    private bool? TryWriteManifest(ModelReference item, RestoreRequest request, ModelCache cache, RestoredModel model, ModelManifest manifest,
        List<RestoreProblem> problems)
    {
        try
        {
            return ManifestWriter.WriteIfChanged(model.ManifestPath, manifest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(FileAccessFailed(item, request, cache, ex));
            return null;
        }
    }

    /// <summary>
    /// A file or folder of this machine that could not be written or read (the cache, obj/, a
    /// temp file): the system's message names it; ours says where the restore's folders are.
    /// </summary>
    private RestoreProblem FileAccessFailed(ModelReference item, RestoreRequest request, ModelCache cache, Exception ex) =>
        new(RestoreDiagnostics.FileAccessFailed,
            $"Model '{Shown(item, request)}' could not be restored: a file or folder could not be written or read: {ex.Message} " +
            $"Check that the folder it names is a folder you can write to, on a disk with free space. The restore writes the model cache " +
            $"{cache.Root} (ModelRefsHome or MODELREFS_HOME moves it) and the project's {request.IntermediatePath}.", item);

    private RestoreProblem DeadlinePassed(ModelReference item, RestoreRequest request, TimeSpan deadline) => new(RestoreDiagnostics.DownloadFailed,
        $"Model '{Shown(item, request)}' was not restored within the restore's deadline of {deadline.TotalSeconds:0.#} s (ModelRefsRestoreTimeout): " +
        "a host is slow or stalled. Check the network and the hub's status, or raise ModelRefsRestoreTimeout (seconds) for very large downloads.", item);

    /// <summary>
    /// Says which cached files of the item were found damaged (and moved aside): a warning when the
    /// restore could fetch them again, an error with the way to repair the cache when it is offline.
    /// </summary>
    private static void ReportDamage(ModelReference item, string shown, ModelCache cache, IReadOnlyList<DamagedBlob> damaged, List<RestoreProblem> problems, int problemsBefore)
    {
        if (damaged.Count == 0)
            return;
        var what = string.Join("; ", damaged.Select(d => $"the content with SHA-256 {d.Sha256} no longer had that hash and was moved to {d.MovedTo}"));
        var offlineMiss = problems.FindIndex(problemsBefore, p => p.Diagnostic == RestoreDiagnostics.OfflineNotCached && p.Item == item);
        if (offlineMiss >= 0)
        {
            problems[offlineMiss] = new RestoreProblem(RestoreDiagnostics.DamagedCache,
                $"Model '{shown}': the cache {cache.Root} is damaged: {what}. Restore is offline (ModelRefsOffline=true), so it cannot be fetched again. " +
                "Build once with network access to fetch it again, or copy the blob from a healthy machine's cache (blobs/sha256/<first two digits>/<sha256>).", item);
            return;
        }
        problems.Add(new RestoreProblem(RestoreDiagnostics.DamagedCache,
            $"Model '{shown}': in the cache {cache.Root}, {what}. Damaged content is never used: ModelRefs fetches it again. " +
            "If this repeats, check the disk, and anything else that writes under the cache folder.", item, IsError: false));
    }

    private string? TryNormalize(ModelReference item, RestoreRequest request) => TryParse(item, request)?.Text;

    private ModelHandle? TryParse(ModelReference item, RestoreRequest request)
    {
        try { return _sources.Parse(item.Include, request.ProjectDirectory); }
        catch (ModelRefsException) { return null; }
    }

    /// <summary>The item as messages show it: its handle's text, which holds no secret (an Include may: a signed URL's query).</summary>
    private string Shown(ModelReference item, RestoreRequest request) => TryNormalize(item, request) ?? Downloads.WithoutQueryValues(item.Include);

    /// <summary>
    /// Items whose handles show the same text but fetch different things (https: URLs that differ
    /// only in query values, which are never written): they would share one lock entry.
    /// </summary>
    private IEnumerable<RestoreProblem> AmbiguousItems(IReadOnlyList<ModelReference> items, RestoreRequest request)
    {
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (TryParse(item, request) is not { } handle)
                continue;
            if (addresses.TryGetValue(handle.Text, out var address) && address != handle.Address)
                yield return new RestoreProblem(RestoreDiagnostics.InvalidHandle,
                    $"Model '{handle.Text}': two items name this URL with different query values. ModelRefs keeps query values secret (they are " +
                    "never written to the lock, the cache or the output), so it cannot tell them apart: move what selects the file into the URL's path.", item);
            else
                addresses.TryAdd(handle.Text, handle.Address);
        }
    }

    private async Task<(RestoredModel Model, LockedModel Entry, string Handle, ModelManifest Manifest, BomModel BomModel, List<RestoreProblem> Warnings)> RestoreOneAsync(ModelReference item, RestoreRequest request,
        ModelCache cache, Credentials credentials, LockFile? lockFile, DownloadOptions download,
        ConcurrentDictionary<string, Lazy<Task<FetchedArtifact>>> fetches, RestoreBatch batch, Action<string> log, CancellationToken cancellationToken)
    {
        var handle = _sources.Parse(item.Include, request.ProjectDirectory);
        var pinned = Pinned(item, handle, lockFile);
        var designTime = request.DesignTime ? DesignTimeArtifact(handle, pinned, cache, request) : null;
        if (request.LockedMode && pinned == null)
            throw new ModelRefsException(RestoreDiagnostics.LockOutOfDate,
                $"Model '{handle.Text}' is not in {request.ResolvedLockFilePath}, and locked mode (ModelRefsLockedMode=true) does not add it. Restore without locked mode to add it, review the lock and commit it.");
        var name = item.Name ?? handle.DefaultName;
        if (ModelTypeNames.NameProblem(name) is { } nameProblem)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata, $"Model '{handle.Text}': Name '{name}' {nameProblem}");
        var ns = (item.Namespace ?? request.DefaultNamespace).Trim('.');
        if (!ModelTypeNames.IsNamespace(ns))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Namespace '{ns}' is not a valid C# namespace. Set Namespace=\"My.App.Models\" on the item or RootNamespace in the project.");
        var embed = ParseBool(item.EmbedText, "Embed", handle);
        Conversion.FormatMetadata.Parse(handle, item.GetMetadata("Format")); // an unknown Format fails before anything is fetched

        var context = new FetchContext(cache, _http.Value)
        {
            Credentials = credentials,
            Metadata = item.Metadata,
            Settings = request.Settings,
            PinnedResolved = pinned?.Resolved,
            Sha256 = ExpectedSha256(item, handle, pinned),
            Batch = batch,
            Offline = request.Offline || request.DesignTime,
            Download = download,
            Log = log,
            Progress = _progress,
        };
        FetchedArtifact artifact;
        try
        {
            // A design-time build takes the lock and the cache only. ModelRefsMirror / ModelRefsMirrorOnly: the cache or the team's OCI mirror by the lock's
            // hashes before anything else (null at once when neither is set, or when it cannot serve).
            // Then: a locked remote model whose content the cache holds needs no source and no network:
            // the lock says what it resolved to, the content address says it is that content.
            // (Unless the locked licence came from License metadata the item no longer has.)
            artifact = designTime
                       ?? await Sources.Oci.OciMirror.TryFetchAsync(handle, pinned, item.Sha256, item.License, context, cancellationToken).ConfigureAwait(false)
                       ?? (!handle.IsLocalFile && item.Sha256 == null && pinned is { Converter: null } && cache.TryGetBlob(pinned.Sha256) is { } blob
                           && (pinned.LicenseSource != RestoredLicense.MetadataSource || item.License != null)
                ? LicenseDetails.Recall(cache, pinned, blob)
                : await FetchOnceAsync(fetches, handle, context, cancellationToken).ConfigureAwait(false));
        }
        catch (ModelRefsException ex) when (ex.Diagnostic == RestoreDiagnostics.HashMismatch && item.Sha256 == null && pinned != null)
        {
            throw new ModelRefsException(ex.Diagnostic, ex.Message +
                $" The expected SHA-256 is pinned in {request.ResolvedLockFilePath}. If the new content is intended, review it, then remove the model's entry from the lock (or set Sha256 on the item) and restore again.", ex);
        }

        artifact = await ToOnnxAsync(handle, artifact, context, cache, cancellationToken).ConfigureAwait(false);
        OnnxModelSignature signature;
        try
        {
            signature = OnnxSignatureReader.Read(artifact.OnnxPath ?? artifact.Path);
        }
        catch (OnnxFormatException ex)
        {
            throw new ModelRefsException(RestoreDiagnostics.InvalidOnnx,
                $"Model '{handle.Text}': {ex.Problem} at byte {ex.Offset} of the fetched file ({artifact.Resolved}); it is a damaged ONNX model (truncated or corrupted). Fetch it again from its source, or check that the Include names the intended file.", ex);
        }
        var externalData = await RestoreExternalDataAsync(handle, artifact, signature, pinned, embed, context, cache, cancellationToken).ConfigureAwait(false);

        var outputFolder = request.OutputFolder.Replace('\\', '/').Trim('/');
        var targetPath = (outputFolder.Length == 0 ? "" : outputFolder + "/") + name + ".onnx";
        var resourceName = embed ? $"{ns}.{name}.onnx" : null;
        if (!handle.IsLocalFile)
            LicenseDetails.Remember(cache, artifact);
        var license = RestoredLicense.Resolve(item.License, artifact);

        var manifest = new ModelManifest
        {
            Name = name,
            Namespace = ns,
            Handle = handle.Text,
            Resolved = artifact.Resolved,
            Sha256 = artifact.Sha256,
            OnnxSha256 = artifact.OnnxSha256 ?? artifact.Sha256,
            License = license.Expression,
            LicenseSource = license.Source,
            LicenseProvenance = RestoredLicense.Provenance(handle, license.Source),
            LicenseDeclared = license.Declared,
            AcceptLicense = LicensePolicyInput.SplitList(item.AcceptLicense),
            Attribution = license.Attribution,
            ModelFile = targetPath,
            EmbeddedResource = resourceName,
            ProjectFile = Path.GetFullPath(request.ProjectFile),
            ItemLine = item.Line,
            Description = string.IsNullOrWhiteSpace(signature.DocString) ? artifact.Description : signature.DocString,
            Producer = $"{signature.ProducerName} {signature.ProducerVersion}".Trim() is { Length: > 0 } producer ? producer : null,
            IrVersion = signature.IrVersion,
            Opsets = signature.Opsets.Select(o => (o.Domain, o.Version)).ToArray(),
            Metadata = signature.Metadata.Select(m => (m.Key, m.Value)).ToArray(),
            Inputs = signature.Inputs.Select(ToManifestValue).ToArray(),
            Outputs = signature.Outputs.Select(ToManifestValue).ToArray(),
            InputNames = item.InputNames,
            OutputNames = item.OutputNames,
        };
        var manifestPath = Path.Combine(request.IntermediatePath, name + ManifestExtension);

        var entry = new LockedModel(artifact.Resolved, artifact.Sha256, new FileInfo(artifact.Path).Length,
            artifact.OnnxSha256 ?? artifact.Sha256, license.Expression, license.Source, artifact.Converter)
        {
            ExternalData = new SortedDictionary<string, LockedFile>(externalData.ToDictionary(f => f.Location, f => new LockedFile(f.Sha256, f.Size)), StringComparer.Ordinal),
        };
        if (request.LockedMode && !request.DesignTime && pinned != null && pinned.DescribeChange(entry) is { } change)
            throw new ModelRefsException(RestoreDiagnostics.LockOutOfDate,
                $"Model '{handle.Text}' no longer matches {request.ResolvedLockFilePath}: {change}. Locked mode (ModelRefsLockedMode=true) does not rewrite the lock; restore without it, review the change and commit the lock.");
        var deployedExternalData = externalData.Select(f => new DeployedFile(f.Path, ExternalDataTargetPath(outputFolder, f.Location), f.Sha256)).ToArray();
        var warnings = new[] { PlainHttpWarning(item, handle, artifact.Resolved), RedistributedLicenseWarning(item, handle, license) }.OfType<RestoreProblem>().ToList();
        return (new RestoredModel(item, name, artifact.OnnxPath ?? artifact.Path, targetPath, resourceName, manifestPath) { ExternalData = deployedExternalData },
            entry, handle.Text, manifest, new BomModel(name, handle, entry, signature), warnings);
    }

    /// <summary>The item's lock entry, unless it was written for another selection of the same handle (another File): then it is re-resolved, as a new handle.</summary>
    private LockedModel? Pinned(ModelReference item, ModelHandle handle, LockFile? lockFile) =>
        lockFile?.Find(handle.Text) is { } pinned && _sources.LockEntryApplies(handle, pinned.Resolved, item.Metadata) ? pinned : null;

    /// <summary>
    /// The lock pins what a remote source may serve, unless the item pins something else itself.
    /// A local file is the user's own: its change is a change of the lock.
    /// </summary>
    private static string? ExpectedSha256(ModelReference item, ModelHandle handle, LockedModel? pinned) =>
        item.Sha256 ?? (handle.IsLocalFile ? null : pinned?.Sha256);

    private static ManifestValue ToManifestValue(OnnxValueInfo value) => new(
        value.Name,
        value.Kind.ToManifestName(),
        value.ElementType.ToManifestName(),
        value.Shape?.Select(d => new ManifestDimension(d.Value, d.Param)).ToArray(),
        string.IsNullOrEmpty(value.DocString) ? null : value.DocString,
        value.Type);

    private static void RemoveStaleManifests(string folder, IReadOnlyList<RestoredModel> models)
    {
        if (!Directory.Exists(folder))
            return;
        var keep = models.Select(m => Path.GetFullPath(m.ManifestPath)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*" + ManifestExtension))
            if (!keep.Contains(Path.GetFullPath(file)))
                File.Delete(file);
    }

    private static bool ParseBool(string? text, string metadata, ModelHandle handle)
    {
        if (text == null)
            return false;
        if (bool.TryParse(text, out var value))
            return value;
        throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
            $"Model '{handle.Text}': {metadata}=\"{text}\" is not true or false.");
    }
}
