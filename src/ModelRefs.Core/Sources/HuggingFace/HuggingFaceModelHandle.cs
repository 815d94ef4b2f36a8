using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.HuggingFace;

/// <summary>
/// <c>hf:&lt;owner&gt;/&lt;repo&gt;[@&lt;revision&gt;]/&lt;path in repo&gt;</c>: one file of a model repository on
/// the Hugging Face Hub at a branch, tag or commit (default <c>main</c>). The Hub's own file URLs,
/// <c>https://huggingface.co/&lt;owner&gt;/&lt;repo&gt;/resolve/&lt;revision&gt;/&lt;path&gt;</c> and
/// <c>…/blob/…</c> (also on <c>hf.co</c>), parse to the same handle. <see cref="ModelHandle.Text"/>
/// leaves out <c>@main</c>, so <c>hf:o/r/x.onnx</c>, <c>hf:o/r@main/x.onnx</c> and
/// <c>…/resolve/main/x.onnx</c> are one handle. A revision with '/' (<c>refs/pr/1</c>) is written
/// percent-encoded, as the Hub's URLs write it: <c>hf:o/r@refs%2Fpr%2F1/x.onnx</c>.
/// </summary>
public sealed partial class HuggingFaceModelHandle : ModelHandle
{
    public const string DefaultRevision = "main";

    private HuggingFaceModelHandle(string owner, string repo, string revision, string pathInRepo)
        : base(Compose(owner, repo, revision, pathInRepo), pathInRepo[(pathInRepo.LastIndexOf('/') + 1)..])
    {
        Owner = owner;
        Repo = repo;
        Revision = revision;
        PathInRepo = pathInRepo;
    }

    /// <summary><c>onnx-community</c>.</summary>
    public string Owner { get; }

    /// <summary><c>silero-vad</c>.</summary>
    public string Repo { get; }

    /// <summary><c>owner/repo</c>, the Hub's repo id.</summary>
    public string RepoId => Owner + "/" + Repo;

    /// <summary>The branch, tag or commit as written (decoded); <c>main</c> when none was written.</summary>
    public string Revision { get; }

    /// <summary>True when <see cref="Revision"/> is a full commit id (40 hex digits): then it is already pinned.</summary>
    public bool RevisionIsCommit => IsCommit(Revision);

    /// <summary><c>onnx/model.onnx</c>: '/'-separated, no empty, <c>.</c> or <c>..</c> segments.</summary>
    public string PathInRepo { get; }

    public override string Scheme => "hf";

    /// <summary>The files of one repository revision share its resolution to a commit.</summary>
    public override string FetchGroup => $"hf:{Owner}/{Repo}@{Revision}";

    internal const string Form = "hf:<owner>/<repo>[@<revision>]/<path in repo>";
    private const string Example = "hf:onnx-community/silero-vad/onnx/model.onnx";

    /// <summary>The handle at a commit: what the lock records as <c>resolved</c>.</summary>
    public string AtCommit(string commit) => Compose(Owner, Repo, commit, PathInRepo);

    /// <summary>The commit a lock's <c>resolved</c> value pins for this handle's repo and file, or null.</summary>
    public string? CommitFromResolved(string? resolved)
    {
        if (resolved is null || !resolved.StartsWith("hf:", StringComparison.Ordinal))
            return null;
        try
        {
            var pinned = Create(resolved, resolved[3..]);
            return pinned.RevisionIsCommit && pinned.RepoId == RepoId && pinned.PathInRepo == PathInRepo ? pinned.Revision : null;
        }
        catch (Diagnostics.ModelRefsException)
        {
            return null;
        }
    }

    public static bool IsCommit(string revision) => revision.Length == 40 && revision.All(char.IsAsciiHexDigitLower);

