using System.Text;

namespace ModelRefs.Generator.Emitting
{
    /// <summary>A plain indenting text writer. Always writes <c>\n</c> line ends so output is the same on every OS.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _sb = new StringBuilder();
        private int _indent;

        public CodeWriter Line(string text = "")
        {
            if (text.Length > 0)
            {
                _sb.Append(' ', _indent * 4);
                _sb.Append(text);
            }

            _sb.Append('\n');
            return this;
        }

        public CodeWriter Open(string text)
        {
            Line(text);
            Line("{");
            _indent++;
            return this;
        }

        public CodeWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        public void Indent() => _indent++;

        public void Unindent() => _indent--;

        public override string ToString() => _sb.ToString();
    }
}
