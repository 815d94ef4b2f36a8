using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ModelRefs.Core.Licensing;

// Why a parser of our own instead of NuGet.Packaging's NuGetLicenseExpression.Parse:
// tried for real (a throwaway MSBuild task under `dotnet build`, SDK 10.0.401, which ships
// NuGet.Packaging 7.9.0): NuGet.Packaging 6.7.0 and 8.0.0 shipped in the task's folder do load,
// each in the task's own AssemblyLoadContext beside the SDK's copy, so loading is not the problem.
// What decides it:
//  - it throws on deprecated ids ("GPL-2.0", "GPL-2.0+", "LGPL-2.1"), which npm packages and model
//    cards still use all the time, and on lower-case operators ("MIT and Apache-2.0");
//  - it matches ids case-sensitively, so Hugging Face's "apache-2.0"/"mit" are "non-standard";
//  - it pulls NuGet.Common/Configuration/Frameworks/Versioning and Newtonsoft.Json (7-9 DLLs) into
//    the task folder for a 200-line grammar;
//  - the licence analyzer runs inside the compiler (netstandard2.0, also in Visual Studio's
//    .NET Framework process, no load contexts) and must be able to share this code: the files in
//    this folder use only netstandard2.0 APIs and explicit usings, so they can be linked there.
// So: a small recursive-descent parser of the SPDX 2.3 grammar (annex D), lenient where real
// metadata is sloppy (operator case, deprecated ids, common non-SPDX spellings via LicenseCatalog).

/// <summary>One licence of an expression: an id, an optional "or later" and an optional exception.</summary>
public sealed record LicenseTerm(string Id, bool OrLater = false, string? Exception = null)
{
    /// <summary>The id as it is compared with policy lists: the id, plus "+" when "or later" could not be folded into it.</summary>
    public string Key => OrLater ? Id + "+" : Id;

    public override string ToString() => Exception is null ? Key : Key + " WITH " + Exception;
}

/// <summary>
/// A parsed SPDX licence expression: ids, <c>AND</c>, <c>OR</c>, <c>WITH</c> exceptions, parentheses,
/// <c>+</c> and <c>LicenseRef-…</c>/<c>DocumentRef-…:LicenseRef-…</c>. Ids are put in their
/// canonical spelling through <see cref="LicenseCatalog"/> (case, deprecated forms, common
/// non-SPDX spellings); ids the catalog does not know are kept as written.
/// Precedence follows SPDX: WITH binds tighter than AND, AND tighter than OR.
/// </summary>
public abstract class LicenseExpression : IEquatable<LicenseExpression>
{
    /// <summary>Upper bound on the number of alternatives an expression may expand to.</summary>
    public const int MaxAlternatives = 1024;

    private IReadOnlyList<IReadOnlyList<LicenseTerm>>? _alternatives;

    private protected LicenseExpression() { }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> when it is no expression.</summary>
    public static LicenseExpression Parse(string text) => Parse(text, LicenseCatalog.Default);

    public static LicenseExpression Parse(string text, LicenseCatalog catalog)
    {
        if (TryParse(text, catalog, out var expression, out var error))
            return expression!;
        throw new FormatException(error);
    }

    public static bool TryParse(string? text, out LicenseExpression? expression) =>
        TryParse(text, LicenseCatalog.Default, out expression, out _);

    public static bool TryParse(string? text, LicenseCatalog catalog, out LicenseExpression? expression, out string? error)
    {
        expression = null;
        if (catalog is null)
            throw new ArgumentNullException(nameof(catalog));
        if (text is null || text.Trim().Length == 0)
        {
            error = "The licence expression is empty.";
            return false;
        }

        // Whole-value spellings first ("Apache License 2.0", "SEE LICENSE IN LICENSE.txt", "BSD").
        var whole = catalog.ResolveLooseName(text);
        if (whole is not null)
        {
            expression = new LicenseId(catalog.Canonicalize(new LicenseTerm(whole.Id)));
            error = null;
            return true;
        }

        try
        {
            var parser = new Parser(text, catalog);
            expression = parser.ParseAll();
            _ = expression.Alternatives; // enforce MaxAlternatives at parse time
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = $"'{text.Trim()}' is not a licence expression: {e.Message}";
            expression = null;
            return false;
        }
    }

