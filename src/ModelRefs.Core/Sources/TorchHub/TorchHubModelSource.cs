using ModelRefs.Core.Archives;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Conversion;
using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.TorchHub.Export;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// <c>torchhub:&lt;owner&gt;/&lt;repo&gt;[:&lt;ref&gt;]/&lt;entry&gt;</c> end to end: the ref pinned to a commit
/// (<see cref="GitHubRepoClient"/>; the lock's commit wins), the repo at that commit from the cache or
/// its zipball, hubconf.py read without running it (the entrypoint must exist; its docstring becomes
/// the class's description), the trust rule, and the export to ONNX (<see cref="TorchExporter"/>,
/// cached under a key of everything that determines the file) checked against torch in ONNX Runtime.
/// <para>
/// What the lock records: <c>resolved</c> is the handle with its ref replaced by the commit
/// (<c>torchhub:pytorch/vision:&lt;40 hex&gt;/squeezenet1_1</c>, itself a valid handle, and independent of
/// the GitHub endpoint); <c>sha256</c>/<c>size</c> are those of the repo's file listing
/// (<see cref="TreeListing"/>: one <c>sha256  path</c> line per file, sorted), which pins the exact
/// content of the code that runs at export however GitHub packs its zipballs; <c>onnxSha256</c> is
/// the exported file and <c>converter</c> the exporter, torch version and opset.
/// </para>
/// </summary>
public sealed partial class TorchHubModelSource : IModelSource
{
    /// <summary>The weights exports downloaded into TORCH_HOME (<c>hub/checkpoints/</c>): torch unpickles them.</summary>
    public IEnumerable<string> PickledWeightFiles(ModelCache cache)
    {
        var checkpoints = Path.Combine(new TorchHubCacheFolders(cache).TorchHome, "hub", "checkpoints");
        return Directory.Exists(checkpoints) ? Directory.GetFiles(checkpoints).Order(StringComparer.Ordinal) : [];
    }

    private readonly IOnnxReferenceRunner? _runner;
    private readonly TimeSpan _exportTimeout;

    /// <param name="runner">Runs exported models for the check against torch; null: the
    /// <see cref="DotNetOnnxVerifier"/> named by <see cref="TorchHubSettings.OnnxVerifier"/>, if any.</param>
    /// <param name="exportTimeout">How long an export may run; null: 30 minutes.</param>
    public TorchHubModelSource(IOnnxReferenceRunner? runner = null, TimeSpan? exportTimeout = null)
    {
        _runner = runner;
        _exportTimeout = exportTimeout ?? TimeSpan.FromMinutes(30);
    }

    public string Scheme => "torchhub";

    public string HandleForms => "torchhub:<owner>/<repo>[:<ref>]/<entrypoint>";

    public IReadOnlyList<Setting> Settings =>
    [
        TorchHubSettings.TrustedOwners, TorchHubSettings.GitHubUrl, TorchHubSettings.GitHubApiUrl, ConversionSettings.Python,
        TorchHubSettings.OnnxVerifier, TorchHubSettings.NuGetPackageRoot,
    ];

    public ModelHandle? TryParse(HandleText include) => include.Scheme == "torchhub" ? TorchHubModelHandle.Create(include.Text, include.Rest) : null;

    public async Task<FetchedArtifact> FetchAsync(ModelHandle modelHandle, FetchContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelHandle);
        ArgumentNullException.ThrowIfNull(context);
        var handle = modelHandle as TorchHubModelHandle
            ?? throw new ArgumentException($"{modelHandle.Text} is not a torchhub: handle.", nameof(modelHandle));
        var settings = context.Settings;
        var trustedOwners = settings.Get(TorchHubSettings.TrustedOwners);

