using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace ModelRefs.Core.Conversion;

/// <summary>What a model file holds, told from its bytes (never from its name alone).</summary>
public enum ModelFileKind
{
    /// <summary>An ONNX ModelProto (or a file that starts like one: the ONNX reader then says what is wrong).</summary>
    Onnx,
    /// <summary>A TF.js graph model: model.json with <c>modelTopology.node</c> (converted to ONNX in .NET).</summary>
    TfJsGraphModel,
    /// <summary>A TF.js layers model: model.json with a Keras <c>modelTopology</c>.</summary>
    TfJsLayersModel,
    /// <summary>A TF.js weights manifest: shard paths and weights, no topology.</summary>
    TfJsWeightsManifest,
    /// <summary>A TensorFlow Lite flatbuffer (file identifier <c>TFL3</c> at bytes 4–8).</summary>
    TfLite,
    /// <summary>A SavedModel's <c>saved_model.pb</c>, or a folder holding one.</summary>
    SavedModel,
    /// <summary>A <c>torch.save</c> zip archive (an entry <c>…/data.pkl</c>).</summary>
    PyTorchArchive,
    /// <summary>A TorchScript archive (<c>torch.jit.save</c>: <c>data.pkl</c> beside <c>code/</c> and <c>constants.pkl</c>).</summary>
    TorchScriptArchive,
    /// <summary>A Python pickle (protocol 2–5): a legacy <c>torch.save</c> checkpoint or another pickled object.</summary>
    Pickle,
    /// <summary>A safetensors file: 8-byte little-endian header length, then a JSON header.</summary>
    Safetensors,
    /// <summary>A GGUF file (llama.cpp), magic <c>GGUF</c>.</summary>
    Gguf,
    /// <summary>An HDF5 file (Keras <c>.h5</c>).</summary>
    Hdf5,
    /// <summary>A zip archive that is none of the above.</summary>
    Zip,
    /// <summary>JSON that is not a TF.js model.</summary>
    Json,
    /// <summary>An HTML page (a login or error page served instead of the file).</summary>
    Html,
    /// <summary>Other text.</summary>
    Text,
    /// <summary>A folder (neither a SavedModel nor anything else ModelRefs reads).</summary>
    Folder,
    /// <summary>Bytes of no format ModelRefs knows.</summary>
    Unknown,
}

/// <summary>The sniffed format: its kind and a description for messages ("a TFLite flatbuffer").</summary>
public sealed record ModelFileFormat(ModelFileKind Kind, string Description)
{
    /// <summary>Whether ModelRefs can run it as is.</summary>
    public bool IsOnnx => Kind == ModelFileKind.Onnx;

    /// <summary>What the user can do about a file of this kind, as a sentence (empty for ONNX and TF.js graph models, which restore uses).</summary>
    public string Advice => Kind switch
    {
        ModelFileKind.TfLite =>
            "ModelRefs has no TFLite → ONNX converter. Convert it with tf2onnx (python -m tf2onnx.convert --tflite model.tflite --output model.onnx) " +
            "and reference the .onnx file, or reference the model's ONNX or TF.js graph export.",
        ModelFileKind.SavedModel =>
            "ModelRefs converts SavedModels only from tfhub: (with tf2onnx). Convert it yourself (python -m tf2onnx.convert --saved-model <folder> " +
            "--output model.onnx) and reference the .onnx file, or reference the model through tfhub:.",
        ModelFileKind.TfJsLayersModel =>
            "Only TF.js graph models convert to ONNX. Convert it to a graph model (tensorflowjs_converter --input_format=tfjs_layers_model " +
            "--output_format=tfjs_graph_model model.json out/) and reference out/model.json, or reference an ONNX export.",
        ModelFileKind.TfJsWeightsManifest =>
            "A weights manifest lists weight shards but holds no graph to run. Reference the model.json that has modelTopology " +
            "(the TF.js graph model these weights belong to), or the model's .onnx file.",
        ModelFileKind.PyTorchArchive or ModelFileKind.Pickle =>
            "A PyTorch checkpoint holds weights (as pickled Python objects, which run code when loaded), not a graph ONNX Runtime can run. " +
            "Export it with torch.onnx.export and reference the .onnx file, or reference the model with torchhub:, which exports it to ONNX.",
        ModelFileKind.TorchScriptArchive =>
            "ModelRefs does not convert TorchScript. Export the model with torch.onnx.export and reference the .onnx file, or reference it with torchhub:.",
        ModelFileKind.Safetensors =>
            "safetensors holds tensors only, no graph ONNX Runtime can run. Reference the model's ONNX export (Hugging Face repositories keep it " +
            "under onnx/), or export one (optimum-cli export onnx --model <repo> out/).",
        ModelFileKind.Gguf =>
            "GGUF is llama.cpp's format, which ONNX Runtime cannot run. Reference an ONNX export of the model (many are published under onnx/ " +
            "or as …-ONNX repositories on Hugging Face).",
        ModelFileKind.Hdf5 =>
            "ModelRefs does not convert Keras HDF5 files. Convert it with tf2onnx (tf2onnx.convert.from_keras in Python) or to a TF.js graph model, " +
            "and reference the result.",
        ModelFileKind.Folder => "Reference the model file inside it.",
        _ => "",
    };

