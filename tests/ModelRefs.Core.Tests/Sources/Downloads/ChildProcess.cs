using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Tests.Sources.Downloads;

/// <summary>
/// Runs this test assembly again as a child process (<c>dotnet ModelRefs.Core.Tests.dll</c>) with
/// <see cref="Variable"/> set: the module initializer below then does one job and exits before
/// the test SDK's empty Main. No extra project, and the child uses exactly the code under test.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    public const string Variable = "MODELREFS_CORE_TESTS_CHILD";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(string job, IEnumerable<string> arguments)
    {
        var assembly = typeof(ChildProcess).Assembly.Location;
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment[Variable] = job;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Fetches <paramref name="url"/> (pinned) into the cache; prints the log and <c>OK sha</c>.</summary>
    public static ChildProcess Fetch(string cacheRoot, string url, string sha256) => new("fetch", [cacheRoot, url, sha256]);

    /// <summary>Takes the fetch lock for <paramref name="key"/>, prints <c>LOCKED</c>, and waits to be killed.</summary>
    public static ChildProcess HoldLock(string cacheRoot, string key) => new("hold-lock", [cacheRoot, key]);

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                if (Output.Contains(text, StringComparison.Ordinal))
                    return;
                throw new InvalidOperationException($"child {Id} exited ({_process.ExitCode}) without printing '{text}':\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"child {Id} did not print '{text}' within {timeout}:\n{Output}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"child {Id} did not exit within {timeout}:\n{Output}");
        }
        return _process.ExitCode;
    }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                Kill();
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

#pragma warning disable CA2255 // a module initializer in a test assembly: the child-process entry point
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunChildJob()
    {
        var job = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(job))
            return;
        // The job runs on a foreground thread: code of this module must not run (or wait for async
        // continuations) inside the module initializer, which holds the module's type-init lock.
        // The test SDK's empty Main returns; the runtime waits for this thread, which exits the process.
        new Thread(() =>
        {
            int exitCode;
            try
            {
                exitCode = RunAsync(job, Environment.GetCommandLineArgs().Skip(1).ToArray()).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                Console.WriteLine("FAILED " + e);
                exitCode = 3;
            }
            Console.Out.Flush();
            Environment.Exit(exitCode);
        }) { IsBackground = false, Name = "child job" }.Start();
    }

    private static async Task<int> RunAsync(string job, string[] args)
    {
        void Log(string line)
        {
            lock (Console.Out)
                Console.WriteLine("LOG " + line);
        }

        switch (job)
        {
            case "fetch":
            {
                var (cacheRoot, url, sha) = (args[0], args[1], args[2]);
                using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
                var context = new FetchContext(new ModelCache(cacheRoot), http)
                {
                    Sha256 = sha,
                    Log = Log,
                    Credentials = Credentials.None,
                    Download = new DownloadOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20), LockTimeout = TimeSpan.FromSeconds(60) },
                };
                var artifact = await ModelSources.Default.FetchAsync(ModelHandle.Parse(url, cacheRoot), context);
                Console.WriteLine("OK " + artifact.Sha256);
                return 0;
            }
            case "hold-lock":
            {
                var cache = new ModelCache(args[0]);
                var held = await cache.AcquireLockAsync(args[1], Log, CancellationToken.None);
                Console.WriteLine("LOCKED " + held.Path);
                Console.Out.Flush();
                await Task.Delay(TimeSpan.FromMinutes(2)); // killed long before
                GC.KeepAlive(held);
                return 0;
            }
            default:
                Console.WriteLine("unknown job " + job);
                return 2;
        }
    }
}
