using System.Net;
using System.Net.Http.Headers;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.Oci;

/// <summary>What happened to one blob of a push.</summary>
public enum OciBlobOutcome
{
    /// <summary>Its bytes were sent.</summary>
    Uploaded,

    /// <summary>The repository had it (<c>HEAD</c>): nothing was sent.</summary>
    Present,

    /// <summary>Another repository of the registry had it and the registry mounted it: nothing was sent.</summary>
    Mounted,
}

public sealed record OciPushedBlob(string Digest, long Size, string What, OciBlobOutcome Outcome);

/// <summary>A finished push: the target, the manifest digest the tag now names, and each blob's outcome.</summary>
public sealed record OciPushResult(OciModelHandle Target, string Digest, IReadOnlyList<OciPushedBlob> Blobs)
{
    public long BytesUploaded => Blobs.Where(b => b.Outcome == OciBlobOutcome.Uploaded).Sum(b => b.Size);
}

/// <summary>
/// The push side of the OCI distribution protocol: a <see cref="OciModelPackage"/> into a repository
/// under a tag. Each blob is looked for first (<c>HEAD</c>), mounted from another repository of the
/// same registry this pusher pushed it to, else uploaded in chunks (<c>POST</c>, <c>PATCH</c> with
/// <c>Content-Range</c>, <c>PUT ?digest=</c>); a chunk whose connection breaks is resumed where the
/// registry says the upload stands (<c>GET</c> on the upload URL), and an upload the registry forgot
/// is started again. The manifest goes last, so a tag never names an artifact with missing blobs.
/// Authentication is <see cref="OciRegistryClient"/>'s, asking for push rights.
/// </summary>
public sealed class OciArtifactPusher
{
    public const long DefaultChunkSize = 8L << 20;
    private const int MaxAttempts = 6;

    private readonly FetchContext _context;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<string, OciRegistryClient> _clients = new(StringComparer.Ordinal);

    // Blobs this pusher put into a repository, by registry and digest: candidates for a cross-repository mount.
    private readonly Dictionary<(string Registry, string Digest), string> _pushed = [];

    /// <param name="context">The HTTP client, the settings (ModelRefsInsecureRegistries), a log; its cache is not written.</param>
    /// <param name="environment">Reads DOCKER_CONFIG, HOME and PATH for the registry's credentials; tests pass their own.</param>
    public OciArtifactPusher(FetchContext context, Func<string, string?>? environment = null)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Bytes per PATCH; smaller for registries or proxies that limit request bodies.</summary>
    public long ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Told the bytes of blobs done so far (sent, or found in the registry) out of the package's total, for a progress bar.</summary>
    public IProgress<long>? Progress { get; init; }

    private long _done;

