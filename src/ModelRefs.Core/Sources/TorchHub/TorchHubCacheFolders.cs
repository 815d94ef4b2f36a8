using ModelRefs.Core.Caching;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// The torchhub source's folder of the cache and what it holds; the root comes from the
/// <see cref="CacheLayout"/>, the names inside are this source's:
/// <code>
/// torchhub/&lt;owner&gt;_&lt;repo&gt;_&lt;sha&gt;/          a repo at a commit, extracted (lower case)
/// torchhub/refs/&lt;SHA-256 of the key&gt;.json  ref → commit as last resolved, for offline restores
/// torchhub/exporter/&lt;sha256&gt;/torch_export.py  the exporter script, by its hash
/// torchhub/torch-home/                  TORCH_HOME of exports (weights in hub/checkpoints/)
/// torchhub/.tmp/                        zipballs being extracted, export work folders
/// </code>
/// </summary>
public sealed class TorchHubCacheFolders
{
    public const string Name = "torchhub";

    public TorchHubCacheFolders(ModelCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        Root = cache.Layout.SourceFolder(Name);
    }

    public string Root { get; }

    /// <summary>Where a repo at a commit is extracted.</summary>
    public string Repo(string owner, string repo, string commit) => Path.Combine(Root, $"{owner}_{repo}_{commit}".ToLowerInvariant());

    /// <summary>The offline ref index's file for a key.</summary>
    public string RefIndexFile(string key) => Path.Combine(Root, "refs", CacheLayout.KeyHash(key) + ".json");

    /// <summary>The exporter script with this SHA-256.</summary>
    public string ExporterScript(string sha256) => Path.Combine(Root, "exporter", sha256, "torch_export.py");

    /// <summary>TORCH_HOME of exports; weights land in its <c>hub/checkpoints/</c>.</summary>
    public string TorchHome => Path.Combine(Root, "torch-home");

    /// <summary>A fresh work folder name for one export.</summary>
    public string NewExportWorkDirectory() => CacheLayout.NewWorkDirectory(Root, "export-");
}
