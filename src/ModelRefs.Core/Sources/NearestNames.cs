namespace ModelRefs.Core.Sources;

/// <summary>The names closest to one that was not found, for "did you mean" listings in messages.</summary>
public static class NearestNames
{
    /// <summary>
    /// <paramref name="candidates"/> ordered by how close they are to <paramref name="wanted"/>: edit
    /// distance of the file names (case-insensitive), then of the whole paths, then ordinal.
    /// </summary>
    public static IReadOnlyList<string> Order(string wanted, IEnumerable<string> candidates)
    {
        var wantedName = FileName(wanted).ToLowerInvariant();
        var wantedPath = wanted.ToLowerInvariant();
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Path: c, Name: Distance(wantedName, FileName(c).ToLowerInvariant()), Whole: Distance(wantedPath, c.ToLowerInvariant())))
            .OrderBy(c => c.Name).ThenBy(c => c.Whole).ThenBy(c => c.Path, StringComparer.Ordinal)
            .Select(c => c.Path)
            .ToList();
    }

    /// <summary>"a, b, c and 5 more": the first <paramref name="max"/> of an ordered list.</summary>
    public static string Join(IReadOnlyList<string> ordered, int max = 8) =>
        string.Join(", ", ordered.Take(max)) + (ordered.Count > max ? $" and {ordered.Count - max} more" : "");

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1).</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
