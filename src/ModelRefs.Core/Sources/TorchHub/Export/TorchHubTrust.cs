using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.TorchHub;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>
/// Whether a hub repo's code may run (the export imports hubconf.py and calls the entrypoint, which
/// is running the repo's code with the user's rights): its owner is in <c>ModelRefsTrustedOwners</c>,
/// or the item says <c>Trust="true"</c>.
/// </summary>
public static class TorchHubTrust
{
    public const string DefaultTrustedOwners = "pytorch;facebookresearch;facebookincubator";

    /// <summary>The owners in a <c>;</c>- or <c>,</c>-separated list; null or blank: the default list.</summary>
    public static IReadOnlySet<string> ParseOwners(string? trustedOwners)
    {
        var text = string.IsNullOrWhiteSpace(trustedOwners) ? DefaultTrustedOwners : trustedOwners;
        return text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public static bool IsTrusted(TorchHubModelHandle handle, string? trustedOwners, bool trustItem) =>
        trustItem || ParseOwners(trustedOwners).Contains(handle.Owner);

    /// <summary>
    /// Throws MR0021 when the owner is not trusted and the item does not say Trust="true"; MR0009
    /// when <paramref name="trustMetadata"/> is not true/false.
    /// </summary>
    public static void Ensure(TorchHubModelHandle handle, string? trustedOwners, string? trustMetadata)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var trustItem = false;
        if (!string.IsNullOrWhiteSpace(trustMetadata) && !bool.TryParse(trustMetadata.Trim(), out trustItem))
            throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"Model '{handle.Text}': Trust=\"{trustMetadata}\" is not true or false.");
        if (IsTrusted(handle, trustedOwners, trustItem))
            return;

        var owners = string.Join(";", ParseOwners(trustedOwners).Order(StringComparer.OrdinalIgnoreCase));
        throw new ModelRefsException(RestoreDiagnostics.UntrustedHubCode,
            $"Model '{handle.Text}': exporting it runs the code of the GitHub repo {handle.Repository} (its hubconf.py and whatever it " +
            $"imports) on this machine with your rights, during the build, and '{handle.Owner}' is not a trusted owner (trusted: {owners}). " +
            $"Read the repo's code first. To allow it, either set Trust=\"true\" on this ModelReference item, or add the owner to the " +
            $"project's trusted owners: <ModelRefsTrustedOwners>$(ModelRefsTrustedOwners);{handle.Owner}</ModelRefsTrustedOwners>. " +
            "Pinning a commit in models.lock.json keeps later changes to the repo from running unreviewed.");
    }
}
