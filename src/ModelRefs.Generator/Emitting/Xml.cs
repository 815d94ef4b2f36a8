using System.Collections.Generic;
using System.Text;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>Text for XML doc comments: escaped, stripped of characters XML forbids, split into lines.</summary>
    internal static class Xml
    {
        /// <summary>Escapes <c>&amp; &lt; &gt; "</c> and drops characters not allowed in XML 1.0. Line breaks become spaces.</summary>
        public static string Escape(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return string.Empty;
            }

            var sb = new StringBuilder(text!.Length);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                switch (c)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '"': sb.Append("&quot;"); break;
                    default:
                        if (IsLineBreak(c) || c == '\t')
                        {
                            sb.Append(' ');
                        }
                        else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        {
                            sb.Append(c).Append(text[i + 1]);
                            i++;
                        }
                        else if (c < 0x20 || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF')
                        {
                            // Not allowed in XML (or a lone surrogate): drop it.
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.ToString();
        }

        /// <summary>
        /// The lines of a possibly multi-line text, each escaped. Every character C# treats as a line
        /// break (including U+0085, U+2028, U+2029) splits, so no text can escape its <c>///</c> comment.
        /// Leading and trailing blank lines are dropped.
        /// </summary>
        public static List<string> Lines(string? text)
        {
            var lines = new List<string>();
            if (string.IsNullOrEmpty(text))
            {
                return lines;
            }

            var current = new StringBuilder();
            for (int i = 0; i < text!.Length; i++)
            {
                char c = text[i];
                if (IsLineBreak(c))
                {
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    lines.Add(Escape(current.ToString()).TrimEnd());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }

            lines.Add(Escape(current.ToString()).TrimEnd());

            // Drop the leading and trailing blank lines in one pass each (RemoveAt(0) in a loop would be quadratic).
            int end = lines.Count;
            while (end > 0 && lines[end - 1].Trim().Length == 0)
            {
                end--;
            }

            int start = 0;
            while (start < end && lines[start].Trim().Length == 0)
            {
                start++;
            }

            lines.RemoveRange(end, lines.Count - end);
            lines.RemoveRange(0, start);
            return lines;
        }

        private static bool IsLineBreak(char c) => c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }
}
