using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelRefs.Core.Licensing;

/// <summary>The result of recognising a licence text.</summary>
/// <param name="LicenseId">The licence table id the text is (an SPDX id or a <c>LicenseRef-</c> name), or null when it is none of the known texts.</param>
/// <param name="Confidence">The share of the licence's reference phrases found in the text, 0 to 1.</param>
/// <param name="Candidates">Every reference that matched at least one phrase, best first (for logs and tests).</param>
public sealed record LicenseRecognition(string? LicenseId, double Confidence, IReadOnlyList<LicenseCandidate> Candidates)
{
    public bool IsRecognized => LicenseId is not null;
}

/// <summary>How well one reference matched.</summary>
public sealed record LicenseCandidate(string LicenseId, double Score, int Matched, int Total, bool Excluded);

/// <summary>
/// Recognises a licence by the content of its text (a LICENSE file, a model card's licence
/// section), not by a file name or a title.
/// <para>
/// Method: the text is normalised (case, "licence" spellings, copyright lines, URLs, list markers
/// and numbering, markdown and other punctuation, line wrapping) to one line of words. Each
/// reference licence (<see cref="LicenseTextReferences"/>) is a short list of distinctive
/// sentences from its official text, normalised the same way; its score is the share of those
/// sentences the text contains. Phrases marked required must all be there; a phrase marked as
/// excluding rules the reference out when present (a BSD-3 "neither the name" clause rules out
/// BSD-2, an LGPL-3 preamble rules out GPL-3, whose text the SPDX LGPL-3 text carries). The best
/// score wins, ties going to the reference with more phrases (the more specific one). A score under
/// <see cref="MinimumScore"/> is no recognition.
/// </para>
/// <para>
/// Phrase lists instead of whole texts keep the repo small (~19 KB instead of ~250 KB of licence
/// texts), make every decision explainable, and still tell close relatives apart, because the
/// sentences chosen are the ones where the relatives differ.
/// </para>
/// </summary>
public static class LicenseTextRecognizer
{
    /// <summary>The share of a reference's phrases a text must contain to count as that licence.</summary>
    public const double MinimumScore = 0.6;

    private static IReadOnlyList<Reference>? s_references;

    /// <summary>Recognises <paramref name="text"/> against the built-in references.</summary>
    public static LicenseRecognition Recognize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new LicenseRecognition(null, 0, Array.Empty<LicenseCandidate>());
        var references = s_references ??= Reference.ParseAll(LicenseTextReferences.Table);
        var index = new TextIndex(Normalize(text!));

        var candidates = new List<LicenseCandidate>();
        foreach (var reference in references)
        {
            var matched = 0;
            var missingRequired = false;
            foreach (var phrase in reference.Phrases)
            {
                if (index.Contains(phrase.Text))
                    matched++;
                else if (phrase.Required)
                    missingRequired = true;
            }
            if (matched == 0)
                continue;
            var excluded = missingRequired || reference.Excluding.Any(index.Contains);
            candidates.Add(new LicenseCandidate(reference.LicenseId, (double)matched / reference.Phrases.Count, matched, reference.Phrases.Count, excluded));
        }

