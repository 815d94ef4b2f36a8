using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelRefs.TestSupport;

namespace ModelRefs.Conversion.Tests.TfJs;

/// <summary>A tensor as raw values plus shape, for both tfjs and ONNX Runtime.</summary>
public sealed record TestTensor(string Name, string DType, long[] Shape, Array Values)
{
    public static TestTensor Float(string name, long[] shape, float[] values) => new(name, "float32", shape, values);
    public static TestTensor Int(string name, long[] shape, int[] values) => new(name, "int32", shape, values);
    /// <summary>uint8 pixels: ONNX Runtime gets uint8, tfjs (which has no uint8 dtype) the same values as int32.</summary>
    public static TestTensor Bytes(string name, long[] shape, byte[] values) => new(name, "uint8", shape, values);

    public byte[] ToBytes() => Values switch
    {
        float[] f => f.SelectMany(BitConverter.GetBytes).ToArray(),
        int[] i => i.SelectMany(BitConverter.GetBytes).ToArray(),
        bool[] b => b.Select(x => x ? (byte)1 : (byte)0).ToArray(),
        byte[] b => b.ToArray(),
        _ => throw new NotSupportedException(Values.GetType().Name),
    };

    /// <summary>The values as doubles, for comparison.</summary>
    public double[] AsDoubles() => Values switch
    {
        float[] f => f.Select(x => (double)x).ToArray(),
        int[] i => i.Select(x => (double)x).ToArray(),
        long[] l => l.Select(x => (double)x).ToArray(),
        bool[] b => b.Select(x => x ? 1.0 : 0.0).ToArray(),
        byte[] b => b.Select(x => (double)x).ToArray(),
        _ => throw new NotSupportedException(Values.GetType().Name),
    };
}

/// <summary>One model run for the reference script.</summary>
public sealed record TfJsJob(string ModelJson, IReadOnlyList<TestTensor> Inputs, IReadOnlyList<string> Outputs, int BenchmarkRuns = 0);

/// <summary>What tfjs computed for a job (or the error it raised).</summary>
public sealed record TfJsResult(IReadOnlyList<TestTensor> Outputs, string? Error, double? MedianMs);

/// <summary>
/// Runs TF.js graph models with @tensorflow/tfjs@4.22.0 under Node.js (run-tfjs.js). npm installs
/// the pinned packages once per machine into the shared fixtures folder.
/// </summary>
public static class TfJsReference
{
    private static readonly object Gate = new();
    private static string? _folder;

    /// <summary>The folder holding run-tfjs.js and node_modules.</summary>
    public static string Folder
    {
        get
        {
            lock (Gate)
                return _folder ??= Install();
        }
    }

    private static string Install()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "TfJs", "reference");
        var package = File.ReadAllBytes(Path.Combine(source, "package.json"));
        var hash = Convert.ToHexString(SHA256.HashData(package))[..12].ToLowerInvariant();
        var folder = Path.Combine(NpmPackages.FixturesRoot, "tfjs-reference-" + hash);
        Directory.CreateDirectory(NpmPackages.FixturesRoot);
        using (FileLock.Acquire(Path.Combine(NpmPackages.FixturesRoot, ".tfjs-reference.lock")))
        {
            var done = Path.Combine(folder, ".installed");
            if (!File.Exists(done))
            {
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, "package.json"), package);
                var result = ProcessRunner.Run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], folder, TimeSpan.FromMinutes(10));
                if (result.ExitCode != 0)
                    throw new InvalidOperationException($"npm install in {folder} failed ({result.ExitCode}):\n{result.Output}");
                File.WriteAllText(done, "");
            }
            // The script is small and may change with the tests: always refresh it.
            File.Copy(Path.Combine(source, "run-tfjs.js"), Path.Combine(folder, "run-tfjs.js"), overwrite: true);
        }
        return folder;
    }

    /// <summary>Runs every job in one node process (tfjs loads once).</summary>
    public static IReadOnlyList<TfJsResult> Run(IReadOnlyList<TfJsJob> jobs, string workDir, string backend = "cpu")
    {
        var folder = Folder;
        Directory.CreateDirectory(workDir);
        var jobArray = new JsonArray();
        for (var j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            var inputs = new JsonArray();
            for (var i = 0; i < job.Inputs.Count; i++)
            {
                var t = job.Inputs[i];
                var file = Path.Combine(workDir, $"job{j}_in{i}.bin");
                File.WriteAllBytes(file, t.ToBytes());
                inputs.Add(new JsonObject
                {
                    ["name"] = t.Name, ["dtype"] = t.DType, ["file"] = file,
                    ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                });
            }
            var o = new JsonObject
            {
                ["model"] = job.ModelJson,
                ["inputs"] = inputs,
                ["outputs"] = new JsonArray(job.Outputs.Select(n => (JsonNode)n).ToArray()),
                ["outDir"] = Path.Combine(workDir, $"job{j}_out"),
            };
            if (job.BenchmarkRuns > 0)
                o["benchmark"] = new JsonObject { ["warmup"] = 10, ["runs"] = job.BenchmarkRuns };
            jobArray.Add(o);
        }
        var config = Path.Combine(workDir, "jobs.json");
        File.WriteAllText(config, new JsonObject { ["backend"] = backend, ["threads"] = 1, ["jobs"] = jobArray }.ToJsonString());
        var run = ProcessRunner.Run("node", [Path.Combine(folder, "run-tfjs.js"), config], folder, TimeSpan.FromMinutes(10));
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"node run-tfjs.js failed ({run.ExitCode}):\n{run.Output}");

        var results = new List<TfJsResult>();
        for (var j = 0; j < jobs.Count; j++)
        {
            var outDir = Path.Combine(workDir, $"job{j}_out");
            var error = Path.Combine(outDir, "error.txt");
            if (File.Exists(error))
            {
                results.Add(new TfJsResult([], File.ReadAllText(error), null));
                continue;
            }
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "outputs.json")));
            var outputs = new List<TestTensor>();
            foreach (var o in meta.RootElement.GetProperty("outputs").EnumerateArray())
            {
                var dtype = o.GetProperty("dtype").GetString()!;
                var shape = o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var bytes = File.ReadAllBytes(o.GetProperty("file").GetString()!);
                Array values = dtype switch
                {
                    "float32" => Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray(),
                    "int32" => Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, i * 4)).ToArray(),
                    "bool" => bytes.Select(b => b != 0).ToArray(),
                    _ => throw new NotSupportedException(dtype),
                };
                outputs.Add(new TestTensor(o.GetProperty("name").GetString()!, dtype, shape, values));
            }
            double? median = meta.RootElement.TryGetProperty("benchmark", out var b) ? b.GetProperty("medianMs").GetDouble() : null;
            results.Add(new TfJsResult(outputs, null, median));
        }
        return results;
    }

    /// <summary>Deterministic pseudo-random values in [min, max).</summary>
    public static float[] RandomFloats(int seed, long count, float min = 0, float max = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)count).Select(_ => min + (float)random.NextDouble() * (max - min)).ToArray();
    }

    public static string Describe(IEnumerable<string> lines) => new StringBuilder().AppendJoin('\n', lines).ToString();
}
