using ModelRefs.Core.Configuration;
namespace ModelRefs.Core.Sources.TfHub;

/// <summary>The settings of the TF Hub source.</summary>
public static class TfHubSettings
{
    public static readonly Setting Url = new("ModelRefsTfHubUrl", "TF Hub endpoint; default https://tfhub.dev/");
}