    /// <summary>The kinds ModelRefs turns into ONNX itself, for messages.</summary>
    public const string Supported = "ONNX models and TF.js graph models (model.json with modelTopology)";
}

/// <summary>
/// Tells a model file's format from its content: magic numbers and headers first (TFLite, GGUF,
/// HDF5, zip, pickle, safetensors), then JSON (TF.js graph and layers models, weights manifests),
/// then the top-level fields of a protobuf (ONNX has a graph in field 7, a SavedModel only fields
/// 1 and 2). The one place restore decides whether a file is ONNX, converts, or refuses it.
/// </summary>
public static class ModelFormatSniffer
{
    /// <summary>JSON larger than this is not parsed to tell what it is (TF.js model.json files are a few MB).</summary>
    private const long MaxJsonBytes = 256L << 20;

    private static readonly byte[] Hdf5Magic = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format of a file or a folder.</summary>
    public static ModelFileFormat Sniff(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            return SniffFolder(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return Sniff(stream, Path.GetFileName(path));
    }

    /// <summary>The format of a seekable stream's content (read from its start). <paramref name="fileName"/> only breaks ties (saved_model.pb).</summary>
    public static ModelFileFormat Sniff(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = stream.Length;
        if (length == 0)
            return new(ModelFileKind.Unknown, "an empty file (0 bytes)");
        var header = new byte[Math.Min(64, length)];
        stream.Position = 0;
        stream.ReadExactly(header);

        if (length >= 8 && header.AsSpan(4, 4).SequenceEqual("TFL3"u8))
            return new(ModelFileKind.TfLite, "a TensorFlow Lite flatbuffer (file identifier \"TFL3\")");
        if (header.AsSpan().StartsWith("GGUF"u8))
            return new(ModelFileKind.Gguf, "a GGUF file (llama.cpp's format)");
        if (header.AsSpan().StartsWith(Hdf5Magic))
            return new(ModelFileKind.Hdf5, "an HDF5 file (a Keras .h5 model?)");
        if (header.AsSpan().StartsWith("PK\u0003\u0004"u8) || header.AsSpan().StartsWith("PK\u0005\u0006"u8))
            return SniffZip(stream);
        // Before the pickle test: a safetensors header length can start with 0x80 too.
        if (SniffSafetensors(stream, header) is { } safetensors)
            return safetensors;
        if (length >= 2 && header[0] == 0x80 && header[1] is >= 2 and <= 5)
            return length >= 14 && header.AsSpan(2).StartsWith(TorchLegacyMagic)
                ? new(ModelFileKind.Pickle, "a legacy PyTorch checkpoint (torch.save's pickle format)")
                : new(ModelFileKind.Pickle, $"a Python pickle (protocol {header[1]}), such as a PyTorch .pt/.pth/.bin checkpoint");

        var text = TextStart(header);
        if (text is '{' or '[')
            return SniffJson(stream);
        if (text == '<')
        {
            var start = Encoding.UTF8.GetString(header).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
                ? new(ModelFileKind.Html, "an HTML page (a login or error page served instead of the model?)")
                : new(ModelFileKind.Text, "an XML or HTML text file");
        }
        if (SniffProtobuf(stream, fileName) is { } protobuf)
            return protobuf;
        if (LooksLikeText(header))
            return new(ModelFileKind.Text, $"a text file (it starts with \"{Printable(header)}\")");
        return new(ModelFileKind.Unknown, $"a file of no format ModelRefs knows (its first bytes are {Hex(header)})");
    }

    /// <summary>A TF.js model.json, a weights manifest or other JSON, from its parsed content.</summary>
    public static ModelFileFormat SniffJson(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
            return root.GetArrayLength() > 0 && root.EnumerateArray().All(g => g.ValueKind == JsonValueKind.Object && g.TryGetProperty("paths", out _) && g.TryGetProperty("weights", out _))
                ? new(ModelFileKind.TfJsWeightsManifest, "a TF.js weights manifest (a list of weight shards and their tensors, without modelTopology)")
                : new(ModelFileKind.Json, "a JSON array, not a model");
        if (root.ValueKind != JsonValueKind.Object)
            return new(ModelFileKind.Json, "a JSON value, not a model");
        var format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (root.TryGetProperty("modelTopology", out var topology) && topology.ValueKind == JsonValueKind.Object)
        {
            if (format == "layers-model" || topology.TryGetProperty("class_name", out _) || topology.TryGetProperty("model_config", out _))
                return new(ModelFileKind.TfJsLayersModel, "a TF.js layers model (model.json with a Keras modelTopology)");
            if (format is null or "graph-model" && topology.TryGetProperty("node", out var nodes) && nodes.ValueKind == JsonValueKind.Array)
                return new(ModelFileKind.TfJsGraphModel, "a TF.js graph model (model.json with modelTopology)");
            return new(ModelFileKind.Json, $"a JSON file with a modelTopology that is not a TF.js graph model{(format is null ? "" : $" (format \"{format}\")")}");
        }
        if (root.TryGetProperty("weightsManifest", out var manifest) && manifest.ValueKind == JsonValueKind.Array)
            return new(ModelFileKind.TfJsWeightsManifest, "a TF.js weights manifest (weightsManifest without modelTopology)");
        return new(ModelFileKind.Json, "a JSON file that is not a TF.js model (it has no modelTopology)");
    }

    private static ModelFileFormat SniffJson(Stream stream)
    {
        if (stream.Length > MaxJsonBytes)
            return new(ModelFileKind.Json, $"a JSON file of {stream.Length} bytes, too large to be a TF.js model.json");
        stream.Position = 0;
        try
        {
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return SniffJson(document.RootElement);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            return new(ModelFileKind.Json, $"a text file that starts like JSON but is not valid JSON{where}");
        }
    }

    private static ModelFileFormat SniffFolder(string path)
    {
        if (File.Exists(Path.Combine(path, "saved_model.pb")) || File.Exists(Path.Combine(path, "saved_model.pbtxt")))
            return new(ModelFileKind.SavedModel, "a TensorFlow SavedModel folder (saved_model.pb)");
        var json = File.Exists(Path.Combine(path, "model.json")) ? " (it holds a model.json: reference that file)" : "";
        return new(ModelFileKind.Folder, "a folder, not a model file" + json);
    }

    // torch.save's legacy format starts with the pickled magic number 0x1950a86a20f9469cfc6c (as a LONG1).
    private static ReadOnlySpan<byte> TorchLegacyMagic => [0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19];

    private static ModelFileFormat SniffZip(Stream stream)
    {
        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
            bool Has(string name) => names.Any(n => n == name || n.EndsWith("/" + name, StringComparison.Ordinal));
            if (Has("data.pkl") && (Has("constants.pkl") || names.Any(n => n.Contains("/code/", StringComparison.Ordinal))))
                return new(ModelFileKind.TorchScriptArchive, "a TorchScript archive (torch.jit.save)");
            if (Has("data.pkl"))
                return new(ModelFileKind.PyTorchArchive, "a PyTorch checkpoint (torch.save's zip archive with data.pkl)");
            if (Has("saved_model.pb"))
                return new(ModelFileKind.SavedModel, "a zip archive of a TensorFlow SavedModel");
            return new(ModelFileKind.Zip, $"a zip archive ({names.Count} entries{(names.Count > 0 ? ", such as " + string.Join(", ", names.Take(3)) : "")}), not a model file");
        }
        catch (InvalidDataException)
        {
            return new(ModelFileKind.Zip, "a damaged zip archive, not a model file");
        }
    }

