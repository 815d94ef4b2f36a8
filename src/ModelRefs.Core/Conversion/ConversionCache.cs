using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Conversion;

/// <summary>A converted ONNX model in the cache.</summary>
public sealed record ConvertedModel(string OnnxPath, string OnnxSha256, string Converter, bool Converted);

/// <summary>
/// Conversions run once per machine: the ONNX result is a blob of the cache, found again through a
/// ref keyed by (input SHA-256, converter identity, options). Concurrent restores of the same model
/// take one inter-process lock per key; the loser finds the winner's result.
/// </summary>
public static class ConversionCache
{
    /// <summary>The ref key of a conversion.</summary>
    public static string Key(string inputSha256, string converterIdentity, string options) =>
        $"convert|{inputSha256}|{converterIdentity}|{options}";

    /// <summary>The cached result, or null.</summary>
    public static ConvertedModel? TryGet(ModelCache cache, string key) =>
        cache.TryGetRef(key) is { Resolved: { } converter } known && cache.TryGetBlob(known.Sha256) is { } path
            ? new ConvertedModel(path, known.Sha256, converter, Converted: false)
            : null;

    /// <summary>
    /// Returns the cached result for <paramref name="key"/>, else runs <paramref name="convert"/>
    /// (which writes the ONNX file to the path it is given and returns the converter identity) and
    /// stores its output. The temp folder is deleted on every way out.
    /// </summary>
    public static async Task<ConvertedModel> GetOrConvertAsync(ModelCache cache, string key, string description, Action<string> log,
        TimeSpan lockTimeout, Func<string, string> convert, CancellationToken cancellationToken)
    {
        if (TryGet(cache, key) is { } cached)
            return cached;
        CacheLock conversionLock;
        try
        {
            conversionLock = await cache.AcquireLockAsync(key, log, lockTimeout, description, cancellationToken).ConfigureAwait(false);
        }
        catch (CacheLockTimeoutException e)
        {
            throw new ModelRefsException(RestoreDiagnostics.ConversionFailed, $"{description}: {e.Message}", e);
        }
        await using (conversionLock)
        {
            if (TryGet(cache, key) is { } done)
                return done;
            using var work = new ScratchDirectory(cache.Layout.NewConversionWorkDirectory());
            var output = Path.Combine(work.Path, "model.onnx");
            var converter = convert(output);
            var blob = await cache.AddFileAsync(output, cancellationToken: cancellationToken).ConfigureAwait(false);
            cache.SetRef(new CacheRef(key, blob.Sha256, converter));
            return new ConvertedModel(blob.Path, blob.Sha256, converter, Converted: true);
        }
    }
}
