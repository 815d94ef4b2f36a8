using ModelRefs.Core.Caching;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.Core.Sources.TorchHub.Export;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

using ModelRefs.TestSupport.TorchHub;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

/// <summary>A loopback GitHub serving the fixture hub repo and its weights, a fresh cache, a log.</summary>
internal sealed class TorchHubTestContext : IDisposable
{
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(60) };

    public TempDirectory Temp { get; } = new("modelrefs-torchhub-");
    public LoopbackGitHub GitHub { get; } = LoopbackGitHub.Start();
    public ModelCache Cache { get; }
    public List<string> Log { get; } = [];

    public TorchHubTestContext() => Cache = new ModelCache(Temp.Combine("cache"));

    public string WeightsUrl => GitHub.WebUrl + "weights/";

    /// <summary>Serves the shared fixture weights under <see cref="WeightsUrl"/>; returns them.</summary>
    public HubRepoFixture.Weights ServeWeights()
    {
        var weights = HubRepoFixture.SharedWeights;
        GitHub.Server.MapPrefix("/weights/", r =>
        {
            var file = Path.Combine(weights.Directory, Path.GetFileName(r.DecodedPath));
            return File.Exists(file) ? LoopbackResponse.File(file) : LoopbackResponse.NotFound();
        });
        return weights;
    }

    /// <summary>Adds the fixture repo as a commit of owner/repo, tagged <paramref name="tag"/>; returns the commit.</summary>
    public string AddFixtureRepo(string owner = "pytorch", string repo = "vision", string tag = "v0.14.1", string? dependencies = null, string? tinyDoc = null)
    {
        var weights = HubRepoFixture.SharedWeights;
        var files = dependencies is null && tinyDoc is null
            ? HubRepoFixture.Files(WeightsUrl, weights.SqueezeNet, weights.ResNet)
            : HubRepoFixture.Files(WeightsUrl, weights.SqueezeNet, weights.ResNet,
                dependencies ?? "\"torch\", \"torchvision\"", tinyDoc ?? "A tiny convolutional network, fast to export.");
        var sha = GitHub.AddCommit(owner, repo, files);
        GitHub.SetRef(owner, repo, tag, sha);
        return sha;
    }

    public GitHubRepoClient Source(string? token = null) => new(new GitHubEndpoints(GitHub.WebUrl, GitHub.ApiUrl, token));

    public FetchContext Context(bool offline = false) =>
        new(Cache, SharedHttp) { Offline = offline, Log = message => { lock (Log) Log.Add(message); } };

    public static TorchHubModelHandle Handle(string include) =>
        Assert.IsType<TorchHubModelHandle>(ModelHandle.Parse(include, Path.GetTempPath()));

    /// <summary>Resolve, fetch and read hubconf for a handle.</summary>
    public async Task<(TorchHubCheckout Checkout, HubconfInfo Hubconf, HubEntrypoint Entry)> CheckoutAsync(string include)
    {
        var handle = Handle(include);
        var source = Source();
        var resolution = await source.ResolveAsync(handle, Context());
        var checkout = await source.FetchAsync(resolution, Context());
        var hubconf = HubconfReader.Read(checkout.Directory);
        return (checkout, hubconf, HubconfReader.RequireEntrypoint(checkout, hubconf));
    }

    public TorchExporter Exporter(IOnnxReferenceRunner? verifier = null, string? python = HubRepoFixture.Python, string? trustedOwners = null,
        TimeSpan? timeout = null, string? pathVariable = null) =>
        new(Cache, new TorchExporterSettings
        {
            Python = python,
            TrustedOwners = trustedOwners,
            Verifier = verifier,
            Timeout = timeout ?? TimeSpan.FromMinutes(10),
            PathVariable = pathVariable,
            Log = message => { lock (Log) Log.Add(message); },
        });

    public string LogText
    {
        get { lock (Log) return string.Join("\n", Log); }
    }

    public void Dispose()
    {
        GitHub.Dispose();
        Temp.Dispose();
    }
}

/// <summary>A stand-in for ONNX Runtime (Core's tests do not reference it): answers torch's own outputs, optionally perturbed.</summary>
internal sealed class ReplayRunner(IReadOnlyList<ExportTensor> outputs, float perturbation = 0) : IOnnxReferenceRunner
{
    public string Name => "replay-runner";
    public int Runs { get; private set; }
    public string? LastModel { get; private set; }

    public IReadOnlyList<ExportTensor> Run(string onnxPath, IReadOnlyList<ExportTensor> inputs)
    {
        Runs++;
        LastModel = onnxPath;
        return outputs.Select(o => perturbation == 0 ? o
            : ExportTensor.FromFloat32(o.Name, o.Shape, o.AsFloat32().Select(v => v + perturbation).ToArray())).ToArray();
    }
}
