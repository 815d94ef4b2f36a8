namespace ModelRefs.Core.Licensing
{
    /// <summary>
    /// The diagnostic id of each <see cref="LicenseFindingKind"/>, owned here: the licence analyzer
    /// reports its findings with them, and <c>modelref licenses</c> prints the same ids.
    /// Compiled into the analyzer as a linked file (netstandard2.0).
    /// </summary>
    public static class LicenseFindingIds
    {
        public const string NonCommercial = "MR1001";
        public const string CopyleftIncompatible = "MR1002";
        public const string UseRestricted = "MR1003";
        public const string NoDerivatives = "MR1004";
        public const string Unknown = "MR1005";
        public const string Denied = "MR1006";
        public const string NotAllowed = "MR1007";
        public const string AttributionRequired = "MR1008";

        /// <summary>The id of a finding kind; null for a kind without one.</summary>
        public static string? Of(LicenseFindingKind kind) => kind switch
        {
            LicenseFindingKind.NonCommercial => NonCommercial,
            LicenseFindingKind.CopyleftIncompatible => CopyleftIncompatible,
            LicenseFindingKind.UseRestricted => UseRestricted,
            LicenseFindingKind.NoDerivatives => NoDerivatives,
            LicenseFindingKind.Unknown => Unknown,
            LicenseFindingKind.Denied => Denied,
            LicenseFindingKind.NotAllowed => NotAllowed,
            LicenseFindingKind.AttributionRequired => AttributionRequired,
            _ => null,
        };
    }
}
