using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelRefs.Generator.Naming
{
    /// <summary>
    /// Turns ONNX input and output names into C# member identifiers (a model's own type name and
    /// namespace are restore's, see <c>ModelRefs.Shared.Naming.ModelTypeNames</c>). Pure functions of
    /// their input: the same name always gives the same identifier, whatever else is in the compilation.
    /// </summary>
    /// <remarks>
    /// Rules: the name is split into words at every character that cannot be part of a C#
    /// identifier, and at underscores (<c>onnx::Flatten_0</c> → <c>onnx</c>, <c>Flatten</c>, <c>0</c>).
    /// Each word's first letter is upper-cased (invariant culture) and the rest kept, so
    /// <c>stateN</c> stays <c>StateN</c>. Words are joined directly, except that an underscore
    /// separates two digits (<c>x.1.2</c> → <c>X1_2</c>, not <c>X12</c>). Unicode letters and digits
    /// are kept; formatting characters and surrogate pairs are separators. A result that is empty
    /// or does not start with a letter gets a prefix that says what it is (<c>53</c> →
    /// <c>Output53</c>).
    /// </remarks>
    internal static class IdentifierNames
    {
        /// <summary>PascalCase identifier for <paramref name="raw"/>; <paramref name="prefix"/> is used when the name is empty or starts with a digit.</summary>
        public static string ToPascalCase(string? raw, string prefix)
        {
            var sb = new StringBuilder();
            foreach (string word in SplitWords(raw ?? string.Empty))
            {
                if (sb.Length > 0 && IsDigit(sb[sb.Length - 1]) && IsDigit(word[0]))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToUpperInvariant(word[0]));
                sb.Append(word, 1, word.Length - 1);
            }

            if (sb.Length == 0)
            {
                return prefix;
            }

            string result = sb.ToString();
            if (!SyntaxFacts.IsIdentifierStartCharacter(result[0]) || result[0] == '_')
            {
                result = prefix + (IsDigit(prefix[prefix.Length - 1]) && IsDigit(result[0]) ? "_" : string.Empty) + result;
            }

            return result;
        }

        /// <summary>The longest member name taken from a tensor's name; longer ones get a positional name.</summary>
        public const int MaxReadableLength = 40;

        /// <summary>
        /// The member name of tensor <paramref name="index"/>: its PascalCase name when that is
        /// readable, else the positional <c>Input0</c> / <c>Output1</c> (the ONNX name stays in the
        /// docs and in <c>[OnnxName]</c>). Not readable: longer than <see cref="MaxReadableLength"/>,
        /// or a name less than half of which is letters and digits (a JSON string, a path of symbols).
        /// </summary>
        public static string MemberName(string? raw, string prefix, int index)
        {
            string pascal = ToPascalCase(raw, prefix);
            int letters = 0, visible = 0;
            foreach (char c in raw ?? string.Empty)
            {
                if (!char.IsWhiteSpace(c))
                {
                    visible++;
                    letters += char.IsLetterOrDigit(c) ? 1 : 0;
                }
            }

            bool readable = pascal.Length <= MaxReadableLength && 2 * letters >= visible;
            return readable ? pascal : prefix + index.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// camelCase of a PascalCase identifier, as a parameter name: the leading run of capitals is
        /// lowered (<c>IOBinding</c> → <c>ioBinding</c>, <c>X1</c> → <c>x1</c>); C# keywords get <c>@</c>
        /// (<c>Class</c> → <c>@class</c>).
        /// </summary>
        public static string ToCamelCase(string pascal)
        {
            char[] chars = pascal.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                if (!char.IsUpper(chars[i]))
                {
                    break;
                }

                bool nextIsLower = i + 1 < chars.Length && char.IsLower(chars[i + 1]);
                if (i > 0 && nextIsLower)
                {
                    break;
                }

                chars[i] = char.ToLowerInvariant(chars[i]);
            }

            return EscapeKeyword(new string(chars));
        }

        /// <summary>The identifier with <c>@</c> in front when it is a C# keyword.</summary>
        public static string EscapeKeyword(string identifier)
            => IsKeyword(identifier) ? "@" + identifier : identifier;

        public static bool IsKeyword(string identifier)
            => SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || identifier == "global";

        /// <summary>Words of a name: runs of identifier characters other than underscore and formatting characters.</summary>
        internal static IEnumerable<string> SplitWords(string raw)
        {
            var word = new StringBuilder();
            foreach (char c in raw)
            {
                if (IsWordCharacter(c))
                {
                    word.Append(c);
                }
                else if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
            }

            if (word.Length > 0)
            {
                yield return word.ToString();
            }
        }

        private static bool IsWordCharacter(char c)
        {
            if (c == '_' || !SyntaxFacts.IsIdentifierPartCharacter(c))
            {
                return false;
            }

            // Formatting characters (e.g. zero-width joiners) are legal in identifiers but invisible; drop them.
            return CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format;
        }

        private static bool IsDigit(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber;
    }
}
