using System.Text.RegularExpressions;

namespace ModelRefs.Core.Sources.TfHub;

/// <summary>The formats a TF Hub model can be downloaded in (the <c>Format</c> metadata).</summary>
public enum TfHubFormat
{
    /// <summary>A TensorFlow SavedModel (<c>?tf-hub-format=compressed</c>): the hub's default.</summary>
    SavedModel,

    /// <summary>A TF.js graph model (<c>?tfjs-format=compressed</c>).</summary>
    TfJs,

    /// <summary>A TensorFlow Lite flatbuffer (<c>?lite-format=tflite</c>).</summary>
    TfLite,
}

/// <summary>
/// <c>tfhub:&lt;publisher&gt;/&lt;model&gt;[/&lt;variation&gt;…][/&lt;version&gt;]</c>: a TF Hub model. The same
/// model can be written as a tfhub.dev URL or a Kaggle Models URL; all three parse to one handle whose
/// <see cref="ModelHandle.Text"/> is the <c>tfhub:</c> form (see docs/tfhub.md for the mapping):
/// <list type="bullet">
/// <item><c>https://tfhub.dev/google/movenet/singlepose/lightning/4</c> → <c>tfhub:google/movenet/singlepose/lightning/4</c>;
/// <c>https://tfhub.dev/google/tfjs-model/movenet/singlepose/lightning/4</c> names the same model in TF.js format
/// (and <c>lite-model/</c> in TFLite format), which becomes <see cref="ImpliedFormat"/>.</item>
/// <item><c>https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4</c> (also with the long
/// <c>frameworks/…/variations/…/versions/…</c> segments): the framework segment gives the format
/// (<c>tfJs</c>, <c>tensorFlow2</c>/<c>tensorFlow1</c>, <c>tfLite</c>) and Kaggle's variation slug, which is
/// TF Hub's variation path with '/' written as '-', is split back at '-'.</item>
/// </list>
/// The version is an integer (TF Hub versions are immutable); without one the handle means the
/// latest version, which restore pins in models.lock.json.
/// </summary>
public sealed partial class TfHubModelHandle : ModelHandle
{
    private TfHubModelHandle(string publisher, string model, IReadOnlyList<string> variations, int? version, TfHubFormat? impliedFormat)
        : base(Compose(publisher, model, variations, version), string.Join('-', variations.Prepend(model)) + ".onnx")
    {
        Publisher = publisher;
        Model = model;
        Variations = variations;
        Version = version;
        ImpliedFormat = impliedFormat;
    }

    /// <summary><c>google</c>.</summary>
    public string Publisher { get; }

    /// <summary><c>movenet</c>.</summary>
    public string Model { get; }

    /// <summary><c>["singlepose", "lightning"]</c>; may be empty.</summary>
    public IReadOnlyList<string> Variations { get; }

    /// <summary>The version as written; null means the latest, pinned at restore.</summary>
    public int? Version { get; }

    /// <summary>The format the spelling itself names (a Kaggle framework segment, tfhub.dev's <c>tfjs-model/</c>); null for <c>tfhub:</c>.</summary>
    public TfHubFormat? ImpliedFormat { get; }

    /// <summary><c>google/movenet/singlepose/lightning</c>: the model path without the version.</summary>
    public string ModelPath => string.Join('/', Variations.Prepend(Model).Prepend(Publisher));

    /// <summary>The model path at a version: <c>google/movenet/singlepose/lightning/4</c>.</summary>
    public string PathAt(int version) => ModelPath + "/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string Scheme => "tfhub";

    public override string? MovablePin(IReadOnlyDictionary<string, string> metadata) =>
        Version is null ? "no version: the hub's latest version moves when a new one is published. Write the version at the end of the handle." : null;

    /// <summary>The locked version (else the one written); TF Hub has no purl type.</summary>
    public override ModelProvenance Provenance(string? resolved)
    {
        var version = TfHubModelSource.VersionFromResolved(this, resolved) ?? Version;
        return new ModelProvenance(version?.ToString(System.Globalization.CultureInfo.InvariantCulture), null, ModelProvenance.HttpUrlOrNull(resolved));
    }

    private const string Form = "tfhub:<publisher>/<model>[/<variation>…]/<version>";
    private const string Example = "tfhub:google/movenet/singlepose/lightning/4";

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentPattern();

