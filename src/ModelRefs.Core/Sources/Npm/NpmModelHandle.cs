using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.Npm;

/// <summary><c>npm:&lt;package&gt;@&lt;exact version&gt;/&lt;path inside the package&gt;</c>.</summary>
public sealed class NpmModelHandle : ModelHandle
{
    private NpmModelHandle(string packageName, string version, string path)
        : base($"npm:{packageName}@{version}/{path}", path[(path.LastIndexOf('/') + 1)..])
    {
        PackageName = packageName;
        Version = version;
        PathInPackage = path;
    }

    /// <summary>The package name, with its scope if any: <c>@ricky0123/vad-web</c>.</summary>
    public string PackageName { get; }

    /// <summary>The exact semver version: <c>0.0.31</c>.</summary>
    public string Version { get; }

    /// <summary>The file's path inside the package, '/'-separated, without the tarball's <c>package/</c> folder.</summary>
    public string PathInPackage { get; }

    /// <summary><c>@scope/name</c> as the registry wants it in a URL path: <c>@scope%2fname</c>.</summary>
    public string EncodedPackageName => PackageName.Replace("/", "%2f", StringComparison.Ordinal);

    public override string Scheme => "npm";

    /// <summary>Every file of a package version comes from its one tarball.</summary>
    public override string FetchGroup => $"npm:{PackageName}@{Version}";

    /// <summary>npm packages carry models their authors took from elsewhere; their licence field is the package's.</summary>
    public override bool IsRedistributed => true;

    public override string Redistributor => $"the npm package {PackageName}@{Version}";

    /// <summary>purl-spec's npm type: the scope's '@' is percent-encoded, the file is the subpath.</summary>
    public override ModelProvenance Provenance(string? resolved)
    {
        var name = PackageName.StartsWith('@') ? "%40" + PackageName[1..] : PackageName;
        var subpath = string.Join('/', PathInPackage.Split('/').Select(Uri.EscapeDataString));
        return new ModelProvenance(Version, $"pkg:npm/{name}@{Uri.EscapeDataString(Version)}#{subpath}", ModelProvenance.HttpUrlOrNull(resolved));
    }

    private const string Example = "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx";

    // npm's rules: URL-safe characters, no leading '.' or '_'; old packages may have capitals.
    private static readonly Regex NamePart = new(@"^[A-Za-z0-9\-~][A-Za-z0-9\-._~]*$", RegexOptions.CultureInvariant);

    // Semantic Versioning 2.0.0, exact versions only.
    private static readonly Regex ExactSemver = new(
        @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
        RegexOptions.CultureInvariant);

    internal static NpmModelHandle Create(string include, string rest)
    {
        var scoped = rest.StartsWith('@');
        var at = rest.IndexOf('@', scoped ? 1 : 0);
        if (at <= 0)
            throw Invalid(include, $"the package has no version. Write npm:<package>@<exact version>/<path inside the package>, e.g. {Example}.");

        var name = rest[..at];
        ValidateName(include, name, scoped);

        var afterName = rest[(at + 1)..];
        var slash = afterName.IndexOf('/');
        var version = slash < 0 ? afterName : afterName[..slash];
        var path = slash < 0 ? "" : afterName[(slash + 1)..];

        // npm itself accepts a leading 'v' or '=' on an exact version; normalise it away.
        var exact = version.TrimStart('v', 'V', '=');
        if (!ExactSemver.IsMatch(exact))
        {
            var kind = version.Length == 0 ? "is missing"
                : Regex.IsMatch(version, @"^[A-Za-z][A-Za-z0-9\-._]*$") ? $"'{version}' is a dist-tag"
                : $"'{version}' is a range or not a valid version";
            throw Invalid(include, $"the version {kind}. ModelRefs needs an exact version (such as 1.2.3) because the lock " +
                $"file pins an immutable package: tags and ranges move when new versions are published. " +
                $"Find the version with `npm view {name} version` and write it, e.g. {Example}.");
        }

        if (path.Length == 0)
            throw Invalid(include, $"the handle names no file inside the package. Add its path after the version, e.g. {Example}. " +
                $"`npm pack {name}@{exact}` and `tar tzf` show the files.");
        path = path.Replace('\\', '/');
        var segments = path.Split('/');
        if (path.StartsWith('/') || segments.Any(s => s.Length == 0 || s == "." || s == ".."))
            throw Invalid(include, $"the path inside the package '{path}' must be relative, without empty, '.' or '..' segments, e.g. dist/model.onnx.");
        if (segments[0] == "package")
            throw Invalid(include, $"leave out the tarball's 'package/' folder: write npm:{name}@{exact}/{string.Join('/', segments.Skip(1))}.");

        return new NpmModelHandle(name, exact, path);
    }

    private static void ValidateName(string include, string name, bool scoped)
    {
        var parts = scoped ? name[1..].Split('/') : [name];
        var valid = name.Length <= 214 && parts.Length == (scoped ? 2 : 1) && parts.All(p => NamePart.IsMatch(p));
        if (!valid)
            throw Invalid(include, $"'{name}' is not a valid npm package name. Write a name such as vad-web or a scoped one such as @ricky0123/vad-web, e.g. {Example}.");
    }
}
