using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Sources.TorchHub.Export;

/// <summary>How exports run.</summary>
public sealed record TorchExporterSettings
{
    /// <summary><c>ModelRefsPython</c>: the interpreter; null: <see cref="PythonLocator"/>'s default rule.</summary>
    public string? Python { get; init; }

    /// <summary><c>ModelRefsTrustedOwners</c>; null: <see cref="TorchHubTrust.DefaultTrustedOwners"/>.</summary>
    public string? TrustedOwners { get; init; }

    /// <summary>The export process is killed (with its children) after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Runs the exported model for the check against torch; null: the check is recorded as not run.</summary>
    public IOnnxReferenceRunner? Verifier { get; init; }

    public ExportTolerance Tolerance { get; init; } = ExportTolerance.Default;

    /// <summary>Progress messages (never credentials).</summary>
    public Action<string> Log { get; init; } = static _ => { };

    /// <summary>The PATH searched for python3 (tests); null: the process's PATH.</summary>
    public string? PathVariable { get; init; }
}

/// <summary>One export: the repo at a commit, its hubconf, the entrypoint and the item's settings.</summary>
/// <param name="Trust">The item's <c>Trust</c> metadata as written (null when not set).</param>
public sealed record TorchExportRequest(TorchHubCheckout Checkout, HubconfInfo Hubconf, HubEntrypoint Entrypoint, TorchExportOptions Options, string? Trust = null);

/// <summary>A file the entrypoint downloaded into TORCH_HOME (weights), hash-checked against its name's prefix when it has one.</summary>
public sealed record WeightDownload(string Url, string File, string Sha256);

/// <summary>An export's ONNX model in the cache, and what the lock records about it.</summary>
/// <param name="OnnxPath">The ONNX blob in the cache.</param>
/// <param name="OnnxSha256">Lock: the SHA-256 of the ONNX file that runs.</param>
/// <param name="FromCache">True when no export ran (same key exported before on this machine).</param>
/// <param name="CacheKey">Everything that determines the ONNX file (see <see cref="TorchExporter.CacheKey"/>).</param>
/// <param name="Converter">Lock: the converter identity, e.g. <c>modelrefs-torch-export@0123456789ab torch 1.13.0 opset 17</c>.</param>
/// <param name="Verification">Lock: the measured difference between ONNX Runtime and torch.</param>
public sealed record TorchExportResult(
    string OnnxPath,
    string OnnxSha256,
    long OnnxLength,
    bool FromCache,
    string CacheKey,
    string Converter,
    string ExporterIdentity,
    string TorchVersion,
    string PythonVersion,
    int Opset,
    ExportVerification Verification,
    IReadOnlyList<WeightDownload> Downloads,
    IReadOnlyDictionary<string, double> Timings,
    IReadOnlyList<ExportTensorInfo> ExampleInputs,
    IReadOnlyList<ExportTensorInfo> TorchOutputs);

/// <summary>A tensor of the export's seeded example, kept as a cache blob (see <see cref="TorchExporter.LoadTensor"/>).</summary>
public sealed record ExportTensorInfo(string Name, string DType, int[] Shape, string Sha256);

/// <summary>
/// Exports a hub entrypoint to ONNX with the Python exporter (<see cref="ExporterScript"/>) in a child
/// process: a timeout, its own TORCH_HOME under the cache, no credentials in its environment, and
/// every failure a MR0022 that carries Python's own message. The ONNX file and the seeded example
/// tensors become cache blobs; a record under a key of everything that determines the file
/// (commit, entrypoint, Args, shapes, dynamic axes, opset, torch version, exporter script) makes
/// the next export with the same key a cache hit that runs nothing.
/// </summary>
public sealed class TorchExporter
{
    private static readonly string[] CredentialVariables = [GitHubEndpoints.TokenVariable, "GH_TOKEN", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "KAGGLE_KEY", "KAGGLE_USERNAME"];
    private const int KeySchema = 1;

