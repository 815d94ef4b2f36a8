using System.Xml;

namespace ModelRefs.Tasks;

/// <summary>
/// Finds the line of an item in a project file so that diagnostics point at the
/// <c>&lt;ModelReference&gt;</c> that caused them. MSBuild does not give tasks item locations.
/// </summary>
internal static class ProjectFileLines
{
    public static int FindItemLine(string projectFile, string itemType, string include)
    {
        try
        {
            using var reader = XmlReader.Create(projectFile, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            var info = (IXmlLineInfo)reader;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == itemType
                    && string.Equals(reader.GetAttribute("Include")?.Trim(), include, StringComparison.Ordinal))
                    return info.LineNumber;
            }
        }
        catch (Exception ex) when (ex is IOException or XmlException or UnauthorizedAccessException)
        {
            // Lines are a convenience; an unreadable file leaves them unknown.
        }
        return 0;
    }
}
