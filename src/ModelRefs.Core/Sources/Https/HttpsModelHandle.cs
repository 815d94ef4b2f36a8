namespace ModelRefs.Core.Sources.Https;

/// <summary>
/// A plain download over HTTPS; its <c>Sha256</c> metadata (or the lock) pins the content.
/// <para>
/// The query string is secret: signed URLs carry their credentials there (<c>?token=…&amp;sig=…</c>).
/// <see cref="ModelHandle.Text"/>, which the lock, the cache, the manifest, the generated code, the
/// notices and every message show, is the URL with each query value replaced by <c>***</c>; only
/// the request itself (<see cref="Uri"/>) carries the real values.
/// </para>
/// </summary>
public sealed class HttpsModelHandle : ModelHandle
{
    private HttpsModelHandle(Uri uri, string fileName) : base(PublicUrl(uri), fileName) => Uri = uri;

    /// <summary>The URL to request, secrets included: never written anywhere.</summary>
    public Uri Uri { get; }

    internal override string Address => Uri.AbsoluteUri;

    /// <summary>The URL as it may be written (<see cref="Downloads.WithoutQueryValues"/>).</summary>
    public static string PublicUrl(Uri url) => Downloads.WithoutQueryValues(url);

    public override string Scheme => "https";

    public override string? MovablePin(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue("Sha256", out var sha) && !string.IsNullOrWhiteSpace(sha)
            ? null
            : "the server can change what the URL serves; only models.lock.json's SHA-256 pins it. Set Sha256=\"…\" on the item to pin it in the project too.";

    internal static HttpsModelHandle Create(string include)
    {
        if (!Uri.TryCreate(include, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw Invalid(include, "this is not a valid URL. Write https://host/path/model.onnx.");

        // Credentials in a URL would end up in the lock file and in logs.
        if (uri.UserInfo.Length != 0)
            throw Invalid(Redact(uri), "the URL carries a user name or password. Remove it: ModelRefs never writes credentials to the lock file or logs.");

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            throw Invalid(include, "plain http:// downloads are refused because the content could be altered on the way. " +
                "Use https://. (http:// is only accepted for loopback hosts such as 127.0.0.1 and localhost, for local test servers.)");
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            throw Invalid(include, "only https:// URLs can be downloaded.");

        var fileName = Uri.UnescapeDataString(uri.Segments[^1]);
        if (fileName.Length == 0 || fileName.EndsWith('/') || fileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw Invalid(include, "the URL does not end with a file name. Write the URL of the model file itself, e.g. https://host/models/model.onnx.");

        // Fragments are never sent to the server, so they are no part of the identity.
        var normalised = uri.Fragment.Length == 0 ? uri : new UriBuilder(uri) { Fragment = "" }.Uri;
        return new HttpsModelHandle(normalised, fileName);
    }

    private static string Redact(Uri uri) => PublicUrl(uri);
}
