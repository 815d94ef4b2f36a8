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

    /// <summary>Use is restricted by a use policy (OpenRAIL family, Llama and Gemma terms).</summary>
    UseRestricted,

    /// <summary>No commercial use (CC-BY-NC family, research-only licences).</summary>
    NonCommercial,

    /// <summary>All rights reserved or not licensed to others (npm's UNLICENSED, SPDX NONE).</summary>
    Proprietary,

    /// <summary>Not in the catalog, not stated, or not an expression.</summary>
    Unknown,
}
