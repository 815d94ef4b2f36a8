using ModelRefs.Benchmarks;

// dotnet run -c Release --project tests/ModelRefs.Benchmarks [vad [rounds] | restore [megabytes | up-to-date] | restore-npm [runs] | deploy [megabytes] [runs] | generator [inputs…] [runs=R] | compile [runs=R] [reports=K]]
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
