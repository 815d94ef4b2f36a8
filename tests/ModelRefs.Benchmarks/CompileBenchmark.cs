using System.Globalization;
using System.Text.RegularExpressions;
using static ModelRefs.Benchmarks.Processes;

namespace ModelRefs.Benchmarks;

/// <summary>
/// What ModelRefs adds to an edit-and-build cycle (issue 16 item 3): one console app, built from the
/// packed packages like a user's project, in three arms. "With three models" has the ModelRefs
/// package, three <c>ModelReference</c> items (Silero VAD v5, v6 and legacy from npm) and one file
/// that runs the three generated classes. "By hand" runs the same three models without ModelRefs,
/// as before it: the .onnx files copied into the project, a package reference to ONNX Runtime and
/// hand-written session code. "Without models" has neither models nor packages. <c>Program.cs</c>
/// is the same file in every arm (the model file fills a partial method the last arm leaves empty),
/// and each timed build touches it, as an edit would. Reports medians of interleaved builds,
/// MSBuild's CoreCompile, csc's <c>ReportAnalyzer</c> account (the SDK's own analyzers run in every
/// arm) and the targets whose time differs between the arms.
/// </summary>
internal static partial class CompileBenchmark
{
    public static int Run(string[] args)
    {
        // Arguments: optionally "cold" or "server" (default both), "runs=R" (default 11) and
        // "reports=K" (ReportAnalyzer builds, default 3).
        int runs = 11;
        int reports = 3;
        var modes = new List<string>();
        foreach (string arg in args)
        {
            if (arg is "cold" or "server")
                modes.Add(arg);
            else if (arg.StartsWith("runs=", StringComparison.Ordinal))
                runs = int.Parse(arg["runs=".Length..], CultureInfo.InvariantCulture);
            else if (arg.StartsWith("reports=", StringComparison.Ordinal))
                reports = int.Parse(arg["reports=".Length..], CultureInfo.InvariantCulture);
            else
                throw new ArgumentException("unknown argument: " + arg);
        }

        if (modes.Count == 0)
            modes.AddRange(["cold", "server"]);

        var work = Directory.CreateTempSubdirectory("modelrefs-compilebench-");
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
            var version = RestoreBenchmark.PackPackages(work.FullName);
            var with = WriteApp(work.FullName, "WithModels", version);
            // The same app with the IL task and generator, as every build ran them before the ReadyToRun images.
            var withIL = WriteApp(work.FullName, "WithModelsIL", version, "<ModelRefsReadyToRun>false</ModelRefsReadyToRun>");
            var without = WriteApp(work.FullName, "WithoutModels", version: null);
            for (int i = 0; i < 2; i++)
                Exec("dotnet", "build", with, "-c", "Release", "-nodeReuse:false");
            var byHand = WriteByHandApp(work.FullName, with);
            foreach (var project in new[] { withIL, byHand, without })
            {
                for (int i = 0; i < 2; i++)
                    Exec("dotnet", "build", project, "-c", "Release", "-nodeReuse:false");
            }

            // Cold: csc starts anew for every build, as on this machine (its environment sets
            // UseSharedCompilation=false) and in CI. Server: the compiler server a developer's
            // machine keeps warm (the SDK's default), started here and ended by its process id.
            foreach (string mode in modes)
            {
                if (mode == "server")
                {
                    var before = CompilerServers();
                    try
                    {
                        Measure([with, withIL, byHand, without], runs, reports, "compiler server (UseSharedCompilation=true, warm)", "-p:UseSharedCompilation=true");
                    }
                    finally
                    {
                        foreach (int pid in CompilerServers().Except(before))
                        {
                            try
                            {
                                using var server = System.Diagnostics.Process.GetProcessById(pid);
                                server.Kill();
                            }
                            catch (ArgumentException)
                            {
                                // it has exited already
                            }
                        }
                    }
                }
                else
                {
                    Measure([with, withIL, byHand, without], runs, reports, "csc started per build (UseSharedCompilation=false)", "-p:UseSharedCompilation=false");
                }
            }

            File.SetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(with)!, "Program.cs"), DateTime.UtcNow);
            Exec("dotnet", "build", with, "-c", "Release", "--no-restore", "-nodeReuse:false", "-p:EmitCompilerGeneratedFiles=true", "-p:CompilerGeneratedFilesOutputPath=obj/generated");
            int lines = GeneratedLines(with, out long bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Generated code for the three models: {lines:N0} lines, {bytes / 1024.0:0.0} KB"));
            return 0;
        }
        finally
        {
            // MODELREFS_BENCH_KEEP=1 leaves the apps and the feed for experiments.
            if (Environment.GetEnvironmentVariable("MODELREFS_BENCH_KEEP") != "1")
                work.Delete(recursive: true);
            else
                Console.WriteLine("Kept " + work.FullName);
        }
    }

    /// <param name="arms">With ModelRefs, with its IL assemblies, by hand, without models.</param>
    private static void Measure(string[] arms, int runs, int reports, string label, string compiler)
    {
        var (with, withIL, byHand, without) = (arms[0], arms[1], arms[2], arms[3]);
        Console.WriteLine();
        Console.WriteLine($"Load average before: {LoadAverage()}");
        // The server JIT-compiles Roslyn, the generators and the analyzers over its first builds
        // (tiered compilation): ten rounds bring it near the steady state a developer's server is in.
        for (int round = 0; round < (compiler.EndsWith("true", StringComparison.Ordinal) ? 10 : 1); round++)
        {
            foreach (var project in arms)
                GeneratorBenchmark.TimedBuild(project, report: false, compiler);
        }

        var totals = arms.ToDictionary(p => p, _ => new List<double>());
        var compiles = arms.ToDictionary(p => p, _ => new List<double>());
        var targets = arms.ToDictionary(p => p, _ => new Dictionary<string, List<double>>());
        for (int run = 0; run < runs; run++)
        {
            foreach (var project in arms)
            {
                var times = GeneratorBenchmark.TimedBuild(project, report: false, compiler);
                totals[project].Add(times.Total);
                compiles[project].Add(times.CoreCompile);
                foreach (var (target, ms) in TargetTimes(times.Output))
                {
                    if (!targets[project].TryGetValue(target, out var list))
                        targets[project][target] = list = [];
                    list.Add(ms);
                }
            }
        }

        var accounts = arms.ToDictionary(p => p, _ => new List<GeneratorBenchmark.BuildTimes>());
        for (int run = 0; run < reports; run++)
        {
            foreach (var project in arms)
                accounts[project].Add(GeneratorBenchmark.TimedBuild(project, report: true, compiler));
        }

        string loadAfter = LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"{label}. Touched-file `dotnet build --no-restore` of one console app (Program.cs touched before each build; build and CoreCompile: median of {runs}, interleaved; csc's account: median of {reports} builds with ReportAnalyzer, interleaved):");
        Console.WriteLine();
        Console.WriteLine("| app | build s | CoreCompile s | CoreCompile (ReportAnalyzer) s | ModelRefs generator s | ModelRefs analyzer s | all generators s | all analyzers s | rest of CoreCompile s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (project, arm) in new[]
        {
            (with, "three models with ModelRefs (Silero v5, v6, legacy)"),
            (withIL, "the same, IL task and generator (ModelRefsReadyToRun=false)"),
            (byHand, "the three models by hand (files copied, ONNX Runtime)"),
            (without, "without models"),
        })
        {
            var a = accounts[project];
            double core = Statistics.Median(a.Select(r => r.CoreCompile));
            double gens = Statistics.Median(a.Select(r => r.Generators));
            double analyzers = Statistics.Median(a.Select(r => r.Analyzers));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {arm} | {Statistics.Median(totals[project]):0.000} | {Statistics.Median(compiles[project]):0.000} | {core:0.000} | {Statistics.Median(a.Select(r => r.ModelRefsGenerator)):0.000} | {Statistics.Median(a.Select(r => r.ModelRefsAnalyzer)):0.000} | {gens:0.000} | {analyzers:0.000} | {Statistics.Median(a.Select(r => r.CoreCompile - r.Generators - r.Analyzers)):0.000} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ratio with ModelRefs / by hand: build {Statistics.Median(totals[with]) / Statistics.Median(totals[byHand]):0.000}, CoreCompile {Statistics.Median(compiles[with]) / Statistics.Median(compiles[byHand]):0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ratio with ModelRefs, IL assemblies / by hand: build {Statistics.Median(totals[withIL]) / Statistics.Median(totals[byHand]):0.000}, CoreCompile {Statistics.Median(compiles[withIL]) / Statistics.Median(compiles[byHand]):0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Ratio with ModelRefs / without models: build {Statistics.Median(totals[with]) / Statistics.Median(totals[without]):0.000}, CoreCompile {Statistics.Median(compiles[with]) / Statistics.Median(compiles[without]):0.000}"));
        Console.WriteLine($"Load average after the timed builds: {loadAfter}");
        Console.WriteLine();
        Console.WriteLine("Targets whose median differs by 5 ms or more (MSBuild performance summary, ms):");
        Console.WriteLine();
        Console.WriteLine("| target | with ModelRefs | IL assemblies | by hand | without models |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var target in arms.SelectMany(a => targets[a].Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var medians = arms.Select(a => targets[a].TryGetValue(target, out var times) ? Statistics.Median(times) : 0).ToArray();
            if (medians.Max() - medians.Min() >= 5)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {medians[0]:0} | {medians[1]:0} | {medians[2]:0} | {medians[3]:0} |"));
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Process ids of running compiler servers (VBCSCompiler), from /proc.</summary>
    private static HashSet<int> CompilerServers()
    {
        var pids = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("VBCSCompiler", StringComparison.Ordinal))
                    pids.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    internal static IEnumerable<(string Target, double Ms)> TargetTimes(string output)
    {
        int start = output.IndexOf("Target Performance Summary:", StringComparison.Ordinal);
        if (start < 0)
            yield break;
        int end = output.IndexOf("Task Performance Summary:", start, StringComparison.Ordinal);
        foreach (Match match in TargetLine().Matches(end < 0 ? output[start..] : output[start..end]))
            yield return (match.Groups[2].Value, double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\s*([0-9.]+) ms\s+(\S+)\s+[0-9]+ calls", RegexOptions.Multiline)]
    private static partial Regex TargetLine();

    private static int GeneratedLines(string project, out long bytes)
    {
        var files = Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(project)!, "obj", "generated"), "*.g.cs", SearchOption.AllDirectories).ToArray();
        bytes = files.Sum(f => new FileInfo(f).Length);
        return files.Sum(f => File.ReadLines(f).Count());
    }

    /// <summary>
    /// The app: Program.cs reads a WAV file (or makes a test tone), frames it, runs a detector per
    /// 512-sample frame and prints the speech segments. Its own detector is an energy threshold; with
    /// <paramref name="version"/>, the ModelRefs package and VadModels.cs add the three models.
    /// </summary>
    private static string WriteApp(string work, string name, string? version, string properties = "")
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        string items = version is null
            ? string.Empty
            : $"""
                <PackageReference Include="ModelRefs" Version="{version}" />
                <ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v5.onnx" Name="SileroV5" />
                <ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_v6.onnx" Name="SileroV6" />
                <ModelReference Include="npm:@ricky0123/vad-web@0.0.31/dist/silero_vad_legacy.onnx" Name="SileroLegacy" />
            """;
        WriteAppFiles(dir, name, items, version is null ? null : AppModels, properties);
        return Path.Combine(dir, name + ".csproj");
    }

    /// <summary>Every arm's project: the same properties, its own items, the same Program.cs, and its VadModels.cs if any.</summary>
    private static void WriteAppFiles(string dir, string name, string items, string? models, string properties = "")
    {
        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RootNamespace>VadApp</RootNamespace>
                {properties}
              </PropertyGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), AppProgram);
        if (models is not null)
            File.WriteAllText(Path.Combine(dir, "VadModels.cs"), models);
    }

    /// <summary>
    /// The same app using the same three models without ModelRefs, as it is done by hand: the .onnx
    /// files (taken from the ModelRefs arm's output) copied into <c>models/</c> and to the output,
    /// a package reference to the ONNX Runtime version the ModelRefs arm resolved, and
    /// <c>InferenceSession</c> code with the inputs and outputs by name.
    /// </summary>
    private static string WriteByHandApp(string work, string withProject)
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "ByHand")).FullName;
        var models = Directory.CreateDirectory(Path.Combine(dir, "models")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(Path.GetDirectoryName(withProject)!, "bin", "Release", "net10.0", "models"), "*.onnx"))
            File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        var assets = File.ReadAllText(Path.Combine(Path.GetDirectoryName(withProject)!, "obj", "project.assets.json"));
        var ortVersion = OnnxRuntimeVersion().Match(assets) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("the ModelRefs arm resolved no Microsoft.ML.OnnxRuntime");
        WriteAppFiles(dir, "ByHand", $"""
                <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{ortVersion}" />
                <None Include="models/*.onnx" CopyToOutputDirectory="PreserveNewest" />
            """, ByHandModels);
        return Path.Combine(dir, "ByHand.csproj");
    }

    [GeneratedRegex(@"""Microsoft\.ML\.OnnxRuntime/([0-9][^""]*)""")]
    private static partial Regex OnnxRuntimeVersion();

    private const string AppProgram = """
        using System.Buffers.Binary;
        using System.Globalization;

        namespace VadApp;

        /// <summary>A frame-by-frame voice activity detector.</summary>
        internal interface IDetector : IDisposable
        {
            float Step(ReadOnlySpan<float> frame);
        }

        /// <summary>Speech where the frame's RMS exceeds a threshold.</summary>
        internal sealed class EnergyDetector(float threshold) : IDetector
        {
            public float Step(ReadOnlySpan<float> frame)
            {
                double sum = 0;
                foreach (float sample in frame)
                    sum += sample * sample;
                return Math.Sqrt(sum / frame.Length) > threshold ? 1f : 0f;
            }

            public void Dispose()
            {
            }
        }

        internal static partial class Program
        {
            private const int SampleRate = 16000;
            private const int FrameSize = 512;

            static partial void AddModelDetectors(Dictionary<string, Func<IDetector>> detectors);

            private static int Main(string[] args)
            {
                var detectors = new Dictionary<string, Func<IDetector>>(StringComparer.OrdinalIgnoreCase)
                {
                    ["energy"] = () => new EnergyDetector(0.02f),
                };
                AddModelDetectors(detectors);
                string name = args.Length > 0 ? args[0] : "energy";
                if (!detectors.TryGetValue(name, out var create))
                {
                    Console.Error.WriteLine($"Unknown detector '{name}'; one of: {string.Join(", ", detectors.Keys)}");
                    return 2;
                }

                float[] samples = args.Length > 1 ? ReadWav(args[1]) : Tone(seconds: 2);
                using var detector = create();
                var segments = Segments(detector, samples, threshold: 0.5f, minSilenceFrames: 4);
                foreach (var (start, end) in segments)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speech {start:0.00}s - {end:0.00}s"));
                Console.WriteLine($"{segments.Count} segment(s) by {name}");
                return 0;
            }

            private static List<(double Start, double End)> Segments(IDetector detector, float[] samples, float threshold, int minSilenceFrames)
            {
                var segments = new List<(double, double)>();
                int? start = null;
                int silence = 0;
                int frames = samples.Length / FrameSize;
                for (int i = 0; i < frames; i++)
                {
                    bool speech = detector.Step(samples.AsSpan(i * FrameSize, FrameSize)) > threshold;
                    if (speech)
                    {
                        start ??= i;
                        silence = 0;
                    }
                    else if (start is not null && ++silence >= minSilenceFrames)
                    {
                        segments.Add((Seconds(start.Value), Seconds(i - silence + 1)));
                        start = null;
                        silence = 0;
                    }
                }

                if (start is not null)
                    segments.Add((Seconds(start.Value), Seconds(frames)));
                return segments;
            }

            private static double Seconds(int frame) => frame * (double)FrameSize / SampleRate;

            private static float[] Tone(int seconds)
            {
                var samples = new float[SampleRate * seconds];
                for (int i = SampleRate / 2; i < samples.Length - SampleRate / 2; i++)
                    samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * 220 * i / SampleRate);
                return samples;
            }

            /// <summary>16-bit PCM mono at 16 kHz: the data chunk as floats in [-1, 1].</summary>
            private static float[] ReadWav(string path)
            {
                byte[] bytes = File.ReadAllBytes(path);
                if (bytes.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != 0x46464952)
                    throw new InvalidDataException($"{path} is not a RIFF file");
                int offset = 12;
                while (offset + 8 <= bytes.Length)
                {
                    uint id = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
                    int size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 4));
                    if (id == 0x61746164)
                    {
                        var data = bytes.AsSpan(offset + 8, Math.Min(size, bytes.Length - offset - 8));
                        var samples = new float[data.Length / 2];
                        for (int i = 0; i < samples.Length; i++)
                            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32768f;
                        return samples;
                    }

                    offset += 8 + size + (size & 1);
                }

                throw new InvalidDataException($"{path} has no data chunk");
            }
        }

        """;

    private const string AppModels = """
        using VadApp.Models;

        namespace VadApp;

        /// <summary>Silero VAD v5 or v6 (the same signature): one state tensor carried between frames.</summary>
        internal sealed class SileroDetector(Func<ReadOnlySpan<float>, float[], float> step) : IDetector
        {
            private readonly float[] _state = new float[2 * 128];

            public float Step(ReadOnlySpan<float> frame) => step(frame, _state);

            public void Dispose()
            {
            }
        }

        internal static partial class Program
        {
            private static readonly long[] FrameShape = [1, FrameSize];
            private static readonly long[] StateShape = [2, 1, 128];
            private static readonly long[] LegacyStateShape = [2, 1, 64];

            static partial void AddModelDetectors(Dictionary<string, Func<IDetector>> detectors)
            {
                detectors["silero-v5"] = () =>
                {
                    var model = new SileroV5();
                    return new Owned(model, new SileroDetector((frame, state) =>
                    {
                        var result = model.Run(frame, FrameShape, state, StateShape, SampleRate);
                        result.StateN.CopyTo(state);
                        return result.Output[0];
                    }));
                };
                detectors["silero-v6"] = () =>
                {
                    var model = new SileroV6();
                    return new Owned(model, new SileroDetector((frame, state) =>
                    {
                        var result = model.Run(frame, FrameShape, state, StateShape, SampleRate);
                        result.StateN.CopyTo(state);
                        return result.Output[0];
                    }));
                };
                detectors["silero-legacy"] = () => new LegacyDetector(new SileroLegacy());
            }

            /// <summary>A detector that also disposes the model it runs.</summary>
            private sealed class Owned(IDisposable model, IDetector inner) : IDetector
            {
                public float Step(ReadOnlySpan<float> frame) => inner.Step(frame);

                public void Dispose()
                {
                    inner.Dispose();
                    model.Dispose();
                }
            }

            /// <summary>The legacy Silero model: two recurrent states, h and c.</summary>
            private sealed class LegacyDetector(SileroLegacy model) : IDetector
            {
                private readonly float[] _h = new float[2 * 64];
                private readonly float[] _c = new float[2 * 64];

                public float Step(ReadOnlySpan<float> frame)
                {
                    var result = model.Run(frame, FrameShape, SampleRate, _h, LegacyStateShape, _c, LegacyStateShape);
                    result.Hn.CopyTo(_h);
                    result.Cn.CopyTo(_c);
                    return result.Output[0];
                }

                public void Dispose() => model.Dispose();
            }
        }

        """;

    /// <summary>What VadModels.cs does, written against ONNX Runtime as without ModelRefs.</summary>
    private const string ByHandModels = """
        using Microsoft.ML.OnnxRuntime;

        namespace VadApp;

        /// <summary>One ONNX model run with ONNX Runtime directly: inputs and outputs by name, from models/ next to the app.</summary>
        internal sealed class OrtModel : IDisposable
        {
            private readonly InferenceSession _session;
            private readonly RunOptions _options = new();

            public OrtModel(string file) => _session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, "models", file));

            public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyDictionary<string, OrtValue> inputs) =>
                _session.Run(_options, inputs, _session.OutputNames);

            public void Dispose()
            {
                _options.Dispose();
                _session.Dispose();
            }
        }

        /// <summary>Silero VAD v5 or v6 (the same signature): one state tensor carried between frames.</summary>
        internal sealed class SileroDetector(string file) : IDetector
        {
            private readonly OrtModel _model = new(file);
            private readonly float[] _state = new float[2 * 128];

            public float Step(ReadOnlySpan<float> frame)
            {
                using var input = OrtValue.CreateTensorValueFromMemory(frame.ToArray(), [1, frame.Length]);
                using var state = OrtValue.CreateTensorValueFromMemory(_state, [2, 1, 128]);
                using var sr = OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []);
                using var outputs = _model.Run(new Dictionary<string, OrtValue> { ["input"] = input, ["state"] = state, ["sr"] = sr });
                outputs[1].GetTensorDataAsSpan<float>().CopyTo(_state);
                return outputs[0].GetTensorDataAsSpan<float>()[0];
            }

            public void Dispose() => _model.Dispose();
        }

        /// <summary>The legacy Silero model: two recurrent states, h and c.</summary>
        internal sealed class LegacyDetector : IDetector
        {
            private readonly OrtModel _model = new("SileroLegacy.onnx");
            private readonly float[] _h = new float[2 * 64];
            private readonly float[] _c = new float[2 * 64];

            public float Step(ReadOnlySpan<float> frame)
            {
                using var input = OrtValue.CreateTensorValueFromMemory(frame.ToArray(), [1, frame.Length]);
                using var sr = OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []);
                using var h = OrtValue.CreateTensorValueFromMemory(_h, [2, 1, 64]);
                using var c = OrtValue.CreateTensorValueFromMemory(_c, [2, 1, 64]);
                using var outputs = _model.Run(new Dictionary<string, OrtValue> { ["input"] = input, ["sr"] = sr, ["h"] = h, ["c"] = c });
                outputs[1].GetTensorDataAsSpan<float>().CopyTo(_h);
                outputs[2].GetTensorDataAsSpan<float>().CopyTo(_c);
                return outputs[0].GetTensorDataAsSpan<float>()[0];
            }

            public void Dispose() => _model.Dispose();
        }

        internal static partial class Program
        {
            static partial void AddModelDetectors(Dictionary<string, Func<IDetector>> detectors)
            {
                detectors["silero-v5"] = () => new SileroDetector("SileroV5.onnx");
                detectors["silero-v6"] = () => new SileroDetector("SileroV6.onnx");
                detectors["silero-legacy"] = () => new LegacyDetector();
            }
        }

        """;
}
