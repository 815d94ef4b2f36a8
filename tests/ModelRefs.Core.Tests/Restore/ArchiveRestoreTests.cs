using ModelRefs.Core.Caching;
using ModelRefs.Core.Onnx;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>Archives cut short or over a limit fail the model with MR0023 and leave nothing of it in the cache.</summary>
public sealed class ArchiveRestoreTests
{
    /// <summary>A valid model of about <paramref name="size"/> bytes that gzip cannot shrink: random weights in an initializer.</summary>
    private static byte[] Incompressible(int size)
    {
        var weights = new byte[size];
        new Random(11).NextBytes(weights);
        return new OnnxModelBuilder()
            .Input("x", OnnxElementType.Float, 1)
            .Output("y", OnnxElementType.Float, 1)
            .Initializer(OnnxTensor.FromRawData("w", OnnxElementType.UInt8, [size], weights))
            .Node("Identity", ["x"], ["y"])
            .ToBytes();
    }

    /// <summary>Every blob in the cache: only the (verified) tarball may be there, never a piece of the model.</summary>
    private static string[] Blobs(RestoreFixture f) =>
        Directory.Exists(new ModelCache(f.CacheRoot).Layout.BlobsDirectory)
            ? Directory.GetFiles(new ModelCache(f.CacheRoot).Layout.BlobsDirectory, "*", SearchOption.AllDirectories)
            : [];

    [Fact]
    public async Task ATarballWhoseGzipEndsEarly_IsMR0023_AndNoShortModelIsCached()
    {
        using var f = new RestoreFixture();
        var path = f.WriteTarball("@test/cut", "1.0.0", "MIT", ("m/model.onnx", Incompressible(579_000)));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(path);
        var item = RestoreFixture.Item("npm:@test/cut@1.0.0/m/model.onnx");

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), item);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0023", problem.Diagnostic.Id);
        Assert.Contains(item.Include, problem.Message);
        Assert.Contains("truncated", problem.Message);
        Assert.Matches(@"ends after \d+ of its 579\d{3} bytes", problem.Message);
        Assert.Contains("Nothing from it was cached", problem.Message);
        var blob = Assert.Single(Blobs(f)); // the tarball, verified by dist.integrity
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(blob));
        Assert.False(File.Exists(f.LockPath));
    }

    [Fact]
    public async Task AnEntryOverTheFileLimit_IsMR0023_NamingTheLimitAndItsProperty_AndLeavesNothing()
    {
        using var f = new RestoreFixture();
        var path = f.WriteTarball("@test/big", "1.0.0", "MIT", ("m/model.onnx", Incompressible(200_000)));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(path);
        var item = RestoreFixture.Item("npm:@test/big@1.0.0/m/model.onnx");
        var request = f.Request(npmRegistry: registry.Url);
        request = request with { Settings = new Configuration.SettingValues(
            [new("ModelRefsNpmRegistry", registry.Url), new("ModelRefsArchiveMaxFileBytes", "100KB")]) };

        var result = await f.RestoreAsync(request, item);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0023", problem.Diagnostic.Id);
        Assert.Contains("limit of 102400 bytes per file", problem.Message);
        Assert.Contains("raise ModelRefsArchiveMaxFileBytes", problem.Message);
        Assert.Single(Blobs(f)); // the tarball only
        Assert.Empty(Directory.GetFiles(new ModelCache(f.CacheRoot).Layout.BlobTempDirectory));

        // Raised, the same model restores.
        request = request with { Settings = new Configuration.SettingValues(
            [new("ModelRefsNpmRegistry", registry.Url), new("ModelRefsArchiveMaxFileBytes", "1MB")]) };
        Assert.True((await f.RestoreAsync(request, item)).Succeeded);
    }

    [Fact]
    public async Task AGnuSparseEntry_InAnNpmTarball_IsMR0023_NotMR0999()
    {
        using var f = new RestoreFixture();
        var good = f.WriteTarball("@test/sparse", "1.0.0", "MIT", ("m/model.onnx", RestoreFixture.Model("v1")));
        // The package's own files, then a GNU sparse entry before the end: a reader must refuse it.
        var tar = Decompress(File.ReadAllBytes(good));
        var withSparse = tar[..(tar.Length - 1024)].Concat(Archives.ArchiveFaultTests.GnuSparseTar()).ToArray();
        var path = f.WriteTarball("@test/sparse", "1.0.0", "MIT");
        File.WriteAllBytes(path, Compress(withSparse));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(path);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url), RestoreFixture.Item("npm:@test/sparse@1.0.0/m/missing.onnx"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0023", problem.Diagnostic.Id);
        Assert.Contains("only regular files and folders", problem.Message);
    }

    [Fact]
    public async Task ATfJsWeightShardInASubFolder_IsConverted_NotACrash()
    {
        using var f = new RestoreFixture();
        const string ModelJson = """
            {"format":"graph-model","modelTopology":{"node":[
              {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[{"size":"1"},{"size":"4"}]}}}},
              {"name":"c","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{"dtype":"DT_FLOAT","tensorShape":{"dim":[{"size":"1"},{"size":"4"}]}}}}},
              {"name":"Identity","op":"AddV2","input":["x","c"],"attr":{"T":{"type":"DT_FLOAT"}}}]},
             "weightsManifest":[{"paths":["sub/w.bin"],"weights":[{"name":"c","shape":[1,4],"dtype":"float32"}]}]}
            """;
        var weights = new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray();
        var path = f.WriteTarball("@test/tfjs", "1.0.0", "MIT",
            ("model/model.json", System.Text.Encoding.UTF8.GetBytes(ModelJson)), ("model/sub/w.bin", weights));
        using var registry = LoopbackNpmRegistry.Start();
        registry.AddTarball(path);

        var result = await f.RestoreAsync(f.Request(npmRegistry: registry.Url),
            RestoreFixture.Item("npm:@test/tfjs@1.0.0/model/model.json", ("Format", "tfjs"), ("Name", "Tiny")));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        var signature = OnnxSignatureReader.Read(Assert.Single(result.Models).OnnxPath);
        Assert.Equal("x", Assert.Single(signature.Inputs).Name);
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }
}
