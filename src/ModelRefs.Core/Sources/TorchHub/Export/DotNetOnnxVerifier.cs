using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>
/// Runs an exported model in ONNX Runtime through <c>ModelRefs.Verifier.dll</c>, a small app shipped
/// in the ModelRefs package under <c>tools/verifier/</c>, in a child process, so that neither Core
/// nor the MSBuild node loads ONNX Runtime's native library. The package carries only the app's own
/// files: <c>dotnet exec --additionalprobingpath &lt;NuGet packages folder&gt;</c> finds ONNX Runtime
/// (managed and native) in the NuGet folder, where restoring ModelRefs.Runtime put it anyway.
/// <para>
/// Protocol: a request JSON (model path, inputs as raw little-endian files with name, numpy dtype
/// and shape, an output folder) as the only argument; the app writes <c>result.json</c> (runtime name
/// and version, outputs described the same way) into the output folder and exits 0, or prints the
/// error and exits non-zero.
/// </para>
/// </summary>
public sealed class DotNetOnnxVerifier : IOnnxReferenceRunner
{
    public const string AssemblyFileName = "ModelRefs.Verifier.dll";
    private string _name = "onnxruntime (ModelRefs.Verifier)";

    /// <param name="verifierPath">ModelRefs.Verifier.dll; its .deps.json and .runtimeconfig.json sit beside it.</param>
    /// <param name="nuGetPackageRoot">Where ONNX Runtime's package is (the NuGet global packages folder); null: only the app folder is probed.</param>
    /// <param name="dotnetHost">The dotnet executable; null: <c>DOTNET_HOST_PATH</c> (set by the SDK for tasks), else <c>dotnet</c>.</param>
    public DotNetOnnxVerifier(string verifierPath, string? nuGetPackageRoot = null, string? dotnetHost = null, TimeSpan? timeout = null)
    {
        VerifierPath = Path.GetFullPath(verifierPath);
        NuGetPackageRoot = string.IsNullOrWhiteSpace(nuGetPackageRoot) ? null : nuGetPackageRoot.Trim();
        DotNetHost = !string.IsNullOrWhiteSpace(dotnetHost) ? dotnetHost.Trim()
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        Timeout = timeout ?? TimeSpan.FromMinutes(5);
    }

    public string VerifierPath { get; }
    public string? NuGetPackageRoot { get; }
    public string DotNetHost { get; }
    public TimeSpan Timeout { get; }

    /// <summary><c>onnxruntime &lt;version&gt;</c> once it ran.</summary>
    public string Name => _name;

    public IReadOnlyList<ExportTensor> Run(string onnxPath, IReadOnlyList<ExportTensor> inputs)
    {
        if (!File.Exists(VerifierPath))
            throw new InvalidOperationException($"the verifier {VerifierPath} does not exist (a broken ModelRefs package?)");
        // Outside the cache: the verifier's files are the run's alone and deleted when it ends.
        using var scratch = new ScratchDirectory(Path.Combine(Path.GetTempPath(), "modelrefs-verify-" + Guid.NewGuid().ToString("N")));
        var work = scratch.Path;
        var request = new
        {
            model = Path.GetFullPath(onnxPath),
            output_dir = work,
            inputs = inputs.Select((t, i) =>
            {
                var file = Path.Combine(work, $"input_{i}.bin");
                File.WriteAllBytes(file, t.Data);
                return new { name = t.Name, dtype = t.DType, shape = t.Shape, file };
            }).ToArray(),
        };
        var requestPath = Path.Combine(work, "request.json");
        File.WriteAllBytes(requestPath, JsonSerializer.SerializeToUtf8Bytes(request));

        var (exitCode, output) = RunProcess(requestPath, work);
        var resultPath = Path.Combine(work, "result.json");
        if (exitCode != 0 || !File.Exists(resultPath))
            throw new InvalidOperationException($"{DotNetHost} exec {Path.GetFileName(VerifierPath)} exited with code {exitCode}: " +
                TorchExporter.Tail(output, 3000) + (exitCode != 0 && output.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
                    ? $" (ONNX Runtime is looked up in the NuGet packages folder {NuGetPackageRoot ?? "(none given)"}: restore the project so that Microsoft.ML.OnnxRuntime is there)"
                    : ""));

        using var result = JsonDocument.Parse(File.ReadAllBytes(resultPath));
        if (result.RootElement.TryGetProperty("runtime", out var runtime) && runtime.GetString() is { Length: > 0 } runtimeName)
            _name = runtimeName;
        return result.RootElement.GetProperty("outputs").EnumerateArray().Select(o => new ExportTensor(
            o.GetProperty("name").GetString()!,
            o.GetProperty("dtype").GetString()!,
            o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            File.ReadAllBytes(o.GetProperty("file").GetString()!))).ToArray();
    }

    private (int ExitCode, string Output) RunProcess(string requestPath, string work)
    {
        var directory = Path.GetDirectoryName(VerifierPath)!;
        var baseName = Path.GetFileNameWithoutExtension(VerifierPath);
        var info = new ProcessStartInfo(DotNetHost)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add("--runtimeconfig");
        info.ArgumentList.Add(Path.Combine(directory, baseName + ".runtimeconfig.json"));
        info.ArgumentList.Add("--depsfile");
        info.ArgumentList.Add(Path.Combine(directory, baseName + ".deps.json"));
        if (NuGetPackageRoot is not null)
        {
            info.ArgumentList.Add("--additionalprobingpath");
            info.ArgumentList.Add(NuGetPackageRoot);
        }
        info.ArgumentList.Add(VerifierPath);
        info.ArgumentList.Add(requestPath);
        // The task runs inside MSBuild, whose variables would confuse the child host.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "DOTNET_STARTUP_HOOKS" })
            info.Environment.Remove(variable);

        using var process = new Process { StartInfo = info };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            throw new InvalidOperationException($"'{DotNetHost}' could not be started to run the verifier ({e.Message})", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            throw new InvalidOperationException($"the verifier did not finish within {Timeout.TotalSeconds:0} s and was stopped");
        }
        process.WaitForExit();
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
