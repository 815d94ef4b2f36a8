using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.Core.Sources.TorchHub.Export;
using ModelRefs.Core.Tests.Sources.TorchHub;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.TorchHub.Export;

/// <summary>Real exports with Debian's python3-torch and python3-torchvision (/usr/bin/python3).</summary>
public class TorchExporterTests
{
    private static TorchExportOptions Options(string include, string shape = "1,3,64,64", string? args = null, string? dynamicAxes = null, string? opset = null) =>
        TorchExportOptions.Parse(TorchHubTestContext.Handle(include), args, shape, dynamicAxes, opset);

    private static async Task<TorchExportResult> ExportAsync(TorchHubTestContext test, string include, TorchExporter exporter,
        TorchExportOptions? options = null, string? trust = null)
    {
        var (checkout, hubconf, entry) = await test.CheckoutAsync(include);
        return await exporter.ExportAsync(new TorchExportRequest(checkout, hubconf, entry, options ?? Options(include), trust));
    }

    private static async Task<ModelRefsException> FailsAsync(TorchHubTestContext test, string include, TorchExporter exporter,
        TorchExportOptions? options = null, string? trust = null) =>
        await Assert.ThrowsAsync<ModelRefsException>(() => ExportAsync(test, include, exporter, options, trust));

    [Fact]
    public async Task SqueezeNet_IsExported_WithHashCheckedWeights_Docs_AndVerified_ThenComesFromTheCache()
    {
        using var test = new TorchHubTestContext();
        var weights = test.ServeWeights();
        var sha = test.AddFixtureRepo();
        const string include = "torchhub:pytorch/vision:v0.14.1/squeezenet1_1";
        var exporter = test.Exporter();

        var result = await ExportAsync(test, include, exporter, Options(include, "1,3,224,224"));

        Assert.False(result.FromCache);
        Assert.Equal(1, exporter.ExportRuns);
        Assert.Equal(test.Cache.GetBlobPath(result.OnnxSha256), result.OnnxPath);
        Assert.StartsWith("1.13", result.TorchVersion);
        Assert.Equal(ExporterScript.Identity, result.ExporterIdentity);
        Assert.Equal($"{ExporterScript.Identity} torch {result.TorchVersion} opset 17", result.Converter);
        Assert.Contains($"@{sha}|squeezenet1_1|args={{}}|shapes=1,3,224,224|dynamic=0|opset=17", result.CacheKey);
        // The entrypoint's weights came from the loopback server, into TORCH_HOME under the cache, hash-checked.
        var download = Assert.Single(result.Downloads);
        Assert.Equal(test.WeightsUrl + weights.SqueezeNet, download.Url);
        Assert.Equal(weights.SqueezeNet, download.File);
        Assert.StartsWith(weights.SqueezeNet.Split('-', '.')[1], download.Sha256);
        Assert.True(File.Exists(Path.Combine(TorchExporter.TorchHome(test.Cache), "hub", "checkpoints", weights.SqueezeNet)));

        // A real ONNX model: signature, dynamic batch, the entrypoint's docstring and the provenance.
        var signature = OnnxSignatureReader.Read(result.OnnxPath);
        var input = Assert.Single(signature.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal("batch", input.Shape![0].Param);
        Assert.Equal([3L, 224L, 224L], input.Shape.Skip(1).Select(d => d.Value!.Value));
        var output = Assert.Single(signature.Outputs);
        Assert.Equal("output", output.Name);
        Assert.Equal(1000L, output.Shape![1].Value);
        Assert.StartsWith("SqueezeNet 1.1 model from the `official SqueezeNet repo", signature.DocString);
        Assert.Contains(signature.Metadata, m => m.Key == "modelrefs.commit" && m.Value == sha);
        Assert.Contains(signature.Metadata, m => m.Key == "modelrefs.handle" && m.Value == include);

        Assert.Equal("not-run", result.Verification.Status);
        var inputs = result.ExampleInputs.Select(exporter.LoadTensor).ToArray();
        var outputs = result.TorchOutputs.Select(exporter.LoadTensor).ToArray();
        Assert.Equal([1, 3, 224, 224], inputs[0].Shape);
        Assert.Equal([1, 1000], outputs[0].Shape);
        Assert.True(outputs[0].AsFloat32().Distinct().Count() > 100, "squeezenet gives sensible, varied outputs");

        // Another project (another exporter), same key: nothing runs, the verification is done from the cache.
        var runner = new ReplayRunner(outputs);
        var second = test.Exporter(verifier: runner);
        var cached = await ExportAsync(test, include, second, Options(include, "1,3,224,224"));
        Assert.True(cached.FromCache);
        Assert.Equal(0, second.ExportRuns);
        Assert.Equal(result.OnnxSha256, cached.OnnxSha256);
        Assert.Equal(("passed", 0.0, "replay-runner"), (cached.Verification.Status, cached.Verification.MaxAbsDifference, cached.Verification.Runner));
        Assert.Equal(result.OnnxPath, runner.LastModel);

        // Now recorded as verified: a third run does not even verify again.
        var third = test.Exporter(verifier: runner);
        Assert.Equal("passed", (await ExportAsync(test, include, third, Options(include, "1,3,224,224"))).Verification.Status);
        Assert.Equal(1, runner.Runs);
        Assert.Equal(0, third.ExportRuns);

        // Anything in the key changes: export again.
        var other = test.Exporter();
        var batch2 = await ExportAsync(test, include, other, Options(include, "2,3,224,224", dynamicAxes: "none"));
        Assert.False(batch2.FromCache);
        Assert.Equal(1, other.ExportRuns);
        Assert.Equal(2L, OnnxSignatureReader.Read(batch2.OnnxPath).Inputs[0].Shape![0].Value);
    }

    [Fact]
    public async Task ResNet18_IsExported_AndAMismatchingRuntimeFailsTheVerification()
    {
        using var test = new TorchHubTestContext();
        test.ServeWeights();
        test.AddFixtureRepo();
        const string include = "torchhub:pytorch/vision:v0.14.1/resnet18";
        var exporter = test.Exporter();
        var result = await ExportAsync(test, include, exporter, Options(include, "1,3,96,96", opset: "13"));
        Assert.Equal(13, result.Opset);
        Assert.Contains(OnnxSignatureReader.Read(result.OnnxPath).Opsets, o => o.Domain == "" && o.Version == 13);

        var outputs = result.TorchOutputs.Select(exporter.LoadTensor).ToArray();
        var wrong = test.Exporter(verifier: new ReplayRunner(outputs, perturbation: 0.05f));
        var e = await FailsAsync(test, include, wrong, Options(include, "1,3,96,96", opset: "13"));
        Assert.Equal("MR0024", e.Diagnostic.Id);
        Assert.Contains("does not compute what the torch model computes", e.Message);
        Assert.Contains("largest absolute difference 0.05", e.Message);

        // Not recorded as verified: a right runtime afterwards verifies it.
        var right = test.Exporter(verifier: new ReplayRunner(outputs));
        Assert.True((await ExportAsync(test, include, right, Options(include, "1,3,96,96", opset: "13"))).Verification.Passed);
    }

    [Fact]
    public async Task WrongWeights_FailWithTorchsHashMessage()
    {
        using var test = new TorchHubTestContext();
        var weights = test.ServeWeights();
        test.AddFixtureRepo();
        // The server answers the squeezenet weights' name with another file.
        test.GitHub.Server.Map("/weights/" + weights.SqueezeNet, _ => LoopbackResponse.Bytes(weights.Read(weights.ResNet)));
        const string include = "torchhub:pytorch/vision:v0.14.1/squeezenet1_1";

        var e = await FailsAsync(test, include, test.Exporter());

        Assert.Equal("MR0022", e.Diagnostic.Id);
        Assert.Contains("calling squeezenet1_1(**Args) failed", e.Message);
        Assert.Contains("invalid hash value", e.Message); // torch's own words
        Assert.Contains(weights.SqueezeNet.Split('-', '.')[1], e.Message);
        Assert.False(File.Exists(Path.Combine(TorchExporter.TorchHome(test.Cache), "hub", "checkpoints", weights.SqueezeNet)));
    }

    [Fact]
    public async Task UntrustedOwner_IsRefused_BeforeAnythingRuns_UnlessTrusted()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo(owner: "someone", repo: "models", tag: "v1");
        const string include = "torchhub:someone/models:v1/tiny";
        var exporter = test.Exporter();

        var e = await FailsAsync(test, include, exporter);
        Assert.Equal("MR0021", e.Diagnostic.Id);
        Assert.Contains("runs the code of the GitHub repo someone/models", e.Message);
        Assert.Contains("with your rights", e.Message);
        Assert.Contains("Trust=\"true\"", e.Message);
        Assert.Contains("<ModelRefsTrustedOwners>$(ModelRefsTrustedOwners);someone</ModelRefsTrustedOwners>", e.Message);
        Assert.Contains("trusted: facebookincubator;facebookresearch;pytorch", e.Message);
        Assert.Equal(0, exporter.ExportRuns);

        Assert.Equal("MR0009", (await FailsAsync(test, include, exporter, trust: "yes")).Diagnostic.Id);

        var trusted = await ExportAsync(test, include, exporter, trust: "true");
        Assert.Equal(1, exporter.ExportRuns);
        Assert.Equal(["input"], OnnxSignatureReader.Read(trusted.OnnxPath).Inputs.Select(i => i.Name));

        var byList = test.Exporter(trustedOwners: "pytorch;Someone");
        Assert.True((await ExportAsync(test, include, byList)).FromCache);
    }

