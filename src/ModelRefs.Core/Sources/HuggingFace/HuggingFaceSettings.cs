using ModelRefs.Core.Configuration;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.HuggingFace;

/// <summary>The settings of the Hugging Face source.</summary>
public static class HuggingFaceSettings
{
    public const string DefaultUrl = "https://huggingface.co";

    /// <summary>Read by the source besides the settings: <c>HF_HUB_OFFLINE=1</c> behaves like ModelRefsOffline for hf: models.</summary>
    public const string OfflineVariable = "HF_HUB_OFFLINE";

    public static readonly Setting Url = new("ModelRefsHuggingFaceUrl", "Hugging Face endpoint (a mirror or proxy that speaks the Hub's protocol); default HF_ENDPOINT, else https://huggingface.co")
    {
        // As the stock client reads it.
        EnvironmentVariable = "HF_ENDPOINT",
    };

    /// <summary>The endpoint to use, with a trailing slash (paths are relative to it, so a mirror may have a path prefix); MR0009 when it is not an http(s) URL.</summary>
    public static Uri ResolveEndpoint(SettingValues settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var configured = settings.Get(Url);
        var text = (configured ?? DefaultUrl).TrimEnd('/');
        return Uri.TryCreate(text + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
               && uri.Query.Length == 0 && uri.UserInfo.Length == 0
            ? uri
            : throw new ModelRefsException(RestoreDiagnostics.InvalidMetadata,
                $"{Url.Property} (or HF_ENDPOINT) '{configured}' is not an http(s) URL without query or user info. Set it to a Hugging Face endpoint " +
                $"such as {DefaultUrl}, or remove it.");
    }

    /// <summary>The stock client's truthy values for <c>HF_HUB_OFFLINE</c>.</summary>
    public static bool IsOfflineValue(string? value) =>
        value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";
}
