using ModelRefs.Core.Configuration;
namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>The settings of the PyTorch Hub source.</summary>
public static class TorchHubSettings
{
    /// <summary>Unset: the owners PyTorch Hub itself trusts (see TorchHubTrust).</summary>
    public static readonly Setting TrustedOwners = new("ModelRefsTrustedOwners", "';'-separated hub owners whose code may run at export");

    public static readonly Setting GitHubUrl = new("ModelRefsGitHubUrl", "GitHub web endpoint (zipballs); default https://github.com/");
    public static readonly Setting GitHubApiUrl = new("ModelRefsGitHubApiUrl", "GitHub API endpoint (commit pinning); default https://api.github.com/");

    public static readonly Setting OnnxVerifier = new("ModelRefsOnnxVerifier",
        "ModelRefs.Verifier.dll, which runs an export in ONNX Runtime to check it against torch (the package's tools/verifier/); unset: exports are not verified");

    public static readonly Setting NuGetPackageRoot = new("NuGetPackageRoot", "the NuGet global packages folder, where the verifier finds ONNX Runtime");
}
