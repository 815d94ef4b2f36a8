using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;
using static ModelRefs.Benchmarks.Processes;

namespace ModelRefs.Benchmarks;

/// <summary>
/// Restore costs (issue 3): (1) a cold restore of a large artifact from a loopback HTTP server
/// against <c>curl -o</c> plus <c>sha256sum</c> of the same file, with the restoring process's peak
/// memory; (2) an up-to-date <c>dotnet build</c> of a project with three models against the same
/// project without them.
/// </summary>
internal static class RestoreBenchmark
{
    public const string ChildCommand = "restore-child";

    public static async Task<int> RunAsync(string[] args)
    {
        // "up-to-date" runs part (2) alone, "fresh-node" part (3) alone; a number is the size of part (1)'s artifact in MB.
        var upToDateOnly = args.FirstOrDefault() == "up-to-date";
        if (args.FirstOrDefault() == "fresh-node")
        {
            var scratch = Directory.CreateTempSubdirectory("modelrefs-bench-");
            try
            {
                FreshNodeRestore(scratch.FullName);
                return 0;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        }
        var megabytes = args.Length > 0 && !upToDateOnly ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var work = Directory.CreateTempSubdirectory("modelrefs-bench-");
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            Console.WriteLine();
            if (!upToDateOnly)
            {
                await ColdRestoreAsync(work.FullName, megabytes);
                Console.WriteLine();
            }
            UpToDateBuild(work.FullName);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task ColdRestoreAsync(string work, int megabytes)
    {
        var served = Directory.CreateDirectory(Path.Combine(work, "served")).FullName;
        var file = Path.Combine(served, "model.bin");
        var sha256 = WriteRandomFile(file, megabytes * 1024L * 1024);
        var port = FreePort();
        using var server = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "--directory", served])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            var url = $"http://127.0.0.1:{port}/model.bin";
            await WaitForServerAsync(url);

            var curlTimes = new List<double>();
            var restoreTimes = new List<double>();
            var peaks = new List<double>();
            for (var run = 0; run < 3; run++)
            {
                var download = Path.Combine(work, "curl.bin");
                var start = Stopwatch.GetTimestamp();
                Exec("curl", "-s", "-f", "-o", download, url);
                var sum = Exec("sha256sum", download);
                curlTimes.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                if (!sum.StartsWith(sha256, StringComparison.Ordinal))
                    throw new InvalidOperationException("curl fetched other bytes: " + sum);
                File.Delete(download);

                var cache = Path.Combine(work, "cache-" + run);
                var child = Exec("dotnet", typeof(RestoreBenchmark).Assembly.Location, ChildCommand, url, sha256, cache);
                var fields = child.Trim().Split(' ');
                restoreTimes.Add(double.Parse(fields[0], CultureInfo.InvariantCulture));
                peaks.Add(double.Parse(fields[1], CultureInfo.InvariantCulture));
                Directory.Delete(cache, recursive: true);
            }

            var curl = Statistics.Median(curlTimes);
            var restore = Statistics.Median(restoreTimes);
            Console.WriteLine($"Cold restore of a {megabytes} MB artifact from a loopback HTTP server (python3 -m http.server), median of 3:");
            Console.WriteLine();
            Console.WriteLine("| what | seconds | MB/s | peak memory |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| curl -o + sha256sum | {curl:0.00} | {megabytes / curl:0} | |");
            Console.WriteLine($"| ModelRefs https source (download, hash while streaming, verify, atomic rename) | {restore:0.00} | {megabytes / restore:0} | {Statistics.Median(peaks):0} MB |");
            Console.WriteLine();
            Console.WriteLine($"Throughput ratio ModelRefs / (curl + sha256sum): {curl / restore:0.00}");
        }
        finally
        {
            server.Kill();
        }
    }

    /// <summary>The restoring process: one fetch into an empty cache; prints seconds and peak working set in MB.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (url, sha256, cacheRoot) = (args[0], args[1], args[2]);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var context = new FetchContext(new ModelCache(cacheRoot), http) { Sha256 = sha256 };
        var handle = ModelHandle.Parse(url, Environment.CurrentDirectory);
        var start = Stopwatch.GetTimestamp();
        var artifact = await ModelSources.Default.FetchAsync(handle, context);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (artifact.Sha256 != sha256)
            throw new InvalidOperationException("restored other bytes");
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:0.000} {self.PeakWorkingSet64 / (1024.0 * 1024):0}"));
        return 0;
    }

    private static void UpToDateBuild(string work)
    {
        // A user's project: the packed packages from a private feed, not this repo's sources.
        var version = PackPackages(work);

        string[] models =
        [
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx",
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx",
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx",
        ];
        var with = WriteProject(work, "WithModels", version, models);
        var without = WriteProject(work, "WithoutModels", version, []);
        foreach (var project in new[] { with, without })
            for (var i = 0; i < 2; i++)
                Exec("dotnet", "build", project, "-c", "Release", "-nodeReuse:false");

        const int runs = 11;
        var times = new Dictionary<string, List<double>> { [with] = [], [without] = [] };
        for (var run = 0; run < runs; run++)
            foreach (var project in new[] { with, without })
            {
                var start = Stopwatch.GetTimestamp();
                Exec("dotnet", "build", project, "-c", "Release", "--no-restore", "-nodeReuse:false");
                times[project].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        // MSBuild's own account of what the ModelRefs targets cost in an up-to-date build.
        var summary = Exec("dotnet", "build", with, "-c", "Release", "--no-restore", "-nodeReuse:false", "-clp:PerformanceSummary");
        var targetLines = summary.Split('\n').Where(l => l.Contains("ModelRefs", StringComparison.Ordinal) && l.Contains(" ms ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct();

        var a = Statistics.Median(times[with]);
        var b = Statistics.Median(times[without]);
        Console.WriteLine($"Up-to-date `dotnet build --no-restore` of a console app using the packed ModelRefs package, median of {runs}, interleaved:");
        Console.WriteLine();
        Console.WriteLine("| project | seconds |");
        Console.WriteLine("| --- | ---: |");
        Console.WriteLine($"| three ModelReference items (Silero v5, v6, legacy) | {a:0.00} |");
        Console.WriteLine($"| the same project without them | {b:0.00} |");
        Console.WriteLine();
        Console.WriteLine($"Ratio: {a / b:0.000}");
        Console.WriteLine();
        Console.WriteLine("ModelRefs targets in that build (MSBuild performance summary):");
        foreach (var line in targetLines)
            Console.WriteLine("    " + line);
    }

    /// <summary>
    /// (3) The restore task's fixed cost in a fresh MSBuild node (as in CI, or the first build after
    /// the nodes ended): one local model, and three npm models whose files are in the cache, each
    /// restored in full (its obj/ record deleted before each build) by the package's ReadyToRun task
    /// and by its IL one (ModelRefsReadyToRun=false), interleaved; MSBuild's account of the target.
    /// </summary>
    private static void FreshNodeRestore(string work)
    {
        var version = PackPackages(work);
        var vad = ModelRefs.TestSupport.NpmPackages.GetFile(ModelRefs.TestSupport.NpmPackages.SileroVad, ModelRefs.TestSupport.NpmPackages.SileroVadV5Path);
        string[] npm =
        [
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx",
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx",
            "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx",
        ];
        const string IL = "<ModelRefsReadyToRun>false</ModelRefsReadyToRun>";
        var arms = new (string Label, string Project)[]
        {
            ("one local model, ReadyToRun task", WriteProject(work, "LocalImage", version, [$"\"{vad}\" Name=\"Vad\""])),
            ("one local model, IL task", WriteProject(work, "LocalIL", version, [$"\"{vad}\" Name=\"Vad\""], IL)),
            ("three npm models from the cache, ReadyToRun task", WriteProject(work, "NpmImage", version, npm)),
            ("three npm models from the cache, IL task", WriteProject(work, "NpmIL", version, npm, IL)),
        };
        foreach (var (_, project) in arms)
            Exec("dotnet", "build", project, "-c", "Release", "-nodeReuse:false");

        const int runs = 9;
        var times = arms.ToDictionary(a => a.Project, _ => new List<double>());
        for (var run = 0; run < runs; run++)
            foreach (var (_, project) in arms)
            {
                Directory.Delete(Path.Combine(Path.GetDirectoryName(project)!, "obj", "Release", "net10.0", "modelrefs"), recursive: true);
                var output = Exec("dotnet", "build", project, "-c", "Release", "--no-restore", "-nodeReuse:false", "-clp:PerformanceSummary");
                times[project].Add(CompileBenchmark.TargetTimes(output).Single(t => t.Target == "_ModelRefsRestoreModels").Ms);
            }

        Console.WriteLine($"The restore target in a fresh MSBuild node, a full restore (obj/'s record deleted) with the models in the cache, median of {runs}, interleaved:");
        Console.WriteLine();
        Console.WriteLine("| project | `_ModelRefsRestoreModels` ms |");
        Console.WriteLine("| --- | ---: |");
        foreach (var (label, project) in arms)
            Console.WriteLine($"| {label} | {Statistics.Median(times[project]):0} |");
    }

    /// <summary>Packs this repo's ModelRefs and runtime packages into a private feed under <paramref name="work"/> (its nuget.config names it); returns their version.</summary>
    internal static string PackPackages(string work)
    {
        var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var feed = Path.Combine(work, "feed");
        var version = $"0.1.0-bench.{DateTime.UtcNow:yyyyMMddHHmmss}";
        foreach (var project in new[] { "src/ModelRefs.Runtime/ModelRefs.Runtime.csproj", "nuget/ModelRefs/ModelRefs.csproj" })
            Exec("dotnet", "pack", Path.Combine(repo, project), "-c", "Release", "-o", feed, "-p:Version=" + version, "--artifacts-path", Path.Combine(work, "pack"));
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <configuration><packageSources><add key="bench" value="{feed}" /></packageSources></configuration>
            """);
        return version;
    }

    /// <summary>A console app referencing the packed package, with one item per entry of <paramref name="models"/> (Include, or Include plus extra attributes).</summary>
    internal static string WriteProject(string work, string name, string version, string[] models, string properties = "")
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        var items = string.Join("\n", models.Select((m, i) => m.Contains('"') ? $"""    <ModelReference Include={m} />""" : $"""    <ModelReference Include="{m}" Name="Model{i}" />"""));
        var package = $"""    <PackageReference Include="ModelRefs" Version="{version}" />""";
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
            {properties}
              </PropertyGroup>
              <ItemGroup>
            {package}
            {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), "System.Console.WriteLine(\"hello\");");
        return Path.Combine(dir, name + ".csproj");
    }

    internal static string WriteRandomFile(string path, long length)
    {
        var random = new Random(42);
        var buffer = new byte[1 << 20];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = File.Create(path))
            for (long written = 0; written < length; written += buffer.Length)
            {
                random.NextBytes(buffer);
                stream.Write(buffer);
                sha.AppendData(buffer);
            }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    internal static async Task WaitForServerAsync(string url)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the loopback server did not start");
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
