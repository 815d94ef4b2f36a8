using ModelRefs.Core.Restore;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Sources.Oci;
using ModelRefs.Core.Tests.Restore;

namespace ModelRefs.Core.Tests.Sources.Oci;

/// <summary>The oci: source as these tests use it: blind to the machine's own docker config, so that it cannot change what they see.</summary>
internal static class OciTestSources
{
    /// <summary>An environment whose HOME has no <c>.docker/config.json</c> (and no other variable).</summary>
    public static Func<string, string?> NoDockerConfig { get; } = name => name == "HOME" ? "/nonexistent-home" : null;

    public static ModelSources Sources() => new([new OciModelSource(NoDockerConfig)]);

    /// <summary>A restorer over the oci: source alone; redirects are followed by the source itself.</summary>
    public static ModelRestorer Restorer(RestoreFixture f) =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }), f.Log.Add, Sources());
}
