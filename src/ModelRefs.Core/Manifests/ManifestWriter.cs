using System.Text;
using System.Text.Json;

namespace ModelRefs.Core.Manifests;

/// <summary>
/// Writes <see cref="ModelManifest"/> as the JSON the generator reads, keys in a fixed order.
/// The file is rewritten only when its content changes, so an unchanged restore does not make the
/// compiler regenerate anything.
/// </summary>
public static class ManifestWriter
{
    public static byte[] ToJson(ModelManifest m)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("schema", ModelManifest.SchemaVersion);
            w.WriteString("name", m.Name);
            w.WriteString("namespace", m.Namespace);
            w.WriteString("handle", m.Handle);
            WriteNullable(w, "resolved", m.Resolved);
            w.WriteString("sha256", m.Sha256);
            w.WriteString("onnxSha256", m.OnnxSha256);
            WriteNullable(w, "license", m.License);
            WriteNullable(w, "licenseSource", m.LicenseSource);
            WriteNullable(w, "licenseDeclared", m.LicenseDeclared);
            w.WriteStartArray("acceptLicense");
            foreach (var id in m.AcceptLicense)
                w.WriteStringValue(id);
            w.WriteEndArray();
            WriteNullable(w, "attribution", m.Attribution);
            w.WriteString("modelFile", m.ModelFile);
            WriteNullable(w, "embeddedResource", m.EmbeddedResource);
            WriteNullable(w, "projectFile", m.ProjectFile);
            w.WriteNumber("itemLine", m.ItemLine);
            WriteNullable(w, "description", m.Description);
            WriteNullable(w, "producer", m.Producer);
            w.WriteNumber("irVersion", m.IrVersion);

            w.WriteStartArray("opsets");
            foreach (var (domain, version) in m.Opsets)
            {
                w.WriteStartObject();
                w.WriteString("domain", domain);
                w.WriteNumber("version", version);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("metadata");
            foreach (var (key, value) in m.Metadata)
            {
                w.WriteStartObject();
                w.WriteString("key", key);
                w.WriteString("value", value);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            WriteValues(w, "inputs", m.Inputs);
            WriteValues(w, "outputs", m.Outputs);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Writes the manifest unless the file already holds exactly these bytes. Returns true when written.</summary>
    public static bool WriteIfChanged(string path, ModelManifest manifest)
    {
        var bytes = ToJson(manifest);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        IO.AtomicFile.WriteAllBytes(path, bytes);
        return true;
    }

    private static void WriteValues(Utf8JsonWriter w, string property, IReadOnlyList<ManifestValue> values)
    {
        w.WriteStartArray(property);
        foreach (var value in values)
        {
            w.WriteStartObject();
            w.WriteString("name", value.Name);
            w.WriteString("kind", value.Kind);
            w.WriteString("elementType", value.ElementType);
            if (value.Shape == null)
                w.WriteNull("shape");
            else
            {
                w.WriteStartArray("shape");
                foreach (var dim in value.Shape)
                {
                    w.WriteStartObject();
                    if (dim.Value is { } fixedValue)
                        w.WriteNumber("value", fixedValue);
                    else if (dim.Param != null)
                        w.WriteString("param", dim.Param);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("doc", value.Doc ?? "");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string property, string? value)
    {
        if (value == null)
            w.WriteNull(property);
        else
            w.WriteString(property, value);
    }
}
