using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>Credential helpers (docker-credential-*) that answer oddly: MR0066 naming the helper, never MR0999.</summary>
public sealed class DockerCredentialHelperTests
{
    private const string Registry = "registry.example:5000";

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    [InlineData("not json")]
    public async Task AHelperWhoseAnswerIsNotItsJsonObject_IsMR0066_NamingIt(string answer)
    {
        using var dir = new TempDirectory();
        var credentials = WithHelper(dir, $"cat > /dev/null\necho '{answer}'\n");

        var e = await Assert.ThrowsAsync<ModelRefsException>(() => credentials.FindAsync(Handle(dir), Registry, CancellationToken.None));

        Assert.Equal("MR0066", e.Diagnostic.Id);
        Assert.Contains("docker-credential-modelrefs-test", e.Message);
        Assert.Contains("not its JSON", e.Message);
    }

    private static OciModelHandle Handle(TempDirectory dir) => (OciModelHandle)ModelHandle.Parse($"oci:{Registry}/team/vad:1", dir.Path);

    private static DockerCredentials WithHelper(TempDirectory dir, string script)
    {
        var bin = Directory.CreateDirectory(dir.Combine("bin")).FullName;
        var helper = Path.Combine(bin, "docker-credential-modelrefs-test");
        File.WriteAllText(helper, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows()) // the helper is a POSIX shell script
            File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = DockerConfig.Write(dir.Combine("docker"), "{\"credHelpers\":{\"" + Registry + "\":\"modelrefs-test\"}}");
        return new DockerCredentials(name => name switch
        {
            OciSettings.DockerConfigVariable => config,
            "PATH" => bin + ":/usr/bin:/bin",
            _ => null,
        });
    }
}
