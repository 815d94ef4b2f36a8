using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace ModelRefs.Runtime;

/// <summary>Where a model's <c>.onnx</c> comes from: a file deployed with the app, or a manifest resource.</summary>
public abstract class ModelLocation
{
    // Only the two kinds below: the session relies on their internal members.
    private protected ModelLocation()
    {
    }

    /// <summary>A model file. A relative path is relative to <see cref="AppContext.BaseDirectory"/>, where the build deploys models.</summary>
    /// <param name="path">The file's path.</param>
    public static ModelLocation File(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileLocation(Path.GetFullPath(path, AppContext.BaseDirectory));
    }

    /// <summary>A model embedded in an assembly as a manifest resource (<c>Embed="true"</c>).</summary>
    /// <param name="assembly">The assembly that holds the resource.</param>
    /// <param name="resourceName">The manifest resource name.</param>
    public static ModelLocation EmbeddedResource(Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        return new ResourceLocation(assembly, resourceName);
    }

    /// <summary>Identifies the model bytes for session sharing.</summary>
    internal abstract string Key { get; }

    internal abstract InferenceSession CreateSession(ModelInfo info, SessionOptions options);

    private sealed class FileLocation(string fullPath) : ModelLocation
    {
        internal override string Key => "file:" + fullPath;

        internal override InferenceSession CreateSession(ModelInfo info, SessionOptions options)
        {
            if (!System.IO.File.Exists(fullPath))
                throw new FileNotFoundException(
                    $"The model file of '{info.Name}' ({info.Handle}) was not found at '{fullPath}'. The build deploys " +
                    "models next to the app (in the output folder, under the relative path the generated class names); " +
                    "make sure the project was built with its ModelReference restored and the model file was deployed " +
                    "with the app, or pass the model's path explicitly.", fullPath);
            return new InferenceSession(fullPath, options);
        }

        public override string ToString() => fullPath;
    }

    private sealed class ResourceLocation(Assembly assembly, string resourceName) : ModelLocation
    {
        internal override string Key => "resource:" + assembly.FullName + "!" + resourceName;

        internal override InferenceSession CreateSession(ModelInfo info, SessionOptions options)
        {
            using var stream = assembly.GetManifestResourceStream(resourceName)
                ?? throw new FileNotFoundException(
                    $"The model '{info.Name}' ({info.Handle}) was expected as the embedded resource '{resourceName}' in assembly " +
                    $"'{assembly.GetName().Name}', which has no such resource (it has: {string.Join(", ", assembly.GetManifestResourceNames())}). " +
                    "Models with Embed=\"true\" are embedded by the build; rebuild the project with its ModelReference restored.",
                    resourceName);
            // One exact-size read; ORT copies what it needs, so the array is garbage after this.
            var bytes = new byte[checked((int)stream.Length)];
            stream.ReadExactly(bytes);
            return new InferenceSession(bytes, options);
        }

        public override string ToString() => $"{assembly.GetName().Name}!{resourceName}";
    }
}
