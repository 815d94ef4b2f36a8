using System.Net;
using ModelRefs.Core.Caching;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Handles;

namespace ModelRefs.Core.Sources;

/// <summary>HTTP plumbing shared by the sources: every network failure becomes MR0003 naming the model and URL.</summary>
internal static class Downloads
{
    /// <summary>Sends a GET and returns the response once its headers arrived and its status is a success.</summary>
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
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw Failed(handle, url, Describe(e), e);
        }

        if (response.IsSuccessStatusCode)
            return response;
        using (response)
        {
            var status = response.StatusCode;
            throw statusError?.Invoke(status) ?? Failed(handle, url, $"the server answered HTTP {(int)status} {response.ReasonPhrase}", null);
        }
    }

    /// <summary>Streams a success response's body into the cache; the cache verifies before anything is visible.</summary>
    public static async Task<CachedBlob> SaveAsync(ModelHandle handle, HttpResponseMessage response, ModelCache cache,
        BlobAddOptions options, CancellationToken cancellationToken)
    {
        var url = response.RequestMessage?.RequestUri;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await cache.AddAsync(body, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw Failed(handle, url, "the download broke off before the end (" + Describe(e) + "); nothing was cached", e);
        }
    }

    public static string Redact(Uri? url) =>
        url is null ? "(unknown URL)" : url.UserInfo.Length == 0 ? url.AbsoluteUri : new UriBuilder(url) { UserName = "", Password = "" }.Uri.AbsoluteUri;

    private static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested); // HttpClient.Timeout

    private static string Describe(Exception e) =>
        e is OperationCanceledException ? "timed out" : e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;

    private static ModelRefsException Failed(ModelHandle handle, Uri? url, string what, Exception? inner) =>
        new(RestoreDiagnostics.DownloadFailed,
            $"Model '{handle.Text}': downloading {Redact(url)} failed: {what}. Check the URL and the network (proxy settings, " +
            "HTTPS_PROXY), then restore again; to build without network, restore once online and then use ModelRefsOffline.",
            inner);
}
