using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ModelRefs.Core.Licensing;

/// <summary>What a licence finding is about. The analyzer maps each kind to one MR1xxx diagnostic.</summary>
public enum LicenseFindingKind
{
    NonCommercial,
    UseRestricted,
    NoDerivatives,
    CopyleftIncompatible,
    Denied,
    NotAllowed,
    Unknown,

    /// <summary>Informational: the licence requires a notice to ship with the app.</summary>
    AttributionRequired,
}

/// <summary>One finding about a model's licence.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="LicenseIds">The licence ids it is about, as AcceptLicense would name them (empty when the licence is missing or unreadable).</param>
/// <param name="Message">A sentence for the user: which licence, what is wrong, what to do.</param>
public sealed record LicenseFinding(LicenseFindingKind Kind, IReadOnlyList<string> LicenseIds, string Message)
{
    /// <summary>Everything but <see cref="LicenseFindingKind.AttributionRequired"/> is a warning.</summary>
    public bool IsWarning => Kind != LicenseFindingKind.AttributionRequired;

    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>The project side of a licence check.</summary>
/// <param name="ProjectLicenseExpression">The project's $(PackageLicenseExpression); null or empty when it declares none.</param>
/// <param name="AllowedLicenses">$(ModelRefsAllowedLicenses): when not empty, every licence outside it is reported.</param>
/// <param name="DeniedLicenses">$(ModelRefsDeniedLicenses).</param>
/// <param name="AcceptedLicenses">The item's AcceptLicense: ids whose findings are silenced for this model.</param>
public sealed record LicensePolicyInput(
    string? ProjectLicenseExpression = null,
    IReadOnlyList<string>? AllowedLicenses = null,
    IReadOnlyList<string>? DeniedLicenses = null,
    IReadOnlyList<string>? AcceptedLicenses = null)
{
    /// <summary>Builds an input from MSBuild's raw strings; lists are split on ';' and ','.</summary>
    public static LicensePolicyInput FromMSBuild(string? packageLicenseExpression, string? allowed, string? denied, string? accepted) =>
        new(packageLicenseExpression, SplitList(allowed), SplitList(denied), SplitList(accepted));

    /// <summary>Splits an MSBuild list (<c>MIT;Apache-2.0</c>, also <c>MIT, Apache-2.0</c>) into ids.</summary>
    public static IReadOnlyList<string> SplitList(string? list) =>
        string.IsNullOrWhiteSpace(list)
            ? Array.Empty<string>()
            : list!.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
}

/// <summary>
/// Checks a model's licence against the project: see docs/licensing.md for the rules. In short:
/// an OR lets the user pick the friendliest alternative (the one with the fewest warnings is
/// reported); an AND needs every term. Per term: denied, not allowed, non-commercial,
/// no-derivatives, use-restricted, unknown or proprietary, copyleft the project's licence cannot
/// take, and (informational) attribution. AcceptLicense silences every finding of exactly the
/// accepted ids; an id listed in ModelRefsAllowedLicenses is reviewed project-wide, so only its
/// attribution note remains.
/// </summary>
public static class LicensePolicy
{
    public static IReadOnlyList<LicenseFinding> Evaluate(string? modelLicenseExpression, LicensePolicyInput input) =>
        Evaluate(modelLicenseExpression, input, LicenseCatalog.Default);

