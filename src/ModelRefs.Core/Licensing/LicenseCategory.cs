namespace ModelRefs.Core.Licensing;

/// <summary>
/// What a licence means for shipping software. Ordered from least to most restrictive, which is
/// the order <see cref="LicenseCatalog.Summarize"/> uses to pick an expression's summary.
/// </summary>
public enum LicenseCategory
{
    /// <summary>No conditions at all (CC0, Unlicense, public domain dedications).</summary>
    PublicDomain,

    /// <summary>Use, change and ship freely, usually with a notice (MIT, BSD, Apache-2.0, CC-BY).</summary>
    Permissive,

    /// <summary>Changes to the licensed part stay under its licence; the rest of the app does not (LGPL, MPL, EPL, CC-BY-SA).</summary>
    WeakCopyleft,

    /// <summary>Shipping a work that includes it puts the whole work under the licence (GPL, EUPL).</summary>
    StrongCopyleft,

    /// <summary>Strong copyleft that also applies to users over a network (AGPL, OSL, SSPL).</summary>
    NetworkCopyleft,

    /// <summary>No modified versions may be shared (CC-BY-ND).</summary>
    NoDerivatives,

    /// <summary>
    /// Use is restricted by a use policy (OpenRAIL family, Llama and Gemma terms). SPDX lists none of
    /// them: the table names them <c>LicenseRef-OpenRAIL</c>, <c>LicenseRef-Llama-3.1-Community</c>,
    /// <c>LicenseRef-Gemma</c>…, with the Hub's ids (<c>openrail</c>, <c>llama3.1</c>, <c>gemma</c>) as aliases.
    /// </summary>
    UseRestricted,

    /// <summary>No commercial use (CC-BY-NC family, research-only licences).</summary>
    NonCommercial,

    /// <summary>All rights reserved or not licensed to others (npm's UNLICENSED, recorded as <c>LicenseRef-UNLICENSED</c>; SPDX NONE).</summary>
    Proprietary,

    /// <summary>Not in the catalog, not stated, or not an expression.</summary>
    Unknown,
}
