using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Restore;

/// <summary>A model that restored: where its ONNX file is and where the build puts it.</summary>
public sealed record RestoredModel(
    ModelReference Item,
    string Name,
    string OnnxPath,
    string TargetPath,
    string? ResourceName,
    string ManifestPath);

/// <summary>A failure or warning about one item (or the whole restore when Item is null).</summary>
public sealed record RestoreProblem(RestoreDiagnostic Diagnostic, string Message, ModelReference? Item, bool IsError = true);

public sealed record RestoreResult(IReadOnlyList<RestoredModel> Models, IReadOnlyList<RestoreProblem> Problems)
{
    public bool Succeeded => Problems.All(p => !p.IsError);
}
