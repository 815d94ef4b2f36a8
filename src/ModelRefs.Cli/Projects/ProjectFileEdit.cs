using System.Net;
using System.Text.RegularExpressions;

namespace ModelRefs.Cli.Projects;

/// <summary>
/// Changes a ModelReference's Include in a project file as a text edit of that one attribute
/// value, so that everything else (formatting, comments, attribute order, line ends, encoding
/// declaration) stays byte for byte as the user wrote it.
/// </summary>
public static partial class ProjectFileEdit
{
    /// <summary>Where an Include value is: its 1-based line, and the offset and length of the value between the quotes.</summary>
    public sealed record IncludeLocation(int Line, int Start, int Length, char Quote);

    // A ModelReference start tag up to its Include attribute; the value is quoted with ' or ".
    [GeneratedRegex(@"<ModelReference\b[^>]*?\bInclude\s*=\s*(?<q>[""'])(?<value>.*?)\k<q>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex IncludeAttribute();

    public static IncludeLocation? FindInclude(string file, string include)
    {
        if (!File.Exists(file))
            return null;
        var text = File.ReadAllText(file);
        foreach (Match match in IncludeAttribute().Matches(text))
        {
            var value = match.Groups["value"];
            if (WebUtility.HtmlDecode(value.Value).Trim() == include.Trim())
                return new IncludeLocation(text.AsSpan(0, value.Index).Count('\n') + 1, value.Index, value.Length, match.Groups["q"].Value[0]);
        }
        return null;
    }

    /// <summary>Replaces the Include of the item written as <paramref name="include"/>; returns the file's previous text (to undo).</summary>
    public static string ReplaceInclude(string file, string include, string newInclude)
    {
        var location = FindInclude(file, include)
            ?? throw new CliException(ExitCodes.InputError,
                $"{file} has no <ModelReference Include=\"{include}\"> written as plain text (it may come from a property or a wildcard). Edit the Include there yourself.");
        var bytes = File.ReadAllBytes(file);
        var text = File.ReadAllText(file);
        var escaped = newInclude.Replace("&", "&amp;").Replace("<", "&lt;").Replace(location.Quote.ToString(), location.Quote == '"' ? "&quot;" : "&apos;");
        var updated = string.Concat(text.AsSpan(0, location.Start), escaped, text.AsSpan(location.Start + location.Length));
        // Keep a byte order mark when the file had one.
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        File.WriteAllText(file, updated, new System.Text.UTF8Encoding(bom));
        return text;
    }
}
