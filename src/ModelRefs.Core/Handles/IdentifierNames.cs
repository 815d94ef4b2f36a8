using System.Text;

namespace ModelRefs.Core.Handles;

/// <summary>Turns file names into C# type names.</summary>
public static class IdentifierNames
{
    /// <summary>
    /// <c>silero_vad_v5</c> → <c>SileroVadV5</c>. Words are split on anything that is not a letter
    /// or digit; the first letter of each word is upper-cased and the rest kept (so <c>PP-OCRv4</c>
    /// stays recognisable). A leading digit gets a <c>Model</c> prefix; an empty result is <c>Model</c>.
    /// </summary>
    public static string ToPascalCase(string value)
    {
        var builder = new StringBuilder(value.Length);
        var startOfWord = true;
        foreach (var c in value)
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
            return "Model";
        if (!char.IsLetter(builder[0]))
            builder.Insert(0, "Model");
        return builder.ToString();
    }
}
