using System.Text;
using System.Text.Json;
using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.IO;

namespace ModelRefs.Core.Locking;

/// <summary>
/// Reads and writes <c>models.lock.json</c>. The bytes are a pure function of the content: entries
/// sorted by handle (ordinal), keys in a fixed order, two-space indents, LF line ends and a final
/// newline, so that an unchanged restore leaves the file byte-identical and diffs stay small.
/// </summary>
public static class LockFileFormat
{
    public static byte[] Serialize(LockFile lockFile)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", LockFile.CurrentVersion);
            w.WriteStartObject("models");
            foreach (var (handle, model) in lockFile.Models.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(handle);
                w.WriteString("resolved", model.Resolved);
                w.WriteString("sha256", model.Sha256);
                w.WriteNumber("size", model.Size);
                w.WriteString("onnxSha256", model.OnnxSha256);
                WriteNullable(w, "license", model.License);
                WriteNullable(w, "licenseSource", model.LicenseSource);
                WriteNullable(w, "converter", model.Converter);
                // Only for models that have external data: the entries of all others stay as they were.
                if (model.ExternalData.Count > 0)
                {
                    w.WriteStartObject("externalData");
                    foreach (var (location, file) in model.ExternalData.OrderBy(f => f.Key, StringComparer.Ordinal))
                    {
                        w.WriteStartObject(location);
                        w.WriteString("sha256", file.Sha256);
                        w.WriteNumber("size", file.Size);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        // Utf8JsonWriter writes the platform's new line; the file must not depend on the OS.
        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
        return Encoding.UTF8.GetBytes(text);
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads a lock file; null when there is none. A file that cannot be read as a lock is an error (MR0012), never ignored.</summary>
    public static LockFile? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            // Editors on Windows may save the file with a UTF-8 byte order mark; JSON readers refuse it.
            var bytes = File.ReadAllBytes(path);
            using var document = JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0));
            var root = document.RootElement;
            var version = root.GetProperty("version").GetInt32();
            if (version != LockFile.CurrentVersion)
                throw Invalid(path, $"it has version {version}, and this version of ModelRefs reads version {LockFile.CurrentVersion}. Update ModelRefs, or delete the file to create it anew.");
            var models = new Dictionary<string, LockedModel>(StringComparer.Ordinal);
            foreach (var entry in root.GetProperty("models").EnumerateObject())
            {
                var m = entry.Value;
                if (m.ValueKind != JsonValueKind.Object)
                    throw new FormatException($"the entry '{entry.Name}' is not an object.");
                models[entry.Name] = new LockedModel(
                    RequiredString(m, entry.Name, "resolved"),
                    RequiredSha256(m, entry.Name, "sha256"),
                    m.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var length) && length >= 0
                        ? length : throw new FormatException($"the entry '{entry.Name}' has no size (a whole number of bytes)."),
                    RequiredSha256(m, entry.Name, "onnxSha256"),
                    OptionalString(m, "license"),
                    // Locks written before licence sources were short words say "npm registry version document of …".
                    Restore.RestoredLicense.ShortSourceName(OptionalString(m, "licenseSource")),
                    OptionalString(m, "converter"))
                {
                    ExternalData = ReadExternalData(m),
                };
            }
            return new LockFile(models);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid(path, $"{ex.Message} Fix the file (it is meant to be committed and reviewed), or delete it to create it anew from the project's ModelReference items.", ex);
        }
    }

    /// <summary>Writes the lock when its bytes differ; atomically, so a reader never sees half a file. Returns true when written.</summary>
    public static bool WriteIfChanged(string path, LockFile lockFile)
    {
        var bytes = Serialize(lockFile);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
            return false;
        AtomicFile.WriteAllBytes(path, bytes);
        return true;
    }

    /// <summary>The <c>externalData</c> map; locks written before it existed (and models without external data) have none.</summary>
    private static IReadOnlyDictionary<string, LockedFile> ReadExternalData(JsonElement model)
    {
        var files = new SortedDictionary<string, LockedFile>(StringComparer.Ordinal);
        if (!model.TryGetProperty("externalData", out var map) || map.ValueKind == JsonValueKind.Null)
            return files;
        foreach (var file in map.EnumerateObject())
        {
            var sha256 = Caching.Sha256Hex.Normalize(file.Value.GetProperty("sha256").GetString() ?? "")
                ?? throw new FormatException($"the externalData entry '{file.Name}' has no valid sha256.");
            files[file.Name] = new LockedFile(sha256, file.Value.GetProperty("size").GetInt64());
        }
        return files;
    }

    // Each field named with its entry: a hand edit or a merge conflict is found where it is.
    private static string RequiredString(JsonElement model, string handle, string name) =>
        model.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"the entry '{handle}' has no {name} (a string).");

    private static string RequiredSha256(JsonElement model, string handle, string name)
    {
        var text = RequiredString(model, handle, name);
        return Caching.Sha256Hex.Normalize(text)
            ?? throw new FormatException($"the entry '{handle}' has {name} '{text}', which is not a SHA-256 (64 hexadecimal digits).");
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value == null)
            w.WriteNull(name);
        else
            w.WriteString(name, value);
    }

    private static ModelRefsException Invalid(string path, string why, Exception? inner = null) =>
        new(RestoreDiagnostics.InvalidLockFile, $"{path} is not a valid ModelRefs lock file: {why}", inner);
}
