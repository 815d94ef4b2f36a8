using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ModelRefs.Core.Licensing;

/// <summary>One row of the licence table.</summary>
/// <param name="Id">Canonical id: the SPDX id where the SPDX License List has one, else a <c>LicenseRef-</c> name (NONE and NOASSERTION are SPDX's special values).</param>
/// <param name="Category">What the licence means for shipping software.</param>
/// <param name="RequiresAttribution">A copyright/licence notice must ship with the app.</param>
/// <param name="ShareAlike">Modified versions of the model must be shared under the same licence.</param>
/// <param name="NoDerivatives">Modified versions may not be shared at all.</param>
/// <param name="Name">Human name.</param>
/// <param name="Aliases">Other spellings seen in npm, Hugging Face, TF Hub and Kaggle metadata, and ids older ModelRefs versions recorded (<c>llama2</c>).</param>
/// <param name="ReplacedBy">For deprecated ids, the id to use instead (GPL-2.0 → GPL-2.0-only).</param>
public sealed record LicenseCatalogEntry(
    string Id,
    LicenseCategory Category,
    bool RequiresAttribution,
    bool ShareAlike,
    bool NoDerivatives,
    string Name,
    IReadOnlyList<string> Aliases,
    string? ReplacedBy = null);

/// <summary>
/// The licence table: id → category and obligations. The data is the text table in
/// <c>LicenseCatalog.Table.cs</c>; extend it there (see docs/licensing.md), or build a catalog with
/// extra rows through <see cref="WithEntries"/>.
/// </summary>
public sealed partial class LicenseCatalog
{
    private static LicenseCatalog? s_default;

    private readonly Dictionary<string, LicenseCatalogEntry> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LicenseCatalogEntry> _byLooseName = new(StringComparer.Ordinal);

    public LicenseCatalog(IEnumerable<LicenseCatalogEntry> entries)
    {
        if (entries is null)
            throw new ArgumentNullException(nameof(entries));
        var list = new List<LicenseCatalogEntry>();
        foreach (var entry in entries)
        {
            if (_byId.ContainsKey(entry.Id))
                throw new ArgumentException($"Licence id '{entry.Id}' is in the catalog twice.", nameof(entries));
            _byId[entry.Id] = entry;
            list.Add(entry);
        }
        foreach (var entry in list)
        {
            foreach (var alias in entry.Aliases)
            {
                var key = LooseKey(alias);
                if (key.Length == 0)
                    continue;
                if (_byLooseName.TryGetValue(key, out var other) && other.Id != entry.Id)
                    throw new ArgumentException($"Alias '{alias}' names both '{other.Id}' and '{entry.Id}'.", nameof(entries));
                _byLooseName[key] = entry;
            }
        }
        foreach (var entry in list)
            if (entry.ReplacedBy is not null && !_byId.ContainsKey(entry.ReplacedBy))
                throw new ArgumentException($"'{entry.Id}' is replaced by '{entry.ReplacedBy}', which is not in the catalog.", nameof(entries));
        Entries = list;
    }

    /// <summary>The built-in table.</summary>
    public static LicenseCatalog Default => s_default ??= new LicenseCatalog(ParseTable(BuiltInTable));

    public IReadOnlyList<LicenseCatalogEntry> Entries { get; }

    /// <summary>A catalog with <paramref name="entries"/> added, or replacing rows with the same id.</summary>
    public LicenseCatalog WithEntries(IEnumerable<LicenseCatalogEntry> entries)
    {
        var added = entries.ToList();
        var ids = new HashSet<string>(added.Select(e => e.Id), StringComparer.OrdinalIgnoreCase);
        return new LicenseCatalog(Entries.Where(e => !ids.Contains(e.Id)).Concat(added));
    }

    /// <summary>The row for an id or alias (case-insensitive), or null.</summary>
    public LicenseCatalogEntry? Find(string idOrAlias)
    {
        if (string.IsNullOrWhiteSpace(idOrAlias))
            return null;
        var trimmed = idOrAlias.Trim();
        if (_byId.TryGetValue(trimmed, out var entry))
            return entry;
        return _byLooseName.TryGetValue(LooseKey(trimmed), out entry) ? entry : null;
    }

