using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests;

/// <summary>This project mirrors src/ModelRefs.Core, so the tests of a file are found from its path.</summary>
public sealed class TestLayoutTests
{
    [Fact]
    public void EveryTestFolder_NamesAFolderOrAFileOfCore()
    {
        var tests = Path.Combine(RepoPaths.Root, "tests", "ModelRefs.Core.Tests");
        var core = Path.Combine(RepoPaths.Root, "src", "ModelRefs.Core");
        var folders = Directory.GetDirectories(tests, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(tests, d))
            .Where(d => d.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .ToList();

        Assert.NotEmpty(folders);
        Assert.All(folders, folder => Assert.True(
            Directory.Exists(Path.Combine(core, folder)) || File.Exists(Path.Combine(core, folder + ".cs")),
            $"tests/ModelRefs.Core.Tests/{folder} has no src/ModelRefs.Core/{folder}/ (nor {folder}.cs) to mirror"));
    }
}
