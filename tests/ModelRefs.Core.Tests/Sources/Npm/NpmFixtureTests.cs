using System.Security.Cryptography;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources.Npm;

public class NpmFixtureTests
{
    [Fact]
    public void SileroVadV5_IsTheFileTheFixturesReadmeNames()
    {
        var path = NpmPackages.GetFile(NpmPackages.SileroVad, NpmPackages.SileroVadV5Path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal(NpmPackages.SileroVadV5Sha256, hash);
    }
}