    /// <summary>Every licence term, in order of appearance, without duplicates.</summary>
    public IReadOnlyList<LicenseTerm> Terms => Alternatives.SelectMany(a => a).Distinct().ToList();

    /// <summary>Every licence id (<see cref="LicenseTerm.Key"/>), in order of appearance, without duplicates.</summary>
    public IReadOnlyList<string> Ids => Terms.Select(t => t.Key).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The choices the expression offers (disjunctive normal form): the user may pick any one
    /// alternative and must then comply with every term in it.
    /// <c>(A OR B) AND C</c> gives <c>[A, C]</c> and <c>[B, C]</c>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<LicenseTerm>> Alternatives => _alternatives ??= Expand();

    /// <summary>True when every alternative contains a term matching <paramref name="predicate"/>: the user cannot avoid it.</summary>
    public bool IsUnavoidable(Func<LicenseTerm, bool> predicate) =>
        Alternatives.All(alternative => alternative.Any(predicate));

    /// <summary>True when some alternative consists only of terms matching <paramref name="acceptable"/>.</summary>
    public bool CanBeSatisfiedBy(Func<LicenseTerm, bool> acceptable) =>
        Alternatives.Any(alternative => alternative.All(acceptable));

    /// <summary>Canonical text: canonical ids, upper-case operators, only the parentheses that are needed.</summary>
    public abstract override string ToString();

    private protected abstract IReadOnlyList<IReadOnlyList<LicenseTerm>> Expand();

    public bool Equals(LicenseExpression? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LicenseExpression);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    private sealed class Parser
    {
        private readonly List<string> _tokens;
        private readonly LicenseCatalog _catalog;
        private int _position;

        public Parser(string text, LicenseCatalog catalog)
        {
            _catalog = catalog;
            _tokens = Tokenize(text);
        }

        public LicenseExpression ParseAll()
        {
            if (_tokens.Count == 0)
                throw new FormatException("it is empty.");
            var result = ParseOr();
            if (_position < _tokens.Count)
                throw new FormatException($"unexpected '{_tokens[_position]}'.");
            return result;
        }

        private LicenseExpression ParseOr()
        {
            var operands = new List<LicenseExpression> { ParseAnd() };
            while (IsOperator(Peek(), "OR"))
            {
                _position++;
                operands.Add(ParseAnd());
            }
            return operands.Count == 1 ? operands[0] : new LicenseOr(operands);
        }

        private LicenseExpression ParseAnd()
        {
            var operands = new List<LicenseExpression> { ParsePrimary() };
            while (IsOperator(Peek(), "AND"))
            {
                _position++;
                operands.Add(ParsePrimary());
            }
            return operands.Count == 1 ? operands[0] : new LicenseAnd(operands);
        }

        private LicenseExpression ParsePrimary()
        {
            var token = Next("a licence id or '('");
            if (token == "(")
            {
                var inner = ParseOr();
                if (Next("')'") != ")")
                    throw new FormatException("missing ')'.");
                return inner;
            }
            if (token == ")" || IsAnyOperator(token))
                throw new FormatException($"expected a licence id, found '{token}'.");

            var term = MakeTerm(token);
            if (IsOperator(Peek(), "WITH"))
            {
                _position++;
                var exception = Next("an exception id");
                if (exception is "(" or ")" || IsAnyOperator(exception) || !IsIdString(exception))
                    throw new FormatException($"expected an exception id after WITH, found '{exception}'.");
                term = term with { Exception = _catalog.CanonicalExceptionId(exception) };
            }
            return new LicenseId(term);
        }

        private LicenseTerm MakeTerm(string token)
        {
            var known = _catalog.Find(token);
            if (known is not null)
                return _catalog.Canonicalize(new LicenseTerm(known.Id));

            var orLater = token.EndsWith("+", StringComparison.Ordinal);
            var id = orLater ? token.Substring(0, token.Length - 1) : token;
            var entry = _catalog.Find(id);
            // An id the table does not know is kept as written, so it must be an SPDX idstring
            // ("LicenseRef-OpenRAIL++-M" is not; the table's spellings such as "GPL-2.0+" are known).
            if (entry is null && !IsIdString(id))
                throw new FormatException($"'{token}' is not a licence id.");
            return _catalog.Canonicalize(new LicenseTerm(entry?.Id ?? id, orLater));
        }

        private string? Peek() => _position < _tokens.Count ? _tokens[_position] : null;

        private string Next(string expected)
        {
            if (_position >= _tokens.Count)
                throw new FormatException($"expected {expected} at the end.");
            return _tokens[_position++];
        }

        private static bool IsOperator(string? token, string op) => token is not null && string.Equals(token, op, StringComparison.OrdinalIgnoreCase);

        private static bool IsAnyOperator(string token) => IsOperator(token, "AND") || IsOperator(token, "OR") || IsOperator(token, "WITH");

        // SPDX's idstring: 1*(ALPHA / DIGIT / "-" / "."); "+" is only the or-later suffix, which
        // the caller has taken off. "DocumentRef-x:LicenseRef-y" is the only form with a colon.
        private static bool IsIdString(string id)
        {
            if (id.Length == 0)
                return false;
            var colons = 0;
            foreach (var c in id)
            {
                if (c == ':')
                    colons++;
                else if (!(char.IsLetterOrDigit(c) && c < 128) && c != '-' && c != '.')
                    return false;
            }
            return colons == 0 || (colons == 1 && id.StartsWith("DocumentRef-", StringComparison.OrdinalIgnoreCase));
        }

        private static List<string> Tokenize(string text)
        {
            var tokens = new List<string>();
            var current = new StringBuilder();
            void Flush()
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            foreach (var c in text)
            {
                if (c == '(' || c == ')')
                {
                    Flush();
                    tokens.Add(c.ToString());
                }
                else if (char.IsWhiteSpace(c))
                    Flush();
                else
                    current.Append(c);
            }
            Flush();
            return tokens;
        }
    }
}

