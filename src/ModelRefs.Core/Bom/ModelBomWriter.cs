using System.Reflection;
using System.Text;
using System.Text.Json;
using ModelRefs.Core.Locking;
using ModelRefs.Core.Onnx;
using ModelRefs.Core.Sources;

namespace ModelRefs.Core.Bom;

/// <summary>One model of a bill of materials: its item, its lock entry and, when the ONNX file is at hand, its signature.</summary>
/// <param name="Name">The generated type name (the item's <c>Name</c>, else the handle's default).</param>
/// <param name="Signature">Inputs and outputs for the model card; null when the ONNX file is not in the cache.</param>
public sealed record BomModel(string Name, ModelHandle Handle, LockedModel Locked, OnnxModelSignature? Signature);

/// <summary>The project the models belong to: the BOM's subject.</summary>
public sealed record BomSubject(string Name, string? Version);

/// <summary>
/// Writes a CycloneDX 1.6 JSON bill of materials of a project's models: one
/// <c>machine-learning-model</c> component per model with its version or revision, purl, the
/// SHA-256 of the ONNX file that runs, its licence, download URL and a model card of its inputs
/// and outputs; a conversion is the component's pedigree, the fetched artifact its ancestor.
/// The bytes depend only on the inputs (no timestamp, no random serial number), so a build that
/// writes it (<c>ModelRefsGenerateBom</c>) and <c>modelref bom</c> produce the same file.
/// </summary>
public static class ModelBomWriter
{
    public const string FileName = "models.cdx.json";
    public const string SpecVersion = "1.6";
    private const string PropertyPrefix = "modelrefs:";

    /// <summary>The version of ModelRefs written as the BOM's tool.</summary>
    public static string ToolVersion { get; } =
        typeof(ModelBomWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static byte[] Write(BomSubject subject, IReadOnlyList<BomModel> models)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(models);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("bomFormat", "CycloneDX");
            w.WriteString("specVersion", SpecVersion);
            w.WriteNumber("version", 1);

            w.WriteStartObject("metadata");
            w.WriteStartObject("tools");
            w.WriteStartArray("components");
            w.WriteStartObject();
            w.WriteString("type", "application");
            w.WriteString("name", "ModelRefs");
            w.WriteString("version", ToolVersion);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("component");
            w.WriteString("type", "application");
            w.WriteString("bom-ref", "project:" + subject.Name);
            w.WriteString("name", subject.Name);
            if (!string.IsNullOrWhiteSpace(subject.Version))
                w.WriteString("version", subject.Version);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("components");
            foreach (var model in models.OrderBy(m => m.Handle.Text, StringComparer.Ordinal))
                WriteComponent(w, model);
            w.WriteEndArray();

            w.WriteStartArray("dependencies");
            w.WriteStartObject();
            w.WriteString("ref", "project:" + subject.Name);
            w.WriteStartArray("dependsOn");
            foreach (var model in models.OrderBy(m => m.Handle.Text, StringComparer.Ordinal))
                w.WriteStringValue(model.Handle.Text);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        // Utf8JsonWriter writes the platform's new line; the file must not depend on the OS.
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n");
    }

    /// <summary>Writes the BOM unless the file already holds exactly these bytes. Returns true when written.</summary>
    public static bool WriteIfChanged(string path, BomSubject subject, IReadOnlyList<BomModel> models)
    {
        var bytes = Write(subject, models);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        IO.AtomicFile.WriteAllBytes(path, bytes);
        return true;
    }

    private static void WriteComponent(Utf8JsonWriter w, BomModel model)
    {
        var locked = model.Locked;
        var provenance = model.Handle.Provenance(locked.Resolved);
        var converted = locked.Converter is not null && locked.OnnxSha256 != locked.Sha256;

        w.WriteStartObject();
        w.WriteString("type", "machine-learning-model");
        w.WriteString("bom-ref", model.Handle.Text);
        w.WriteString("name", model.Name);
        if (provenance.Version is { } version)
            w.WriteString("version", version);
        if (!string.IsNullOrWhiteSpace(model.Signature?.DocString))
            w.WriteString("description", model.Signature!.DocString.Trim());
        WriteHashes(w, locked.OnnxSha256);
        if (locked.License is { } license)
        {
            w.WriteStartArray("licenses");
            w.WriteStartObject();
            // An SPDX expression is valid for one id too, and needs no SPDX id list to check against.
            w.WriteString("expression", license);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        if (provenance.PackageUrl is { } purl)
            w.WriteString("purl", purl);
        if (provenance.DistributionUrl is { } url && !converted)
            WriteDistribution(w, url);

        if (model.Signature is { } signature)
        {
            w.WriteStartObject("modelCard");
            w.WriteStartObject("modelParameters");
            WriteParameters(w, "inputs", signature.Inputs);
            WriteParameters(w, "outputs", signature.Outputs);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        if (converted)
        {
            // The ONNX file was made from the fetched artifact: that artifact is its ancestor.
            w.WriteStartObject("pedigree");
            w.WriteStartArray("ancestors");
            w.WriteStartObject();
            w.WriteString("type", "machine-learning-model");
            w.WriteString("bom-ref", model.Handle.Text + "#source");
            w.WriteString("name", model.Handle.FileName);
            if (provenance.Version is { } ancestorVersion)
                w.WriteString("version", ancestorVersion);
            WriteHashes(w, locked.Sha256);
            if (provenance.DistributionUrl is { } sourceUrl)
                WriteDistribution(w, sourceUrl);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("notes", $"Converted to ONNX by {locked.Converter}.");
            w.WriteEndObject();
        }

        w.WriteStartArray("properties");
        WriteProperty(w, "handle", model.Handle.Text);
        WriteProperty(w, "resolved", locked.Resolved);
        WriteProperty(w, "sha256", locked.Sha256);
        WriteProperty(w, "onnxSha256", locked.OnnxSha256);
        WriteProperty(w, "size", locked.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteProperty(w, "licenseSource", locked.LicenseSource);
        WriteProperty(w, "converter", locked.Converter);
        // The weights an ONNX file keeps beside it are part of the model that runs.
        foreach (var (location, file) in locked.ExternalData.OrderBy(f => f.Key, StringComparer.Ordinal))
            WriteProperty(w, "externalData:" + location, file.Sha256);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteHashes(Utf8JsonWriter w, string sha256)
    {
        w.WriteStartArray("hashes");
        w.WriteStartObject();
        w.WriteString("alg", "SHA-256");
        w.WriteString("content", sha256);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>Where the artifact was downloaded from. No hash: the URL may serve a package that holds the file (an npm tarball).</summary>
    private static void WriteDistribution(Utf8JsonWriter w, string url)
    {
        w.WriteStartArray("externalReferences");
        w.WriteStartObject();
        w.WriteString("type", "distribution");
        w.WriteString("url", url);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteParameters(Utf8JsonWriter w, string name, IReadOnlyList<OnnxValueInfo> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStartObject();
            // CycloneDX's inputOutputMLParameters has one field: the format, in words.
            w.WriteString("format", $"{value.Name}: {value.Kind.ToManifestName()}({value.ElementType.ToManifestName()}) {value.ShapeText}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteProperty(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
            return;
        w.WriteStartObject();
        w.WriteString("name", PropertyPrefix + name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