    [Fact]
    public async Task PythonMissing_AndTorchMissing_SayWhatToInstallOrSet()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo();
        const string include = "torchhub:pytorch/vision:v0.14.1/tiny";

        var missing = await FailsAsync(test, include, test.Exporter(python: test.Temp.Combine("no", "python3")));
        Assert.Equal("MR0022", missing.Diagnostic.Id);
        Assert.Contains("set in ModelRefsPython could not be started", missing.Message);

        // An interpreter that exists but has no torch (a stand-in answering the probe like such a Python).
        var fake = test.Temp.Combine("python3");
        File.WriteAllText(fake, "#!/bin/sh\necho no-torch\nexit 3\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var noTorch = await FailsAsync(test, include, test.Exporter(python: fake));
        Assert.Contains("cannot import torch", noTorch.Message);
        Assert.Contains("apt-get install python3-torch", noTorch.Message);
        Assert.Contains("pip install torch", noTorch.Message);

        // The default rule: PATH's python3 first; one without torch is skipped for /usr/bin/python3.
        var found = PythonLocator.Find(include, null, test.Temp.Path);
        Assert.Equal("/usr/bin/python3", found.Path);
        Assert.Equal(test.Temp.Combine("python3"), PythonLocator.Candidates(test.Temp.Path).First());
    }

