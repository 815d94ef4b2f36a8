using System.Text;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>
/// Writes tiny ONNX models (a protobuf ModelProto) for tests that run generated code: a graph of
/// single-input ops over float tensors with symbolic dimensions. Field numbers are onnx.proto's.
/// </summary>
internal static class TinyOnnx
{
    /// <summary>A model whose outputs are <c>Identity</c> of the inputs with the same index: output i = input i.</summary>
    public static byte[] Identity(IReadOnlyList<(string Name, int ElementType, string?[] Dims)> inputs, IReadOnlyList<string> outputNames)
    {
        var graph = new Proto();
        for (int i = 0; i < outputNames.Count; i++)
        {
            graph.Message(1, new Proto().String(1, inputs[i].Name).String(2, outputNames[i]).String(3, "n" + i).String(4, "Identity"));
        }

        graph.String(2, "g");
        foreach (var input in inputs)
        {
            graph.Message(11, ValueInfo(input.Name, input.ElementType, input.Dims));
        }

        for (int i = 0; i < outputNames.Count; i++)
        {
            graph.Message(12, ValueInfo(outputNames[i], inputs[i].ElementType, inputs[i].Dims));
        }

        return new Proto()
            .Varint(1, 8)                                   // ir_version
            .String(2, "modelrefs-tests")                   // producer_name
            .Message(7, graph)                              // graph
            .Message(8, new Proto().String(1, "").Varint(2, 13)) // opset_import
            .ToArray();
    }

    private static Proto ValueInfo(string name, int elementType, string?[] dims)
    {
        var shape = new Proto();
        foreach (string? dim in dims)
        {
            shape.Message(1, long.TryParse(dim, out long value) ? new Proto().Varint(1, value) : new Proto().String(2, dim ?? "d"));
        }

        var tensor = new Proto().Varint(1, elementType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensor));
    }

    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => _stream.ToArray();

        private Proto Bytes(int field, byte[] bytes)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)bytes.Length);
            _stream.Write(bytes);
            return this;
        }

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
