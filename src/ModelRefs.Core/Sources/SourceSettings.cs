namespace ModelRefs.Core.Sources;

/// <summary>
/// Project-wide settings that sources read: the MSBuild properties of the contract
/// (ModelRefsTrustedOwners, ModelRefsPython, ModelRefsGitHubUrl, ModelRefsGitHubApiUrl,
/// ModelRefsTfHubUrl). Null or empty values mean the documented defaults.
/// </summary>
public sealed record SourceSettings
{
    public static SourceSettings Default { get; } = new();

    /// <summary>The project folder (for relative paths in metadata); null: the current folder.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>Hub owners whose code may run at export (ModelRefsTrustedOwners).</summary>
    public IReadOnlyList<string> TrustedOwners { get; init; } = ["pytorch", "facebookresearch", "facebookincubator"];

    /// <summary>Python interpreter for exports (ModelRefsPython); null: the first python3 that can import torch.</summary>
    public string? Python { get; init; }

    /// <summary>GitHub web endpoint (ModelRefsGitHubUrl); null: https://github.com/.</summary>
    public string? GitHubUrl { get; init; }

    /// <summary>GitHub API endpoint (ModelRefsGitHubApiUrl); null: https://api.github.com/.</summary>
    public string? GitHubApiUrl { get; init; }

    /// <summary>TF Hub endpoint (ModelRefsTfHubUrl); null: https://tfhub.dev/.</summary>
    public string? TfHubUrl { get; init; }

    /// <summary>
    /// ModelRefs.Verifier.dll, the small app that runs an exported ONNX model in ONNX Runtime to
    /// check it against torch (the package's <c>tools/verifier/</c>); null: exports are not verified.
    /// </summary>
    public string? OnnxVerifier { get; init; }

    /// <summary>The NuGet global packages folder (<c>$(NuGetPackageRoot)</c>), where the verifier finds ONNX Runtime.</summary>
    public string? NuGetPackageRoot { get; init; }

    /// <summary>The <c>dotnet</c> executable that runs the verifier; null: <c>DOTNET_HOST_PATH</c>, else <c>dotnet</c> on PATH.</summary>
    public string? DotNetHost { get; init; }

    /// <summary>Splits a <c>;</c>-separated MSBuild list, dropping blanks.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
