using ModelRefs.Core.Sources.Npm;
using ModelRefs.Core.Configuration;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>
/// A project folder, its obj/ and a private cache for restore tests, plus small real ONNX models
/// and npm tarballs made on the spot.
/// </summary>
internal sealed class RestoreFixture : IDisposable
{
    private readonly TempDirectory _dir = new("modelrefs-restore-");
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public RestoreFixture()
    {
        Directory.CreateDirectory(ProjectDirectory);
        File.WriteAllText(ProjectFile, "<Project />");
    }

    public string ProjectDirectory => _dir.Combine("app");
    public string ProjectFile => Path.Combine(ProjectDirectory, "App.csproj");
    public string LockPath => Path.Combine(ProjectDirectory, "models.lock.json");
    public string CacheRoot => _dir.Combine("cache");
    public string Root => _dir.Path;
    public List<string> Log { get; } = [];

    public RestoreRequest Request(bool lockedMode = false, bool offline = false, string? npmRegistry = null) => new()
    {
        ProjectFile = ProjectFile,
        IntermediatePath = Path.Combine(ProjectDirectory, "obj", "modelrefs"),
        DefaultNamespace = "App.Models",
        CacheRoot = CacheRoot,
        LockedMode = lockedMode,
        Offline = offline,
        // Nothing listens on port 9: a test that needs npm passes its registry.
        Settings = new SettingValues { [NpmSettings.Registry] = npmRegistry ?? "http://127.0.0.1:9/" },
    };

    public Task<RestoreResult> RestoreAsync(RestoreRequest request, params ModelReference[] items) =>
        new ModelRestorer(Http, Log.Add).RestoreAsync(items, request);

    public Task<RestoreResult> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken, params ModelReference[] items) =>
        new ModelRestorer(Http, Log.Add).RestoreAsync(items, request, cancellationToken);

    /// <summary>
    /// Publishes <c>@test/models@1.0.0</c> (model "v1"), restores it once through a loopback registry
    /// that is gone afterwards, and returns the item and that registry's URL: a cache and lock
    /// filled online, for tests of what a later restore does without the network.
    /// </summary>
    public async Task<(ModelReference Item, string RegistryUrl)> RestoreOnceOnlineAsync()
    {
        var tarball = WriteTarball("@test/models", "1.0.0", "MIT", ("m/model.onnx", Model("v1")));
        var item = Item("npm:@test/models@1.0.0/m/model.onnx");
        using var registry = ModelRefs.TestSupport.Http.LoopbackNpmRegistry.Start();
        registry.AddTarball(tarball);
        var result = await RestoreAsync(Request(npmRegistry: registry.Url), item);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems.Select(p => p.Message)));
        return (item, registry.Url);
    }

    public static ModelReference Item(string include, params (string Key, string Value)[] metadata) =>
        new(include, metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.OrdinalIgnoreCase));

    /// <summary>A tiny valid model, different for every <paramref name="variant"/>.</summary>
    public static byte[] Model(string variant) => new OnnxModelBuilder()
        .Producer("modelrefs-tests", variant)
        .DocString("test model " + variant)
        .Input("x", OnnxElementType.Float, "batch", 4)
        .Output("y", OnnxElementType.Float, "batch", 4)
        .Node("Identity", ["x"], ["y"])
        .ToBytes();

    public string WriteModel(string relativePath, string variant)
    {
        var path = Path.Combine(ProjectDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Model(variant));
        return path;
    }

    /// <summary>An npm tarball, laid out as <c>npm pack</c> lays it out.</summary>
    public string WriteTarball(string name, string version, string license, params (string Path, byte[] Content)[] files) =>
        WriteTarballWithPackageJson(name, version, $$"""{"name":"{{name}}","version":"{{version}}","license":"{{license}}"}""", files);

    /// <summary>An npm tarball with the given package.json.</summary>
    public string WriteTarballWithPackageJson(string name, string version, string packageJson, params (string Path, byte[] Content)[] files)
    {
        var path = _dir.Combine("tarballs", $"{name.Replace('/', '-').TrimStart('@')}-{version}-{Guid.NewGuid():N}.tgz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        void Add(string entryName, byte[] content)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "package/" + entryName) { DataStream = new MemoryStream(content) };
            tar.WriteEntry(entry);
        }
        Add("package.json", Encoding.UTF8.GetBytes(packageJson));
        foreach (var (filePath, content) in files)
            Add(filePath, content);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
