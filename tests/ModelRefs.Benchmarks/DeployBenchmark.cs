using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ModelRefs.Core.Onnx;
using static ModelRefs.Benchmarks.Processes;

namespace ModelRefs.Benchmarks;

/// <summary>
/// A cold build with a large model (issue 16 item 1): the model downloaded, verified and deployed
/// by a <c>dotnet build</c> of a consumer app with an empty ModelRefs cache and no bin/, against
/// <c>curl -o</c> + <c>sha256sum</c> of the same file plus the same cold build of the app without
/// the model. Deployed by hard link (<c>ModelRefsDeploy=link</c>, the default) and by copy.
/// </summary>
internal static class DeployBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var work = Directory.CreateTempSubdirectory("modelrefs-bench-deploy-");
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {ParallelRestoreBenchmark.LoadAverage()}");
            var served = Directory.CreateDirectory(Path.Combine(work.FullName, "served")).FullName;
            var model = Path.Combine(served, "big.onnx");
            var sha256 = WriteLargeModel(model, megabytes * 1024L * 1024);
            var port = RestoreBenchmark.FreePort();
            using var server = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "--directory", served])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            try
            {
                var url = $"http://127.0.0.1:{port}/big.onnx";
                await RestoreBenchmark.WaitForServerAsync(url);
                var version = RestoreBenchmark.PackPackages(work.FullName);
                var item = $"\"{url}\" Sha256=\"{sha256}\" Name=\"Big\"";
                var projects = new Dictionary<string, string>
                {
                    ["without"] = RestoreBenchmark.WriteProject(work.FullName, "WithoutModel", version, []),
                    ["link"] = RestoreBenchmark.WriteProject(work.FullName, "WithModelLinked", version, [item]),
                    ["copy"] = RestoreBenchmark.WriteProject(work.FullName, "WithModelCopied", version, [item], "<ModelRefsDeploy>copy</ModelRefsDeploy>"),
                };
                foreach (var project in projects.Values)
                    Exec("dotnet", "restore", project);

                var times = projects.Keys.Append("curl").ToDictionary(k => k, _ => new List<double>());
                for (var run = 0; run < runs; run++)
                {
                    var download = Path.Combine(work.FullName, "curl.onnx");
                    var start = Stopwatch.GetTimestamp();
                    Exec("curl", "-s", "-f", "-o", download, url);
                    var sum = Exec("sha256sum", download);
                    times["curl"].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    if (!sum.StartsWith(sha256, StringComparison.Ordinal))
                        throw new InvalidOperationException("curl fetched other bytes: " + sum);
                    File.Delete(download);
                    foreach (var (name, project) in projects)
                        times[name].Add(ColdBuild(project, Path.Combine(work.FullName, "cache-" + name + "-" + run)));
                }

                double M(string name) => Statistics.Median(times[name]);
                var baseline = M("curl") + M("without");
                Console.WriteLine();
                Console.WriteLine($"Cold `dotnet build --no-restore` (no bin/, no obj/Release, empty ModelRefs cache) with a {megabytes} MB model from a loopback HTTP server (python3 -m http.server), median of {runs}, interleaved:");
                Console.WriteLine();
                Console.WriteLine("| what | seconds |");
                Console.WriteLine("| --- | ---: |");
                Console.WriteLine($"| curl -o + sha256sum | {M("curl"):0.00} |");
                Console.WriteLine($"| cold build of the app without the model | {M("without"):0.00} |");
                Console.WriteLine($"| sum of the two | {baseline:0.00} |");
                Console.WriteLine($"| cold build with the model, ModelRefsDeploy=link (default: hard link to the read-only blob) | {M("link"):0.00} |");
                Console.WriteLine($"| cold build with the model, ModelRefsDeploy=copy | {M("copy"):0.00} |");
                Console.WriteLine();
                Console.WriteLine($"Ratio link / (curl + sha256sum + build without): {M("link") / baseline:0.00} (goal ≤ 1.1); copy: {M("copy") / baseline:0.00}");
                // Where the linked cold build spends its time beyond the build without the model: MSBuild's own account.
                Console.WriteLine();
                Console.WriteLine("Tasks and targets of one more linked cold build (MSBuild performance summary, ModelRefs and copy lines):");
                foreach (var line in ColdBuildSummary(projects["link"], Path.Combine(work.FullName, "cache-summary")))
                    Console.WriteLine("    " + line);
                return 0;
            }
            finally
            {
                server.Kill();
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static double ColdBuild(string project, string cache)
    {
        var dir = Path.GetDirectoryName(project)!;
        foreach (var folder in new[] { Path.Combine(dir, "bin"), Path.Combine(dir, "obj", "Release") })
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        var start = Stopwatch.GetTimestamp();
        Exec("dotnet", "build", project, "-c", "Release", "--no-restore", "-nodeReuse:false", "-p:ModelRefsHome=" + cache);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
        return seconds;
    }

    private static IEnumerable<string> ColdBuildSummary(string project, string cache)
    {
        var dir = Path.GetDirectoryName(project)!;
        foreach (var folder in new[] { Path.Combine(dir, "bin"), Path.Combine(dir, "obj", "Release") })
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        var output = Exec("dotnet", "build", project, "-c", "Release", "--no-restore", "-nodeReuse:false", "-p:ModelRefsHome=" + cache, "-clp:PerformanceSummary");
        return output.Split('\n').Select(l => l.Trim())
            .Where(l => l.Contains(" ms ", StringComparison.Ordinal) && (l.Contains("ModelRefs", StringComparison.Ordinal) || l.Contains("DeployModels", StringComparison.Ordinal)
                || l.Contains("RestoreModels", StringComparison.Ordinal) || l.Contains("Copy", StringComparison.Ordinal) || l.Contains("Csc", StringComparison.Ordinal)))
            .Distinct();
    }

    /// <summary>A valid ONNX model (y = Identity(x)) that carries <paramref name="weightBytes"/> of random initializer data; returns its SHA-256.</summary>
    private static string WriteLargeModel(string path, long weightBytes)
    {
        var weights = new byte[weightBytes];
        new Random(42).NextBytes(weights);
        new OnnxModelBuilder()
            .Producer("modelrefs-benchmarks")
            .Input("x", OnnxElementType.Float, 1)
            .Output("y", OnnxElementType.Float, 1)
            .Node("Identity", ["x"], ["y"])
            .Initializer(OnnxTensor.FromRawData("w", OnnxElementType.UInt8, [weightBytes], weights))
            .Save(path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
