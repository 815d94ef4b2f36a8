using ModelRefs.TestSupport;

namespace ModelRefs.EndToEnd.Tests;

/// <summary>Runs the dotnet CLI as a user would, isolated from the test host's MSBuild environment.</summary>
internal static class DotNet
{
    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        Run(workingDirectory, timeout, null, arguments);

    public static ProcessResult Run(string workingDirectory, TimeSpan timeout, IDictionary<string, string?>? environment, params string[] arguments)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // Build nodes would outlive the test and keep the task assembly loaded.
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        // The test host runs under `dotnet test`, whose MSBuild variables would leak into the child.
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !env.ContainsKey(key)
                || key.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase)
                || key.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
                env[key] = null;
        env["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment != null)
            foreach (var (key, value) in environment)
                env[key] = value;
        return ProcessRunner.Run("dotnet", arguments, workingDirectory, timeout, env);
    }
}
