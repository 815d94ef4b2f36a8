using ModelRefs.Core.Onnx;

namespace ModelRefs.Core.Tests.Onnx;

internal static class OnnxTestModels
{
    public static OnnxModelSignature Read(byte[] bytes, string name = "test.onnx")
        => OnnxSignatureReader.Read(new MemoryStream(bytes, writable: false), name);

    /// <summary>A small model that uses most of what the reader parses: metadata, opsets, initializers, attributes, subgraph-free nodes.</summary>
    public static byte[] Small() => new OnnxModelBuilder()
        .Producer("modelrefs-tests", "1.2.3")
        .Domain("org.modelrefs.tests")
        .ModelVersion(7)
        .DocString("A small model.")
        .Metadata("author", "tests")
        .Metadata("license", "MIT")
        .Opset("com.microsoft", 1)
        .GraphName("small")
        .Input("x", OnnxElementType.Float, "batch", 3)
        .Input("mask", OnnxElementType.Bool, OnnxDimension.Unknown)
        .Initializer(OnnxTensor.Create("w", [3], 1f, 2f, 3f))
        .Node("Mul", ["x", "w"], ["m"])
        .Node("Cast", ["m"], ["y"], OnnxAttribute.Int("to", (long)OnnxElementType.Double))
        .Output("y", OnnxElementType.Double, "batch", 3)
        .ToBytes();

    /// <summary>Crafts protobuf by hand (the writer is internal and visible to tests) for shapes the builder won't produce.</summary>
    internal static ProtoMessage Message() => new();

    internal static byte[] Bytes(ProtoMessage message)
    {
        var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>A model with the given graph, IR 8 and opset 17.</summary>
    internal static byte[] ModelWithGraph(ProtoMessage graph)
        => Bytes(Message().Varint(1, 8).Message(7, graph).Message(8, Message().String(1, "").Varint(2, 17)));

    internal static ProtoMessage ValueInfo(string name, ProtoMessage? type)
    {
        var m = Message().String(1, name);
        return type == null ? m : m.Message(2, type);
    }

    internal static ProtoMessage TensorType(OnnxElementType elementType, params long[] dims)
    {
        var shape = Message();
        foreach (var d in dims)
            shape.Message(1, Message().Varint(1, d));
        return Message().Message(1, Message().Varint(1, (int)elementType).Message(2, shape));
    }
}
