using ModelRefs.Core.Configuration;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>The settings of the OCI registry source.</summary>
public static class OciSettings
{
    public static readonly Setting InsecureRegistries = new("ModelRefsInsecureRegistries",
        "';'-separated OCI registries (host or host:port) that may be reached over plain HTTP; loopback registries always may");

    /// <summary>Read by the source besides the settings: the folder of the container tools' config.json.</summary>
    public const string DockerConfigVariable = "DOCKER_CONFIG";

    /// <summary>
    /// The base URL of a registry: plain http for loopback hosts (local test registries, as Docker
    /// treats them) and those listed in <see cref="InsecureRegistries"/> (host or host:port), https otherwise.
    /// </summary>
    public static Uri BaseUrl(OciModelHandle handle, SettingValues settings)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(settings);
        var insecure = IsLoopback(handle.Host) || (settings.GetList(InsecureRegistries) ?? [])
            .Any(r => string.Equals(r.Trim().TrimEnd('/'), handle.Registry, StringComparison.OrdinalIgnoreCase)
                      || string.Equals(r.Trim().TrimEnd('/'), handle.Host, StringComparison.OrdinalIgnoreCase));
        return new Uri((insecure ? "http://" : "https://") + handle.Registry + "/");
    }

    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
