using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>
/// <c>oci:&lt;registry&gt;[:port]/&lt;repository&gt;:&lt;tag&gt;</c>, <c>…@sha256:&lt;digest&gt;</c> or both
/// (<c>…:&lt;tag&gt;@sha256:&lt;digest&gt;</c>: the digest is what is fetched, the tag a note for people):
/// one artifact in an OCI registry. The first segment is always the registry (there is no default
/// registry as in Docker's short names). <c>oci://…</c> is the same handle. The registry is recorded
/// lower-case; repositories are lower-case by the distribution spec's grammar; a digest lower-case.
/// </summary>
public sealed partial class OciModelHandle : ModelHandle
{
    private OciModelHandle(string registry, string repository, string? tag, string? digest)
        : base(Compose(registry, repository, tag, digest), repository[(repository.LastIndexOf('/') + 1)..] + ".onnx")
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary><c>ghcr.io</c>, <c>127.0.0.1:5000</c>: host and port as written, lower-case.</summary>
    public string Registry { get; }

    /// <summary>The host of <see cref="Registry"/>, without port or IPv6 brackets.</summary>
    public string Host => Registry.StartsWith('[') ? Registry[1..Registry.IndexOf(']')]
        : Registry.LastIndexOf(':') is var colon and > 0 ? Registry[..colon] : Registry;

    /// <summary><c>team/models/silero-vad</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, when one was written.</summary>
    public string? Tag { get; }

    /// <summary><c>sha256:&lt;64 hex&gt;</c>, when one was written: then the handle is already pinned.</summary>
    public string? Digest { get; }

    /// <summary>What the registry is asked for: the digest when there is one, else the tag.</summary>
    public string Reference => Digest ?? Tag!;

    public override string Scheme => "oci";

    internal const string Form = "oci:<registry>[:port]/<repository>:<tag> (or @sha256:<digest>)";
    private const string Example = "oci:ghcr.io/my-team/models/silero-vad:5.1";

    /// <summary>The handle at a manifest digest: what the lock records as <c>resolved</c> (with the file after '#').</summary>
    public string AtDigest(string digest, string? file) => "oci:" + Registry + "/" + Repository + "@" + digest + (file is null ? "" : "#" + file);

    /// <summary>The manifest digest and file a lock's <c>resolved</c> value pins for this registry and repository, or null.</summary>
    public (string Digest, string? File)? FromResolved(string? resolved)
    {
        var prefix = "oci:" + Registry + "/" + Repository + "@";
        if (resolved is null || !resolved.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var rest = resolved[prefix.Length..];
        var hash = rest.IndexOf('#');
        var digest = hash < 0 ? rest : rest[..hash];
        return DigestPattern().IsMatch(digest) ? (digest, hash < 0 ? null : rest[(hash + 1)..]) : null;
    }

    private static string Compose(string registry, string repository, string? tag, string? digest) =>
        "oci:" + registry + "/" + repository + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);

    // \z, not $: $ also matches before a final newline, which must not slip into a request path.
    // The distribution spec's grammar (distribution/reference): path components of lower-case
    // alphanumerics joined by '.', '_', '__' or dashes; tags of word characters, '.' and '-'.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    internal static partial Regex DigestPattern();

    // A DNS name (labels of letters, digits, '-'), an IPv4 address, or an IPv6 address in brackets; an optional port.
    [GeneratedRegex(@"^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    /// <summary>Parses the part after <c>oci:</c> (or <c>oci://</c>).</summary>
    internal static OciModelHandle Create(string include, string rest)
    {
        if (rest.StartsWith("//", StringComparison.Ordinal))
            rest = rest[2..];
        var slash = rest.IndexOf('/');
        if (slash <= 0)
            throw Invalid(include, $"the handle names no registry and repository. Write {Form}, e.g. {Example}.");
        var registry = rest[..slash].ToLowerInvariant();
        if (!RegistryPattern().IsMatch(registry) || (registry.LastIndexOf(':') is var colon and > 0 && !registry.EndsWith(']')
                && int.Parse(registry[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 65535))
            throw Invalid(include, $"'{rest[..slash]}' is not a registry host (a host name or IP address, with an optional :port). Write {Form}, e.g. {Example}.");

        var path = rest[(slash + 1)..];
        string? digest = null, tag = null;
        var at = path.IndexOf('@');
        if (at >= 0)
        {
            digest = path[(at + 1)..].ToLowerInvariant();
            path = path[..at];
            if (!DigestPattern().IsMatch(digest))
                throw Invalid(include, $"'{digest}' is not a manifest digest: write @sha256: and 64 hexadecimal digits (other digest algorithms are not read).");
        }
        var lastSlash = path.LastIndexOf('/');
        var tagColon = path.LastIndexOf(':');
        if (tagColon > lastSlash)
        {
            tag = path[(tagColon + 1)..];
            path = path[..tagColon];
            if (!TagPattern().IsMatch(tag))
                throw Invalid(include, $"'{tag}' is not an OCI tag (letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-').");
        }
        if (!RepositoryPattern().IsMatch(path))
            throw Invalid(include, $"'{path}' is not an OCI repository name (lower-case letters and digits, separated by '.', '_', '-' or '/'). Write {Form}, e.g. {Example}.");
        if (tag is null && digest is null)
            throw Invalid(include, $"the handle names no tag or digest. Write a tag (':1.0') or a digest ('@sha256:…') after the repository, e.g. {Example}; " +
                "the lock pins the digest the tag names.");
        return new OciModelHandle(registry, path, tag, digest);
    }
}