    /// <summary>The row that classifies <paramref name="term"/>, following deprecations and "+".</summary>
    public LicenseCatalogEntry? Find(LicenseTerm term)
    {
        var entry = Find(term.Id);
        if (entry?.ReplacedBy is not null)
            entry = Find(entry.ReplacedBy);
        return entry;
    }

    /// <summary>The category of one term; <see cref="LicenseCategory.Unknown"/> for ids not in the table (LicenseRef-…).</summary>
    public LicenseCategory Classify(LicenseTerm term) => Find(term)?.Category ?? LicenseCategory.Unknown;

    /// <summary>
    /// One category for a whole expression: the friendliest alternative's most restrictive term.
    /// Null or unparsable text is <see cref="LicenseCategory.Unknown"/>.
    /// </summary>
    public LicenseCategory Summarize(LicenseExpression? expression)
    {
        if (expression is null)
            return LicenseCategory.Unknown;
        return expression.Alternatives
            .Select(alternative => alternative.Select(Classify).DefaultIfEmpty(LicenseCategory.Unknown).Max())
            .Min();
    }

    /// <summary>Canonical spelling: deprecated ids replaced, "+" folded into "-or-later" where such an id exists.</summary>
    public LicenseTerm Canonicalize(LicenseTerm term)
    {
        var entry = Find(term.Id);
        var id = entry?.Id ?? term.Id;
        var orLater = term.OrLater;
        if (entry?.ReplacedBy is not null)
            id = entry.ReplacedBy;
        if (orLater)
        {
            const string Only = "-only", OrLaterSuffix = "-or-later";
            if (id.EndsWith(OrLaterSuffix, StringComparison.OrdinalIgnoreCase))
                orLater = false;
            else
            {
                var baseId = id.EndsWith(Only, StringComparison.OrdinalIgnoreCase) ? id.Substring(0, id.Length - Only.Length) : id;
                var later = Find(baseId + OrLaterSuffix);
                if (later is not null)
                {
                    id = later.Id;
                    orLater = false;
                }
            }
        }
        return new LicenseTerm(id, orLater, term.Exception);
    }

    /// <summary>Canonical spelling of a WITH exception id (case); unknown ones are kept as written.</summary>
    public string CanonicalExceptionId(string exception)
    {
        foreach (var known in KnownExceptions)
            if (string.Equals(known, exception, StringComparison.OrdinalIgnoreCase))
                return known;
        return exception;
    }