        // Everything that can be checked without the network is checked first.
        if (Conversion.FormatMetadata.Parse(handle, context.GetMetadata("Format")) is { } format and not Conversion.RequestedFormat.Onnx)
            throw new ModelRefsException(RestoreDiagnostics.FormatNotHonoured,
                $"Model '{handle.Text}': Format=\"{Conversion.FormatMetadata.Name(format)}\" cannot be honoured: a torchhub: entrypoint is exported to ONNX with torch.onnx. Remove Format.");
        var options = TorchExportOptions.Parse(handle, context.GetMetadata("Args"), context.GetMetadata("InputShape"),
            context.Metadata.TryGetValue("DynamicAxes", out var axes) ? axes : null, context.GetMetadata("Opset"));
        var trust = context.GetMetadata("Trust");
        TorchHubTrust.Ensure(handle, trustedOwners, trust);
        TorchHubCheckout checkout;
        CachedBlob listing;
        string resolved;
        if (context.GetMetadata("HubDirectory") is { } hubDirectory)
        {
            // torch.hub.load(dir, entry, source='local'): a local copy of the repo, no network, no commit.
            (checkout, listing) = await LocalCheckoutAsync(handle, hubDirectory, context, cancellationToken).ConfigureAwait(false);
            resolved = LocalResolvedText(hubDirectory, handle);
        }
        else
        {
            // A lock entry written for a HubDirectory item pins a folder's files, not a commit: resolve afresh.
            var pinnedLocal = IsLocalResolved(handle, context.PinnedResolved);
            var lockedCommit = pinnedLocal ? null : LockedCommit(handle, context.PinnedResolved);
            var expected = pinnedLocal ? null : context.ExpectedSha256(handle);
            var source = new GitHubRepoClient(GitHubEndpoints.FromEnvironment(settings.Get(TorchHubSettings.GitHubUrl), settings.Get(TorchHubSettings.GitHubApiUrl)), ArchiveSettings.Limits(settings));
            var resolution = await source.ResolveAsync(handle, context, lockedCommit, cancellationToken).ConfigureAwait(false);
            checkout = await source.FetchAsync(resolution, context, cancellationToken).ConfigureAwait(false);
            listing = await TreeListing.AddToCacheAsync(checkout.Directory, context.Cache, cancellationToken).ConfigureAwait(false);
            if (expected is not null && expected != listing.Sha256)
                throw new ModelRefsException(RestoreDiagnostics.HashMismatch,
                    $"Model '{handle.Text}': the files of {handle.Repository} at commit {resolution.Commit} (from {checkout.ZipballUrl}) have the listing " +
                    $"SHA-256 {listing.Sha256}, but {expected} was expected: the server sent other code for the same commit. Nothing was exported. " +
                    "Check ModelRefsGitHubUrl (a mirror?) and the repo.");
            resolved = ResolvedText(handle, resolution.Commit);
        }

        var hubconf = HubconfReader.Read(checkout.Directory);
        var entrypoint = HubconfReader.RequireEntrypoint(checkout, hubconf);

        var runner = _runner ?? (settings.Get(TorchHubSettings.OnnxVerifier) is { } verifier
            ? new DotNetOnnxVerifier(verifier, settings.Get(TorchHubSettings.NuGetPackageRoot))
            : null);
        if (runner is null)
            context.Log($"ModelRefs: {handle.Text}: no ONNX verifier is configured (ModelRefsOnnxVerifier), so the export is not checked against torch");
        var exporter = new TorchExporter(context.Cache, new TorchExporterSettings
        {
            Python = settings.Get(ConversionSettings.Python),
            TrustedOwners = trustedOwners,
            Verifier = runner,
            Timeout = _exportTimeout,
            Log = message => context.Log("ModelRefs: " + message),
        });
        var export = await exporter.ExportAsync(new TorchExportRequest(checkout, hubconf, entrypoint, options, trust), cancellationToken).ConfigureAwait(false);
        if (export.Verification.Passed)
            context.Log($"ModelRefs: {handle.Text}: verified: ONNX Runtime and torch differ by at most {export.Verification.MaxAbsDifference:G3} " +
                $"(relative {export.Verification.MaxRelDifference:G3}; tolerance {export.Verification.AbsoluteTolerance:G3} + " +
                $"{export.Verification.RelativeTolerance:G3}·|torch|; {export.Verification.Runner})");

