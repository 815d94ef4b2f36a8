using System.Text;

namespace ModelRefs.TestSupport;

/// <summary>
/// Minimal files of the model formats that are not ONNX, each laid out as its format's writers lay
/// it out (or written by the real writer: torch.save through /usr/bin/python3), for tests that tell
/// formats apart and refuse them clearly.
/// </summary>
public static class ModelFormatFiles
{
    /// <summary>A safetensors file: u64 little-endian header length, the JSON header, then the tensors' bytes.</summary>
    public static byte[] Safetensors()
    {
        var data = new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray();
        var header = Encoding.UTF8.GetBytes("""{"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""");
        // The format pads the header with spaces to a multiple of 8 bytes.
        var padded = header.Concat(Enumerable.Repeat((byte)' ', (8 - header.Length % 8) % 8)).ToArray();
        return BitConverter.GetBytes((ulong)padded.Length).Concat(padded).Concat(data).ToArray();
    }

    /// <summary>A GGUF v3 file with one metadata key and no tensors.</summary>
    public static byte[] Gguf()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("GGUF"u8);
        w.Write(3u);          // version
        w.Write(0ul);         // tensor count
        w.Write(1ul);         // metadata key-value count
        var key = "general.architecture"u8;
        w.Write((ulong)key.Length);
        w.Write(key);
        w.Write(8u);          // GGUF_TYPE_STRING
        var value = "llama"u8;
        w.Write((ulong)value.Length);
        w.Write(value);
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>A TF.js weights manifest as tensorflowjs writes it (weights_manifest.json): a list of shard groups, no topology.</summary>
    public const string TfJsWeightsManifest = """
        [{"paths":["group1-shard1of1.bin"],"weights":[{"name":"dense/kernel","shape":[4,2],"dtype":"float32"},{"name":"dense/bias","shape":[2],"dtype":"float32"}]}]
        """;

    /// <summary>A TF.js model.json that has its weightsManifest but lost its modelTopology.</summary>
    public const string TfJsModelJsonWithoutTopology = """
        {"format":"graph-model","generatedBy":"2.11.0","convertedBy":"TensorFlow.js Converter v4.22.0",
         "weightsManifest":[{"paths":["group1-shard1of1.bin"],"weights":[{"name":"c","shape":[1,4],"dtype":"float32"}]}]}
        """;

    /// <summary>A TF.js layers model (Keras topology), as model.save() in TF.js writes it.</summary>
    public const string TfJsLayersModel = """
        {"format":"layers-model","generatedBy":"TensorFlow.js tfjs-layers v4.22.0","convertedBy":null,
         "modelTopology":{"class_name":"Sequential","config":{"name":"sequential_1","layers":[{"class_name":"Dense","config":{"units":2,"name":"dense_Dense1","batch_input_shape":[null,4],"dtype":"float32"}}]},"keras_version":"tfjs-layers 4.22.0","backend":"tensor_flow.js"},
         "weightsManifest":[{"paths":["weights.bin"],"weights":[{"name":"dense_Dense1/kernel","shape":[4,2],"dtype":"float32"},{"name":"dense_Dense1/bias","shape":[2],"dtype":"float32"}]}]}
        """;

    /// <summary>The smallest TF.js graph model: y = x + c, with c in a weight shard (returned as the shard's bytes).</summary>
    public const string TfJsGraphModel = """
        {"format":"graph-model","modelTopology":{"node":[
          {"name":"x","op":"Placeholder","attr":{"dtype":{"type":"DT_FLOAT"},"shape":{"shape":{"dim":[{"size":"1"},{"size":"4"}]}}}},
          {"name":"c","op":"Const","attr":{"dtype":{"type":"DT_FLOAT"},"value":{"tensor":{"dtype":"DT_FLOAT","tensorShape":{"dim":[{"size":"1"},{"size":"4"}]}}}}},
          {"name":"Identity","op":"AddV2","input":["x","c"],"attr":{"T":{"type":"DT_FLOAT"}}}]},
         "weightsManifest":[{"paths":["w.bin"],"weights":[{"name":"c","shape":[1,4],"dtype":"float32"}]}]}
        """;

    /// <summary>The shard of <see cref="TfJsGraphModel"/>: c = [1, 2, 3, 4].</summary>
    public static byte[] TfJsGraphModelShard() => new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>The start of an HDF5 file (its format signature and a version 0 superblock's first bytes), as Keras .h5 files begin.</summary>
    public static byte[] Hdf5() => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 8, 8, 0, 4, 0, 16, 0, 0, 0, 0, 0];

    /// <summary>
    /// Writes a PyTorch file with the real torch (/usr/bin/python3): <c>zip</c> (torch.save's default
    /// archive), <c>legacy</c> (torch.save's pickle format) or <c>torchscript</c> (torch.jit.save).
    /// </summary>
    public static void TorchSave(string path, string kind)
    {
        var script = kind switch
        {
            "zip" => "import torch,sys; torch.save(torch.nn.Linear(4,2).state_dict(), sys.argv[1])",
            "legacy" => "import torch,sys; torch.save(torch.nn.Linear(4,2).state_dict(), sys.argv[1], _use_new_zipfile_serialization=False)",
            "torchscript" => "import torch,sys; torch.jit.save(torch.jit.script(torch.nn.Linear(4,2)), sys.argv[1])",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "zip, legacy or torchscript"),
        };
        var result = ProcessRunner.Run("/usr/bin/python3", ["-c", script, path], Path.GetDirectoryName(Path.GetFullPath(path))!, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException($"torch.save ({kind}) failed ({result.ExitCode}):\n{result.Output}");
    }
}
