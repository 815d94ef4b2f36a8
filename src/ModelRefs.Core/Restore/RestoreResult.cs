using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Restore;

/// <summary>A model that restored: where its ONNX file is and where the build puts it.</summary>
public sealed record RestoredModel(
    ModelReference Item,
    string Name,
    string OnnxPath,
    string TargetPath,
    string? ResourceName,
    string ManifestPath)
{
    /// <summary>The model's external data files, deployed beside <see cref="TargetPath"/> (empty for most models).</summary>
    public IReadOnlyList<DeployedFile> ExternalData { get; init; } = [];
}

/// <summary>A file deployed with a model: the verified file, where the build puts it (relative to the output folder, '/'-separated), its SHA-256.</summary>
public sealed record DeployedFile(string Path, string TargetPath, string Sha256);

/// <summary>A failure or warning about one item (or the whole restore when Item is null).</summary>
public sealed record RestoreProblem(RestoreDiagnostic Diagnostic, string Message, ModelReference? Item, bool IsError = true);

public sealed record RestoreResult(IReadOnlyList<RestoredModel> Models, IReadOnlyList<RestoreProblem> Problems)
{
    /// <summary>True when the restore was up to date and answered from the no-op record in obj/.</summary>
    public bool WasNoOp { get; init; }

    /// <summary>The third-party notices file for the models (in the intermediate folder); null when there are no models.</summary>
    public string? NoticesPath { get; init; }

    /// <summary>The models' CycloneDX bill of materials (in the intermediate folder) when <see cref="RestoreRequest.GenerateBom"/> asked for it.</summary>
    public string? BomPath { get; init; }

    /// <summary>True when this restore wrote models.lock.json.</summary>
    public bool LockFileWritten { get; init; }

    public bool Succeeded => Problems.All(p => !p.IsError);
}