        // The repo's licence file goes to restore, which recognises it by content and records
        // "LICENSE file" as the source and its copyright lines for the notices.
        return new FetchedArtifact(listing.Path, listing.Sha256, resolved)
        {
            LicenseText = RepoLicenseText(checkout),
            OnnxPath = export.OnnxPath,
            OnnxSha256 = export.OnnxSha256,
            Converter = export.Converter,
            Description = entrypoint.Docstring,
        };
    }

    /// <summary>
    /// <c>HubDirectory</c>: the repo is a local folder (relative to the project), as with
    /// <c>torch.hub.load(dir, entry, source='local')</c>. Nothing is downloaded and no ref is resolved;
    /// the folder's file listing stands in for the commit (in the export cache key) and is what the
    /// lock's <c>sha256</c> records, so an edit of the folder is a change of the lock, as for a local .onnx file.
    /// </summary>
    private static async Task<(TorchHubCheckout, CachedBlob)> LocalCheckoutAsync(TorchHubModelHandle handle, string hubDirectory, FetchContext context,
        CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(hubDirectory, context.Settings.ProjectDirectory ?? Environment.CurrentDirectory);
        if (!File.Exists(Path.Combine(directory, "hubconf.py")))
            throw new ModelRefsException(RestoreDiagnostics.HubNotFound,
                $"Model '{handle.Text}': HubDirectory=\"{hubDirectory}\" ({directory}) has no hubconf.py, so it is not a PyTorch Hub repo. " +
                "Point it at a local copy of the repo (the folder that holds hubconf.py), or remove it to download the repo from GitHub.");
        var listing = await TreeListing.AddToCacheAsync(directory, context.Cache, cancellationToken).ConfigureAwait(false);
        context.Log($"ModelRefs: {handle.Text}: using the local hub directory {directory} (files {listing.Sha256[..12]}), no network");
        var resolution = new TorchHubResolution(handle, "local", listing.Sha256[..40], "local");
        return (new TorchHubCheckout(resolution, directory, new Uri(directory + Path.DirectorySeparatorChar).AbsoluteUri, null), listing);
    }

    /// <summary>The lock's <c>resolved</c> for a <c>HubDirectory</c> item: <c>&lt;folder, '/'-separated&gt;/hubconf.py#&lt;entry&gt;</c>.</summary>
    public static string LocalResolvedText(string hubDirectory, TorchHubModelHandle handle) =>
        hubDirectory.Replace('\\', '/').TrimEnd('/') + "/hubconf.py#" + handle.Entry;

    /// <summary>The lock's <c>resolved</c>: the handle at the commit, <c>torchhub:owner/repo:&lt;sha&gt;/entry</c>.</summary>
    public static string ResolvedText(TorchHubModelHandle handle, string commit) =>
        $"torchhub:{handle.Owner}/{handle.Repo}:{commit}/{handle.Entry}";

    /// <summary>True when a lock entry's <c>resolved</c> pins a HubDirectory folder's files (<see cref="LocalResolvedText"/>), not a commit.</summary>
    internal static bool IsLocalResolved(TorchHubModelHandle handle, string? resolved) =>
        resolved?.EndsWith("/hubconf.py#" + handle.Entry, StringComparison.Ordinal) == true;

    /// <summary>The commit a lock entry's <c>resolved</c> names for this handle; null when not locked (or locked to a HubDirectory folder).</summary>
    public static string? LockedCommit(TorchHubModelHandle handle, string? resolved)
    {
        if (string.IsNullOrWhiteSpace(resolved) || IsLocalResolved(handle, resolved))
            return null;
        TorchHubModelHandle? pinned = null;
        try
        {
            pinned = ModelHandle.Parse(resolved.Trim(), Path.GetTempPath()) as TorchHubModelHandle;
        }
        catch (ModelRefsException)
        {
        }
        if (pinned is null || pinned.Ref is null || !GitHubRepoClient.IsCommitSha(pinned.Ref.ToLowerInvariant())
            || !pinned.Owner.Equals(handle.Owner, StringComparison.OrdinalIgnoreCase)
            || !pinned.Repo.Equals(handle.Repo, StringComparison.OrdinalIgnoreCase)
            || pinned.Entry != handle.Entry)
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': models.lock.json says it resolved to '{resolved}', which is not {ResolvedText(handle, "<40-digit commit>")}. " +
                "Fix the entry, or remove it from the lock to resolve the ref again.");
        return pinned.Ref.ToLowerInvariant();
    }

    private static string? RepoLicenseText(TorchHubCheckout checkout)
    {
        foreach (var name in new[] { "LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING" })
        {
            var path = Path.Combine(checkout.Directory, name);
            if (File.Exists(path) && new FileInfo(path).Length <= 1 << 20)
                return File.ReadAllText(path);
        }
        return null;
    }
}

/// <summary>
/// A repo's content as one small text file: <c>&lt;sha256&gt;  &lt;path&gt;</c> per file (sha256sum's format),
/// paths '/'-separated and sorted ordinally. Its SHA-256 names exactly the code that runs at export.
/// </summary>
public static class TreeListing
{
    public static string Build(string directory)
    {
        var root = Path.GetFullPath(directory);
        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            using var stream = File.OpenRead(file);
            lines.Add($"{Sha256Hex.ToHex(SHA256.HashData(stream))}  {relative}");
        }
        lines.Sort((a, b) => string.CompareOrdinal(a[66..], b[66..]));
        return string.Concat(lines.Select(l => l + "\n"));
    }

    public static async Task<CachedBlob> AddToCacheAsync(string directory, ModelCache cache, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Build(directory)));
        return await cache.AddAsync(stream, (string?)null, cancellationToken).ConfigureAwait(false);
    }
}
