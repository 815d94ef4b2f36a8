using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources;

/// <summary>
/// HTTP plumbing shared by the sources (see docs/restore.md): bodies streamed through one pooled
/// 64 KiB buffer whatever their size; per-request connect and idle timeouts; bounded retries with
/// exponential backoff, jitter and <c>Retry-After</c>; resume with <c>Range</c>/<c>If-Range</c>;
/// Content-Length checked; redirects followed by hand (https→http refused except to loopback,
/// loops and chains over the limit fail); tokens only for their own origin. Every failure ends
/// as a <see cref="ModelRefsException"/> (MR0003 unless a source maps it) naming the model and
/// the redacted URLs, and the cache never holds a partial blob.
/// </summary>
internal static class Downloads
{
    /// <summary>
    /// How a source names a hub's failures from more than the status: <see cref="Response"/> sees a
    /// final failure answer with its headers (Hugging Face's <c>X-Error-Code</c>) before
    /// <c>statusError</c>; <see cref="GaveUp"/> names the failure when the last retryable answer
    /// (a 429) was still a failure after every attempt. Either returns null to keep the default.
    /// </summary>
    public sealed record ErrorMap
    {
        public Func<HttpResponseMessage, ModelRefsException?>? Response { get; init; }

        /// <summary>The last answer's status (0 for a network failure) and what went wrong, attempts included.</summary>
        public Func<int, string, ModelRefsException?>? GaveUp { get; init; }
    }

    /// <summary>A verified blob and the URL its bytes came from (after redirects).</summary>
    public sealed record Downloaded(CachedBlob Blob, Uri FinalUrl);

