using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelRefs.TestSupport.Oci;

/// <summary>
/// A real OCI registry for tests: Debian's <c>docker-registry</c> (CNCF Distribution 2.8) serving a
/// temp storage folder on a free loopback port, anonymous or with htpasswd basic auth (an entry made
/// by <c>htpasswd -Bbn</c>). Started and waited for (<c>/v2/</c> answers), stopped and deleted on
/// dispose. Fails (never skips) when the programs are missing: <c>.ci/run</c> installs them.
/// <code>
/// using var registry = DistributionRegistry.Start();
/// var handle = $"oci:{registry.Authority}/models/vad:1";
/// </code>
/// </summary>
public sealed class DistributionRegistry : IDisposable
{
    public const string Program = "/usr/bin/docker-registry";
    private readonly Process _process;
    private readonly TempDirectory _folder;
    private readonly StringBuilder _output = new();

    private DistributionRegistry(Process process, TempDirectory folder, int port, (string User, string Password)? basicAuth)
    {
        _process = process;
        _folder = folder;
        Port = port;
        BasicAuth = basicAuth;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of a handle.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public string Url => $"http://{Authority}/";

    /// <summary>The user and password the registry accepts, when it was started with basic auth.</summary>
    public (string User, string Password)? BasicAuth { get; }

    /// <summary>What the registry logged (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static DistributionRegistry Start((string User, string Password)? basicAuth = null)
    {
        if (!File.Exists(Program))
            throw new InvalidOperationException($"{Program} is missing: install Debian's docker-registry (apt-get install docker-registry apache2-utils skopeo; .ci/run does).");
        for (var attempt = 1; ; attempt++)
        {
            var folder = new TempDirectory("modelrefs-registry-");
            var port = FreePort();
            var config = new StringBuilder()
                .AppendLine("version: 0.1")
                .AppendLine("log:\n  level: warn")
                .AppendLine("storage:")
                .AppendLine("  filesystem:")
                .AppendLine($"    rootdirectory: {folder.Combine("storage")}")
                .AppendLine("  delete:\n    enabled: true")
                .AppendLine("http:")
                .AppendLine($"  addr: 127.0.0.1:{port}")
                .AppendLine("  secret: modelrefs-test");
            if (basicAuth is var (user, password))
            {
                var htpasswd = ProcessRunner.Run("htpasswd", ["-Bbn", user, password], folder.Path, TimeSpan.FromSeconds(30));
                if (htpasswd.ExitCode != 0)
                    throw new InvalidOperationException($"htpasswd -Bbn failed ({htpasswd.ExitCode}): install apache2-utils.\n{htpasswd.Output}");
                File.WriteAllText(folder.Combine("htpasswd"), htpasswd.Output.Trim() + "\n");
                config.AppendLine("auth:\n  htpasswd:\n    realm: modelrefs-test")
                    .AppendLine($"    path: {folder.Combine("htpasswd")}");
            }
            File.WriteAllText(folder.Combine("config.yml"), config.ToString());

            var info = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("serve");
            info.ArgumentList.Add(folder.Combine("config.yml"));
            var process = new Process { StartInfo = info };
            var registry = new DistributionRegistry(process, folder, port, basicAuth);
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (registry._output) registry._output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (registry._output) registry._output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (registry.WaitUntilServing(TimeSpan.FromSeconds(30)))
                return registry;
            var output = registry.Output;
            registry.Dispose();
            // Another process may have taken the port between probing and binding: try another.
            if (attempt >= 3)
                throw new InvalidOperationException($"docker-registry did not start on port {port}:\n{output}");
        }
    }

    private bool WaitUntilServing(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                return false;
            try
            {
                using var response = http.GetAsync(Url + "v2/").GetAwaiter().GetResult();
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                    return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Thread.Sleep(100);
        }
        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _folder.Dispose();
    }
}
