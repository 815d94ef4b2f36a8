using System.Security.Cryptography;

namespace ModelRefs.Core.Caching;

/// <summary>SHA-256 values as lower-case hex, the one spelling used in the cache, lock and messages.</summary>
public static class Sha256Hex
{
    public const int Length = 64;

    public static bool IsValid(string? value) =>
        value is { Length: Length } && value.All(char.IsAsciiHexDigit);

    /// <summary>Lower-cases a valid value; null for anything that is not 64 hex digits.</summary>
    public static string? Normalize(string? value)
    {
        var trimmed = value?.Trim();
        return IsValid(trimmed) ? trimmed!.ToLowerInvariant() : null;
    }

    public static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).ToLowerInvariant();

    /// <summary>Hashes a file by streaming it (never loads it whole).</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return ToHex(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Hashes a file by streaming it, reporting the bytes read so far (for progress bars).</summary>
    public static async Task<string> HashFileAsync(string path, IProgress<long>? bytesRead, CancellationToken cancellationToken = default)
    {
        if (bytesRead is null)
            return await HashFileAsync(path, cancellationToken).ConfigureAwait(false);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
            bytesRead.Report(total);
        }
        return ToHex(hash.GetHashAndReset());
    }
}
