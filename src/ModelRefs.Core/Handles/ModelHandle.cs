using System.Text.RegularExpressions;
using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Handles;

/// <summary>
/// A parsed <c>ModelReference</c> Include. Each scheme has its own sealed type; sources dispatch on it.
/// </summary>
public abstract class ModelHandle : IEquatable<ModelHandle>
{
    private protected ModelHandle(string text, string fileName)
    {
        Text = text;
        FileName = fileName;
        DefaultName = IdentifierNames.ToPascalCase(Path.GetFileNameWithoutExtension(fileName));
    }

    /// <summary>The normalised handle, as written to the lock file and in messages.</summary>
    public string Text { get; }

    /// <summary>The artifact's file name (last segment of the path or URL).</summary>
    public string FileName { get; }

    /// <summary>PascalCase of <see cref="FileName"/> without extension; always a valid C# identifier.</summary>
    public string DefaultName { get; }

    /// <summary>Scheme name used in messages and cache keys: <c>local</c>, <c>https</c>, <c>npm</c>.</summary>
    public abstract string Scheme { get; }

    public const string SupportedForms =
        "a local path (relative to the project folder, or absolute, or file:), " +
        "https://host/path/model.onnx, npm:<package>@<exact version>/<path inside the package>, " +
        "torchhub:<owner>/<repo>[:<ref>]/<entrypoint>, " +
        "or tfhub:<publisher>/<model>[/<variation>…]/<version> (also as a https://tfhub.dev/… or https://www.kaggle.com/models/… URL)";

    // A scheme is two or more characters before ':' so that Windows drive letters (C:\…) stay paths.
    private static readonly Regex SchemePattern = new(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]+):", RegexOptions.CultureInvariant);

    private static readonly string[] NotYetSupported = ["hf", "oci"];

    /// <summary>Parses an Include. Throws <see cref="ModelRefsException"/> (MR0001) when it is not a valid handle.</summary>
    public static ModelHandle Parse(string include, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var text = (include ?? "").Trim();
        if (text.Length == 0)
            throw Invalid(include ?? "", "the Include is empty. Write " + SupportedForms + ".");

        var match = SchemePattern.Match(text);
        if (!match.Success)
            return LocalModelHandle.Create(text, text, projectDirectory);

        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        var rest = text[(match.Length)..];
        switch (scheme)
        {
            case "npm":
                return NpmModelHandle.Create(text, rest);
            case "https":
            case "http":
                // tfhub.dev and Kaggle model URLs name TF Hub models, not plain files (contract.md).
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && TfHubModelHandle.IsHubUrl(uri))
                    return TfHubModelHandle.CreateFromUrl(text, uri);
                return HttpsModelHandle.Create(text);
            case "file":
                return LocalModelHandle.CreateFromFileScheme(text, rest, projectDirectory);
            case "torchhub":
                return TorchHubModelHandle.Create(text, rest);
            case "tfhub":
                return TfHubModelHandle.Create(text, rest);
        }
        if (Array.IndexOf(NotYetSupported, scheme) >= 0)
            throw NotSupported(text, scheme);
        throw Invalid(text, $"the scheme '{scheme}:' is not known. Write {SupportedForms}.");
    }

    private static ModelRefsException NotSupported(string text, string scheme) =>
        Invalid(text, $"'{scheme}:' handles are not supported by this version of ModelRefs yet. " +
            $"Supported now: {SupportedForms}. Until then, export the model to ONNX and reference the file.");

    internal static ModelRefsException Invalid(string include, string what) =>
        new(RestoreDiagnostics.InvalidHandle, $"Model '{include}': {what}");

    public override string ToString() => Text;

    public bool Equals(ModelHandle? other) =>
        other is not null && other.GetType() == GetType() && string.Equals(other.Text, Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ModelHandle);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}