        var ranked = candidates
            .OrderBy(c => c.Excluded)
            .ThenByDescending(c => c.Score)
            .ThenByDescending(c => c.Total)
            .ToList();
        var best = ranked.FirstOrDefault(c => !c.Excluded && c.Score >= MinimumScore && c.Matched >= 2);
        return new LicenseRecognition(best?.LicenseId, best?.Score ?? 0, ranked);
    }

    // A copyright statement ("Copyright (c) 2024 …", "Copyright 2019-2024 …", "© …", "(C) 2020 …"), not a
    // wrapped line that happens to start with "copyright notice and this permission notice …".
    private static readonly Regex CopyrightLine = new(@"^(?:copyright\s*(?:\(c\)|©|\d{4}|by\b|:)|\(c\)\s*\d{4}|©)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ListMarker = new(@"^(?:[-*+•·>#=_|]+\s*|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,5})[.)]\s+)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex InlineMarker = new(@"(?<=\s|^)\((?:\d{1,3}|[a-z]|[ivx]{1,5})\)(?=\s)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Url = new(@"(?:https?|ftp)://[^\s<>()\[\]""']+|www\.[^\s<>()\[\]""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Spelling = new(@"licenc(?=e|ed|es|ing)", RegexOptions.CultureInvariant);

    /// <summary>
    /// The normal form texts are compared in: lower case, one space between words, wrapped in
    /// spaces (so " phrase " finds whole words), with copyright lines, URLs, list markers and
    /// punctuation gone and "licence" spelled "license".
    /// </summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append(' ');
        foreach (var rawLine in text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
        {
            var line = rawLine.Trim();
            line = ListMarker.Replace(line, "");
            if (line.Length == 0 || CopyrightLine.IsMatch(line))
                continue;
            line = Url.Replace(line, " ");
            line = InlineMarker.Replace(line, " ");
            AppendWords(builder, line);
        }
        var normalized = Spelling.Replace(builder.ToString(), "licens");
        return normalized.EndsWith(" ", StringComparison.Ordinal) ? normalized : normalized + " ";
    }

    private static void AppendWords(StringBuilder builder, string line)
    {
        foreach (var raw in line)
        {
            var c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
                builder.Append(c);
            else if (c is '\'' or '’' or '‘' or '`' or '\u00AD')
                continue; // licensor's → licensors; soft hyphens vanish
            else if (builder.Length > 0 && builder[builder.Length - 1] != ' ')
                builder.Append(' ');
        }
        if (builder[builder.Length - 1] != ' ')
            builder.Append(' ');
    }

    /// <summary>
    /// Phrase look-up in a normalised text: the positions of every three-word sequence, so a phrase
    /// is compared only where its first three words occur (a 40 KB text has ~7,000 positions; the
    /// ~150 reference phrases then cost microseconds instead of a scan each). Answers are cached,
    /// as references share phrases.
    /// </summary>
    private sealed class TextIndex
    {
        private const int KeyWords = 3;
        private readonly string _text;
        private readonly Dictionary<string, List<int>> _positions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, bool> _answers = new(StringComparer.Ordinal);

        public TextIndex(string normalized)
        {
            _text = normalized;
            // Word starts: the character after each space.
            var starts = new List<int>();
            for (var i = 0; i < normalized.Length - 1; i++)
                if (normalized[i] == ' ')
                    starts.Add(i + 1);
            for (var w = 0; w + KeyWords < starts.Count; w++)
            {
                var start = starts[w];
                var key = normalized.Substring(start, starts[w + KeyWords] - start);
                if (!_positions.TryGetValue(key, out var list))
                    _positions[key] = list = new List<int>(1);
                list.Add(start - 1);
            }
        }

        public bool Contains(string phrase)
        {
            if (_answers.TryGetValue(phrase, out var known))
                return known;
            var answer = Find(phrase);
            _answers[phrase] = answer;
            return answer;
        }

        private bool Find(string phrase)
        {
            // phrase is " w1 w2 w3 … "; its key is "w1 w2 w3 ".
            var end = 1;
            for (var words = 0; words < KeyWords; words++)
            {
                end = phrase.IndexOf(' ', end) + 1;
                if (end <= 0 || end >= phrase.Length)
                    return _text.IndexOf(phrase, StringComparison.Ordinal) >= 0; // shorter than the key
            }
            if (!_positions.TryGetValue(phrase.Substring(1, end - 1), out var positions))
                return false;
            foreach (var position in positions)
                if (position + phrase.Length <= _text.Length && string.CompareOrdinal(_text, position, phrase, 0, phrase.Length) == 0)
                    return true;
            return false;
        }
    }

    private sealed class Reference
    {
        public Reference(string licenseId) => LicenseId = licenseId;

        public string LicenseId { get; }
        public List<(string Text, bool Required)> Phrases { get; } = new();
        public List<string> Excluding { get; } = new();

        public static IReadOnlyList<Reference> ParseAll(string table)
        {
            var references = new List<Reference>();
            Reference? current = null;
            var lineNumber = 0;
            foreach (var raw in table.Split('\n'))
            {
                lineNumber++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                    continue;
                if (line.StartsWith("==", StringComparison.Ordinal))
                {
                    current = new Reference(line.Substring(2).Trim());
                    references.Add(current);
                    continue;
                }
                if (current is null || line.Length < 2 || line[1] != ' ')
                    throw new FormatException($"Licence reference line {lineNumber}: expected '== id', '+ phrase', '! phrase', '- phrase' or '& id': {line}");
                if (line[0] == '&')
                {
                    // A shared skeleton: every phrase and exclusion of an earlier reference.
                    var baseId = line.Substring(2).Trim();
                    var template = references.FindLast(r => r != current && r.LicenseId == baseId)
                        ?? throw new FormatException($"Licence reference line {lineNumber}: '& {baseId}' names no reference above it.");
                    current.Phrases.AddRange(template.Phrases);
                    current.Excluding.AddRange(template.Excluding);
                    continue;
                }
                var phrase = Normalize(line.Substring(2));
                if (phrase.Trim().Length == 0)
                    throw new FormatException($"Licence reference line {lineNumber}: empty phrase.");
                switch (line[0])
                {
                    case '+': current.Phrases.Add((phrase, false)); break;
                    case '!': current.Phrases.Add((phrase, true)); break;
                    case '-': current.Excluding.Add(phrase); break;
                    default: throw new FormatException($"Licence reference line {lineNumber}: unknown marker '{line[0]}'.");
                }
            }
            foreach (var reference in references)
                if (reference.Phrases.Count < 3)
                    throw new FormatException($"Licence reference '{reference.LicenseId}' needs at least 3 phrases.");
            return references;
        }
    }
}
