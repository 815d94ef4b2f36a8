using System.Text;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// Just enough of Python's tokenizer to read a module's top-level statements without running it:
/// names, numbers, strings (all prefixes, triple quotes, escapes), operators, comments, bracket
/// nesting and backslash continuations, grouped into logical lines with their indentation.
/// </summary>
internal static class PythonSourceScanner
{
    internal enum Kind { Name, Number, String, Op }

    internal sealed record Token(Kind Kind, string Text, int Start, int End)
    {
        /// <summary>For strings: the value (escapes decoded unless raw); otherwise the text.</summary>
        public string Value { get; init; } = Text;

        public bool Is(string text) => Kind is Kind.Op or Kind.Name && Text == text;
    }

    internal sealed record LogicalLine(int Indent, IReadOnlyList<Token> Tokens);

    public static List<LogicalLine> Scan(string source)
    {
        var lines = new List<LogicalLine>();
        var tokens = new List<Token>();
        var depth = 0;
        var indent = 0;
        var atLineStart = true;
        var i = 0;
        if (source.Length > 0 && source[0] == '\uFEFF')
            i = 1;

        void EndLine()
        {
            if (tokens.Count > 0)
                lines.Add(new LogicalLine(indent, tokens.ToArray()));
            tokens.Clear();
            atLineStart = true;
        }

        while (i < source.Length)
        {
            var c = source[i];
            if (atLineStart && depth == 0)
            {
                var column = 0;
                while (i < source.Length && source[i] is ' ' or '\t' or '\f')
                {
                    column = source[i] == '\t' ? (column / 8 + 1) * 8 : column + 1;
                    i++;
                }
                indent = column;
                atLineStart = false;
                continue;
            }

            if (c == '\n')
            {
                i++;
                if (depth == 0)
                    EndLine();
                continue;
            }
            if (c is ' ' or '\t' or '\r' or '\f')
            {
                i++;
                continue;
            }
            if (c == '#')
            {
                while (i < source.Length && source[i] != '\n')
                    i++;
                continue;
            }
            if (c == '\\' && i + 1 < source.Length && (source[i + 1] == '\n' || (source[i + 1] == '\r' && i + 2 < source.Length && source[i + 2] == '\n')))
            {
                i += source[i + 1] == '\n' ? 2 : 3;
                continue;
            }
            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(source, ref i, i, raw: false));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                    i++;
                var word = source[start..i];
                if (i < source.Length && source[i] is '\'' or '"' && word.Length <= 2 && word.All(p => "rRbBuUfF".Contains(p)))
                {
                    tokens.Add(ReadString(source, ref i, start, raw: word.Contains('r') || word.Contains('R')));
                    continue;
                }
                tokens.Add(new Token(Kind.Name, word, start, i));
                continue;
            }
            if (char.IsDigit(c) || (c == '.' && i + 1 < source.Length && char.IsDigit(source[i + 1])))
            {
                var start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] is '_' or '.'))
                    i++;
                tokens.Add(new Token(Kind.Number, source[start..i], start, i));
                continue;
            }

            if (c is '(' or '[' or '{')
                depth++;
            else if (c is ')' or ']' or '}')
                depth = Math.Max(0, depth - 1);
            tokens.Add(new Token(Kind.Op, c.ToString(), i, i + 1));
            i++;
        }
        EndLine();
        return lines;
    }

    private static Token ReadString(string source, ref int i, int start, bool raw)
    {
        var quote = source[i];
        var triple = i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote;
        i += triple ? 3 : 1;
        var value = new StringBuilder();
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\\' && i + 1 < source.Length)
            {
                var next = source[i + 1];
                i += 2;
                if (raw)
                {
                    value.Append(c).Append(next);
                    continue;
                }
                switch (next)
                {
                    case '\n': break;
                    case 'n': value.Append('\n'); break;
                    case 't': value.Append('\t'); break;
                    case 'r': value.Append('\r'); break;
                    case '\\': value.Append('\\'); break;
                    case '\'': value.Append('\''); break;
                    case '"': value.Append('"'); break;
                    default: value.Append(c).Append(next); break;
                }
                continue;
            }
            if (c == quote && (!triple || (i + 2 < source.Length && source[i + 1] == quote && source[i + 2] == quote)))
            {
                i += triple ? 3 : 1;
                return new Token(Kind.String, source[start..i], start, i) { Value = value.ToString() };
            }
            if (c == '\n' && !triple)
                break; // unterminated single-quoted string: stop at the line end
            value.Append(c);
            i++;
        }
        return new Token(Kind.String, source[start..i], start, i) { Value = value.ToString() };
    }

    /// <summary>Python's <c>inspect.cleandoc</c>: drops the common indentation of all lines but the first, and blank edges.</summary>
    public static string CleanDoc(string doc)
    {
        var lines = doc.Replace("\r\n", "\n").Replace('\t', ' ').Split('\n');
        var margin = lines.Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var cleaned = new List<string> { lines[0].TrimStart() };
        cleaned.AddRange(lines.Skip(1).Select(l => l.Length >= margin ? l[margin..].TrimEnd() : l.Trim()));
        while (cleaned.Count > 0 && cleaned[0].Length == 0)
            cleaned.RemoveAt(0);
        while (cleaned.Count > 0 && cleaned[^1].Length == 0)
            cleaned.RemoveAt(cleaned.Count - 1);
        return string.Join('\n', cleaned);
    }
}
