using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// <c>torchhub:&lt;owner&gt;/&lt;repo&gt;[:&lt;ref&gt;]/&lt;entrypoint&gt;</c>: a PyTorch Hub entrypoint of a
/// GitHub repo at a tag, branch or commit, exported to ONNX. The ref may contain '/' (a branch such
/// as <c>release/1.0</c>); the entrypoint is always the last segment.
/// </summary>
public sealed partial class TorchHubModelHandle : ModelHandle
{
    private TorchHubModelHandle(string owner, string repo, string? gitRef, string entry)
        : base($"torchhub:{owner}/{repo}{(gitRef is null ? "" : ":" + gitRef)}/{entry}", entry + ".onnx")
    {
        Owner = owner;
        Repo = repo;
        Ref = gitRef;
        Entry = entry;
    }

    /// <summary>The GitHub owner (user or organisation): <c>pytorch</c>.</summary>
    public string Owner { get; }

    /// <summary>The repository name: <c>vision</c>.</summary>
    public string Repo { get; }

    /// <summary>The tag, branch or commit as written; null means the hub's default-branch rule (main, else master).</summary>
    public string? Ref { get; }

    /// <summary>The hubconf.py entrypoint: <c>squeezenet1_1</c>.</summary>
    public string Entry { get; }

    /// <summary><c>owner/repo</c>.</summary>
    public string Repository => Owner + "/" + Repo;

    public override string Scheme => "torchhub";

    /// <summary>The entry points of one repository ref share its download.</summary>
    public override string FetchGroup => $"torchhub:{Owner}/{Repo}:{Ref}";

    public override string? MovablePin(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue("HubDirectory", out var folder) && !string.IsNullOrWhiteSpace(folder)
            ? "the model comes from a local folder (HubDirectory), whose files can change."
            : Ref is null ? "no ref: the repo's default branch moves with every commit. Write a tag or commit after ':'."
            : GitHubRepoClient.IsCommitSha(Ref.ToLowerInvariant()) ? null
            : $"'{Ref}' is a branch or tag, and both can be moved. Write the commit it stands for to pin the code that runs.";

    /// <summary>The locked commit (else the ref as written); purl-spec's github type once a commit is pinned.</summary>
    public override ModelProvenance Provenance(string? resolved)
    {
        var commit = TorchHubModelSource.LockedCommit(this, resolved);
        var purl = commit is null ? null : $"pkg:github/{Owner.ToLowerInvariant()}/{Repo.ToLowerInvariant()}@{commit}";
        return new ModelProvenance(commit ?? Ref, purl, null);
    }

    private const string Form = "torchhub:<owner>/<repo>[:<ref>]/<entrypoint>";
    private const string Example = "torchhub:pytorch/vision:v0.14.1/squeezenet1_1";

    // GitHub: alphanumerics and single hyphens, at most 39 characters, no leading hyphen.
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnerPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex RepoPattern();

    // A Python identifier (ASCII): what hubconf.py can define.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPattern();

    internal static TorchHubModelHandle Create(string include, string rest)
    {
        var firstSlash = rest.IndexOf('/');
        if (firstSlash <= 0)
            throw Invalid(include, $"write {Form}, e.g. {Example}.");
        var owner = rest[..firstSlash];
        var afterOwner = rest[(firstSlash + 1)..];

        var lastSlash = afterOwner.LastIndexOf('/');
        if (lastSlash < 0)
            throw Invalid(include, $"the handle names no entrypoint. Add the hubconf.py function after the repo, e.g. {Example}.");
        var entry = afterOwner[(lastSlash + 1)..];
        var repoAndRef = afterOwner[..lastSlash];

        string repo;
        string? gitRef = null;
        var colon = repoAndRef.IndexOf(':');
        if (colon >= 0)
        {
            repo = repoAndRef[..colon];
            gitRef = repoAndRef[(colon + 1)..];
            if (gitRef.Length == 0)
                throw Invalid(include, $"the ref after ':' is empty. Write a tag, branch or commit (e.g. {Example}), or leave out ':' to use the default branch.");
            ValidateRef(include, gitRef);
        }
        else
        {
            repo = repoAndRef;
            if (repo.Contains('/'))
                throw Invalid(include, $"'{repo}' is not a repository name; a ref goes after ':' (e.g. {Example}).");
        }

        if (!OwnerPattern().IsMatch(owner))
            throw Invalid(include, $"'{owner}' is not a valid GitHub owner (letters, digits and single hyphens, at most 39 characters). Write {Form}, e.g. {Example}.");
        if (!RepoPattern().IsMatch(repo) || repo is "." or "..")
            throw Invalid(include, $"'{repo}' is not a valid GitHub repository name (letters, digits, '.', '-' and '_'). Write {Form}, e.g. {Example}.");
        if (repo.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            throw Invalid(include, $"leave out '.git': write torchhub:{owner}/{repo[..^4]}{(gitRef is null ? "" : ":" + gitRef)}/{entry}.");
        if (entry.Length == 0)
            throw Invalid(include, $"the handle names no entrypoint after the last '/'. Add the hubconf.py function, e.g. {Example}.");
        if (!EntryPattern().IsMatch(entry))
            throw Invalid(include, $"the entrypoint '{entry}' is not a Python function name (letters, digits and '_', not starting with a digit), e.g. squeezenet1_1.");
        if (entry.StartsWith('_'))
            throw Invalid(include, $"the entrypoint '{entry}' starts with '_', which PyTorch Hub keeps private: only public hubconf.py functions are entrypoints.");

        return new TorchHubModelHandle(owner, repo, gitRef, entry);
    }

    /// <summary>The rules of <c>git check-ref-format</c> that matter in a URL and a lock file.</summary>
    private static void ValidateRef(string include, string gitRef)
    {
        var bad = gitRef.Any(c => c <= ' ' || c == 0x7F || "~^:?*[\\".Contains(c))
            || gitRef.Contains("..", StringComparison.Ordinal)
            || gitRef.Contains("@{", StringComparison.Ordinal)
            || gitRef.Contains("//", StringComparison.Ordinal)
            || gitRef.StartsWith('/') || gitRef.EndsWith('/') || gitRef.StartsWith('-') || gitRef.EndsWith('.')
            || gitRef == "@"
            || gitRef.Split('/').Any(s => s.StartsWith('.') || s.EndsWith(".lock", StringComparison.Ordinal));
        if (bad || gitRef.Length > 255)
            throw Invalid(include, $"'{gitRef}' is not a valid git ref. Write a tag (v0.14.1), a branch (main) or a commit SHA, e.g. {Example}.");
    }
}
