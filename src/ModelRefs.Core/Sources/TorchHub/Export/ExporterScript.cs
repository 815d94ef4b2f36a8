using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>
/// The Python exporter (<c>torch_export.py</c>), shipped inside ModelRefs.Core as an embedded
/// resource and written to the cache under its own SHA-256, so every process and package version
/// runs exactly the script its hash names, and the hash is part of every export's cache key.
/// </summary>
public static class ExporterScript
{
    public const string ResourceName = "ModelRefs.Core.Sources.TorchHub.Export.torch_export.py";
    public const string Name = "modelrefs-torch-export";

    private static readonly Lazy<byte[]> ContentLazy = new(LoadContent);
    private static readonly Lazy<string> Sha256Lazy = new(() => Sha256Hex.ToHex(SHA256.HashData(ContentLazy.Value)));

    public static byte[] Content => ContentLazy.Value;

    /// <summary>SHA-256 of the script, lower-case hex.</summary>
    public static string Sha256 => Sha256Lazy.Value;

    /// <summary>The converter identity recorded in the lock: <c>modelrefs-torch-export@&lt;first 12 hex of the script's SHA-256&gt;</c>.</summary>
    public static string Identity => $"{Name}@{Sha256[..12]}";

    /// <summary>The script's path in the cache, written (atomically) when missing.</summary>
    public static string EnsureExtracted(ModelCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var path = new TorchHubCacheFolders(cache).ExporterScript(Sha256);
        if (!File.Exists(path))
            AtomicFile.WriteAllBytes(path, Content);
        return path;
    }

    private static byte[] LoadContent()
    {
        using var stream = typeof(ExporterScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"ModelRefs.Core is missing its embedded resource {ResourceName}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
