namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a committed baseline under Baselines/. With
/// <c>MODELREFS_UPDATE_BASELINES=1</c> the baseline is rewritten instead (review the diff, then commit).
/// </summary>
internal static class Baselines
{
    public const string UpdateVariable = "MODELREFS_UPDATE_BASELINES";

    public static void Verify(string baselineFileName, string actual)
    {
        string path = TestFiles.Baseline(baselineFileName);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Baseline {path} is missing. Run the tests with {UpdateVariable}=1 to create it.");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected == actual)
        {
            return;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        Assert.Fail(
            $"Generated code differs from {path} at line {line + 1}.{Environment.NewLine}" +
            $"expected: {(line < e.Length ? e[line] : "<end of file>")}{Environment.NewLine}" +
            $"actual:   {(line < a.Length ? a[line] : "<end of file>")}{Environment.NewLine}" +
            $"If the change is intended, run the tests with {UpdateVariable}=1 and commit the new baseline.");
    }
}