    private readonly ModelCache _cache;
    private readonly TorchExporterSettings _settings;
    private int _exportRuns;

    public TorchExporter(ModelCache cache, TorchExporterSettings? settings = null)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _settings = settings ?? new TorchExporterSettings();
    }

    /// <summary>How many times this instance started the Python exporter (cache hits do not).</summary>
    public int ExportRuns => Volatile.Read(ref _exportRuns);

    /// <summary>TORCH_HOME of exports: <c>&lt;cache&gt;/torchhub/torch-home</c>; weights land in its <c>hub/checkpoints/</c>.</summary>
    public static string TorchHome(ModelCache cache) => new TorchHubCacheFolders(cache).TorchHome;

    /// <summary>The export cache key: every input that determines the ONNX file.</summary>
    public static string CacheKey(TorchExportRequest request, string torchVersion)
    {
        var resolution = request.Checkout.Resolution;
        var handle = resolution.Handle;
        var o = request.Options;
        return $"torchhub-export|v{KeySchema}|{handle.Owner.ToLowerInvariant()}/{handle.Repo.ToLowerInvariant()}@{resolution.Commit}|{handle.Entry}" +
            $"|args={o.ArgsJson}|shapes={o.InputShapeText}|dynamic={o.DynamicAxesText}|opset={o.Opset}|seed={o.Seed}" +
            $"|torch={torchVersion}|exporter={ExporterScript.Sha256}";
    }

    public async Task<TorchExportResult> ExportAsync(TorchExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var handle = request.Checkout.Resolution.Handle;
        TorchHubTrust.Ensure(handle, _settings.TrustedOwners, request.Trust);
        if (request.Entrypoint.Name != handle.Entry)
            throw new ArgumentException($"The entrypoint {request.Entrypoint.Name} is not the handle's {handle.Entry}.", nameof(request));

        var python = PythonLocator.Find(handle.Text, _settings.Python, _settings.PathVariable);
        var key = CacheKey(request, python.TorchVersion);

        if (TryLoadRecord(key) is { } cached)
        {
            var record = cached;
            if (!record.Verification.Passed && _settings.Verifier is not null)
            {
                record = record with { Verification = VerifyFromCache(handle.Text, record) };
                SaveRecord(key, record);
            }
            _settings.Log($"{handle.Text}: ONNX export in the cache (SHA-256 {record.OnnxSha256}), nothing to run");
            return ToResult(record, key, fromCache: true);
        }

        using var work = new ScratchDirectory(new TorchHubCacheFolders(_cache).NewExportWorkDirectory());
        var fresh = await RunExporterAsync(request, python, work.Path, cancellationToken).ConfigureAwait(false);
        SaveRecord(key, fresh);
        return ToResult(fresh, key, fromCache: false);
    }

    private async Task<ExportRecord> RunExporterAsync(TorchExportRequest request, PythonInterpreter python, string work, CancellationToken cancellationToken)
    {
        var checkout = request.Checkout;
        var handle = checkout.Resolution.Handle;
        var options = request.Options;
        var script = ExporterScript.EnsureExtracted(_cache);
        var onnxPath = Path.Combine(work, "model.onnx");
        var resultPath = Path.Combine(work, "result.json");
        var requestPath = Path.Combine(work, "request.json");
        var torchHome = TorchHome(_cache);
        Directory.CreateDirectory(torchHome);

        var requestJson = new Dictionary<string, object?>
        {
            ["repo_dir"] = checkout.Directory,
            ["entry"] = handle.Entry,
            ["kwargs"] = JsonDocument.Parse(options.ArgsJson).RootElement.Clone(),
            ["dependencies"] = request.Hubconf.Dependencies,
            ["input_shapes"] = options.InputShapes,
            ["dynamic_axes"] = options.DynamicAxes,
            ["opset"] = options.Opset,
            ["seed"] = options.Seed,
            ["onnx_path"] = onnxPath,
            ["data_dir"] = work,
            ["result_path"] = resultPath,
            ["docstring"] = request.Entrypoint.Docstring,
            ["metadata"] = new Dictionary<string, string>
            {
                ["modelrefs.handle"] = handle.Text,
                ["modelrefs.commit"] = checkout.Resolution.Commit,
                ["modelrefs.entrypoint"] = handle.Entry,
                ["modelrefs.args"] = options.ArgsJson,
                ["modelrefs.exporter"] = ExporterScript.Identity,
            },
        };
        await File.WriteAllBytesAsync(requestPath, JsonSerializer.SerializeToUtf8Bytes(requestJson), cancellationToken).ConfigureAwait(false);

        _settings.Log($"{handle.Text}: exporting {handle.Entry} at {checkout.Resolution.Commit[..12]} with {python.Path} (torch {python.TorchVersion}), opset {options.Opset}");
        Interlocked.Increment(ref _exportRuns);
        var run = await RunProcessAsync(handle.Text, python, script, requestPath, work, torchHome, cancellationToken).ConfigureAwait(false);

        JsonElement result;
        try
        {
            result = JsonDocument.Parse(await File.ReadAllBytesAsync(resultPath, cancellationToken).ConfigureAwait(false)).RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw PythonLocator.Failed(handle.Text,
                $"the exporter ({python.Path} {ExporterScript.Identity}) exited with code {run.ExitCode} without a result. Python said:\n{Tail(run.Stderr, 4000)}", e);
        }

        if (!result.TryGetProperty("ok", out var ok) || !ok.GetBoolean())
            throw ExportError(request, python, result, run.Stderr);

        var onnx = await _cache.AddFileAsync(onnxPath, null, cancellationToken).ConfigureAwait(false);
        var inputs = await StoreTensorsAsync(result.GetProperty("inputs"), work, cancellationToken).ConfigureAwait(false);
        var outputs = await StoreTensorsAsync(result.GetProperty("outputs"), work, cancellationToken).ConfigureAwait(false);
        var downloads = result.GetProperty("downloads").EnumerateArray()
            .Select(d => new WeightDownload(d.GetProperty("url").GetString()!, d.GetProperty("file").GetString()!, d.GetProperty("sha256").GetString()!))
            .ToArray();
        var timings = result.GetProperty("timings").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        var record = new ExportRecord
        {
            OnnxSha256 = onnx.Sha256,
            OnnxLength = onnx.Length,
            TorchVersion = result.GetProperty("torch_version").GetString()!,
            PythonVersion = result.GetProperty("python_version").GetString()!,
            Exporter = ExporterScript.Identity,
            Opset = options.Opset,
            Inputs = inputs,
            Outputs = outputs,
            Downloads = downloads,
            Timings = timings,
            Verification = ExportVerification.NotRun(_settings.Tolerance),
        };
        _settings.Log($"{handle.Text}: exported {onnx.Length} bytes of ONNX (SHA-256 {onnx.Sha256}) in {timings.GetValueOrDefault("total_s"):0.0} s");
        if (_settings.Verifier is not null)
            record = record with { Verification = VerifyFromCache(handle.Text, record) };
        return record;
    }

    private ExportVerification VerifyFromCache(string modelText, ExportRecord record)
    {
        var onnxPath = _cache.TryGetBlob(record.OnnxSha256)!;
        var inputs = record.Inputs.Select(LoadTensor).ToArray();
        var outputs = record.Outputs.Select(LoadTensor).ToArray();
        var verification = ExportVerifier.Verify(modelText, onnxPath, inputs, outputs, _settings.Verifier!, _settings.Tolerance);
        _settings.Log($"{modelText}: {verification.Runner} and torch agree (largest difference {verification.MaxAbsDifference:G3})");
        return verification;
    }

    /// <summary>Reads an example tensor of an export from the cache (for a verification the host runs itself).</summary>
    public ExportTensor LoadTensor(ExportTensorInfo tensor) =>
        new(tensor.Name, tensor.DType, tensor.Shape, File.ReadAllBytes(_cache.TryGetBlob(tensor.Sha256)
            ?? throw new FileNotFoundException($"The cache lost the export tensor blob {tensor.Sha256}.")));

    private async Task<ExportTensorInfo[]> StoreTensorsAsync(JsonElement list, string work, CancellationToken cancellationToken)
    {
        var tensors = new List<ExportTensorInfo>();
        foreach (var tensor in list.EnumerateArray())
        {
            var file = Path.Combine(work, Path.GetFileName(tensor.GetProperty("file").GetString()!));
            var blob = await _cache.AddFileAsync(file, null, cancellationToken).ConfigureAwait(false);
            tensors.Add(new ExportTensorInfo(tensor.GetProperty("name").GetString()!, tensor.GetProperty("dtype").GetString()!,
                tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(), blob.Sha256));
        }
        return tensors.ToArray();
    }

    private static ModelRefsException ExportError(TorchExportRequest request, PythonInterpreter python, JsonElement result, string stderr)
    {
        var handle = request.Checkout.Resolution.Handle;
        var stage = result.TryGetProperty("stage", out var s) ? s.GetString() : null;
        var error = result.TryGetProperty("error", out var e) ? e.GetString() : "(no message)";
        var at = $"{handle.Repository} at commit {request.Checkout.Resolution.Commit[..12]}";
        var traceback = Tail(stderr, 3000);
        var pythonSaid = traceback.Length == 0 ? "" : "\nPython's output:\n" + traceback;
        switch (stage)
        {
            case "torch":
                return PythonLocator.Failed(handle.Text, $"{python.Path} has torch installed but cannot import it: {error}. Repair the torch install " +
                    "(Debian/Ubuntu: apt-get install --reinstall python3-torch; otherwise: pip install --force-reinstall torch), or set ModelRefsPython to another python3.");
            case "dependencies":
                var missing = result.TryGetProperty("missing", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
                return PythonLocator.Failed(handle.Text, $"{error}. The hubconf.py of {at} declares dependencies = [{string.Join(", ", request.Hubconf.Dependencies.Select(d => "'" + d + "'"))}]; " +
                    $"install the missing ones into {python.Path} ({string.Join(", ", missing.Select(x => $"apt-get install python3-{x.ToLowerInvariant()} or {python.Path} -m pip install {x}"))}), " +
                    "or set ModelRefsPython to a python3 that has them.");
            case "import_hubconf":
                return PythonLocator.Failed(handle.Text, $"{error} (hubconf.py of {at}). The repo's code needs something this Python does not have, or does not work with torch {python.TorchVersion}.{pythonSaid}");
            case "entry":
                return PythonLocator.Failed(handle.Text, $"{error}.");
            case "call":
                return PythonLocator.Failed(handle.Text, $"{error}. Check the Args metadata ({request.Options.ArgsJson}) against the entrypoint's parameters" +
                    (request.Entrypoint.Parameters is { } p ? $" ({handle.Entry}({p}))" : "") + $".{pythonSaid}");
            case "forward":
                return PythonLocator.Failed(handle.Text, $"{error}. Check InputShape=\"{request.Options.InputShapeText}\": it must be a shape the model accepts.{pythonSaid}");
            case "export":
                return PythonLocator.Failed(handle.Text, $"{error}. torch {python.TorchVersion} cannot export this model at opset {request.Options.Opset}: try another Opset " +
                    $"(torch.onnx supports up to the opset of its version), or export the model yourself and reference the .onnx file.{pythonSaid}");
            default:
                return PythonLocator.Failed(handle.Text, $"the exporter failed ({stage}): {error}{pythonSaid}");
        }
    }

    private sealed record ProcessRun(int ExitCode, string Stderr);

    private async Task<ProcessRun> RunProcessAsync(string modelText, PythonInterpreter python, string script, string requestPath, string work, string torchHome,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(python.Path)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add("-B");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(requestPath);
        info.Environment["TORCH_HOME"] = torchHome;
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        info.Environment["PYTHONHASHSEED"] = "0";
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        // Hub code is not ours: it gets no credentials.
        foreach (var variable in CredentialVariables)
            info.Environment.Remove(variable);

        var stdout = new BoundedText(64 * 1024);
        var stderr = new BoundedText(64 * 1024);
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            throw PythonLocator.Failed(modelText, $"the Python interpreter '{python.Path}' could not be started ({e.Message}). Set ModelRefsPython to a python3 that has torch.", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            throw PythonLocator.Failed(modelText,
                $"the export did not finish within {_settings.Timeout.TotalMinutes:0.#} minutes and was stopped. Python's last output:\n{Tail(stderr.ToString(), 2000)}");
        }
        process.WaitForExit(); // flush the redirected streams
        return new ProcessRun(process.ExitCode, stderr.ToString());
    }

    /// <summary>The last <paramref name="max"/> characters, from a line start where possible.</summary>
    internal static string Tail(string text, int max)
    {
        text = text.Trim();
        if (text.Length <= max)
            return text;
        var tail = text[^max..];
        var newline = tail.IndexOf('\n');
        return "…" + (newline >= 0 && newline < 200 ? tail[(newline + 1)..] : tail);
    }

    // ---- the export record: a JSON blob, found through a cache ref under the export key ----

    
    private sealed record ExportRecord
    {
        public int Schema { get; init; } = KeySchema;
        public required string OnnxSha256 { get; init; }
        public long OnnxLength { get; init; }
        public required string TorchVersion { get; init; }
        public required string PythonVersion { get; init; }
        public required string Exporter { get; init; }
        public int Opset { get; init; }
        public required ExportTensorInfo[] Inputs { get; init; }
        public required ExportTensorInfo[] Outputs { get; init; }
        public required WeightDownload[] Downloads { get; init; }
        public required Dictionary<string, double> Timings { get; init; }
        public required ExportVerification Verification { get; init; }
    }

    private static readonly JsonSerializerOptions RecordJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private ExportRecord? TryLoadRecord(string key)
    {
        if (_cache.TryGetRef(key) is not { } reference || _cache.TryGetBlob(reference.Sha256) is not { } recordPath)
            return null;
        try
        {
            var record = JsonSerializer.Deserialize<ExportRecord>(File.ReadAllBytes(recordPath), RecordJson);
            if (record is null || record.Schema != KeySchema || _cache.TryGetBlob(record.OnnxSha256) is null
                || record.Inputs.Concat(record.Outputs).Any(t => _cache.TryGetBlob(t.Sha256) is null))
                return null;
            return record;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void SaveRecord(string key, ExportRecord record)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, RecordJson);
        using var stream = new MemoryStream(bytes);
        var blob = _cache.AddAsync(stream).GetAwaiter().GetResult();
        _cache.SetRef(new CacheRef(key, blob.Sha256, $"torchhub export record, ONNX {record.OnnxSha256}"));
    }

    private TorchExportResult ToResult(ExportRecord record, string key, bool fromCache) => new(
        _cache.TryGetBlob(record.OnnxSha256)!,
        record.OnnxSha256,
        record.OnnxLength,
        fromCache,
        key,
        $"{record.Exporter} torch {record.TorchVersion} opset {record.Opset}",
        record.Exporter,
        record.TorchVersion,
        record.PythonVersion,
        record.Opset,
        record.Verification,
        record.Downloads,
        record.Timings,
        record.Inputs,
        record.Outputs);

    private sealed class BoundedText(int max)
    {
        private readonly StringBuilder _text = new();

        public void AppendLine(string line)
        {
            lock (_text)
            {
                _text.AppendLine(line);
                if (_text.Length > max * 2)
                    _text.Remove(0, _text.Length - max);
            }
        }

        public override string ToString()
        {
            lock (_text)
                return _text.ToString();
        }
    }
}