    /// <summary>
    /// A whole metadata value that is a name rather than an expression: "Apache License 2.0",
    /// "CC BY-NC 4.0", "The MIT License", npm's "SEE LICENSE IN LICENSE.md". Null when the value is
    /// none of these (then it is parsed as an expression).
    /// </summary>
    public LicenseCatalogEntry? ResolveLooseName(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("SEE LICENSE IN ", StringComparison.OrdinalIgnoreCase) ||
            trimmed.StartsWith("SEE LICENCE IN ", StringComparison.OrdinalIgnoreCase))
            return Find(SeeLicenseInId);
        if (_byId.TryGetValue(trimmed, out var exact))
            return exact;
        if (trimmed.Count(c => c == '(') != trimmed.Count(c => c == ')'))
            return null; // "(MIT" is a broken expression, not a name
        var key = LooseKey(trimmed);
        if (_byLooseName.TryGetValue(key, out var entry))
            return entry;
        // "The MIT License"; "Apache 2.0", "CC BY-NC-SA 4.0", "BSD 3-Clause": a name whose words join into an id.
        if (key.Length > 0 && _byId.TryGetValue(key.Replace(' ', '-'), out entry))
            return entry;
        return null;
    }

    /// <summary>For npm's "SEE LICENSE IN &lt;file&gt;", the file; restore can read it and run <see cref="LicenseTextRecognizer"/>.</summary>
    public static bool TryGetSeeLicenseFile(string? npmLicense, out string file)
    {
        file = "";
        if (npmLicense is null)
            return false;
        var trimmed = npmLicense.Trim();
        foreach (var prefix in new[] { "SEE LICENSE IN ", "SEE LICENCE IN " })
            if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                file = trimmed.Substring(prefix.Length).Trim();
                return file.Length > 0;
            }
        return false;
    }

    /// <summary>The id npm's "SEE LICENSE IN …" maps to (category Unknown until the file is recognised).</summary>
    public const string SeeLicenseInId = "LicenseRef-SEE-LICENSE-IN";

    /// <summary>The id used when no licence is stated at all.</summary>
    public const string NoAssertionId = "NOASSERTION";

    /// <summary>
    /// Parses the table format: one row a line, columns separated by <c>|</c>:
    /// <c>id | category | flags | name | aliases</c>. Flags: <c>attribution</c>, <c>share-alike</c>,
    /// <c>no-derivatives</c>, <c>replaced-by=ID</c>; <c>-</c> for none. Aliases are separated by <c>;</c>.
    /// Blank lines and lines starting with <c>#</c> are skipped.
    /// </summary>
    public static IReadOnlyList<LicenseCatalogEntry> ParseTable(string table)
    {
        var entries = new List<LicenseCatalogEntry>();
        var lineNumber = 0;
        foreach (var rawLine in table.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                continue;
            var columns = line.Split('|').Select(c => c.Trim()).ToArray();
            if (columns.Length != 5)
                throw new FormatException($"Licence table line {lineNumber}: expected 5 columns separated by '|', found {columns.Length}: {line}");
            var id = columns[0];
            if (id.Length == 0 || id.IndexOf(' ') >= 0)
                throw new FormatException($"Licence table line {lineNumber}: bad id '{id}'.");
            LicenseCategory category;
            try
            {
                category = (LicenseCategory)Enum.Parse(typeof(LicenseCategory), columns[1], ignoreCase: false);
            }
            catch (ArgumentException)
            {
                throw new FormatException($"Licence table line {lineNumber}: unknown category '{columns[1]}'.");
            }
            bool attribution = false, shareAlike = false, noDerivatives = false;
            string? replacedBy = null;
            foreach (var flag in columns[2].Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (flag == "-")
                    continue;
                else if (flag == "attribution")
                    attribution = true;
                else if (flag == "share-alike")
                    shareAlike = true;
                else if (flag == "no-derivatives")
                    noDerivatives = true;
                else if (flag.StartsWith("replaced-by=", StringComparison.Ordinal))
                    replacedBy = flag.Substring("replaced-by=".Length);
                else
                    throw new FormatException($"Licence table line {lineNumber}: unknown flag '{flag}'.");
            }
            var aliases = columns[4] == "-"
                ? Array.Empty<string>()
                : columns[4].Split(';').Select(a => a.Trim()).Where(a => a.Length > 0).ToArray();
            entries.Add(new LicenseCatalogEntry(id, category, attribution, shareAlike, noDerivatives, columns[3], aliases, replacedBy));
        }
        return entries;
    }

    /// <summary>
    /// The key loose names are compared by: lower case, quotes and commas dropped, runs of spaces
    /// and underscores made one space, and the words "the", "license", "licence", "version",
    /// "agreement" left out. "The Apache License, Version 2.0" → "apache 2.0".
    /// </summary>
    internal static string LooseKey(string name)
    {
        var cleaned = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is '"' or '\'' or '“' or '”' or ',' or '(' or ')')
                cleaned.Append(' ');
            else if (c == '_' || char.IsWhiteSpace(c))
                cleaned.Append(' ');
            else
                cleaned.Append(c);
        }
        var words = cleaned.ToString()
            .Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("the" or "license" or "licence" or "version" or "agreement" or "v"));
        return string.Join(" ", words);
    }

    private static readonly string[] KnownExceptions =
    [
        "Classpath-exception-2.0", "LLVM-exception", "GCC-exception-2.0", "GCC-exception-3.1",
        "Autoconf-exception-3.0", "Bison-exception-2.2", "Font-exception-2.0", "OpenJDK-assembly-exception-1.0",
        "Linux-syscall-note", "LGPL-3.0-linking-exception", "Qt-LGPL-exception-1.1", "Universal-FOSS-exception-1.0",
    ];
}
