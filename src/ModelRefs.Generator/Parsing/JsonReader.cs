using System;
using System.Globalization;
using System.Text;

namespace ModelRefs.Generator.Parsing
{
    /// <summary>Thrown by <see cref="JsonReader"/> for text that is not JSON; carries the offset of the fault.</summary>
    internal sealed class JsonReaderException : Exception
    {
        public JsonReaderException(string message, int position)
            : base(message)
        {
            Position = position;
        }

        public int Position { get; }
    }

    /// <summary>
    /// A small strict JSON (RFC 8259) reader for manifests. The compiler must not depend on
    /// System.Text.Json, and manifests are small, so this builds a tree in one pass. It rejects
    /// trailing commas, comments, single quotes and raw control characters in strings; <c>\u</c>
    /// escapes are decoded as UTF-16 code units (a lone surrogate is kept as is); and it limits
    /// nesting depth so hostile input cannot overflow the stack.
    /// </summary>
    internal sealed class JsonReader
    {
        private const int MaxDepth = 64;

        private readonly string _text;
        private int _pos;

        private JsonReader(string text)
        {
            _text = text;
        }

        public static JsonNode Parse(string text)
        {
            if (text is null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            var reader = new JsonReader(text);
            if (reader._pos < text.Length && text[reader._pos] == '\uFEFF')
            {
                reader._pos++;
            }

            reader.SkipWhitespace();
            JsonNode root = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (reader._pos != text.Length)
            {
                throw new JsonReaderException("unexpected text after the end of the JSON value", reader._pos);
            }

            return root;
        }

        private JsonNode ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new JsonReaderException("JSON nested more than " + MaxDepth + " levels deep", _pos);
            }

            if (_pos >= _text.Length)
            {
                throw new JsonReaderException("unexpected end of the text", _pos);
            }

            char c = _text[_pos];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"':
                    int start = _pos;
                    string s = ReadString();
                    return JsonNode.String(s, start, _pos);
                case 't': return ReadLiteral("true", JsonNode.Boolean(true, _pos, _pos + 4));
                case 'f': return ReadLiteral("false", JsonNode.Boolean(false, _pos, _pos + 5));
                case 'n': return ReadLiteral("null", JsonNode.Null(_pos, _pos + 4));
                default:
                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ReadNumber();
                    }

                    throw new JsonReaderException("unexpected character '" + Printable(c) + "'", _pos);
            }
        }

        private JsonNode ReadLiteral(string literal, JsonNode node)
        {
            if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
            {
                throw new JsonReaderException("unexpected character '" + Printable(_text[_pos]) + "'", _pos);
            }

            _pos += literal.Length;
            return node;
        }

        private JsonNode ReadObject(int depth)
        {
            JsonNode node = JsonNode.Object(_pos);
            _pos++; // {
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                node.End = _pos;
                return node;
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"')
                {
                    throw new JsonReaderException("expected a property name in double quotes", _pos);
                }

                string key = ReadString();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                JsonNode value = ReadValue(depth + 1);
                node.Members!.Add(new System.Collections.Generic.KeyValuePair<string, JsonNode>(key, value));
                SkipWhitespace();
                char c = Peek();
                if (c == ',')
                {
                    _pos++;
                    continue;
                }

                if (c == '}')
                {
                    _pos++;
                    node.End = _pos;
                    return node;
                }

                throw new JsonReaderException("expected ',' or '}' in an object", _pos);
            }
        }

        private JsonNode ReadArray(int depth)
        {
            JsonNode node = JsonNode.Array(_pos);
            _pos++; // [
            SkipWhitespace();
            if (Peek() == ']')
            {
                _pos++;
                node.End = _pos;
                return node;
            }

            while (true)
            {
                SkipWhitespace();
                node.Items!.Add(ReadValue(depth + 1));
                SkipWhitespace();
                char c = Peek();
                if (c == ',')
                {
                    _pos++;
                    continue;
                }

                if (c == ']')
                {
                    _pos++;
                    node.End = _pos;
                    return node;
                }

                throw new JsonReaderException("expected ',' or ']' in an array", _pos);
            }
        }

        private string ReadString()
        {
            int start = _pos;
            _pos++; // opening quote
            StringBuilder? sb = null;
            int runStart = _pos;
            while (true)
            {
                if (_pos >= _text.Length)
                {
                    throw new JsonReaderException("unterminated string", start);
                }

                char c = _text[_pos];
                if (c == '"')
                {
                    string result = sb is null
                        ? _text.Substring(runStart, _pos - runStart)
                        : sb.Append(_text, runStart, _pos - runStart).ToString();
                    _pos++;
                    return result;
                }

                if (c < 0x20)
                {
                    throw new JsonReaderException("control character in a string (escape it)", _pos);
                }

                if (c != '\\')
                {
                    _pos++;
                    continue;
                }

                sb ??= new StringBuilder();
                sb.Append(_text, runStart, _pos - runStart);
                _pos++;
                if (_pos >= _text.Length)
                {
                    throw new JsonReaderException("unterminated string", start);
                }

                char e = _text[_pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_pos + 4 > _text.Length)
                        {
                            throw new JsonReaderException("incomplete \\u escape", _pos - 2);
                        }

                        int code = 0;
                        for (int i = 0; i < 4; i++)
                        {
                            int digit = HexValue(_text[_pos + i]);
                            if (digit < 0)
                            {
                                throw new JsonReaderException("invalid \\u escape", _pos - 2);
                            }

                            code = (code * 16) + digit;
                        }

                        _pos += 4;
                        sb.Append((char)code);
                        break;
                    default:
                        throw new JsonReaderException("invalid escape '\\" + Printable(e) + "'", _pos - 2);
                }

                runStart = _pos;
            }
        }

        private JsonNode ReadNumber()
        {
            int start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }

            if (Peek() == '0')
            {
                _pos++;
            }
            else if (IsDigit(Peek()))
            {
                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }
            else
            {
                throw new JsonReaderException("invalid number", start);
            }

            if (Peek() == '.')
            {
                _pos++;
                if (!IsDigit(Peek()))
                {
                    throw new JsonReaderException("invalid number", start);
                }

                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }

            if (Peek() == 'e' || Peek() == 'E')
            {
                _pos++;
                if (Peek() == '+' || Peek() == '-')
                {
                    _pos++;
                }

                if (!IsDigit(Peek()))
                {
                    throw new JsonReaderException("invalid number", start);
                }

                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }

            return JsonNode.Number(_text.Substring(start, _pos - start), start, _pos);
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new JsonReaderException("expected '" + c + "'", _pos);
            }

            _pos++;
        }

        private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipWhitespace()
        {
            while (_pos < _text.Length)
            {
                char c = _text[_pos];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
        }

        private static bool IsDigit(char c) => c >= '0' && c <= '9';

        private static int HexValue(char c)
        {
            if (c >= '0' && c <= '9')
            {
                return c - '0';
            }

            if (c >= 'a' && c <= 'f')
            {
                return c - 'a' + 10;
            }

            if (c >= 'A' && c <= 'F')
            {
                return c - 'A' + 10;
            }

            return -1;
        }

        private static string Printable(char c)
            => c < 0x20 || c > 0x7E ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();
    }
}
