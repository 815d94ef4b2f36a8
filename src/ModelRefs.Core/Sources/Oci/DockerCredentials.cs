using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>A registry user name and password (or token) and where they were read; <see cref="ToString"/> never shows the secret.</summary>
internal sealed record RegistryCredential(string Username, string Secret, string Source)
{
    public override string ToString() => Source;
}

/// <summary>
/// The credentials container tools keep for registries (docker, podman, skopeo, oras read the same
/// file): <c>$DOCKER_CONFIG/config.json</c>, default <c>~/.docker/config.json</c>. A registry's
/// helper in <c>credHelpers</c>, else the <c>credsStore</c> helper, is asked first
/// (<c>docker-credential-&lt;name&gt; get</c> with the registry on stdin, answering
/// <c>{"Username","Secret"}</c>); else its <c>auths</c> entry (<c>auth</c>: base64 of
/// <c>user:password</c>, or <c>username</c>/<c>password</c>). Nothing read here is logged or written.
/// </summary>
internal sealed class DockerCredentials
{
    private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(30);
    private readonly Func<string, string?> _environment;

    public DockerCredentials(Func<string, string?> environment) => _environment = environment;

    /// <summary>The config file that is read (it may not exist).</summary>
    public string? ConfigPath
    {
        get
        {
            var folder = _environment(OciSettings.DockerConfigVariable) is { Length: > 0 } configured ? configured
                : (_environment("HOME") ?? _environment("USERPROFILE")) is { Length: > 0 } home ? Path.Combine(home, ".docker")
                : null;
            return folder is null ? null : Path.Combine(folder, "config.json");
        }
    }

    /// <summary>The credentials for <paramref name="registry"/> (host[:port]), or null when there are none.</summary>
    public async Task<RegistryCredential?> FindAsync(OciModelHandle handle, string registry, CancellationToken cancellationToken)
    {
        if (ConfigPath is not { } path || !File.Exists(path))
            return null;
        JsonDocument config;
        try
        {
            config = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw Unreadable(handle, $"{path} cannot be read as JSON ({e.GetType().Name})");
        }
        using (config)
        {
            if (config.RootElement.ValueKind != JsonValueKind.Object)
                throw Unreadable(handle, $"{path} is not a JSON object");
            var root = config.RootElement;
            var helper = FindKey(root, "credHelpers", registry) is { ValueKind: JsonValueKind.String } named ? named.GetString()
                : root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String ? store.GetString() : null;
            if (!string.IsNullOrWhiteSpace(helper)
                && await RunHelperAsync(handle, helper.Trim(), registry, cancellationToken).ConfigureAwait(false) is { } fromHelper)
                return fromHelper;
            if (FindKey(root, "auths", registry) is { ValueKind: JsonValueKind.Object } entry)
                return FromAuthEntry(handle, entry, $"{path} (auths)");
            return null;
        }
    }

    /// <summary>The value under a key that names <paramref name="registry"/>: <c>host:port</c>, <c>https://host:port</c>, <c>https://host:port/v1/</c>.</summary>
    private static JsonElement? FindKey(JsonElement root, string section, string registry)
    {
        if (!root.TryGetProperty(section, out var map) || map.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var property in map.EnumerateObject())
            if (string.Equals(ServerOf(property.Name), registry, StringComparison.OrdinalIgnoreCase))
                return property.Value;
        return null;
    }

    private static string ServerOf(string key)
    {
        var text = key.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            text = text[(scheme + 3)..];
        var slash = text.IndexOf('/');
        return slash < 0 ? text : text[..slash];
    }

    private static RegistryCredential? FromAuthEntry(OciModelHandle handle, JsonElement entry, string source)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            }
            catch (FormatException)
            {
                throw Unreadable(handle, $"the 'auth' value for {handle.Registry} in {source} is not base64 of user:password");
            }
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                throw Unreadable(handle, $"the 'auth' value for {handle.Registry} in {source} is not base64 of user:password");
            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], source);
        }
        if (entry.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String
            && entry.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.String)
            return new RegistryCredential(user.GetString()!, password.GetString()!, source);
        return null; // an empty placeholder (credsStore keeps the secrets)
    }

    /// <summary>Runs <c>docker-credential-&lt;helper&gt; get</c>; null when it knows no credentials for the registry.</summary>
    private async Task<RegistryCredential?> RunHelperAsync(OciModelHandle handle, string helper, string registry, CancellationToken cancellationToken)
    {
        if (!helper.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw Unreadable(handle, $"the credential helper name '{helper}' in {ConfigPath} is not a program name");
        var program = "docker-credential-" + helper;
        var executable = FindOnPath(program)
            ?? throw Unreadable(handle, $"{ConfigPath} names the credential helper '{helper}', and {program} is not on PATH");
        var source = $"the credential helper {program}";
        var start = new ProcessStartInfo(executable, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw Unreadable(handle, $"{source} could not be started ({e.Message})");
        }
        try
        {
            await process.StandardInput.WriteAsync(registry).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // A helper that exits without reading the server's name (a broken pipe): its exit code and output tell more.
        }
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HelperTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw Unreadable(handle, $"{source} did not answer within {HelperTimeout.TotalSeconds:0} s");
        }
        var stdout = await output.ConfigureAwait(false);
        var stderr = await error.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            // The helpers' protocol: "credentials not found" means none for this server, which is no error.
            if ((stdout + stderr).Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                return null;
            throw Unreadable(handle, $"{source} failed with exit code {process.ExitCode}");
        }
        try
        {
            using var answer = JsonDocument.Parse(stdout);
            if (answer.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException("not an object");
            var username = answer.RootElement.TryGetProperty("Username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            var secret = answer.RootElement.TryGetProperty("Secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return string.IsNullOrEmpty(secret) ? null : new RegistryCredential(username ?? "", secret, source);
        }
        catch (JsonException)
        {
            throw Unreadable(handle, $"{source} answered something that is not its JSON ({{\"Username\", \"Secret\"}})");
        }
    }

    private string? FindOnPath(string program)
    {
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program + ".cmd", program + ".bat" } : [program];
        foreach (var folder in (_environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        return null;
    }

    private static ModelRefsException Unreadable(OciModelHandle handle, string what) =>
        new(RestoreDiagnostics.OciCredentialsUnreadable,
            $"Model '{handle.Text}': the credentials for {handle.Registry} cannot be read: {what}. Fix the container tools' config.json " +
            $"(DOCKER_CONFIG, default ~/.docker), for example with 'docker login {handle.Registry}', or remove the entry to pull anonymously.");
}
