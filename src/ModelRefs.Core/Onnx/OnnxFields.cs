namespace ModelRefs.Core.Onnx;

// Field numbers from onnx.proto (proto2), shared by the reader and the writer.
internal static class OnnxFields
{
    internal static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5,
            DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    internal static class OperatorSetId { public const int Domain = 1, Version = 2; }

    internal static class StringStringEntry { public const int Key = 1, Value = 2; }

    internal static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, DocString = 10, Input = 11, Output = 12,
            ValueInfo = 13, SparseInitializer = 15;
    }

    internal static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5, DocString = 6, Domain = 7;
    }

    internal static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, S = 4, T = 5, G = 6, Floats = 7, Ints = 8, Strings = 9,
            Tensors = 10, Graphs = 11, DocString = 13, Type = 20, SparseTensor = 22, SparseTensors = 23;
    }

    internal static class Tensor
    {
        public const int Dims = 1, DataType = 2, FloatData = 4, Int32Data = 5, StringData = 6, Int64Data = 7,
            Name = 8, RawData = 9, DoubleData = 10, Uint64Data = 11, DocString = 12, ExternalData = 13,
            DataLocation = 14;

        public const int DataLocationExternal = 1;
    }

    internal static class SparseTensor { public const int Values = 1, Indices = 2, Dims = 3; }

    internal static class ValueInfo { public const int Name = 1, Type = 2, DocString = 3; }

    internal static class Type
    {
        public const int TensorType = 1, SequenceType = 4, MapType = 5, Denotation = 6, OpaqueType = 7,
            SparseTensorType = 8, OptionalType = 9;
    }

    // TypeProto.Tensor and TypeProto.SparseTensor.
    internal static class TensorType { public const int ElemType = 1, Shape = 2; }

    // TypeProto.Sequence and TypeProto.Optional.
    internal static class ContainerType { public const int ElemType = 1; }

    internal static class MapType { public const int KeyType = 1, ValueType = 2; }

    internal static class Shape { public const int Dim = 1; }

    internal static class Dimension { public const int DimValue = 1, DimParam = 2; }
}