/// <summary>A single licence (with its optional exception).</summary>
public sealed class LicenseId : LicenseExpression
{
    public LicenseId(LicenseTerm term) => Term = term ?? throw new ArgumentNullException(nameof(term));

    public LicenseTerm Term { get; }

    public override string ToString() => Term.ToString();

    private protected override IReadOnlyList<IReadOnlyList<LicenseTerm>> Expand() => [new[] { Term }];
}

/// <summary>A conjunction: all operands apply.</summary>
public sealed class LicenseAnd : LicenseExpression
{
    public LicenseAnd(IReadOnlyList<LicenseExpression> operands) => Operands = operands;

    public IReadOnlyList<LicenseExpression> Operands { get; }

    public override string ToString() =>
        string.Join(" AND ", Operands.Select(o => o is LicenseOr ? "(" + o + ")" : o.ToString()));

    private protected override IReadOnlyList<IReadOnlyList<LicenseTerm>> Expand()
    {
        IReadOnlyList<IReadOnlyList<LicenseTerm>> result = [Array.Empty<LicenseTerm>()];
        foreach (var operand in Operands)
        {
            var next = new List<IReadOnlyList<LicenseTerm>>();
            foreach (var left in result)
                foreach (var right in operand.Alternatives)
                {
                    next.Add(left.Concat(right).Distinct().ToList());
                    if (next.Count > MaxAlternatives)
                        throw new FormatException($"it expands to more than {MaxAlternatives} alternatives.");
                }
            result = next;
        }
        return result;
    }
}

/// <summary>A disjunction: any one operand may be chosen.</summary>
public sealed class LicenseOr : LicenseExpression
{
    public LicenseOr(IReadOnlyList<LicenseExpression> operands) => Operands = operands;

    public IReadOnlyList<LicenseExpression> Operands { get; }

    public override string ToString() => string.Join(" OR ", Operands.Select(o => o.ToString()));

    private protected override IReadOnlyList<IReadOnlyList<LicenseTerm>> Expand()
    {
        var result = Operands.SelectMany(o => o.Alternatives).ToList();
        if (result.Count > MaxAlternatives)
            throw new FormatException($"it expands to more than {MaxAlternatives} alternatives.");
        return result;
    }
}