    public static IReadOnlyList<LicenseFinding> Evaluate(string? modelLicenseExpression, LicensePolicyInput input, LicenseCatalog catalog)
    {
        if (input is null)
            throw new ArgumentNullException(nameof(input));
        if (catalog is null)
            throw new ArgumentNullException(nameof(catalog));

        var context = new Context(input, catalog);

        if (string.IsNullOrWhiteSpace(modelLicenseExpression))
        {
            var noAssertion = new LicenseTerm(LicenseCatalog.NoAssertionId);
            return context.IsAccepted(noAssertion)
                ? Array.Empty<LicenseFinding>()
                :
                [
                    new LicenseFinding(LicenseFindingKind.Unknown, [LicenseCatalog.NoAssertionId],
                        "The model states no licence. Check the model's terms and set License=\"<SPDX expression>\" on the ModelReference " +
                        "(LicenseRef-<name> for a custom licence), or accept the risk with AcceptLicense=\"NOASSERTION\"."),
                ];
        }

        if (!LicenseExpression.TryParse(modelLicenseExpression, catalog, out var expression, out var error))
        {
            return
            [
                new LicenseFinding(LicenseFindingKind.Unknown, Array.Empty<string>(),
                    $"The model's licence '{modelLicenseExpression!.Trim()}' is not an SPDX licence expression, so it cannot be checked. " +
                    "Read the model's terms and set License=\"<SPDX expression>\" on the ModelReference (LicenseRef-<name> for a custom licence); " +
                    "then accept it with AcceptLicense if it needs accepting."),
            ];
        }

        List<LicenseFinding>? best = null;
        (int Warnings, int Infos) bestScore = (int.MaxValue, int.MaxValue);
        foreach (var alternative in expression!.Alternatives)
        {
            var findings = alternative.SelectMany(context.EvaluateTerm).ToList();
            var score = (findings.Count(f => f.IsWarning), findings.Count(f => !f.IsWarning));
            if (score.Item1 < bestScore.Warnings || (score.Item1 == bestScore.Warnings && score.Item2 < bestScore.Infos))
            {
                best = findings;
                bestScore = score;
            }
        }

        var result = best ?? new List<LicenseFinding>();
        if (expression.Alternatives.Count > 1 && bestScore.Warnings > 0)
        {
            var note = $" The licence '{expression}' offers alternatives; none of them avoids this.";
            result = result.Select(f => f.IsWarning ? f with { Message = f.Message + note } : f).ToList();
        }
        return result;
    }

    /// <summary>
    /// True when a model under <paramref name="modelTerm"/> (strong or network copyleft) can ship
    /// inside a project under <paramref name="projectTerm"/>: the same licence family (a GPL model
    /// also fits an AGPL project, GPLv3 §13) and at least one licence version both allow.
    /// </summary>
    public static bool IsCopyleftCompatible(LicenseTerm modelTerm, LicenseTerm projectTerm, LicenseCatalog? catalog = null)
    {
        catalog ??= LicenseCatalog.Default;
        var model = CopyleftScope.Of(catalog.Canonicalize(modelTerm));
        var project = CopyleftScope.Of(catalog.Canonicalize(projectTerm));
        if (model is null || project is null)
            return false;
        var familyFits = model.Family == project.Family || (model.Family == "GPL" && project.Family == "AGPL");
        return familyFits && model.Overlaps(project);
    }

    private sealed class Context
    {
        private readonly LicensePolicyInput _input;
        private readonly LicenseCatalog _catalog;
        private readonly HashSet<string> _accepted;
        private readonly HashSet<string> _allowed;
        private readonly HashSet<string> _denied;
        private readonly LicenseExpression? _project;
        private readonly string _projectText;

        public Context(LicensePolicyInput input, LicenseCatalog catalog)
        {
            _input = input;
            _catalog = catalog;
            _accepted = new HashSet<string>((input.AcceptedLicenses ?? Array.Empty<string>()).Select(ExactKey), StringComparer.OrdinalIgnoreCase);
            _allowed = new HashSet<string>((input.AllowedLicenses ?? Array.Empty<string>()).Select(FamilyKey), StringComparer.OrdinalIgnoreCase);
            _denied = new HashSet<string>((input.DeniedLicenses ?? Array.Empty<string>()).Select(FamilyKey), StringComparer.OrdinalIgnoreCase);
            _projectText = input.ProjectLicenseExpression?.Trim() ?? "";
            if (_projectText.Length > 0)
                LicenseExpression.TryParse(_projectText, catalog, out _project, out _);
        }

        public bool IsAccepted(LicenseTerm term) => _accepted.Contains(ExactKey(term.Key)) || _accepted.Contains(term.ToString());