    private static string Compose(string publisher, string model, IReadOnlyList<string> variations, int? version) =>
        "tfhub:" + string.Join('/', variations.Prepend(model).Prepend(publisher))
        + (version is { } v ? "/" + v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");

    /// <summary>Parses the part after <c>tfhub:</c>.</summary>
    internal static TfHubModelHandle Create(string include, string rest)
    {
        var segments = SplitPath(include, rest.Trim('/'));
        return FromSegments(include, segments, impliedFormat: null);
    }

    /// <summary>True when the URL names a TF Hub model (tfhub.dev, or a model on kaggle.com/models/).</summary>
    internal static bool IsHubUrl(Uri uri) =>
        uri.Host.Equals("tfhub.dev", StringComparison.OrdinalIgnoreCase)
        || uri.Host.Equals("www.tfhub.dev", StringComparison.OrdinalIgnoreCase)
        || ((uri.Host.Equals("kaggle.com", StringComparison.OrdinalIgnoreCase) || uri.Host.Equals("www.kaggle.com", StringComparison.OrdinalIgnoreCase))
            && uri.AbsolutePath.StartsWith("/models/", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a tfhub.dev or kaggle.com/models URL (query and fragment are ignored: the format comes from <c>Format</c>).</summary>
    internal static TfHubModelHandle CreateFromUrl(string include, Uri uri)
    {
        var segments = SplitPath(include, Uri.UnescapeDataString(uri.AbsolutePath).Trim('/'));
        if (uri.Host.EndsWith("tfhub.dev", StringComparison.OrdinalIgnoreCase))
        {
            // https://tfhub.dev/<publisher>/tfjs-model/<model>/… and …/lite-model/… are the TF.js and TFLite spellings.
            TfHubFormat? implied = null;
            if (segments.Count >= 3 && segments[1].Equals("tfjs-model", StringComparison.OrdinalIgnoreCase))
                implied = TfHubFormat.TfJs;
            else if (segments.Count >= 3 && segments[1].Equals("lite-model", StringComparison.OrdinalIgnoreCase))
                implied = TfHubFormat.TfLite;
            if (implied is not null)
                segments.RemoveAt(1);
            return FromSegments(include, segments, implied);
        }
        return FromKaggle(include, segments);
    }

    private static TfHubModelHandle FromKaggle(string include, List<string> segments)
    {
        // models/<owner>/<model>/[frameworks/]<framework>/[variations/]<variation>[/versions]/[<version>]
        const string KaggleForm = "https://www.kaggle.com/models/<publisher>/<model>/<framework>/<variation>/<version>";
        var parts = segments.Skip(1).ToList(); // drop "models"
        RemoveKeyword(parts, 2, "frameworks");
        RemoveKeyword(parts, 3, "variations");
        RemoveKeyword(parts, 4, "versions");
        if (parts.Count < 4 || parts.Count > 5)
            throw Invalid(include, $"a Kaggle model URL names publisher, model, framework, variation and (optionally) version: write {KaggleForm}, " +
                $"e.g. https://www.kaggle.com/models/google/movenet/tfJs/singlepose-lightning/4, or the {Form} form.");
        var format = parts[2].ToLowerInvariant() switch
        {
            "tfjs" => TfHubFormat.TfJs,
            "tensorflow2" or "tensorflow1" => TfHubFormat.SavedModel,
            "tflite" => TfHubFormat.TfLite,
            _ => throw Invalid(include, $"the Kaggle framework '{parts[2]}' is not one TF Hub serves; tfJs, tensorFlow2, tensorFlow1 and tfLite are (or write {Form})."),
        };
        // Kaggle writes TF Hub's variation path singlepose/lightning as the slug singlepose-lightning.
        var variations = parts[3].Split('-', StringSplitOptions.RemoveEmptyEntries).ToList();
        var rebuilt = new List<string> { parts[0], parts[1] };
        rebuilt.AddRange(variations);
        if (parts.Count == 5)
            rebuilt.Add(parts[4]);
        return FromSegments(include, rebuilt, format);
    }

    private static void RemoveKeyword(List<string> parts, int index, string keyword)
    {
        if (parts.Count > index && parts[index].Equals(keyword, StringComparison.OrdinalIgnoreCase))
            parts.RemoveAt(index);
    }

    private static List<string> SplitPath(string include, string path)
    {
        if (path.Length == 0)
            throw Invalid(include, $"the handle names no model. Write {Form}, e.g. {Example}.");
        var segments = path.Split('/').ToList();
        if (segments.Any(s => s.Length == 0))
            throw Invalid(include, $"the handle has an empty segment ('//'). Write {Form}, e.g. {Example}.");
        return segments;
    }

    private static TfHubModelHandle FromSegments(string include, List<string> segments, TfHubFormat? impliedFormat)
    {
        int? version = null;
        var last = segments[^1];
        if (last.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 1)
                throw Invalid(include, $"'{last}' is not a TF Hub version; versions are whole numbers from 1, e.g. {Example}.");
            version = v;
            segments = segments[..^1];
        }
        if (segments.Count < 2)
            throw Invalid(include, $"the handle needs a publisher and a model before the version. Write {Form}, e.g. {Example}.");
        foreach (var segment in segments)
        {
            if (!SegmentPattern().IsMatch(segment) || segment.Contains("..", StringComparison.Ordinal))
                throw Invalid(include, $"'{segment}' is not a valid TF Hub path segment (letters, digits, '.', '-' and '_', starting with a letter or digit). Write {Form}, e.g. {Example}.");
        }
        if (segments.Skip(2).Any(s => s.All(char.IsAsciiDigit)))
            throw Invalid(include, $"only the last segment can be a version. Write {Form}, e.g. {Example}.");
        return new TfHubModelHandle(segments[0].ToLowerInvariant(), segments[1].ToLowerInvariant(),
            segments.Skip(2).Select(s => s.ToLowerInvariant()).ToArray(), version, impliedFormat);
    }
}