    [Fact]
    public async Task MissingDependency_IsNamed()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo(dependencies: "\"torch\", \"modelrefs_no_such_package\", \"numpy\"");
        var e = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/tiny", test.Exporter());
        Assert.Equal("MR0022", e.Diagnostic.Id);
        Assert.Contains("dependencies that this Python cannot import: modelrefs_no_such_package", e.Message);
        Assert.Contains("pip install modelrefs_no_such_package", e.Message);
    }

    [Fact]
    public async Task ExportFailures_CarryPythonsOwnMessage()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo();

        var fft = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/spectral", test.Exporter(), Options("torchhub:pytorch/vision:v0.14.1/spectral", "1,16"));
        Assert.Equal("MR0022", fft.Diagnostic.Id);
        Assert.Contains("torch.onnx.export failed", fft.Message);
        Assert.Contains("fft", fft.Message);                 // torch's words about the operator
        Assert.Contains("try another Opset", fft.Message);

        var failing = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/failing", test.Exporter(),
            Options("torchhub:pytorch/vision:v0.14.1/failing", args: "{\"message\": \"bad weights tag\"}"));
        Assert.Contains("ValueError: bad weights tag", failing.Message);
        Assert.Contains("Check the Args metadata ({\"message\":\"bad weights tag\"})", failing.Message);
        Assert.Contains("failing(message: str = \"this entrypoint always fails\")", failing.Message);

        var wrongArgs = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/tiny", test.Exporter(),
            Options("torchhub:pytorch/vision:v0.14.1/tiny", args: "{\"depth\": 3}"));
        Assert.Contains("unexpected keyword argument 'depth'", wrongArgs.Message);

        var shape = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/tiny", test.Exporter(), Options("torchhub:pytorch/vision:v0.14.1/tiny", "1,5,8,8"));
        Assert.Contains("running the model on inputs of shape [[1, 5, 8, 8]] failed", shape.Message);
        Assert.Contains("Check InputShape=\"1,5,8,8\"", shape.Message);

        var notModule = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/not_a_module", test.Exporter());
        Assert.Contains("returned a str, not a torch.nn.Module", notModule.Message);
    }

    [Fact]
    public async Task Timeout_StopsTheExport()
    {
        using var test = new TorchHubTestContext();
        test.AddFixtureRepo();
        var e = await FailsAsync(test, "torchhub:pytorch/vision:v0.14.1/tiny", test.Exporter(timeout: TimeSpan.FromMilliseconds(300)));
        Assert.Equal("MR0022", e.Diagnostic.Id);
        Assert.Contains("did not finish within", e.Message);
    }

    [Fact]
    public void Options_AreValidated_AndCanonical()
    {
        const string include = "torchhub:pytorch/vision:v1/tiny";
        var a = Options(include, " 1, 3,8,8 ; 2,4 ", args: "{ \"b\": [1, 2.50], \"a\": {\"y\": true, \"x\": null} }", dynamicAxes: "0;1,0");
        Assert.Equal("{\"a\":{\"x\":null,\"y\":true},\"b\":[1,2.5]}", a.ArgsJson);
        Assert.Equal("1,3,8,8;2,4", a.InputShapeText);
        Assert.Equal("0;0,1", a.DynamicAxesText);
        Assert.Equal(17, a.Opset);
        Assert.Equal("0", Options(include, "1,3").DynamicAxesText);
        Assert.Equal("", Options(include, "1,3", dynamicAxes: "").DynamicAxesText);

        foreach (var (args, shape, axes, opset, expected) in new (string?, string?, string?, string?, string)[]
        {
            (null, null, null, null, "InputShape is required"),
            (null, "1,0,3", null, null, "'0' is not a positive size"),
            (null, "1,x", null, null, "'x' is not a positive size"),
            ("[1]", "1", null, null, "Args must be a JSON object"),
            ("{bad", "1", null, null, "Args is not valid JSON"),
            ("{\"eps\": 1e400}", "1", null, null, "Args holds the number 1e400, which is beyond what a double holds"),
            ("{\"a\": [1, -1e999]}", "1", null, null, "Args holds the number -1e999"),
            (null, "1,3", "2", null, "'2' is not an axis of input 0"),
            (null, "1,3;1", "0;0;0", null, "3 ';'-separated lists but InputShape has 2 inputs"),
            (null, "1,3", null, "99", "Opset=\"99\" is not an ONNX opset"),
        })
        {
            var e = Assert.Throws<ModelRefsException>(() => Options(include, shape!, args, axes, opset));
            Assert.Equal("MR0009", e.Diagnostic.Id);
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void Verifier_MeasuresTheDifference_AndChecksShapesAndCounts()
    {
        var torch = new[] { ExportTensor.FromFloat32("output", [1, 3], [1f, -2f, 1000f]) };
        var close = new FixedRunner([ExportTensor.FromFloat32("output", [1, 3], [1.00005f, -2f, 1000.5f])]);
        var passed = ExportVerifier.Verify("m", "x.onnx", [], torch, close);
        Assert.True(passed.Passed);
        Assert.Equal(0.5, passed.MaxAbsDifference!.Value, 3);
        Assert.Equal(5e-4, passed.MaxRelDifference!.Value, 5);

        Assert.Contains("element 0", Assert.Throws<ModelRefsException>(() =>
            ExportVerifier.Verify("m", "x.onnx", [], torch, new FixedRunner([ExportTensor.FromFloat32("output", [1, 3], [1.01f, -2f, 1000f])]))).Message);
        Assert.Contains("has shape [3]", Assert.Throws<ModelRefsException>(() =>
            ExportVerifier.Verify("m", "x.onnx", [], torch, new FixedRunner([ExportTensor.FromFloat32("output", [3], [1f, -2f, 1000f])]))).Message);
        Assert.Contains("returned 0 outputs", Assert.Throws<ModelRefsException>(() =>
            ExportVerifier.Verify("m", "x.onnx", [], torch, new FixedRunner([]))).Message);
        var crash = Assert.Throws<ModelRefsException>(() => ExportVerifier.Verify("m", "x.onnx", [], torch, new FixedRunner(null)));
        Assert.Equal("MR0024", crash.Diagnostic.Id);
        Assert.Contains("could not be run in fixed", crash.Message);
    }

    private sealed class FixedRunner(ExportTensor[]? outputs) : IOnnxReferenceRunner
    {
        public string Name => "fixed";

        public IReadOnlyList<ExportTensor> Run(string onnxPath, IReadOnlyList<ExportTensor> inputs) =>
            outputs ?? throw new InvalidOperationException("the runtime refused the model");
    }

    [Fact]
    public void ExporterScript_IsEmbedded_AndExtractedByItsHash()
    {
        using var temp = new TempDirectory("modelrefs-exporter-");
        var cache = new Core.Caching.ModelCache(temp.Path);
        var path = ExporterScript.EnsureExtracted(cache);
        Assert.Equal(ExporterScript.Sha256, Core.Caching.Sha256Hex.ToHex(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
        Assert.Contains(ExporterScript.Sha256, path);
        Assert.Contains("torch.onnx.export", File.ReadAllText(path));
        Assert.Equal(path, ExporterScript.EnsureExtracted(cache));
    }
}
