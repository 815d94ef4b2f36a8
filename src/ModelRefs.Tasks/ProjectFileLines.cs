using System.Xml;

namespace ModelRefs.Tasks;

/// <summary>
/// Finds the lines of items in a project file so that diagnostics point at the
/// <c>&lt;ModelReference&gt;</c> that caused them. MSBuild does not give tasks item locations.
/// </summary>
internal static class ProjectFileLines
{
    /// <summary>Include (trimmed) → line of its first element of <paramref name="itemType"/>, read in one pass.</summary>
    public static IReadOnlyDictionary<string, int> ReadItemLines(string projectFile, string itemType)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var reader = XmlReader.Create(projectFile, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            var info = (IXmlLineInfo)reader;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == itemType && reader.GetAttribute("Include") is { } include)
                    lines.TryAdd(include.Trim(), info.LineNumber);
            }
        }
        catch (Exception ex) when (ex is IOException or XmlException or UnauthorizedAccessException)
        {
            // Lines are a convenience; an unreadable file leaves them unknown.
        }
        return lines;
    }
}
