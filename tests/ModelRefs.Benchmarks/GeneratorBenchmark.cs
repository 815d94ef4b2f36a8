using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static ModelRefs.Benchmarks.Processes;

namespace ModelRefs.Benchmarks;

/// <summary>
/// Compile cost of generated code against the size of a model's signature (issue 10 item 6, issue
/// 16 item 3): for each N, a consumer project in source mode (the generator, the analyzer and the
/// runtime from this repo's sources) gets the manifest of a model with N inputs and N outputs as an
/// AdditionalFiles item and uses the class in its Program.cs; each timed run touches Program.cs and
/// runs a real <c>dotnet build --no-restore</c>. Also reports what csc says the generator and the
/// analyzers took (<c>ReportAnalyzer</c>) and MSBuild's CoreCompile time; the rest of CoreCompile
/// is Roslyn compiling the code. N = 0 is the same app without a model.
/// </summary>
internal static partial class GeneratorBenchmark
{
    public static int Run(string[] args)
    {
        // Arguments: input counts (default 0 1 1000 10000 20000), then optionally "runs=R" (default 3).
        int runs = 3;
        var sizes = new List<int>();
        foreach (string arg in args)
        {
            if (arg.StartsWith("runs=", StringComparison.Ordinal))
                runs = int.Parse(arg["runs=".Length..], CultureInfo.InvariantCulture);
            else
                sizes.Add(int.Parse(arg, CultureInfo.InvariantCulture));
        }

        if (sizes.Count == 0)
            sizes.AddRange([0, 1, 1000, 10000, 20000]);

        var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var work = Directory.CreateTempSubdirectory("modelrefs-genbench-");
        try
        {
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.props"), $"""
                <Project><Import Project="{repo}/nuget/SourceMode/ModelRefs.SourceMode.props" /></Project>
                """);
            File.WriteAllText(Path.Combine(work.FullName, "Directory.Build.targets"), $"""
                <Project><Import Project="{repo}/nuget/SourceMode/ModelRefs.SourceMode.targets" /></Project>
                """);

            var projects = sizes.Select(n => WriteProject(work.FullName, n)).ToArray();
            foreach (var project in projects)
                Exec("dotnet", "build", project, "-c", "Release", "-nodeReuse:false");

            // Totals with the environment's compiler setting (this machine's sets
            // UseSharedCompilation=false: csc starts per build; `compile` also measures the server);
            // one more build per size with ReportAnalyzer says where CoreCompile goes.
            var totals = sizes.ToDictionary(n => n, _ => new List<double>());
            for (int run = 0; run < runs; run++)
            {
                for (int i = 0; i < sizes.Count; i++)
                    totals[sizes[i]].Add(TimedBuild(projects[i], report: false).Total);
            }

            var reports = projects.Select(p => TimedBuild(p, report: true)).ToArray();
            Console.WriteLine();
            Console.WriteLine($"Touched-file `dotnet build --no-restore` of a consumer in source mode (build: median of {runs}, interleaved; the rest: one build with ReportAnalyzer):");
            Console.WriteLine();
            Console.WriteLine("| inputs (and outputs) | generated lines | build s | CoreCompile s | ModelRefs generator s | ModelRefs analyzer s | all analyzers s | rest of CoreCompile s |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int i = 0; i < sizes.Count; i++)
            {
                var r = reports[i];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(sizes[i] == 0 ? "no model" : sizes[i].ToString("N0", CultureInfo.InvariantCulture))} | {GeneratedLines(projects[i]):N0} | {Statistics.Median(totals[sizes[i]]):0.00} | {r.CoreCompile:0.00} | {r.ModelRefsGenerator:0.000} | {r.ModelRefsAnalyzer:0.000} | {r.Analyzers:0.000} | {r.CoreCompile - r.Generators - r.Analyzers:0.00} |"));
            }

            Console.WriteLine();
            Console.WriteLine("(rest of CoreCompile = CoreCompile - all generators - all analyzers: parsing, binding, flow analysis, emit, and csc's start)");
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    internal sealed record BuildTimes(double Total, double CoreCompile, double Generators, double Analyzers, double ModelRefsGenerator, double ModelRefsAnalyzer, string Output);

    /// <summary>Touches the project's Program.cs and builds it; with <paramref name="report"/>, csc reports what each generator and analyzer took.</summary>
    internal static BuildTimes TimedBuild(string project, bool report, params string[] extra)
    {
        File.SetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(project)!, "Program.cs"), DateTime.UtcNow);
        var start = Stopwatch.GetTimestamp();
        string[] args = ["build", project, "-c", "Release", "--no-restore", "-nodeReuse:false", "-clp:PerformanceSummary", "-p:BuildProjectReferences=false", .. extra];
        string output = Exec("dotnet", report ? [.. args, "-p:ReportAnalyzer=true", "-v:d"] : args);
        double total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (Environment.GetEnvironmentVariable("MODELREFS_BENCH_LOG") is { Length: > 0 } log)
            File.AppendAllText(log, output);
        if (!report)
            return new BuildTimes(total, Seconds(CoreCompilePattern(), output) / 1000, double.NaN, double.NaN, double.NaN, double.NaN, output);

        // csc's report: the analyzers' table, then the generators'; each names ModelRefs.Generator once.
        int split = output.IndexOf("Total generator execution time", StringComparison.Ordinal);
        string analyzers = split < 0 ? output : output[..split];
        string generators = split < 0 ? string.Empty : output[split..];
        return new BuildTimes(
            total,
            Seconds(CoreCompilePattern(), output) / 1000,
            Seconds(TotalPattern(), generators),
            Seconds(TotalPattern(), analyzers[analyzers.LastIndexOf("Total analyzer execution time", StringComparison.Ordinal)..]),
            Seconds(ModelRefsPattern(), generators),
            Seconds(ModelRefsPattern(), analyzers),
            output);
    }

    private static double Seconds(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"Total (?:generator|analyzer) execution time:\s*([0-9.]+)")]
    private static partial Regex TotalPattern();

    [GeneratedRegex(@"^\s*<?([0-9.]+)\s+<?[0-9]+\s+ModelRefs\.Generator,", RegexOptions.Multiline)]
    private static partial Regex ModelRefsPattern();

    [GeneratedRegex(@"^\s*([0-9.]+) ms\s+CoreCompile\s", RegexOptions.Multiline)]
    private static partial Regex CoreCompilePattern();

    internal static int GeneratedLines(string project)
    {
        string dir = Path.Combine(Path.GetDirectoryName(project)!, "obj", "generated");
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.g.cs", SearchOption.AllDirectories).Sum(f => File.ReadLines(f).Count())
            : 0;
    }

    private static string WriteProject(string work, int inputs)
    {
        string name = inputs == 0 ? "NoModel" : "Model" + inputs.ToString(CultureInfo.InvariantCulture);
        var dir = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        string items = string.Empty;
        string use = string.Empty;
        if (inputs > 0)
        {
            File.WriteAllText(Path.Combine(dir, "Wide.modelref.json"), Manifest(inputs, Path.Combine(dir, name + ".csproj")));
            items = """<AdditionalFiles Include="Wide.modelref.json" />""";
            // Never run (there is no model file): it is here so that the analyzer sees uses. Up to the
            // indexed threshold (256) inputs are required properties, set in the initializer.
            string initializer = inputs > 256
                ? string.Empty
                : " { " + string.Join(", ", Enumerable.Range(0, inputs).Select(i => "X" + i.ToString(CultureInfo.InvariantCulture) + " = null!")) + " }";
            use = """
                if (args.Length == 42)
                {
                    using var model = new Bench.Models.Wide();
                    var output = model.Run(new Bench.Models.WideInput()INITIALIZER);
                    System.Console.WriteLine(output.GetType().Name + Bench.Models.Wide.Info.Inputs.Count);
                }
                """.Replace("INITIALIZER", initializer, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <CompilerGeneratedFilesOutputPath>obj/generated</CompilerGeneratedFilesOutputPath>
              </PropertyGroup>
              <ItemGroup>
                {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), use + "\nSystem.Console.WriteLine(\"hello\");\n");
        return Path.Combine(dir, name + ".csproj");
    }

    /// <summary>
    /// A manifest like restore writes for a model with <paramref name="count"/> inputs and as many
    /// outputs, cycling through a dynamic float tensor, an int64 scalar and a fixed float tensor.
    /// </summary>
    internal static string Manifest(int count, string projectFile)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", 1);
            json.WriteString("name", "Wide");
            json.WriteString("namespace", "Bench.Models");
            json.WriteString("handle", "file:wide.onnx");
            json.WriteString("sha256", new string('0', 64));
            json.WriteString("onnxSha256", new string('0', 64));
            json.WriteString("license", "MIT");
            json.WriteString("licenseSource", "item");
            json.WriteString("modelFile", "models/Wide.onnx");
            json.WriteString("projectFile", projectFile);
            json.WriteNumber("itemLine", 1);
            foreach (string key in new[] { "inputs", "outputs" })
            {
                json.WriteStartArray(key);
                for (int i = 0; i < count; i++)
                {
                    json.WriteStartObject();
                    json.WriteString("name", (key == "inputs" ? "x" : "y") + i.ToString(CultureInfo.InvariantCulture));
                    json.WriteString("kind", "tensor");
                    json.WriteString("elementType", i % 3 == 1 ? "int64" : "float");
                    json.WriteStartArray("shape");
                    if (i % 3 == 0)
                    {
                        json.WriteStartObject();
                        json.WriteString("param", "batch");
                        json.WriteEndObject();
                        json.WriteStartObject();
                        json.WriteNumber("value", 4);
                        json.WriteEndObject();
                    }
                    else if (i % 3 == 2)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("value", 2);
                        json.WriteEndObject();
                        json.WriteStartObject();
                        json.WriteNumber("value", 3);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteString("doc", string.Empty);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
