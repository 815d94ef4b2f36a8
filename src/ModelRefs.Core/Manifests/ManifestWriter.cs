using System.Text;
using System.Text.Json;
using ModelRefs.Shared.Manifest;

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
            w.WriteNumber(ManifestKeys.Schema, ManifestKeys.SchemaVersion);
            w.WriteString(ManifestKeys.Name, m.Name);
            w.WriteString(ManifestKeys.Namespace, m.Namespace);
            w.WriteString(ManifestKeys.Handle, m.Handle);
            WriteNullable(w, ManifestKeys.Resolved, m.Resolved);
            w.WriteString(ManifestKeys.Sha256, m.Sha256);
            w.WriteString(ManifestKeys.OnnxSha256, m.OnnxSha256);
            WriteNullable(w, ManifestKeys.License, m.License);
            WriteNullable(w, ManifestKeys.LicenseSource, m.LicenseSource);
            WriteNullable(w, ManifestKeys.LicenseProvenance, m.LicenseProvenance);
            WriteNullable(w, ManifestKeys.LicenseDeclared, m.LicenseDeclared);
            w.WriteStartArray(ManifestKeys.AcceptLicense);
            foreach (var id in m.AcceptLicense)
                w.WriteStringValue(id);
            w.WriteEndArray();
            WriteNullable(w, ManifestKeys.Attribution, m.Attribution);
            w.WriteString(ManifestKeys.ModelFile, m.ModelFile);
            WriteNullable(w, ManifestKeys.EmbeddedResource, m.EmbeddedResource);
            WriteNullable(w, ManifestKeys.ProjectFile, m.ProjectFile);
            w.WriteNumber(ManifestKeys.ItemLine, m.ItemLine);
            WriteNullable(w, ManifestKeys.Description, m.Description);
            WriteNullable(w, ManifestKeys.Producer, m.Producer);
            w.WriteNumber(ManifestKeys.IrVersion, m.IrVersion);

            w.WriteStartArray(ManifestKeys.Opsets);
            foreach (var (domain, version) in m.Opsets)
            {
                w.WriteStartObject();
                w.WriteString(ManifestKeys.Opset.Domain, domain);
                w.WriteNumber(ManifestKeys.Opset.Version, version);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray(ManifestKeys.Metadata);
            foreach (var (key, value) in m.Metadata)
            {
                w.WriteStartObject();
                w.WriteString(ManifestKeys.MetadataEntry.Key, key);
                w.WriteString(ManifestKeys.MetadataEntry.Value, value);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            WriteValues(w, ManifestKeys.Inputs, m.Inputs);
            WriteValues(w, ManifestKeys.Outputs, m.Outputs);
            WriteStrings(w, ManifestKeys.InputNames, m.InputNames);
            WriteStrings(w, ManifestKeys.OutputNames, m.OutputNames);
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
        IO.AtomicFile.WriteAllBytes(path, bytes, durable: false);
        return true;
    }

    private static void WriteStrings(Utf8JsonWriter w, string property, IReadOnlyList<string> values)
    {
        w.WriteStartArray(property);
        foreach (var value in values)
            w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void WriteValues(Utf8JsonWriter w, string property, IReadOnlyList<ManifestValue> values)
    {
        w.WriteStartArray(property);
        foreach (var value in values)
        {
            w.WriteStartObject();
            w.WriteString(ManifestKeys.Value.Name, value.Name);
            w.WriteString(ManifestKeys.Value.Kind, value.Kind);
            w.WriteString(ManifestKeys.Value.ElementType, value.ElementType);
            if (value.Shape == null)
                w.WriteNull(ManifestKeys.Value.Shape);
            else
            {
                w.WriteStartArray(ManifestKeys.Value.Shape);
                foreach (var dim in value.Shape)
                {
                    w.WriteStartObject();
                    if (dim.Value is { } fixedValue)
                        w.WriteNumber(ManifestKeys.Dimension.Value, fixedValue);
                    else if (dim.Param != null)
                        w.WriteString(ManifestKeys.Dimension.Param, dim.Param);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString(ManifestKeys.Value.Doc, value.Doc ?? "");
            // What kind and element type flatten (seq(map(int64,tensor(float)))); tensors too, so every value has the same keys.
            if (value.Type is not null)
                w.WriteString(ManifestKeys.Value.Type, value.Type);
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