        public IEnumerable<LicenseFinding> EvaluateTerm(LicenseTerm term)
        {
            if (IsAccepted(term))
                yield break;

            var id = term.Key;
            string[] ids = [id];
            var accept = $"AcceptLicense=\"{id}\"";
            var entry = _catalog.Find(term);
            var category = entry?.Category ?? LicenseCategory.Unknown;
            var family = FamilyKey(id);

            if (_denied.Contains(family))
                yield return new(LicenseFindingKind.Denied, ids,
                    $"The model's licence {id} is denied by ModelRefsDeniedLicenses. Choose another model, or accept it for this model only with {accept}.");

            var allowedByProject = _allowed.Contains(family);
            if (_allowed.Count > 0 && !allowedByProject)
                yield return new(LicenseFindingKind.NotAllowed, ids,
                    $"The model's licence {id} is not in ModelRefsAllowedLicenses ({string.Join(";", _input.AllowedLicenses!)}). " +
                    $"Choose another model, add {id} to ModelRefsAllowedLicenses, or accept it for this model only with {accept}.");

            if (!allowedByProject)
            {
                switch (category)
                {
                    case LicenseCategory.NonCommercial:
                        yield return new(LicenseFindingKind.NonCommercial, ids,
                            $"The model's licence {id} ({entry!.Name}) forbids commercial use. Choose another model, or, if this project is not commercial, accept it with {accept}.");
                        break;
                    case LicenseCategory.UseRestricted:
                        yield return new(LicenseFindingKind.UseRestricted, ids,
                            $"The model's licence {id} ({entry!.Name}) restricts how the model may be used, and its use restrictions must be passed on to your users. " +
                            $"Review them, then accept the licence with {accept}, or choose another model.");
                        break;
                    case LicenseCategory.StrongCopyleft:
                    case LicenseCategory.NetworkCopyleft:
                        if (!FitsProject(term))
                            yield return new(LicenseFindingKind.CopyleftIncompatible, ids, CopyleftMessage(term, entry!, accept));
                        break;
                    case LicenseCategory.Proprietary:
                        yield return new(LicenseFindingKind.Unknown, ids,
                            $"The model's licence is {id} ({entry!.Name}): its publisher grants no licence to use it. Get a licence from the publisher and accept it with {accept}, or choose another model.");
                        break;
                    case LicenseCategory.Unknown:
                        yield return new(LicenseFindingKind.Unknown, ids, UnknownMessage(term, entry, accept));
                        break;
                }

                if (category == LicenseCategory.NoDerivatives || (entry?.NoDerivatives == true))
                    yield return new(LicenseFindingKind.NoDerivatives, ids,
                        $"The model's licence {id} forbids sharing modified versions: converting, quantizing or fine-tuning the model and shipping the result may breach it. " +
                        $"Ship the model unmodified and accept the licence with {accept}, or choose another model.");
            }

            if (entry?.RequiresAttribution == true)
            {
                var message = $"The model's licence {id} requires attribution: ship its copyright notice and licence text with the app (for example in THIRD-PARTY-NOTICES).";
                if (category == LicenseCategory.WeakCopyleft)
                    message += $" {id} is weak copyleft: the app may use any licence, but keep the model a separate file, and share any change to the model itself under {id}.";
                else if (entry.ShareAlike && category == LicenseCategory.Permissive)
                    message += $" Modified versions of the model must be shared under {id}.";
                yield return new(LicenseFindingKind.AttributionRequired, ids, message);
            }
        }

        private bool FitsProject(LicenseTerm term) =>
            _project is not null && _project.Terms.Any(p => IsCopyleftCompatible(term, p, _catalog));

        private string CopyleftMessage(LicenseTerm term, LicenseCatalogEntry entry, string accept)
        {
            var id = term.Key;
            var what = entry.Category == LicenseCategory.NetworkCopyleft
                ? $"{id} is network copyleft: shipping the app with this model, or letting users reach it over a network, requires the whole app to be released under {id}"
                : $"{id} is strong copyleft: distributing the app with this model requires the whole app to be released under {id}";
            var project = _projectText.Length == 0
                ? "the project declares no PackageLicenseExpression, so it is taken to be closed source"
                : _project is null
                    ? $"the project's PackageLicenseExpression '{_projectText}' is not a licence expression"
                    : $"the project's PackageLicenseExpression is '{_project}'";
            return $"The model's licence {what}, but {project}. Choose another model, license the project under compatible terms, " +
                   $"or, if the app is never distributed, accept the licence with {accept}.";
        }

