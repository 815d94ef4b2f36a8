using ModelRefs.Core.Sources;

namespace ModelRefs.Cli.Projects;

/// <summary>What a command that asks a hub needs: one HTTP client for the run, and a fetch context per model as restore builds it.</summary>
public static class SourceClient
{
    // As docs/restore.md asks of a host: redirects and decompression are Core's to handle.
    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromMinutes(5),
    });

    public static FetchContext ContextFor(EvaluatedProject project, ProjectModel model) => new(project.Cache, Http.Value)
    {
        Credentials = Credentials.FromProcess(project.Directory),
        Metadata = model.Item.Metadata,
        Settings = project.Settings,
        PinnedResolved = model.Locked?.Resolved,
        Sha256 = model.Locked?.Sha256,
    };
}