    /// <summary>The target handle of <c>oci://&lt;registry&gt;/&lt;repository&gt;:&lt;tag&gt;</c>; MR0001 when it is not one, MR0068 without a tag.</summary>
    public static OciModelHandle ParseTarget(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var rest = trimmed.StartsWith("oci://", StringComparison.OrdinalIgnoreCase) ? trimmed[6..]
            : trimmed.StartsWith("oci:", StringComparison.OrdinalIgnoreCase) ? trimmed[4..]
            : throw new ModelRefsException(RestoreDiagnostics.OciPushFailed, $"'{text}' is not an OCI target: write oci://<registry>/<repository>:<tag>, e.g. oci://ghcr.io/my-team/models/silero-vad:5.");
        var handle = OciModelHandle.Create(trimmed, rest);
        if (handle.Tag is null || handle.Digest is not null)
            throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
                $"'{text}' names {(handle.Digest is not null ? "a digest" : "no tag")}: a push writes a tag (oci://{handle.Registry}/{handle.Repository}:<tag>); the manifest digest follows from the content.");
        return handle;
    }

    private OciRegistryClient Client(OciModelHandle target)
    {
        var key = target.Registry + "/" + target.Repository;
        if (!_clients.TryGetValue(key, out var client))
            _clients[key] = client = OciRegistryClient.Create(target, _context, _environment, push: true);
        return client;
    }

    public async Task<OciPushResult> PushAsync(OciModelPackage package, OciModelHandle target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(target);
        var client = Client(target);
        var blobs = new List<OciPushedBlob>();
        var configFile = OciPackageFile.FromBytes("(config)", OciMediaTypes.ModelPackConfig, package.Config);
        _done = 0;
        foreach (var file in package.Files.Prepend(configFile))
        {
            var outcome = await PushBlobAsync(client, target, file, cancellationToken).ConfigureAwait(false);
            Progress?.Report(_done += file.Size);
            blobs.Add(new OciPushedBlob(file.Digest, file.Size, file.Path, outcome));
            _context.Log($"{target.Text}: {file.Path} {file.Digest[..19]}… {file.Size} bytes: {outcome.ToString().ToLowerInvariant()}");
        }
        await PutManifestAsync(client, target, package, cancellationToken).ConfigureAwait(false);
        return new OciPushResult(target, package.Digest, blobs);
    }

    private async Task<OciBlobOutcome> PushBlobAsync(OciRegistryClient client, OciModelHandle target, OciPackageFile file, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(client, file.Digest, cancellationToken).ConfigureAwait(false))
        {
            _pushed[(target.Registry, file.Digest)] = target.Repository;
            return OciBlobOutcome.Present;
        }
        Uri? location = null;
        if (_pushed.TryGetValue((target.Registry, file.Digest), out var from) && from != target.Repository)
        {
            // A registry that cannot mount starts an ordinary upload instead (202), which is used as it is.
            using var mount = await Retry(client, target, () => Post(client, $"blobs/uploads/?mount={Uri.EscapeDataString(file.Digest)}&from={Uri.EscapeDataString(from)}"),
                "mount", cancellationToken).ConfigureAwait(false);
            if (mount.StatusCode == HttpStatusCode.Created)
            {
                _pushed[(target.Registry, file.Digest)] = target.Repository;
                return OciBlobOutcome.Mounted;
            }
            location = await UploadLocationAsync(client, target, mount, "mount", cancellationToken).ConfigureAwait(false);
        }
        await UploadAsync(client, target, file, location, cancellationToken).ConfigureAwait(false);
        _pushed[(target.Registry, file.Digest)] = target.Repository;
        return OciBlobOutcome.Uploaded;
    }

    private async Task<bool> ExistsAsync(OciRegistryClient client, string digest, CancellationToken cancellationToken)
    {
        using var response = await Retry(client, client.Handle, () => new HttpRequestMessage(HttpMethod.Head, client.RepositoryUrl("blobs/" + digest)), "HEAD blob", cancellationToken)
            .ConfigureAwait(false);
        // 307: the blob is there, on a storage host.
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TemporaryRedirect or HttpStatusCode.Found)
            return true;
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        throw await Failed(client.Handle, $"HEAD {digest}", response, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Post(OciRegistryClient client, string path) =>
        new(HttpMethod.Post, client.RepositoryUrl(path)) { Content = new ByteArrayContent([]) };

    /// <summary>One blob, chunk by chunk, resumed where the registry stands after a broken chunk, restarted once if the registry forgot the upload or refuses the digest.</summary>
    private async Task UploadAsync(OciRegistryClient client, OciModelHandle target, OciPackageFile file, Uri? location, CancellationToken cancellationToken)
    {
        var failures = 0;
        var restarts = 0;
        long offset = 0;
        while (true)
        {
            if (location is null)
            {
                using var started = await Retry(client, target, () => Post(client, "blobs/uploads/"), "POST upload", cancellationToken).ConfigureAwait(false);
                location = await UploadLocationAsync(client, target, started, "POST upload", cancellationToken).ConfigureAwait(false);
                offset = 0;
            }
            try
            {
                while (offset < file.Size)
                {
                    var length = Math.Min(ChunkSize, file.Size - offset);
                    var chunkUrl = location;
                    var chunkStart = offset;
                    using var response = await client.SendAsync(() =>
                    {
                        var request = new HttpRequestMessage(HttpMethod.Patch, chunkUrl) { Content = new FileSliceContent(file, chunkStart, length) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                        request.Content.Headers.ContentLength = length;
                        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{chunkStart}-{chunkStart + length - 1}");
                        return request;
                    }, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                        throw new UploadInterruptedException($"the registry refused the range {chunkStart}-{chunkStart + length - 1} (HTTP 416)");
                    if ((int)response.StatusCode >= 500)
                        throw new UploadInterruptedException($"HTTP {(int)response.StatusCode} on PATCH");
                    if (response.StatusCode == HttpStatusCode.NotFound)
                        throw new UploadForgottenException();
                    if (response.StatusCode != HttpStatusCode.Accepted)
                        throw await Failed(target, $"PATCH {file.Path}", response, cancellationToken).ConfigureAwait(false);
                    location = Resolve(client, response.Headers.Location) ?? location;
                    offset = chunkStart + length;
                    Progress?.Report(_done + offset);
                }
                var put = new UriBuilder(location);
                put.Query = (put.Query.Length > 1 ? put.Query[1..] + "&" : "") + "digest=" + Uri.EscapeDataString(file.Digest);
                using var finished = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, put.Uri) { Content = new ByteArrayContent([]) }, cancellationToken)
                    .ConfigureAwait(false);
                if (finished.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.Accepted)
                    return;
                if (finished.StatusCode == HttpStatusCode.NotFound || (finished.StatusCode == HttpStatusCode.BadRequest && restarts == 0))
                    throw new UploadForgottenException(); // lost, or the bytes it holds are not the blob's: start again cleanly
                if ((int)finished.StatusCode >= 500)
                    throw new UploadInterruptedException($"HTTP {(int)finished.StatusCode} on PUT");
                throw await Failed(target, $"PUT {file.Path}", finished, cancellationToken).ConfigureAwait(false);
            }
            catch (UploadForgottenException)
            {
                if (++restarts > 2)
                    throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
                        $"Pushing to '{target.Text}': the registry {target.Registry} lost or refused the upload of {file.Path} ({file.Digest}) twice after it was started again. Check the registry's storage and logs, then push again.");
                _context.Log($"{target.Text}: the upload of {file.Path} is no longer known to the registry, or its bytes do not match; starting it again");
                location = null;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or UploadInterruptedException
                                          || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (++failures >= MaxAttempts)
                    throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
                        $"Pushing to '{target.Text}': the upload of {file.Path} ({file.Digest}, {file.Size} bytes) to {target.Registry} broke off {failures} times, last at byte {offset} ({e.Message}). " +
                        "Run the same command again: blobs already uploaded are not sent twice.", e);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * failures), cancellationToken).ConfigureAwait(false);
                var status = await UploadStatusAsync(client, location!, cancellationToken).ConfigureAwait(false);
                if (status is null || status > file.Size)
                {
                    _context.Log($"{target.Text}: the upload of {file.Path} broke off ({e.Message}); the registry no longer knows it, starting it again");
                    location = null;
                }
                else
                {
                    _context.Log($"{target.Text}: the upload of {file.Path} broke off ({e.Message}); resuming at byte {status.Value}");
                    offset = status.Value;
                }
            }
        }
    }

    /// <summary>Where an upload stands (<c>GET</c> on its URL: 204 with <c>Range: 0-&lt;last&gt;</c>): the next byte to send, or null when the registry does not know it.</summary>
    private static async Task<long?> UploadStatusAsync(OciRegistryClient client, Uri location, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, location), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Accepted))
                return null;
            if (!response.Headers.TryGetValues("Range", out var values))
                return 0;
            var range = values.First();
            var dash = range.LastIndexOf('-');
            return dash > 0 && long.TryParse(range[(dash + 1)..], out var last) ? last + 1 : 0;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private async Task PutManifestAsync(OciRegistryClient client, OciModelHandle target, OciModelPackage package, CancellationToken cancellationToken)
    {
        using var response = await Retry(client, target, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, client.RepositoryUrl("manifests/" + target.Tag)) { Content = new ByteArrayContent(package.Manifest) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.ImageManifest);
            return request;
        }, "PUT manifest", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted))
            throw await Failed(target, "PUT manifest", response, cancellationToken).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var digests) && digests.FirstOrDefault() is { } stored && stored != package.Digest)
            throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
                $"Pushing to '{target.Text}': the registry stored the manifest as {stored}, not as {package.Digest} (its digest): it rewrote the manifest, so restores by this digest would fail. Use a registry that stores OCI manifests as sent.");
    }

    /// <summary>A request retried on a broken connection or a 5xx (a few times); other answers are the caller's.</summary>
    private async Task<HttpResponseMessage> Retry(OciRegistryClient client, OciModelHandle target, Func<HttpRequestMessage> create, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await client.SendAsync(create, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode < 500 || attempt >= MaxAttempts)
                    return response;
                response.Dispose();
            }
            catch (Exception e) when ((e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested)) && attempt < MaxAttempts)
            {
                _context.Log($"{target.Text}: {what} failed ({e.Message}); trying again");
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new ModelRefsException(RestoreDiagnostics.OciPushFailed,
                    $"Pushing to '{target.Text}': {what} at {target.Registry} failed {attempt} times ({e.Message}). Check that the registry is reachable, then push again.", e);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Uri> UploadLocationAsync(OciRegistryClient client, OciModelHandle target, HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await Failed(target, what, response, cancellationToken).ConfigureAwait(false);
        return Resolve(client, response.Headers.Location)
            ?? throw new ModelRefsException(RestoreDiagnostics.OciInvalidAnswer,
                $"Pushing to '{target.Text}': the registry {target.Registry} started an upload (202) without a Location header. Check that it is an OCI registry.");
    }

    private static Uri? Resolve(OciRegistryClient client, Uri? location) =>
        location is null ? null : location.IsAbsoluteUri ? location : new Uri(client.BaseUrl, location);

    private static async Task<ModelRefsException> Failed(OciModelHandle target, string what, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = "";
        try
        {
            body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
        }
        if (body.Length > 400)
            body = body[..400] + "…";
        return new ModelRefsException(RestoreDiagnostics.OciPushFailed,
            $"Pushing to '{target.Text}': the registry {target.Registry} answered {what} with HTTP {(int)response.StatusCode}{(body.Length > 0 ? ": " + body : "")}. " +
            "Check the target repository and that the account may push to it, then push again.");
    }

    private sealed class UploadInterruptedException(string message) : Exception(message);

    private sealed class UploadForgottenException : Exception;

    /// <summary>A range of a file (or of bytes) as a request body, opened when sent (so a retried request reads it again).</summary>
    private sealed class FileSliceContent(OciPackageFile file, long offset, long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var source = file.Open();
            source.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[Math.Min(1 << 16, Math.Max(1, length))];
            var left = length;
            while (left > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    throw new IOException($"{file.Path} is shorter than {offset + length} bytes: it changed while it was pushed");
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                left -= read;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long result)
        {
            result = length;
            return true;
        }
    }
}
