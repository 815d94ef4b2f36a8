namespace ModelRefs.Core.Onnx;

/// <summary>
/// The rule for a tensor's <c>external_data</c> <c>location</c>: onnx.proto makes it a POSIX path
/// relative to the model file's folder. Restore fetches and deploys the file under exactly that
/// name, so only names that stay inside the folder on every OS are accepted.
/// </summary>
public static class ExternalDataLocation
{
    /// <summary>Why <paramref name="location"/> cannot be deployed beside the model (in words for a message), or null when it can.</summary>
    public static string? Problem(string location)
    {
        if (string.IsNullOrEmpty(location))
            return "it is empty";
        if (location.Any(char.IsControl))
            return "it contains control characters";
        if (location.StartsWith('/') || location.StartsWith('\\') || Path.IsPathRooted(location))
            return "it is an absolute path";
        // A drive letter (C:x), or an NTFS stream (w.bin:hidden), on Windows.
        if (location.Contains(':'))
            return "it contains ':' (a drive letter or a Windows stream name)";
        if (location.Contains('\\'))
            return "it contains '\\' (write '/' between folders, as onnx.proto asks)";
        foreach (var segment in location.Split('/'))
        {
            if (segment == "..")
                return "it climbs out of the model's folder with '..'";
            if (segment.Length == 0 || segment == ".")
                return "it has an empty or '.' segment";
        }
        return null;
    }
}
