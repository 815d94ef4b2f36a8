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

    /// <summary>A context for work that is not one model's restore (push, mirror): the cache, the settings (ModelRefsInsecureRegistries), a log.</summary>
    public static FetchContext Context(ModelRefs.Core.Caching.ModelCache cache, ModelRefs.Core.Configuration.SettingValues settings, Action<string> log) => new(cache, Http.Value)
    {
        Settings = settings,
        Log = log,
    };

    public static FetchContext ContextFor(EvaluatedProject project, ProjectModel model) => new(project.Cache, Http.Value)
    {
        Credentials = Credentials.FromProcess(project.Directory),
        Metadata = model.Item.Metadata,
        Settings = project.Settings,
        PinnedResolved = model.Locked?.Resolved,
        Sha256 = model.Locked?.Sha256,
    };
}