        private static string UnknownMessage(LicenseTerm term, LicenseCatalogEntry? entry, string accept)
        {
            var id = term.Key;
            if (entry?.Id == LicenseCatalog.NoAssertionId)
                return $"The model's licence is unknown ({id}). Check the model's terms and set License=\"<SPDX expression>\" on the ModelReference, or accept the risk with {accept}.";
            if (entry?.Id == LicenseCatalog.SeeLicenseInId)
                return $"The model's licence is in a file of its package (npm: SEE LICENSE IN …) that ModelRefs could not recognise. Read it, set License=\"<SPDX expression>\" on the ModelReference, or accept it with {accept}.";
            if (entry is not null)
                return $"The model's licence is {id} ({entry.Name}), whose terms ModelRefs cannot check. Read them, set License=\"<SPDX expression>\" on the ModelReference, or accept it with {accept}.";
            return $"The model's licence {id} is not in ModelRefs' licence table, so its terms cannot be checked. Read them and accept the licence with {accept}, or choose another model.";
        }

        // AcceptLicense compares canonical ids exactly (case-insensitively): "GPL-3.0" and
        // "GPL-3.0-only" are one id, "GPL-3.0-or-later" is another.
        private string ExactKey(string id)
        {
            var trimmed = id.Trim();
            if (trimmed.Length == 0)
                return trimmed;
            var orLater = trimmed.EndsWith("+", StringComparison.Ordinal) && _catalog.Find(trimmed) is null;
            var bare = orLater ? trimmed.Substring(0, trimmed.Length - 1) : trimmed;
            var found = _catalog.Find(bare);
            return _catalog.Canonicalize(new LicenseTerm(found?.Id ?? bare, orLater)).Key;
        }

        // Allowed and denied lists name licences, not version clauses: GPL-3.0, GPL-3.0-only,
        // GPL-3.0-or-later and GPL-3.0+ all match each other there.
        private string FamilyKey(string id)
        {
            var key = ExactKey(id);
            foreach (var suffix in new[] { "-or-later", "-only", "+" })
                if (key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                    return key.Substring(0, key.Length - suffix.Length);
            return key;
        }
    }

    /// <summary>A copyleft licence family with the range of versions a term allows.</summary>
    private sealed class CopyleftScope
    {
        private CopyleftScope(string family, decimal min, decimal? max)
        {
            Family = family;
            Min = min;
            Max = max;
        }

        public string Family { get; }
        public decimal Min { get; }
        public decimal? Max { get; }

        public bool Overlaps(CopyleftScope other)
        {
            var low = Math.Max(Min, other.Min);
            var high = Max is null ? other.Max : other.Max is null ? Max : Math.Min(Max.Value, other.Max.Value);
            return high is null || low <= high.Value;
        }

        // "GPL-2.0-only" → GPL [2.0, 2.0]; "GPL-2.0-or-later" → GPL [2.0, ∞); "LicenseRef-GPL"
        // (the table's id for "GPL") → GPL [0, ∞) (no version stated: any version may be chosen);
        // "EUPL-1.2" → EUPL [1.2, 1.2].
        public static CopyleftScope? Of(LicenseTerm term)
        {
            var id = term.Id;
            const string Ref = "LicenseRef-";
            if (id.StartsWith(Ref, StringComparison.OrdinalIgnoreCase) && id.Length > Ref.Length && id.Substring(Ref.Length).All(char.IsLetter))
                id = id.Substring(Ref.Length);
            var orLater = term.OrLater;
            if (id.EndsWith("-or-later", StringComparison.OrdinalIgnoreCase))
            {
                id = id.Substring(0, id.Length - "-or-later".Length);
                orLater = true;
            }
            else if (id.EndsWith("-only", StringComparison.OrdinalIgnoreCase))
                id = id.Substring(0, id.Length - "-only".Length);

            var dash = id.LastIndexOf('-');
            if (dash > 0 && decimal.TryParse(id.Substring(dash + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var version))
                return new CopyleftScope(id.Substring(0, dash).ToUpperInvariant(), version, orLater ? null : version);
            if (id.IndexOf('-') < 0 && id.All(char.IsLetter))
                return new CopyleftScope(id.ToUpperInvariant(), 0m, null);
            return null;
        }
    }
}
