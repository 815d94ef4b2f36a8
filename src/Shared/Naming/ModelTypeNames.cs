// Shared source: compiled into ModelRefs.Core (which names models and checks that their names are
// free) and ModelRefs.Generator (which emits the types) by an explicit <Compile Include=... Link=...>
// in each project. netstandard2.0-compatible C#, no Roslyn: Core does not reference it.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelRefs.Shared.Naming
{
    /// <summary>
    /// A model's name and the C# types generated for it, decided in one place. Restore owns the
    /// names: it derives the default, validates the item's <c>Name</c> and <c>Namespace</c> and
    /// rejects clashes (MR0009, MR0008); the manifest carries them and the generator takes them as
    /// they are, after the same validation.
    /// </summary>
    internal static class ModelTypeNames
    {
        /// <summary>Suffixes of the types generated beside the model class.</summary>
        public const string InputSuffix = "Input";
        public const string OutputSuffix = "Output";
        public const string OutputSpansSuffix = "OutputSpans";

        /// <summary>Members of the generated class; a model of the same name would break it (CS0542).</summary>
        public static readonly IReadOnlyList<string> GeneratedMembers = new[] { "Info", "ModelFile", "Run", "Dispose" };

        /// <summary>C#'s reserved keywords (plus <c>global</c>), which a type name cannot be as written.</summary>
        public static readonly IReadOnlyList<string> CSharpKeywords = new[]
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
            "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
            "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
            "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
            "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
            "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
            "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
            "__arglist", "__makeref", "__reftype", "__refvalue", "global",
        };

        private static readonly HashSet<string> Keywords = new HashSet<string>(CSharpKeywords, StringComparer.Ordinal);

        /// <summary>
        /// The default name from a file name without extension: <c>silero_vad_v5</c> → <c>SileroVadV5</c>.
        /// Words are split on anything that is not a letter or digit; the first letter of each word is
        /// upper-cased and the rest kept (so <c>PP-OCRv4</c> stays recognisable). A leading digit gets a
        /// <c>Model</c> prefix; an empty result is <c>Model</c>.
        /// </summary>
        public static string FromFileName(string fileName)
        {
            var builder = new StringBuilder(fileName.Length);
            bool startOfWord = true;
            foreach (char c in fileName)
            {
                if (!char.IsLetterOrDigit(c))
                {
                    startOfWord = true;
                    continue;
                }

                builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
                startOfWord = false;
            }

            if (builder.Length == 0)
            {
                return "Model";
            }

            if (!char.IsLetter(builder[0]))
            {
                builder.Insert(0, "Model");
            }

            return builder.ToString();
        }

        /// <summary>Letters, decimal digits and underscores, starting with a letter or underscore.</summary>
        public static bool IsIdentifier(string? text)
        {
            if (string.IsNullOrEmpty(text) || !(IsLetter(text![0]) || text[0] == '_'))
            {
                return false;
            }

            foreach (char c in text)
            {
                if (!(IsLetter(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The longest model name: it names files (<c>&lt;Name&gt;.modelref.json</c>, <c>&lt;Name&gt;.onnx</c>),
        /// and file systems take 255 bytes a name.
        /// </summary>
        public const int MaxNameLength = 200;

        /// <summary>Why <paramref name="name"/> cannot name a model, as the end of a sentence starting "Name 'x' "; null when it can.</summary>
        public static string? NameProblem(string? name)
        {
            if (name != null && (name.Length > MaxNameLength || Encoding.UTF8.GetByteCount(name) > MaxNameLength + 40))
            {
                return "is " + name.Length + " characters long; a Name may have at most " + MaxNameLength +
                    ", because it names the model's files (<Name>.onnx, <Name>.modelref.json). Choose a shorter Name.";
            }

            if (!IsIdentifier(name))
            {
                return "is not a valid C# type name. Use letters, digits and underscores, starting with a letter.";
            }

            if (Keywords.Contains(name!))
            {
                return "is a C# keyword, which cannot name a class. Write Name=\"" + ToTypeName(name!) + "\" or another name.";
            }

            string typeName = ToTypeName(name!);
            foreach (string member in GeneratedMembers)
            {
                if (typeName == member)
                {
                    return "is also the name of a member of the generated class (" + string.Join(", ", GeneratedMembers) + "). Choose another Name.";
                }
            }

            return null;
        }

        /// <summary>Dot-separated identifiers (<see cref="IsIdentifier"/>).</summary>
        public static bool IsNamespace(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            foreach (string segment in text!.Split('.'))
            {
                if (!IsIdentifier(segment))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The C# type name of a valid model name: the name itself, except that a C# keyword is
        /// PascalCased at its underscores (<c>class</c> → <c>Class</c>, <c>__arglist</c> → <c>Arglist</c>).
        /// </summary>
        public static string ToTypeName(string name)
        {
            if (!Keywords.Contains(name))
            {
                return name;
            }

            var builder = new StringBuilder(name.Length);
            foreach (string word in name.Split(new[] { '_' }, StringSplitOptions.RemoveEmptyEntries))
            {
                builder.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }

            return builder.ToString();
        }

        /// <summary>The namespace as C# source writes it: a keyword segment gets <c>@</c> (<c>My.class</c> → <c>My.@class</c>).</summary>
        public static string ToNamespace(string validNamespace)
        {
            string[] segments = validNamespace.Split('.');
            for (int i = 0; i < segments.Length; i++)
            {
                if (Keywords.Contains(segments[i]))
                {
                    segments[i] = "@" + segments[i];
                }
            }

            return string.Join(".", segments);
        }

        /// <summary>The types a model generates in its namespace: the class, its inputs, outputs and output spans.</summary>
        public static string[] GeneratedTypes(string typeName)
            => new[] { typeName, typeName + InputSuffix, typeName + OutputSuffix, typeName + OutputSpansSuffix };

        private static bool IsLetter(char c)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// The names the models of one project have taken, to find clashes. Compared ignoring case, since
    /// names also name files (<c>&lt;Name&gt;.modelref.json</c>, <c>&lt;Name&gt;.onnx</c>, generated hint
    /// names) and many file systems ignore case: a model's name is taken in the whole project, and each of
    /// its generated types (<see cref="ModelTypeNames.GeneratedTypes"/>) in its namespace.
    /// </summary>
    /// <typeparam name="TOwner">What claims a name (a ModelReference item), to say whom it clashes with.</typeparam>
    internal sealed class ModelNameClaims<TOwner>
        where TOwner : class
    {
        private readonly Dictionary<string, TOwner> _names = new Dictionary<string, TOwner>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, TOwner> _types = new Dictionary<string, TOwner>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Claims <paramref name="name"/> and its generated types in <paramref name="ns"/> for
        /// <paramref name="owner"/>, unless one is taken: then nothing is claimed, and
        /// <paramref name="previous"/> is the owner and <paramref name="clash"/> the name it took first.
        /// </summary>
        public bool TryClaim(string name, string ns, TOwner owner, out TOwner? previous, out string? clash)
        {
            if (_names.TryGetValue(name, out previous))
            {
                clash = name;
                return false;
            }

            string[] types = ModelTypeNames.GeneratedTypes(ModelTypeNames.ToTypeName(name));
            foreach (string type in types)
            {
                if (_types.TryGetValue(ns + "." + type, out previous))
                {
                    clash = type;
                    return false;
                }
            }

            _names[name] = owner;
            foreach (string type in types)
            {
                _types[ns + "." + type] = owner;
            }

            previous = null;
            clash = null;
            return true;
        }
    }
}