    // Hub repo ids: letters, digits, '-', '_', '.', at most 96 characters, no "--" or "..", not
    // starting or ending with '-' or '.' (huggingface_hub's validate_repo_id).
    [GeneratedRegex(@"^(?!.*(?:--|\.\.))[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private static string Compose(string owner, string repo, string revision, string path) =>
        "hf:" + owner + "/" + repo + (revision == DefaultRevision ? "" : "@" + Uri.EscapeDataString(revision)) + "/" + path;

    /// <summary>Parses the part after <c>hf:</c>.</summary>
    internal static HuggingFaceModelHandle Create(string include, string rest)
    {
        var at = rest.IndexOf('@');
        var firstSlash = rest.IndexOf('/');
        if (firstSlash <= 0)
            throw Invalid(include, $"the handle names no repository. Write {Form}, e.g. {Example}.");
        var secondSlash = rest.IndexOf('/', firstSlash + 1);
        string repoPart, revision, path;
        if (at > firstSlash && (secondSlash < 0 || at < secondSlash))
        {
            // owner/repo@revision/path
            var pathStart = rest.IndexOf('/', at);
            if (pathStart < 0)
                throw Invalid(include, $"the handle names no file after the revision. Write {Form}, e.g. {Example}.");
            repoPart = rest[..at];
            revision = DecodeRevision(include, rest[(at + 1)..pathStart]);
            path = rest[(pathStart + 1)..];
        }
        else
        {
            if (secondSlash < 0)
                throw Invalid(include, $"the handle names no file in the repository. Write {Form}, e.g. {Example}.");
            repoPart = rest[..secondSlash];
            revision = DefaultRevision;
            path = rest[(secondSlash + 1)..];
        }
        var slash = repoPart.IndexOf('/');
        return Validated(include, repoPart[..slash], repoPart[(slash + 1)..], revision, path);
    }

    /// <summary>True for a Hub URL of this source: huggingface.co and hf.co, except datasets and Spaces (not models).</summary>
    internal static bool IsHubUrl(Uri uri)
    {
        var host = uri.Host.ToLowerInvariant();
        if (host is not ("huggingface.co" or "www.huggingface.co" or "hf.co"))
            return false;
        var first = uri.AbsolutePath.TrimStart('/').Split('/')[0];
        return first is not ("datasets" or "spaces");
    }

    /// <summary>Parses <c>https://huggingface.co/&lt;owner&gt;/&lt;repo&gt;/(resolve|blob)/&lt;revision&gt;/&lt;path&gt;</c>; the query is ignored.</summary>
    internal static HuggingFaceModelHandle CreateFromUrl(string include, Uri uri)
    {
        const string UrlForm = "https://huggingface.co/<owner>/<repo>/resolve/<revision>/<path in repo>";
        // Segments stay encoded until split, so a revision written refs%2Fpr%2F1 remains one segment.
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length < 5 || segments[2] is not ("resolve" or "blob"))
            throw Invalid(include, $"a Hugging Face URL names a model file as {UrlForm} (or …/blob/…); this one does not " +
                $"(a model page or folder URL cannot be restored). Open the file on the model's page and copy its download link, or write {Form}, e.g. {Example}.");
        var revision = DecodeRevision(include, segments[3]);
        var path = string.Join('/', segments.Skip(4).Select(Uri.UnescapeDataString));
        return Validated(include, Uri.UnescapeDataString(segments[0]), Uri.UnescapeDataString(segments[1]), revision, path);
    }

    private static string DecodeRevision(string include, string encoded)
    {
        var revision = Uri.UnescapeDataString(encoded);
        if (revision.Length == 0 || revision.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || revision.Contains("..", StringComparison.Ordinal)
            || revision.StartsWith('/') || revision.EndsWith('/'))
            throw Invalid(include, $"'{encoded}' is not a revision: write a branch, tag or commit after '@' (a '/' in it as %2F), e.g. " +
                "hf:onnx-community/silero-vad@main/onnx/model.onnx.");
        // A commit is recorded lower-case, as the Hub writes it.
        return revision.Length == 40 && revision.All(char.IsAsciiHexDigit) ? revision.ToLowerInvariant() : revision;
    }

    private static HuggingFaceModelHandle Validated(string include, string owner, string repo, string revision, string path)
    {
        foreach (var (name, what) in new[] { (owner, "owner"), (repo, "repository name") })
            if (!NamePattern().IsMatch(name))
                throw Invalid(include, $"'{name}' is not a valid Hugging Face {what} (letters, digits, '-', '_' and '.', at most 96, " +
                    $"without '--' or '..'). Write {Form}, e.g. {Example}.");
        if (path.Length == 0)
            throw Invalid(include, $"the handle names no file in the repository. Write {Form}, e.g. {Example}.");
        foreach (var segment in path.Split('/'))
            if (segment.Length == 0 || segment is "." or ".." || segment.Contains('\\') || segment.Any(char.IsControl))
                throw Invalid(include, $"'{path}' is not a path inside the repository (empty, '.' or '..' segments, or '\\'). " +
                    $"Write the file's path as the repo's file list shows it, e.g. {Example}.");
        return new HuggingFaceModelHandle(owner, repo, revision, path);
    }
}
