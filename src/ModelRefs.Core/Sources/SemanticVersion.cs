namespace ModelRefs.Core.Sources;

/// <summary>
/// A semantic version (2.0.0) ordered by precedence: build metadata ignored, prereleases before
/// their release. One owner for every source that compares versions (npm versions, git tags, OCI tags).
/// </summary>
internal sealed record SemanticVersion(int Major, int Minor, int Patch, IReadOnlyList<string> Prerelease, string Text) : IComparable<SemanticVersion>
{
    public bool IsPrerelease => Prerelease.Count > 0;

    /// <summary>The version in <paramref name="text"/> ('v' or '=' prefix allowed); null when it is not one.</summary>
    /// <param name="allowShort">Also take <c>1</c> and <c>1.2</c> (as 1.0.0 and 1.2.0), as tags often are.</param>
    public static SemanticVersion? Parse(string text, bool allowShort = false)
    {
        var value = text.Trim().TrimStart('v', '=');
        var plus = value.IndexOf('+');
        if (plus >= 0)
            value = value[..plus];
        var dash = value.IndexOf('-');
        var core = (dash < 0 ? value : value[..dash]).Split('.');
        var pre = dash < 0 ? [] : value[(dash + 1)..].Split('.');
        if (allowShort && core.Length is 1 or 2)
            core = [.. core, .. Enumerable.Repeat("0", 3 - core.Length)];
        if (core.Length != 3 || !Number(core[0], out var major) || !Number(core[1], out var minor) || !Number(core[2], out var patch)
            || pre.Any(p => p.Length == 0))
            return null;
        return new SemanticVersion(major, minor, patch, pre, text.Trim());
    }

    private static bool Number(string text, out int value) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
            return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0)
            return c;
        if (IsPrerelease != other.IsPrerelease)
            return IsPrerelease ? -1 : 1;
        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            var (a, b) = (Prerelease[i], other.Prerelease[i]);
            var aNumeric = int.TryParse(a, out var an);
            var bNumeric = int.TryParse(b, out var bn);
            c = aNumeric && bNumeric ? an.CompareTo(bn) : aNumeric ? -1 : bNumeric ? 1 : string.CompareOrdinal(a, b);
            if (c != 0)
                return c;
        }
        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }
}
