namespace ModelRefs.Generator.Model
{
    /// <summary>One ONNX input or output as the manifest declares it.</summary>
    /// <param name="Name">The ONNX name, exactly.</param>
    /// <param name="Kind"><c>tensor</c>, <c>sequence</c>, <c>map</c>, <c>optional</c>, <c>sparse_tensor</c>.</param>
    /// <param name="ElementType">The ONNX element type name in lower case (<c>float</c>, <c>int64</c>, …).</param>
    /// <param name="HasShape">False when the model declares no shape at all (rank unknown).</param>
    /// <param name="Shape">The dimensions when <paramref name="HasShape"/>.</param>
    /// <param name="Doc">The ONNX doc string.</param>
    /// <param name="Location">Where the tensor's entry is in the manifest, for diagnostics.</param>
    /// <param name="ValueType">The whole ONNX type of a value that is not a tensor (<c>seq(map(int64,tensor(float)))</c>), else null.</param>
    internal sealed record TensorSpec(
        string Name,
        string Kind,
        string ElementType,
        bool HasShape,
        EquatableArray<DimensionSpec> Shape,
        string? Doc,
        FileLocation Location,
        string? ValueType = null)
    {
        /// <summary>The sequence this output is, when generated code supports it (<see cref="Model.SequenceType"/>); null for a tensor.</summary>
        public SequenceType? Sequence => Kind == "tensor" ? null : SequenceType.Parse(ValueType);

        public int Rank => HasShape ? Shape.Count : -1;

        public bool IsScalar => HasShape && Shape.Count == 0;

        public bool IsFullyFixed
        {
            get
            {
                if (!HasShape)
                {
                    return false;
                }

                foreach (DimensionSpec d in Shape)
                {
                    if (!d.IsFixed)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }
}
