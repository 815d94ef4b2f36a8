namespace ModelRefs.Runtime;

/// <summary>
/// Marks a class that ModelRefs generated for a <c>&lt;ModelReference&gt;</c>. The licence analyzer
/// finds the uses of a model's class by this attribute; it is not meant for hand-written code.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GeneratedModelAttribute : Attribute
{
    /// <summary>Marks a generated model class.</summary>
    /// <param name="handle">The model's handle, as in the <c>Include</c> of its <c>&lt;ModelReference&gt;</c>, normalised.</param>
    public GeneratedModelAttribute(string handle) => Handle = handle ?? throw new ArgumentNullException(nameof(handle));

    /// <summary>The model's handle, as in the <c>Include</c> of its <c>&lt;ModelReference&gt;</c>, normalised.</summary>
    public string Handle { get; }
}
