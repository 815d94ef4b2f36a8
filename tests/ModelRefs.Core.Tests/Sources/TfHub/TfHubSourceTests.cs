using ModelRefs.Core.Conversion;
using ModelRefs.Core.Configuration;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using ModelRefs.Core.Conversion.SavedModel;
using ModelRefs.Core.Conversion.TfJs;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.TfHub;
using ModelRefs.Core.Tests.Archives;
using ModelRefs.Core.Tests.Sources;
using ModelRefs.TestSupport;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Sources.TfHub;

/// <summary>The TF Hub protocol against a loopback hub that redirects downloads to a storage URL, as tfhub.dev does.</summary>
public sealed class TfHubSourceTests : IDisposable
{
    private const string MoveNet = "google/movenet/singlepose/lightning";
    private const string MoveNetHandle = "tfhub:google/movenet/singlepose/lightning/4";
    private const string Human = "@vladmandic/human@3.3.6";

    private readonly SourceTestContext _test = new();
    private readonly LoopbackTfHub _hub = LoopbackTfHub.Start();

    public void Dispose()
    {
        _hub.Dispose();
        _test.Dispose();
    }

    private FetchContext Context(string? format = null, string? pinnedResolved = null, bool offline = false, string? python = null, string? sha256 = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (format is not null)
            metadata["Format"] = format;
        var context = _test.Context(offline: offline, sha256: sha256);
        return new FetchContext(context.Cache, context.Http)
        {
            Log = context.Log,
            Download = context.Download,
            Credentials = context.Credentials,
            Offline = offline,
            Sha256 = sha256,
            Metadata = metadata,
            PinnedResolved = pinnedResolved,
            Settings = new SettingValues { [TfHubSettings.Url] = _hub.Url, [ConversionSettings.Python] = python ?? _test.Temp.Combine("no-such-python3") },
        };
    }

    private Task<FetchedArtifact> Fetch(string include, FetchContext context) => _test.FetchAsync(include, context);

    internal static byte[] RealMoveNetTarGz() =>
        LoopbackTfHub.TfJsTarGz(NpmPackages.GetFile(Human, "models/movenet-lightning.json"));

