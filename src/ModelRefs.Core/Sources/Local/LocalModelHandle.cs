namespace ModelRefs.Core.Sources.Local;

/// <summary>A model file on disk: no download, still hashed and locked.</summary>
public sealed class LocalModelHandle : ModelHandle
{
    private LocalModelHandle(string text, string fullPath)
        : base(text, Path.GetFileName(fullPath)) => FullPath = fullPath;

    /// <summary>The absolute path of the file.</summary>
    public string FullPath { get; }

    public override string Scheme => "local";

    public override bool IsLocalFile => true;

    public override string? LocalFilePath => FullPath;

    /// <summary>A file of the project: no version, no purl, not downloaded.</summary>
    public override ModelProvenance Provenance(string? resolved) => new(null, null, null);

    internal static LocalModelHandle Create(string include, string path, string projectDirectory)
    {
        if (path.Length == 0 || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw Invalid(include, "this is not a valid file path. Write a path relative to the project folder, or an absolute one.");

        var baseDirectory = Path.GetFullPath(projectDirectory);
        var rooted = Path.IsPathRooted(path);
        var fullPath = Path.GetFullPath(rooted ? path : Path.Combine(baseDirectory, path));
        if (Path.EndsInDirectorySeparator(path) || Path.GetFileName(fullPath).Length == 0)
            throw Invalid(include, "the path names a folder, not a model file. Name the file itself, e.g. models/model.onnx.");

        // Relative includes stay relative (with '/') so the lock file is the same on every machine.
        var text = rooted ? fullPath : Path.GetRelativePath(baseDirectory, fullPath);
        return new LocalModelHandle(text.Replace('\\', '/'), fullPath);
    }

    internal static LocalModelHandle CreateFromFileScheme(string include, string rest, string projectDirectory)
    {
        // file:///abs/path is a URI; file:relative/path is taken as a path relative to the project.
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(include, UriKind.Absolute, out var uri) || !uri.IsFile || !(uri.IsUnc || uri.Host.Length == 0 || uri.IsLoopback))
                throw Invalid(include, "this file: URI is not valid. Write file:///absolute/path/model.onnx or a plain path.");
            return Create(include, uri.LocalPath, projectDirectory);
        }
        return Create(include, Uri.UnescapeDataString(rest), projectDirectory);
    }
}
