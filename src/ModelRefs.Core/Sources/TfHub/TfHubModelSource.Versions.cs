using System.Globalization;
using System.Net;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TfHub;

public sealed partial class TfHubModelSource : IVersionedSource
{
    /// <summary>
    /// The latest version, as restore learns it: the unversioned download URL redirects to a URL
    /// that names its version. Only the response headers are read; nothing is downloaded.
    /// </summary>
    public async Task<ModelVersions> GetVersionsAsync(ModelHandle handle, FetchContext context, CancellationToken cancellationToken = default)
    {
        var hub = (TfHubModelHandle)handle;
        var format = ResolveFormat(hub, context.GetMetadata("Format"));
        var baseUrl = BaseUrl(context.Settings.Get(TfHubSettings.Url));
        var current = VersionFromResolved(hub, context.PinnedResolved) ?? hub.Version;
        var latest = await LatestVersionAsync(hub, context, baseUrl, format, cancellationToken).ConfigureAwait(false);
        var text = latest.ToString(CultureInfo.InvariantCulture);
        return new ModelVersions(current?.ToString(CultureInfo.InvariantCulture), text, current is { } c && latest > c ? [text] : [])
        {
            IsMovedRef = hub.Version is null, // no version in the handle: it means the latest
        };
    }

    /// <summary>The model path at another version: <c>tfhub:…/lightning/5</c>.</summary>
    public ModelHandle WithVersion(ModelHandle handle, string version)
    {
        var hub = (TfHubModelHandle)handle;
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            throw ModelHandle.Invalid(hub.Text, $"'{version}' is not a TF Hub version: versions are whole numbers (1, 2, …).");
        return ModelHandle.Parse("tfhub:" + hub.PathAt(number), Environment.CurrentDirectory);
    }

    private static async Task<int> LatestVersionAsync(TfHubModelHandle hub, FetchContext context, Uri baseUrl, TfHubFormat format, CancellationToken cancellationToken)
    {
        var url = new Uri(baseUrl, hub.ModelPath + "?" + Query(format));
        for (var hop = 0; hop <= context.Download.MaxRedirects; hop++)
        {
            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
            {
                throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                    $"Model '{hub.Text}': asking {Downloads.Redact(url)} for the latest version failed: {e.Message}", e);
            }
            using (response)
            {
                // A client that follows redirects itself ends on the versioned URL already.
                if (hop > 0 || response.RequestMessage?.RequestUri != url)
                    if (VersionFromFinalUrl(response.RequestMessage?.RequestUri ?? url) is { } served)
                        return served;
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw NotFound(hub, url, format);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    url = new Uri(url, location);
                    if (VersionFromFinalUrl(url) is { } redirectedTo)
                        return redirectedTo;
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new ModelRefsException(RestoreDiagnostics.DownloadFailed,
                        $"Model '{hub.Text}': {Downloads.Redact(url)} answered HTTP {status} {response.ReasonPhrase} when asked for the latest version.");
                break;
            }
        }
        throw new ModelRefsException(RestoreDiagnostics.TfHubVersionUnresolved,
            $"Model '{hub.Text}': the hub's answer for {Downloads.Redact(new Uri(baseUrl, hub.ModelPath))} does not say which version is the latest. " +
            "Look it up on the model's page and write it in the Include.");
    }
}
