using System.Text.Json;

namespace ModelRefs.Core.Sources.HuggingFace;

/// <summary>One file of a repository at a commit, as <c>?blobs=true</c> lists it.</summary>
/// <param name="Size">Its size in bytes; null when the endpoint did not say (it ignored <c>blobs=true</c>).</param>
/// <param name="LfsSha256">For a file stored with Git LFS, the SHA-256 of its content (lower-case hex); null for a plain git file.</param>
public sealed record HuggingFaceSibling(string Path, long? Size, string? LfsSha256);

/// <summary>
/// The answer of <c>GET {endpoint}/api/models/{owner}/{repo}/revision/{revision}?blobs=true</c>:
/// the commit the revision names, the files at that commit, and the card's licence metadata.
/// </summary>
public sealed record HuggingFaceRepoInfo(
    string Id,
    string Commit,
    IReadOnlyDictionary<string, HuggingFaceSibling> Siblings,
    bool HasCardData,
    IReadOnlyList<string> CardLicenses,
    string? LicenseName,
    string? LicenseLink,
    string? Gated)
{
    /// <summary>Reads the answer; null with a reason when it is not one (no 40-hex <c>sha</c>, no <c>siblings</c> list).</summary>
    public static HuggingFaceRepoInfo? Parse(JsonElement root, out string? problem)
    {
        problem = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "it is not a JSON object";
            return null;
        }
        var commit = String(root, "sha")?.ToLowerInvariant();
        if (commit is null || !HuggingFaceModelHandle.IsCommit(commit))
        {
            problem = "it has no 'sha' with a 40-digit commit id";
            return null;
        }
        if (!root.TryGetProperty("siblings", out var siblings) || siblings.ValueKind != JsonValueKind.Array)
        {
            problem = "it has no 'siblings' list of files";
            return null;
        }
        var files = new Dictionary<string, HuggingFaceSibling>(StringComparer.Ordinal);
        foreach (var sibling in siblings.EnumerateArray())
        {
            if (sibling.ValueKind != JsonValueKind.Object || String(sibling, "rfilename") is not { } path)
                continue;
            string? lfs = null;
            long? size = Long(sibling, "size");
            if (sibling.TryGetProperty("lfs", out var lfsElement) && lfsElement.ValueKind == JsonValueKind.Object)
            {
                lfs = String(lfsElement, "sha256")?.ToLowerInvariant();
                if (lfs is not null && Caching.Sha256Hex.Normalize(lfs) is null)
                {
                    problem = $"the LFS sha256 of '{path}' is not a SHA-256";
                    return null;
                }
                size ??= Long(lfsElement, "size");
            }
            files[path] = new HuggingFaceSibling(path, size, lfs);
        }

        var licenses = new List<string>();
        string? licenseName = null, licenseLink = null;
        var hasCard = root.TryGetProperty("cardData", out var card) && card.ValueKind == JsonValueKind.Object;
        if (hasCard)
        {
            if (card.TryGetProperty("license", out var license))
            {
                if (license.ValueKind == JsonValueKind.String && license.GetString() is { Length: > 0 } one)
                    licenses.Add(one);
                else if (license.ValueKind == JsonValueKind.Array)
                    licenses.AddRange(license.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).Where(l => l.Length > 0));
            }
            licenseName = String(card, "license_name");
            licenseLink = String(card, "license_link");
        }
        var gated = root.TryGetProperty("gated", out var g) ? g.ValueKind switch
        {
            JsonValueKind.String => g.GetString(),
            JsonValueKind.True => "true",
            _ => null,
        } : null;
        return new HuggingFaceRepoInfo(String(root, "id") ?? String(root, "modelId") ?? "", commit, files, hasCard, licenses, licenseName, licenseLink, gated);
    }

    /// <summary>The repository's ONNX files, for the message when a path is not among them.</summary>
    public IReadOnlyList<string> OnnxFiles => Siblings.Keys
        .Where(p => p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal).ToArray();

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and < 4096 } text
            ? text.Trim()
            : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : null;
}
