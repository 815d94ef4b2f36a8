using ModelRefs.Benchmarks;

// dotnet run -c Release --project tests/ModelRefs.Benchmarks [vad [rounds] | restore [megabytes | up-to-date | fresh-node] | restore-npm [runs] [readytorun] [mbps=N] | restore-npm trace one|three|six|sixteen | deploy [megabytes] [runs] | generator [inputs…] [runs=R] | compile [cold | server] [runs=R] [reports=K]]
//   compile: the touched-file build of one app with three Silero models (ModelRefs package) against the
//   same app without ModelRefs, with csc started per build ("cold") and with a warm compiler server
//   ("server"); runs=R builds per arm (default 11), reports=K ReportAnalyzer builds (default 3).
//   The command of each benchmark and its figures: docs/benchmarks.md.
return args.FirstOrDefault() switch
{
    "restore" => await RestoreBenchmark.RunAsync(args[1..]),
    "deploy" => await DeployBenchmark.RunAsync(args[1..]),
    "restore-npm" => await ParallelRestoreBenchmark.RunAsync(args[1..]),
    ParallelRestoreBenchmark.ChildCommand => await ParallelRestoreBenchmark.RunChildAsync(args[1..]),
    RestoreBenchmark.ChildCommand => await RestoreBenchmark.RunChildAsync(args[1..]),
    "vad" => VadBenchmark.Run(args[1..]),
    "generator" => GeneratorBenchmark.Run(args[1..]),
    "compile" => CompileBenchmark.Run(args[1..]),
    _ => VadBenchmark.Run(args),
};
