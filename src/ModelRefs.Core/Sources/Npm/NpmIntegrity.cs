using System.Security.Cryptography;

namespace ModelRefs.Core.Sources.Npm;

/// <summary>
/// What a version document says the tarball hashes to: the strongest hash of its SRI
/// <c>dist.integrity</c>, else the legacy hex <c>dist.shasum</c> (SHA-1).
/// </summary>
internal sealed record NpmIntegrity(HashAlgorithmName Algorithm, byte[] Digest, string Text)
{
    private static readonly (string Prefix, HashAlgorithmName Algorithm, int Length)[] Known =
    [
        ("sha512", HashAlgorithmName.SHA512, 64),
        ("sha384", HashAlgorithmName.SHA384, 48),
        ("sha256", HashAlgorithmName.SHA256, 32),
        ("sha1", HashAlgorithmName.SHA1, 20),
    ];

    public static NpmIntegrity? Parse(string? integrity, string? shasum)
    {
        if (!string.IsNullOrWhiteSpace(integrity))
        {
            // SRI: space-separated "alg-base64[?options]"; use the strongest one we understand.
            var entries = integrity.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var (prefix, algorithm, length) in Known)
                foreach (var entry in entries)
                {
                    var dash = entry.IndexOf('-');
                    if (dash <= 0 || !entry[..dash].Equals(prefix, StringComparison.OrdinalIgnoreCase))
                        continue;
                    var value = entry[(dash + 1)..];
                    var options = value.IndexOf('?');
                    if (options >= 0)
                        value = value[..options];
                    var digest = TryBase64(value);
                    if (digest?.Length == length)
                        return new NpmIntegrity(algorithm, digest, $"{prefix}-{value}");
                }
        }

        if (shasum is { Length: 40 } && shasum.All(char.IsAsciiHexDigit))
            return new NpmIntegrity(HashAlgorithmName.SHA1, Convert.FromHexString(shasum), "shasum " + shasum.ToLowerInvariant());
        return null;
    }

    public string Describe(byte[] digest) =>
        Algorithm == HashAlgorithmName.SHA1 && Text.StartsWith("shasum ", StringComparison.Ordinal)
            ? "shasum " + Convert.ToHexString(digest).ToLowerInvariant()
            : $"{Text[..Text.IndexOf('-')]}-{Convert.ToBase64String(digest)}";

    private static byte[]? TryBase64(string value)
    {
        try { return Convert.FromBase64String(value); }
        catch (FormatException) { return null; }
    }
}
