using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// TF Hub on loopback, as tfhub.dev behaves for the compressed-download protocol:
/// <c>GET {Url}{publisher}/{model}/{variations}/{version}?tfjs-format=compressed</c> (or
/// <c>tf-hub-format=compressed</c>, <c>lite-format=tflite</c>) answers 302 to a storage URL
/// (<c>{Url}storage/tfhub-modules/{path}/{version}.tar.gz</c>, as tfhub.dev redirected to GCS) that
/// serves the bytes; without a version the latest one is served the same way. ModelRefs' metadata
/// request (<c>?metadata-format=json</c>) answers <c>{"license", "description"}</c> when the model has them.
/// <code>
/// using var hub = LoopbackTfHub.Start();
/// hub.Add("google/movenet/singlepose/lightning", 4, "tfjs-format=compressed", LoopbackTfHub.TarGz(files));
/// // ModelRefsTfHubUrl = hub.Url
/// </code>
/// </summary>
public sealed class LoopbackTfHub : IDisposable, IAsyncDisposable
{
    private sealed record Model(string Path, ConcurrentDictionary<(int Version, string Query), byte[]> Downloads)
    {
        public string? License { get; set; }
        public string? Description { get; set; }
    }

    private readonly ConcurrentDictionary<string, Model> _models = new(StringComparer.Ordinal);

    private LoopbackTfHub()
    {
        Server = LoopbackHttpServer.Start();
        Server.MapPrefix("/", Handle);
    }

    public static LoopbackTfHub Start() => new();

    public LoopbackHttpServer Server { get; }

    /// <summary>ModelRefsTfHubUrl, with a trailing slash.</summary>
    public string Url => Server.Url;

    /// <summary>How many redirects the model URL takes before the storage URL (tfhub.dev → Kaggle → storage has 2).</summary>
    public int RedirectHops { get; set; } = 1;

    public IReadOnlyList<LoopbackRequest> Requests => Server.Requests;

    /// <summary>Requests for downloads (storage URLs), not metadata or redirects.</summary>
    public int DownloadCount => Server.Requests.Count(r => r.Path.StartsWith("/storage/", StringComparison.Ordinal));

    /// <summary>Serves these bytes for the model path (without version) at a version, for one format query.</summary>
    public void Add(string modelPath, int version, string query, byte[] content, string? license = null, string? description = null)
    {
        var model = _models.GetOrAdd(modelPath, p => new Model(p, new()));
        model.Downloads[(version, query)] = content;
        if (license is not null)
            model.License = license;
        if (description is not null)
            model.Description = description;
    }

    private LoopbackResponse Handle(LoopbackRequest request)
    {
        var path = Uri.UnescapeDataString(request.Path).Trim('/');
        var query = request.Query;
        if (path.StartsWith("storage/tfhub-modules/", StringComparison.Ordinal))
            return Storage(path["storage/tfhub-modules/".Length..], query);
        if (path.StartsWith("kaggle/", StringComparison.Ordinal))
            return Redirect(path["kaggle/".Length..], query, hopsLeft: 1);

        var (model, version) = Find(path);
        if (model is null)
            return LoopbackResponse.NotFound();
        if (query == "metadata-format=json")
        {
            if (model.License is null && model.Description is null)
                return LoopbackResponse.NotFound();
            var json = JsonSerializer.SerializeToUtf8Bytes(new { license = model.License, description = model.Description });
            var response = new LoopbackResponse { Body = json };
            response.Headers["Content-Type"] = "application/json";
            return response;
        }
        version ??= model.Downloads.Keys.Where(k => k.Query == query).Select(k => (int?)k.Version).Max();
        if (version is null || !model.Downloads.ContainsKey((version.Value, query)))
            return LoopbackResponse.NotFound();
        return Redirect($"{model.Path}/{version}", query, RedirectHops);
    }

    // tfhub.dev → (Kaggle →) storage: each hop a 302 with an absolute Location.
    private LoopbackResponse Redirect(string pathAtVersion, string query, int hopsLeft)
    {
        var target = hopsLeft > 1
            ? $"{Url}kaggle/{pathAtVersion}?{query}"
            : $"{Url}storage/tfhub-modules/{pathAtVersion}{(query.StartsWith("lite-format", StringComparison.Ordinal) ? ".tflite" : ".tar.gz")}?{query}&X-Goog-Signature=secret";
        var response = new LoopbackResponse { StatusCode = 302 };
        response.Headers["Location"] = target;
        return response;
    }

    private LoopbackResponse Storage(string file, string query)
    {
        var dot = file.IndexOf('.', file.LastIndexOf('/') + 1);
        var pathAtVersion = dot < 0 ? file : file[..dot];
        var slash = pathAtVersion.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(pathAtVersion[(slash + 1)..], out var version)
            || !_models.TryGetValue(pathAtVersion[..slash], out var model))
            return LoopbackResponse.NotFound();
        var formatQuery = query.Split('&').FirstOrDefault(q => q.Contains("-format=", StringComparison.Ordinal)) ?? "";
        return model.Downloads.TryGetValue((version, formatQuery), out var bytes) ? LoopbackResponse.Bytes(bytes) : LoopbackResponse.NotFound();
    }

    private (Model? Model, int? Version) Find(string path)
    {
        if (_models.TryGetValue(path, out var model))
            return (model, null);
        var slash = path.LastIndexOf('/');
        if (slash > 0 && int.TryParse(path[(slash + 1)..], out var version) && _models.TryGetValue(path[..slash], out model))
            return (model, version);
        return (null, null);
    }

    /// <summary>A gzipped tar of these files ('/'-separated names), as TF Hub's compressed downloads are.</summary>
    public static byte[] TarGz(IReadOnlyDictionary<string, byte[]> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    /// <summary>A TF.js tar.gz from a model.json (named model.json in the archive) and its weight shards beside it.</summary>
    public static byte[] TfJsTarGz(string modelJsonPath)
    {
        var json = File.ReadAllText(modelJsonPath);
        var files = new Dictionary<string, byte[]> { ["model.json"] = Encoding.UTF8.GetBytes(json) };
        using var document = JsonDocument.Parse(json);
        foreach (var group in document.RootElement.GetProperty("weightsManifest").EnumerateArray())
            foreach (var shard in group.GetProperty("paths").EnumerateArray())
                files[shard.GetString()!] = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(modelJsonPath)!, shard.GetString()!));
        return TarGz(files);
    }

    public void Dispose() => Server.Dispose();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
