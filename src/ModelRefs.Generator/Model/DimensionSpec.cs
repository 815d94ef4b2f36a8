namespace ModelRefs.Generator.Model
{
    /// <summary>One dimension of a tensor shape: fixed (<see cref="Value"/>), symbolic (<see cref="Param"/>) or unknown (both null).</summary>
    internal sealed record DimensionSpec(long? Value, string? Param)
    {
        public bool IsFixed => Value.HasValue && Value.Value >= 0;

        /// <summary>The dimension as the runtime's <c>TensorSignature</c> wants it: the size, or -1.</summary>
        public long RuntimeValue => IsFixed ? Value!.Value : -1;

        /// <summary>How docs show it: <c>512</c>, <c>batch</c> or <c>?</c>.</summary>
        public string Display => IsFixed ? Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : (string.IsNullOrEmpty(Param) ? "?" : Param!);
    }
}
