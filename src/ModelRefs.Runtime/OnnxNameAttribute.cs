namespace ModelRefs.Runtime;

/// <summary>Marks a generated member with the original ONNX name of the input or output it stands for.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.Class | AttributeTargets.Struct,
    AllowMultiple = false, Inherited = false)]
public sealed class OnnxNameAttribute : Attribute
{
    /// <summary>Marks a member with its ONNX name.</summary>
    /// <param name="name">The ONNX name, exactly as in the model.</param>
    public OnnxNameAttribute(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>The ONNX name, exactly as in the model.</summary>
    public string Name { get; }
}
