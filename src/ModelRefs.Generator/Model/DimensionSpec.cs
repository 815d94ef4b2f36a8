namespace ModelRefs.Generator.Model
{
    /// <summary>One dimension of a tensor shape: fixed (<see cref="Value"/>), symbolic (<see cref="Param"/>) or unknown (both null).</summary>
    internal sealed record DimensionSpec(long? Value, string? Param)
    {
        public bool IsFixed => Value.HasValue && Value.Value >= 0;

        /// <summary>The dimension as the runtime's <c>TensorSignature</c> wants it: the size, or -1.</summary>
        public long RuntimeValue => IsFixed ? Value!.Value : -1;

        /// <summary>
        /// How docs show it: <c>512</c>, <c>batch</c> or <c>?</c>. A symbolic name that a converter made
        /// up (<c>unk__314</c>, <c>p2o.DynamicDimension.0</c>, <c>Concat_dim_0</c>) is shown as <c>?</c>:
        /// only a short word of letters, digits and single underscores is a name a person gave.
        /// </summary>
        public string Display => IsFixed ? Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : (IsReadableName(Param) ? Param! : "?");

        private static readonly System.Text.RegularExpressions.Regex Readable =
            new System.Text.RegularExpressions.Regex("^[A-Za-z][A-Za-z0-9_]{0,23}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private static readonly System.Text.RegularExpressions.Regex Generated =
            new System.Text.RegularExpressions.Regex("(__|(^|_)dim_?[0-9]+$|^unk|DynamicDimension)", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase);

        public static bool IsReadableName(string? param)
            => !string.IsNullOrEmpty(param) && Readable.IsMatch(param) && !Generated.IsMatch(param);
    }
}