    private static ModelFileFormat? SniffSafetensors(Stream stream, byte[] header)
    {
        if (header.Length < 10)
            return null;
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (headerLength < 2 || headerLength > (ulong)(stream.Length - 8) || headerLength > 100_000_000 || header[8] != (byte)'{')
            return null;
        var json = new byte[(int)headerLength];
        stream.Position = 8;
        stream.ReadExactly(json);
        try
        {
            using var document = JsonDocument.Parse(json.AsMemory().TrimEnd((byte)' '));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            var tensors = document.RootElement.EnumerateObject().Count(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("data_offsets", out _));
            return tensors > 0 || document.RootElement.TryGetProperty("__metadata__", out _)
                ? new(ModelFileKind.Safetensors, $"a safetensors file ({tensors} {(tensors == 1 ? "tensor" : "tensors")})")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Walks the top-level fields of a protobuf message. ONNX's ModelProto has ir_version (field 1,
    /// varint) first and its graph in field 7; a SavedModel has only its schema version (1) and meta
    /// graphs (2). A file that starts like ONNX but cannot be walked is reported as ONNX so that the
    /// ONNX reader says where it is damaged; any other protobuf is not ONNX.
    /// </summary>
    private static ModelFileFormat? SniffProtobuf(Stream stream, string? fileName)
    {
        stream.Position = 0;
        var fields = new HashSet<int>();
        var startsLikeOnnx = stream.Length > 0 && stream.ReadByte() == 0x08;
        stream.Position = 0;
        var complete = false;
        for (var count = 0; count < 100_000; count++)
        {
            if (stream.Position == stream.Length)
            {
                complete = true;
                break;
            }
            if (ReadVarint(stream) is not { } tag || tag >> 3 is 0 or > 536_870_911)
                break;
            var skipped = (tag & 7) switch
            {
                0 => ReadVarint(stream) is not null,
                1 => Skip(stream, 8),
                2 => ReadVarint(stream) is { } length && length <= (ulong)(stream.Length - stream.Position) && Skip(stream, (long)length),
                5 => Skip(stream, 4),
                _ => false,
            };
            if (!skipped)
                break;
            fields.Add((int)(tag >> 3));
        }
        if (complete && fields.Contains(7))
            return new(ModelFileKind.Onnx, "an ONNX model");
        if (complete && fields.Count > 0 && fields.IsSubsetOf([1, 2]) && fields.Contains(2)
            && (startsLikeOnnx || string.Equals(fileName, "saved_model.pb", StringComparison.OrdinalIgnoreCase)))
            return new(ModelFileKind.SavedModel, "a TensorFlow SavedModel (saved_model.pb)");
        if (!complete && startsLikeOnnx)
            return new(ModelFileKind.Onnx, "a damaged ONNX model");
        if (complete && fields.Count > 0 && !LooksLikeText(ReadStart(stream)))
            return new(ModelFileKind.Unknown, "a protobuf message that is not an ONNX model (it has no graph, field 7)");
        return null;
    }

    private static byte[] ReadStart(Stream stream)
    {
        stream.Position = 0;
        var start = new byte[Math.Min(64, stream.Length)];
        stream.ReadExactly(start);
        return start;
    }

    private static ulong? ReadVarint(Stream stream)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = stream.ReadByte();
            if (b < 0)
                return null;
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        return null;
    }

    private static bool Skip(Stream stream, long count)
    {
        if (count > stream.Length - stream.Position)
            return false;
        stream.Position += count;
        return true;
    }

    /// <summary>The first character of text content (after a BOM and white space), or '\0'.</summary>
    private static char TextStart(byte[] header)
    {
        var span = header.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            span = span[3..];
        foreach (var b in span)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return (char)b;
        return '\0';
    }

    private static bool LooksLikeText(byte[] header) =>
        header.Length > 0 && header.All(b => b is >= 0x20 and < 0x7F or (byte)'\t' or (byte)'\r' or (byte)'\n' or >= 0x80);

    private static string Printable(byte[] header)
    {
        var text = Encoding.UTF8.GetString(header[..Math.Min(24, header.Length)]);
        return new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim() + (header.Length > 24 ? "…" : "");
    }

    private static string Hex(byte[] header) => string.Join(' ', header.Take(8).Select(b => b.ToString("X2")));
}