    /// <summary>
    /// Downloads <paramref name="url"/> into the cache. Bytes go to a temp file of the cache
    /// (<see cref="BlobWriter"/>) as they arrive and are hashed on the way; an interrupted attempt
    /// resumes where it stopped when the server honours <c>Range</c>, else starts again from 0.
    /// A <see cref="ContentHashMismatchException"/> (and whatever <see cref="BlobAddOptions.Verify"/>
    /// throws) reaches the caller, after one full re-download when the content was stitched from
    /// several responses. The temp file is deleted on every way out.
    /// </summary>
    /// <param name="statusError">Maps some final statuses (a hub's or a zipball's 404) to a source's own diagnostic; null means MR0003.</param>
    public static async Task<Downloaded> DownloadToCacheAsync(ModelHandle handle, FetchContext context, Uri url,
        BlobAddOptions options, CancellationToken cancellationToken, Func<HttpStatusCode, ModelRefsException?>? statusError = null,
        ErrorMap? errors = null, RequestAuthorization? authorization = null)
    {
        var settings = context.Download;
        var expected = ModelCache.NormalizeExpected(options);
        await using var writer = context.Cache.CreateBlobWriter(options.ExtraHashAlgorithm, options.Feed);
        var chain = new List<Uri>();
        RangeConditionHeaderValue? validator = null; // identifies the content the writer holds
        var stitched = false;
        long? total = null;
        // A source's own check (npm's integrity, a listed size) refusing stitched content is a
        // mismatch like a wrong SHA-256: the parts may come from two versions of the file.
        var refusedByCheck = false;
        var commitOptions = options.Verify is not { } verify ? options : options with
        {
            Verify = hashes =>
            {
                try
                {
                    verify(hashes);
                }
                catch
                {
                    refusedByCheck = true;
                    throw;
                }
            },
        };
        await using var progress = new DownloadProgress(handle.Text, context);

        for (var attempt = 1; ; attempt++)
        {
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var phase = new Phase();
            try
            {
                // Resume only what can be validated: an ETag or Last-Modified, or a pinned hash.
                var from = writer.Length > 0 && (validator is not null || expected is not null) ? writer.Length : 0;
                if (from == 0 && writer.Length > 0)
                    writer.Reset();

                using var response = await OpenAsync(handle, context, url, accept: null, from, validator, statusError,
                    chain, attemptCts, phase, errors, authorization).ConfigureAwait(false);
                var declared = response.Content.Headers.ContentLength;
                if (response.StatusCode == HttpStatusCode.PartialContent)
                {
                    var range = response.Content.Headers.ContentRange;
                    if (from == 0 || range is not { HasRange: true, From: { } start } || start != from || Changed(validator, response))
                    {
                        writer.Reset();
                        validator = null;
                        stitched = false;
                        throw new RetryableException($"the server answered with a range that was not asked for ({range})");
                    }
                    stitched = true;
                    total = range.Length ?? (declared is { } part ? from + part : total);
                    if (attempt > 1)
                        context.Log($"ModelRefs: downloading {handle.Text}: resuming at byte {from}");
                }
                else
                {
                    if (writer.Length > 0)
                    {
                        context.Log($"ModelRefs: downloading {handle.Text}: the server does not resume downloads, starting again from byte 0");
                        writer.Reset();
                    }
                    stitched = false;
                    validator = ValidatorOf(response);
                    total = declared;
                }

                phase.Value = Phase.Body;
                await using (var body = await response.Content.ReadAsStreamAsync(attemptCts.Token).ConfigureAwait(false))
                {
                    var received = await CopyAsync(body, writer, declared, settings.IdleTimeout, attemptCts, progress, total).ConfigureAwait(false);
                    if (declared is { } length && received < length)
                        throw new RetryableException($"the body ended after {received} of the {length} bytes its Content-Length announced");
                }

                try
                {
                    refusedByCheck = false;
                    var blob = await writer.CommitAsync(commitOptions, cancellationToken).ConfigureAwait(false);
                    progress.Completed(blob.Length);
                    return new Downloaded(blob, chain[^1]);
                }
                catch (Exception e) when ((e is ContentHashMismatchException || refusedByCheck) && stitched && attempt < settings.MaxAttempts)
                {
                    // The parts may come from two versions of the file: one clean download decides.
                    context.Log($"ModelRefs: downloading {handle.Text}: the resumed download does not verify, downloading it again in full");
                    writer.Reset();
                    validator = null;
                    stitched = false;
                }
            }
            catch (Exception e) when (Retryable(e, phase, attemptCts, cancellationToken, settings) is { } failure)
            {
                if (e is MoreBytesThanDeclaredException)
                {
                    writer.Reset();
                    validator = null;
                }
                if (attempt >= settings.MaxAttempts)
                    throw GaveUp(errors, e, $"{failure.What}; gave up after {attempt} attempt{(attempt == 1 ? "" : "s")}")
                        ?? Failed(handle, context, chain.Count > 0 ? chain : [url],
                        $"{failure.What}; gave up after {attempt} attempt{(attempt == 1 ? "" : "s")}", e);
                var delay = Backoff(settings, attempt, failure.RetryAfter);
                context.Log(context.Credentials.Scrub(
                    $"ModelRefs: downloading {handle.Text}: attempt {attempt} of {settings.MaxAttempts} failed ({failure.What}); " +
                    $"retrying in {delay.TotalSeconds:0.0} s" + (writer.Length > 0 ? $" from byte {writer.Length}" : "")));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>GETs a small JSON document (an npm version document) with the same retries, timeouts and redirects.</summary>
    /// <param name="statusError">Maps some statuses (npm 404) to a source's own diagnostic; null means MR0003.</param>
    /// <param name="notJson">The error for a body that is not JSON (not retried).</param>
    public static async Task<JsonDocument> GetJsonAsync(ModelHandle handle, FetchContext context, Uri url,
        Func<HttpStatusCode, ModelRefsException?>? statusError, Func<JsonException, ModelRefsException> notJson, CancellationToken cancellationToken,
        ErrorMap? errors = null)
    {
        var settings = context.Download;
        var chain = new List<Uri>();
        for (var attempt = 1; ; attempt++)
        {
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var phase = new Phase();
            try
            {
                using var response = await OpenAsync(handle, context, url, "application/json", 0, null, statusError, chain, attemptCts, phase, errors).ConfigureAwait(false);
                phase.Value = Phase.Body;
                await using var body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(attemptCts.Token).ConfigureAwait(false),
                    settings.IdleTimeout, attemptCts);
                try
                {
                    return await JsonDocument.ParseAsync(body, cancellationToken: attemptCts.Token).ConfigureAwait(false);
                }
                catch (JsonException e)
                {
                    throw notJson(e);
                }
            }
            catch (Exception e) when (Retryable(e, phase, attemptCts, cancellationToken, settings) is { } failure)
            {
                if (attempt >= settings.MaxAttempts)
                    throw GaveUp(errors, e, $"{failure.What}; gave up after {attempt} attempts")
                        ?? Failed(handle, context, chain.Count > 0 ? chain : [url], $"{failure.What}; gave up after {attempt} attempts", e);
                var delay = Backoff(settings, attempt, failure.RetryAfter);
                context.Log($"ModelRefs: {handle.Text}: GET {WithoutQueryValues(url)}: attempt {attempt} of {settings.MaxAttempts} failed ({failure.What}); retrying in {delay.TotalSeconds:0.0} s");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The <c>Authorization</c> a source sends itself (an OCI registry's Bearer token or Basic
    /// credentials) instead of <see cref="Credentials.TokenFor"/>: asked per request, and only for
    /// URLs of the first URL's origin, so a redirect to a storage host never carries it.
    /// </summary>
    public delegate AuthenticationHeaderValue? RequestAuthorization(Uri url);

    /// <summary>A small body read whole, with its media type (an OCI manifest).</summary>
    public sealed record SmallBody(byte[] Bytes, string? MediaType, Uri FinalUrl);

    /// <summary>
    /// GETs a small document whole (at most <paramref name="maxBytes"/>) with the retries, timeouts and
    /// redirects of <see cref="DownloadToCacheAsync"/>: for bodies a source must hash or parse
    /// exactly as sent (an OCI manifest is verified against its digest).
    /// </summary>
    /// <param name="tooLarge">The error for a body over <paramref name="maxBytes"/> (not retried).</param>
    public static async Task<SmallBody> GetBytesAsync(ModelHandle handle, FetchContext context, Uri url, string? accept, int maxBytes,
        Func<long, ModelRefsException> tooLarge, CancellationToken cancellationToken, ErrorMap? errors = null, RequestAuthorization? authorization = null)
    {
        var settings = context.Download;
        var chain = new List<Uri>();
        for (var attempt = 1; ; attempt++)
        {
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var phase = new Phase();
            try
            {
                using var response = await OpenAsync(handle, context, url, accept, 0, null, null, chain, attemptCts, phase, errors, authorization).ConfigureAwait(false);
                var declared = response.Content.Headers.ContentLength;
                if (declared > maxBytes)
                    throw tooLarge(declared.Value);
                phase.Value = Phase.Body;
                await using var body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(attemptCts.Token).ConfigureAwait(false),
                    settings.IdleTimeout, attemptCts);
                var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await body.ReadAsync(chunk, attemptCts.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                        throw tooLarge(buffer.Length + read);
                    buffer.Write(chunk, 0, read);
                }
                if (declared is { } length && buffer.Length < length)
                    throw new RetryableException($"the body ended after {buffer.Length} of the {length} bytes its Content-Length announced");
                return new SmallBody(buffer.ToArray(), response.Content.Headers.ContentType?.MediaType, chain[^1]);
            }
            catch (Exception e) when (Retryable(e, phase, attemptCts, cancellationToken, settings) is { } failure)
            {
                if (attempt >= settings.MaxAttempts)
                    throw GaveUp(errors, e, $"{failure.What}; gave up after {attempt} attempts")
                        ?? Failed(handle, context, chain.Count > 0 ? chain : [url], $"{failure.What}; gave up after {attempt} attempts", e);
                var delay = Backoff(settings, attempt, failure.RetryAfter);
                context.Log($"ModelRefs: {handle.Text}: GET {WithoutQueryValues(url)}: attempt {attempt} of {settings.MaxAttempts} failed ({failure.What}); retrying in {delay.TotalSeconds:0.0} s");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One GET, returned once its headers arrived and its status is a success (single attempt, the
    /// client's own redirects). Kept for callers not yet on <see cref="DownloadToCacheAsync"/>,
    /// which adds retries, resume, timeouts, manual redirects and credentials.
    /// </summary>
    /// <param name="statusError">Lets a source map some statuses (npm 404) to its own diagnostic; null means MR0003.</param>
    public static async Task<HttpResponseMessage> GetAsync(ModelHandle handle, HttpClient http, Uri url, string? accept,
        Func<HttpStatusCode, ModelRefsException?>? statusError, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
            request.Headers.Accept.ParseAdd(accept);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
        {
            throw Failed(handle, url, e is OperationCanceledException ? "timed out" : Describe(e), e);
        }

        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw statusError?.Invoke(response.StatusCode) ?? Failed(handle, url, $"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null);
    }

    /// <summary>Streams a success response's body into the cache (single attempt); the cache verifies before anything is visible.</summary>
    public static async Task<CachedBlob> SaveAsync(ModelHandle handle, HttpResponseMessage response, ModelCache cache,
        BlobAddOptions options, CancellationToken cancellationToken)
    {
        var url = response.RequestMessage?.RequestUri;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await cache.AddAsync(body, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
        {
            throw Failed(handle, url, "the download broke off before the end (" + Describe(e) + "); nothing was cached", e);
        }
    }

    private static ModelRefsException Failed(ModelHandle handle, Uri? url, string what, Exception? inner) =>
        new(RestoreDiagnostics.DownloadFailed,
            $"Model '{handle.Text}': downloading {WithoutQueryValues(url)} failed: {what}. Check the URL and the network (proxy settings, " +
            "HTTPS_PROXY), then restore again; to build without network, restore once online and then use ModelRefsOffline.",
            inner);

    /// <summary>
    /// Sends GETs along the redirect chain until a success, which it returns with headers read.
    /// Throws <see cref="RetryableException"/> for statuses worth another attempt and
    /// <see cref="ModelRefsException"/> for the rest; network errors pass through to the caller's filter.
    /// </summary>
    private static async Task<HttpResponseMessage> OpenAsync(ModelHandle handle, FetchContext context, Uri url, string? accept,
        long from, RangeConditionHeaderValue? validator, Func<HttpStatusCode, ModelRefsException?>? statusError,
        List<Uri> chain, CancellationTokenSource attemptCts, Phase phase, ErrorMap? errors = null, RequestAuthorization? authorization = null)
    {
        var settings = context.Download;
        chain.Clear();
        chain.Add(url);
        var current = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (accept is not null)
                request.Headers.Accept.ParseAdd(accept);
            // GitHub refuses requests without a User-Agent; hosts that set none on their client get ours.
            if (context.Http.DefaultRequestHeaders.UserAgent.Count == 0)
                request.Headers.UserAgent.ParseAdd(TorchHub.GitHubRepoClient.UserAgent);
            if (from > 0)
            {
                request.Headers.Range = new RangeHeaderValue(from, null);
                if (validator is not null)
                    request.Headers.IfRange = validator;
            }
            // Never across origins: a redirect elsewhere loses the token even if that origin has one.
            if (SameOrigin(current, url))
            {
                if (authorization is not null)
                    request.Headers.Authorization = authorization(current);
                else if (context.Credentials.TokenFor(current) is { } token)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            phase.Value = Phase.Connect;
            attemptCts.CancelAfter(settings.ConnectTimeout);
            var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
            attemptCts.CancelAfter(Timeout.InfiniteTimeSpan);

            // A client with AllowAutoRedirect followed some hops itself (and dropped Authorization).
            if (response.RequestMessage?.RequestUri is { } followed && followed != current)
            {
                current = followed;
                chain.Add(followed);
            }

            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                var location = response.Headers.Location;
                response.Dispose();
                if (location is null)
                    throw Failed(handle, context, chain, $"the server answered HTTP {status} without a Location", null);
                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                chain.Add(next);
                if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                    throw Failed(handle, context, chain, $"a redirect leads to a '{next.Scheme}' URL, which is not http(s)", null);
                if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !next.IsLoopback)
                    throw Failed(handle, context, chain, "a redirect from https to plain http was refused (it would drop the transport security)", null);
                if (chain.Take(chain.Count - 1).Contains(next))
                    throw Failed(handle, context, chain, "the redirects form a loop", null);
                if (hop + 1 > settings.MaxRedirects)
                    throw Failed(handle, context, chain, $"more than {settings.MaxRedirects} redirects", null);
                current = next;
                continue;
            }

            if (response.IsSuccessStatusCode)
                return response;

            using (response)
            {
                var what = $"the server answered HTTP {status} {response.ReasonPhrase}";
                if (status is 408 or 429 || (status >= 500 && status != 501 && status != 505))
                    throw new RetryableException(what, RetryAfter(response)) { Status = status };
                throw errors?.Response?.Invoke(response) ?? statusError?.Invoke(response.StatusCode) ?? Failed(handle, context, chain, what, null);
            }
        }
    }

    /// <summary>Copies a body with one pooled buffer, an idle timeout per read and Content-Length checked.</summary>
    private static async Task<long> CopyAsync(Stream body, BlobWriter writer, long? declared, TimeSpan idleTimeout,
        CancellationTokenSource attemptCts, DownloadProgress progress, long? total)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ModelCache.CopyBufferSize);
        long received = 0;
        try
        {
            while (true)
            {
                attemptCts.CancelAfter(idleTimeout);
                var read = await body.ReadAsync(buffer.AsMemory(0, ModelCache.CopyBufferSize), attemptCts.Token).ConfigureAwait(false);
                attemptCts.CancelAfter(Timeout.InfiniteTimeSpan);
                if (read == 0)
                    return received;
                if (declared is { } length && received + read > length)
                    throw new MoreBytesThanDeclaredException($"the body is longer than the {length} bytes its Content-Length announced");
                await writer.WriteAsync(buffer.AsMemory(0, read), attemptCts.Token).ConfigureAwait(false);
                received += read;
                progress.Report(writer.Length, total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Phase
    {
        public const string Connect = "connect";
        public const string Body = "body";
        public string Value = Connect;
    }

    private sealed record Failure(string What, TimeSpan? RetryAfter);

    /// <summary>What went wrong when an attempt may be repeated, else null (the exception propagates).</summary>
    private static Failure? Retryable(Exception e, Phase phase, CancellationTokenSource attemptCts, CancellationToken cancellationToken, DownloadOptions settings)
    {
        if (cancellationToken.IsCancellationRequested)
            return null;
        if (e is RetryableException retryable)
            return new Failure(retryable.Message, retryable.RetryAfter);
        if (attemptCts.IsCancellationRequested && e is OperationCanceledException or IOException or HttpRequestException)
            return new Failure(phase.Value == Phase.Connect
                ? $"timed out: no answer within {Seconds(settings.ConnectTimeout)}"
                : $"timed out: no data for {Seconds(settings.IdleTimeout)}", null);
        return e switch
        {
            OperationCanceledException => new Failure("timed out (HttpClient.Timeout)", null),
            HttpRequestException or IOException => new Failure(phase.Value == Phase.Body
                ? "the connection broke off before the end of the body (" + Describe(e) + ")"
                : Describe(e), null),
            _ => null,
        };
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds < 10 ? $"{time.TotalSeconds:0.#} s" : $"{time.TotalSeconds:0} s";

    /// <summary>Exponential backoff with 50–100 % jitter, or the server's Retry-After; both capped.</summary>
    internal static TimeSpan Backoff(DownloadOptions settings, int attempt, TimeSpan? retryAfter)
    {
        var cap = settings.MaxRetryDelay;
        if (retryAfter is { } asked)
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > cap ? cap : asked;
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var jittered = Math.Min(exponential, cap.TotalMilliseconds) * (0.5 + Random.Shared.NextDouble() * 0.5);
        return TimeSpan.FromMilliseconds(jittered);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    /// <summary>A strong ETag, else Last-Modified: what If-Range can name; null when neither (no resume then, unless pinned).</summary>
    private static RangeConditionHeaderValue? ValidatorOf(HttpResponseMessage response)
    {
        if (response.Headers.ETag is { IsWeak: false } etag)
            return new RangeConditionHeaderValue(etag);
        if (response.Content.Headers.LastModified is { } lastModified)
            return new RangeConditionHeaderValue(lastModified);
        return null;
    }

    private static bool Changed(RangeConditionHeaderValue? validator, HttpResponseMessage response) =>
        validator?.EntityTag is { } etag && response.Headers.ETag is { } now && now.Tag != etag.Tag;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Query parameters whose values are secrets in common hubs' and clouds' URLs.</summary>
    private static readonly string[] SecretParameters =
    [
        "token", "access_token", "auth", "authorization", "key", "api_key", "apikey", "password", "secret", "sig", "signature",
        "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential", "se", "st", "sp",
    ];

    /// <summary>
    /// The URL without user info, fragment and query values (each <c>***</c>, names kept, so the
    /// shape shows): what messages about a request show, since a URL a user wrote (a signed URL)
    /// may carry a credential under any parameter name.
    /// </summary>
    public static string WithoutQueryValues(Uri? url)
    {
        if (url is null)
            return "(unknown URL)";
        if (!url.IsAbsoluteUri)
            return "(relative URL)";
        var builder = new UriBuilder(url) { UserName = "", Password = "", Fragment = "" };
        if (url.Query.Length > 1)
            builder.Query = string.Join('&', url.Query[1..].Split('&').Select(p => p.IndexOf('=') is var equals && equals >= 0 ? p[..equals] + "=***" : p));
        return builder.Uri.AbsoluteUri;
    }

    /// <summary>Text that may be a URL a user wrote (an Include), as messages may show it: a URL's query values hidden.</summary>
    public static string WithoutQueryValues(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? WithoutQueryValues(url)
            : text;

    /// <summary>
    /// The URL without userinfo and with secret-looking query values replaced by <c>***</c>: for
    /// the hub URLs ModelRefs composes itself, whose other parameters (<c>?tfjs-format=compressed</c>)
    /// are part of what the lock and the cache record.
    /// </summary>
    public static string Redact(Uri? url)
    {
        if (url is null)
            return "(unknown URL)";
        if (!url.IsAbsoluteUri)
            return url.OriginalString;
        var builder = url.UserInfo.Length == 0 ? null : new UriBuilder(url) { UserName = "", Password = "" };
        var query = url.Query;
        if (query.Length > 1)
        {
            var parts = query[1..].Split('&');
            var changed = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var equals = parts[i].IndexOf('=');
                var name = Uri.UnescapeDataString(equals < 0 ? parts[i] : parts[i][..equals]);
                if (equals >= 0 && (SecretParameters.Contains(name, StringComparer.OrdinalIgnoreCase)
                                    || name.Contains("token", StringComparison.OrdinalIgnoreCase)))
                {
                    parts[i] = parts[i][..equals] + "=***";
                    changed = true;
                }
            }
            if (changed)
            {
                builder ??= new UriBuilder(url);
                builder.Query = string.Join('&', parts);
            }
        }
        return builder is null ? url.AbsoluteUri : builder.Uri.AbsoluteUri;
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} {inner.Message}" : e.Message;

    internal static ModelRefsException Failed(ModelHandle handle, FetchContext context, IReadOnlyList<Uri> chain, string what, Exception? inner)
    {
        var where = chain.Count == 0 ? "(unknown URL)" : chain.Count == 1 ? WithoutQueryValues(chain[0])
            : $"{WithoutQueryValues(chain[0])} (redirects: {string.Join(" -> ", chain.Skip(1).Select(WithoutQueryValues))})";
        return new ModelRefsException(RestoreDiagnostics.DownloadFailed, context.Credentials.Scrub(
            $"Model '{handle.Text}': downloading {where} failed: {what}. Check the URL and the network (proxy settings, " +
            "HTTPS_PROXY), then restore again; to build without network, restore once online and then use ModelRefsOffline."),
            inner);
    }

    private class RetryableException(string message, TimeSpan? retryAfter = null) : Exception(message)
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;

        /// <summary>The HTTP status that made the attempt fail; 0 when it was not an answer.</summary>
        public int Status { get; init; }
    }

    private static ModelRefsException? GaveUp(ErrorMap? errors, Exception last, string what) =>
        errors?.GaveUp?.Invoke(last is RetryableException retryable ? retryable.Status : 0, what);

    private sealed class MoreBytesThanDeclaredException(string message) : RetryableException(message);

    /// <summary>A read-only stream whose every read must finish within the idle timeout.</summary>
    private sealed class IdleTimeoutStream(Stream inner, TimeSpan idleTimeout, CancellationTokenSource attemptCts) : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            attemptCts.CancelAfter(idleTimeout);
            var read = await inner.ReadAsync(buffer, attemptCts.Token).ConfigureAwait(false);
            attemptCts.CancelAfter(Timeout.InfiniteTimeSpan);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