    // A tiny TF.js graph model: x float32 [1,4] → op → Identity.
    internal static byte[] TinyTfJs(string op) => LoopbackTfHub.TarGz(new Dictionary<string, byte[]>
    {
        ["model.json"] = Encoding.UTF8.GetBytes(
            "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[" +
            "{\"name\":\"x\",\"op\":\"Placeholder\",\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"},\"shape\":{\"shape\":{\"dim\":[{\"size\":\"1\"},{\"size\":\"4\"}]}}}}," +
            "{\"name\":\"Identity\",\"op\":\"" + op + "\",\"input\":[\"x\"],\"attr\":{\"T\":{\"type\":\"DT_FLOAT\"}}}]}," +
            "\"weightsManifest\":[]}"),
    });

    [Fact]
    public async Task RealMoveNet_TfJs_IsDownloadedThroughTheRedirect_ConvertedOnce_AndLicensed()
    {
        var archive = RealMoveNetTarGz();
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", archive, license: "Apache-2.0", description: "MoveNet SinglePose Lightning");

        var first = await Fetch(MoveNetHandle, Context(format: "tfjs"));

        Assert.Equal(Convert.ToHexString(SHA256.HashData(archive)).ToLowerInvariant(), first.Sha256);
        Assert.Equal($"{_hub.Url}{MoveNet}/4?tfjs-format=compressed", first.Resolved);
        Assert.Equal(TfJsToOnnxConverter.Identity, first.Converter);
        Assert.Equal("Apache-2.0", first.License);
        Assert.Equal("hub", first.LicenseSource);
        Assert.Equal("MoveNet SinglePose Lightning", first.Description);
        Assert.Contains(_hub.Requests, r => r.Path.StartsWith("/storage/tfhub-modules/", StringComparison.Ordinal)); // the redirect was followed
        var signature = OnnxSignatureReader.Read(first.OnnxPath!);
        Assert.Equal("input", Assert.Single(signature.Inputs).Name);
        Assert.Equal(OnnxElementType.Int32, signature.Inputs[0].ElementType);
        Assert.Equal("[1,192,192,3]", signature.Inputs[0].ShapeText);
        Assert.Equal("[1,1,17,3]", Assert.Single(signature.Outputs).ShapeText);
        Assert.Contains(_test.Log, l => l.Contains("converting the TF.js graph model", StringComparison.Ordinal));

        // Second restore on the machine (as the restorer calls it with the lock's pins): no network, no conversion.
        _hub.Server.ClearRequests();
        _test.Log.Clear();
        var again = await Fetch(MoveNetHandle, Context(format: "tfjs", pinnedResolved: first.Resolved, sha256: first.Sha256));
        Assert.Equal(0, _hub.Server.RequestCount);
        Assert.DoesNotContain(_test.Log, l => l.Contains("converting", StringComparison.Ordinal));
        Assert.Equal((first.OnnxSha256, first.OnnxPath, first.License), (again.OnnxSha256, again.OnnxPath, again.License));

        // The Kaggle spelling names the same model and its TF.js format: same archive, same ONNX, still no network.
        var kaggle = await Fetch("https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4", Context());
        Assert.Equal(0, _hub.Server.RequestCount);
        Assert.Equal(first.OnnxSha256, kaggle.OnnxSha256);
    }

    [Fact]
    public async Task TheLongestIdleTimeoutASettingTakes_DoesNotOverflowTheMetadataRequestsLimit()
    {
        // The metadata request waits for connect + idle: 30 s + 49 days is more than a timer takes.
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", TinyTfJs("Relu"));
        var context = Context(format: "tfjs");
        context = new FetchContext(context.Cache, context.Http)
        {
            Log = context.Log,
            Credentials = context.Credentials,
            Metadata = context.Metadata,
            Settings = context.Settings,
            Download = context.Download with { IdleTimeout = TimeSpan.FromSeconds(Core.Restore.RestoreSettings.MaxSeconds) },
        };

        var artifact = await Fetch($"tfhub:{MoveNet}/4", context);

        Assert.Equal($"{_hub.Url}{MoveNet}/4?tfjs-format=compressed", artifact.Resolved);
    }

    [Fact]
    public async Task KaggleStyleRedirectChain_AndKaggleUrlHandle_AreFollowed()
    {
        _hub.RedirectHops = 2; // tfhub.dev → kaggle → storage
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", TinyTfJs("Relu"));

        var artifact = await Fetch("https://www.kaggle.com/models/google/movenet/frameworks/tfJs/variations/singlepose-lightning/versions/4", Context());

        Assert.Equal($"{_hub.Url}{MoveNet}/4?tfjs-format=compressed", artifact.Resolved);
        Assert.Contains(_hub.Requests, r => r.Path.StartsWith("/kaggle/", StringComparison.Ordinal));
        Assert.Null(artifact.License); // the hub gives no metadata for it
        Assert.DoesNotContain("X-Goog-Signature", artifact.Resolved);
    }

    [Fact]
    public async Task UnversionedHandle_ResolvesToTheLatest_AndTheLockPinsIt()
    {
        _hub.Add(MoveNet, 3, "tfjs-format=compressed", TinyTfJs("Relu"));
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", TinyTfJs("Sigmoid"));
        const string unversioned = "tfhub:google/movenet/singlepose/lightning";

        var latest = await Fetch(unversioned, Context(format: "tfjs"));
        Assert.Equal($"{_hub.Url}{MoveNet}/4?tfjs-format=compressed", latest.Resolved);
        Assert.Contains(_test.Log, l => l.Contains("the latest version is 4", StringComparison.Ordinal));

        // A lock that pinned version 3 keeps getting version 3, although the hub's latest is 4.
        var pinned = await Fetch(unversioned, Context(format: "tfjs", pinnedResolved: $"{_hub.Url}{MoveNet}/3?tfjs-format=compressed"));
        Assert.Equal($"{_hub.Url}{MoveNet}/3?tfjs-format=compressed", pinned.Resolved);
        Assert.NotEqual(latest.Sha256, pinned.Sha256);

        // Offline, without a lock: the version this machine resolved last.
        _hub.Server.ClearRequests();
        var offline = await Fetch(unversioned, Context(format: "tfjs", offline: true));
        Assert.Equal(latest.Sha256, offline.Sha256);
        Assert.Equal(0, _hub.Server.RequestCount);
    }

    [Fact]
    public async Task UnsupportedOperator_FailsNamingTheModelTheOpAndTheNode()
    {
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", TinyTfJs("NoSuchOp"));
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(MoveNetHandle, Context(format: "tfjs")));
        Assert.Equal(RestoreDiagnostics.ConversionFailed, e.Diagnostic);
        Assert.Equal("MR0033", e.Diagnostic.Id);
        Assert.Contains(MoveNetHandle, e.Message);
        Assert.Contains("'NoSuchOp'", e.Message);
        Assert.Contains("node 'Identity'", e.Message);
    }

    [Fact]
    public async Task NotOnTheHub_IsMR0030_SayingNoVersionOfItExists()
    {
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch("tfhub:google/nothing/1", Context(format: "tfjs")));
        Assert.Equal("MR0030", e.Diagnostic.Id);
        Assert.Contains("tfhub:google/nothing/1", e.Message);
        Assert.Contains("no tfjs download of google/nothing at any version", e.Message);
    }

    [Fact]
    public async Task AMissingVersion_IsMR0030_NamingTheLatest()
    {
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", RealMoveNetTarGz());

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch("tfhub:google/movenet/singlepose/lightning/7", Context(format: "tfjs")));

        Assert.Equal("MR0030", e.Diagnostic.Id);
        Assert.Contains("no version 7 of it; the latest is 4", e.Message);
        Assert.Contains("tfhub:google/movenet/singlepose/lightning/4", e.Message);
    }

    internal static byte[] SavedModelPb()
    {
        static ProtoMessage Tensor(string key, string name, int dtype, params long[] dims)
        {
            var shape = new ProtoMessage();
            foreach (var d in dims)
                shape.Message(2, new ProtoMessage().Varint(1, d));
            return new ProtoMessage().String(1, key)
                .Message(2, new ProtoMessage().String(1, name).Varint(2, dtype).Message(3, shape));
        }
        var signature = new ProtoMessage()
            .Message(1, Tensor("input", "serving_default_input:0", 3, 1, 192, 192, 3))
            .Message(2, Tensor("output_0", "StatefulPartitionedCall:0", 1, 1, 1, 17, 3))
            .String(3, "tensorflow/serving/predict");
        var other = new ProtoMessage().Message(1, Tensor("x", "x:0", 1, -1, 4)).String(3, "tensorflow/serving/predict");
        var metaGraph = new ProtoMessage()
            .Message(1, new ProtoMessage().String(4, "serve"))
            .Message(2, new ProtoMessage().Bytes(1, new byte[100_000])) // a GraphDef payload the reader must skip
            .Message(5, new ProtoMessage().String(1, "__saved_model_init_op").Message(2, other))
            .Message(5, new ProtoMessage().String(1, "serving_default").Message(2, signature));
        using var stream = new MemoryStream();
        new ProtoMessage().Varint(1, 1).Message(2, metaGraph).WriteTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public void SavedModelReader_ReadsTheServingSignature()
    {
        var path = _test.Temp.Combine("saved_model.pb");
        File.WriteAllBytes(path, SavedModelPb());
        var info = SavedModelReader.Read(path);
        Assert.Equal(["serve"], Assert.Single(info.MetaGraphTags));
        var serving = info.Serving!;
        Assert.Equal("serving_default", serving.Key);
        Assert.Equal("input (serving_default_input:0) int32 [1,192,192,3]", Assert.Single(serving.Inputs).ToString());
        Assert.Equal("output_0 (StatefulPartitionedCall:0) float32 [1,1,17,3]", Assert.Single(serving.Outputs).ToString());
        Assert.Equal(2, info.Signatures.Count);
        Assert.Equal("x (x:0) float32 [?,4]", info.Signatures.Single(s => s.Key != "serving_default").Inputs[0].ToString());
    }

    [Fact]
    public async Task SavedModel_WithoutTf2Onnx_FailsWithTheSignatureAndWhatToDo()
    {
        _hub.Add(MoveNet, 4, "tf-hub-format=compressed", LoopbackTfHub.TarGz(new Dictionary<string, byte[]>
        {
            ["saved_model.pb"] = SavedModelPb(),
            ["variables/variables.index"] = [1, 2, 3],
            ["variables/variables.data-00000-of-00001"] = [4, 5, 6],
        }));

        // No Format: the hub's default, a SavedModel.
        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(MoveNetHandle, Context()));

        Assert.Equal("MR0034", e.Diagnostic.Id);
        Assert.Contains(MoveNetHandle, e.Message);
        Assert.Contains("input (serving_default_input:0) int32 [1,192,192,3]", e.Message);
        Assert.Contains("pip install tf2onnx", e.Message);
        Assert.Contains("ModelRefsPython", e.Message);
        Assert.Contains("Format=\"tfjs\"", e.Message);
        Assert.Contains(_hub.Requests, r => r.Query.StartsWith("tf-hub-format=compressed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TfLite_IsDownloaded_AndRefusedClearly()
    {
        byte[] tflite = [0x1C, 0, 0, 0, (byte)'T', (byte)'F', (byte)'L', (byte)'3', 0, 0, 0, 0];
        _hub.Add(MoveNet, 4, "lite-format=tflite", tflite);

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch("https://tfhub.dev/google/lite-model/movenet/singlepose/lightning/4", Context()));

        Assert.Equal("MR0035", e.Diagnostic.Id);
        Assert.Contains("TensorFlow Lite flatbuffer", e.Message);
        Assert.Contains("Format=\"tfjs\"", e.Message);
        Assert.Contains(_hub.Requests, r => r.Path.EndsWith("/4.tflite", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FormatThatContradictsTheUrl_IsRefused()
    {
        var e = await Assert.ThrowsAsync<ModelRefsException>(() =>
            Fetch("https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4", Context(format: "tflite")));
        Assert.Equal("MR0009", e.Diagnostic.Id);
    }

    [Fact]
    public async Task UnsafeArchive_FromTheHub_IsRefused_AndNothingIsExtracted()
    {
        _hub.Add(MoveNet, 4, "tfjs-format=compressed", SafeTarExtractorTests.Tar(tar =>
        {
            SafeTarExtractorTests.File(tar, "model.json", "{}");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "weights.bin") { LinkName = "/etc/shadow" });
        }));

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => Fetch(MoveNetHandle, Context(format: "tfjs")));

        Assert.Equal("MR0023", e.Diagnostic.Id);
        Assert.Contains("symbolic link", e.Message);
        var extracted = Path.Combine(TfHubModelSource.Root(_test.Cache), "extracted");
        Assert.Empty(Directory.Exists(extracted) ? Directory.GetFileSystemEntries(extracted, "*", SearchOption.AllDirectories) : []);
    }
}
