return await ModelRefs.Cli.CliApp.RunAsync(args);
