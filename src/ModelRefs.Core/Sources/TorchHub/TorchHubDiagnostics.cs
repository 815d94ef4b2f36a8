using ModelRefs.Core.Diagnostics;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>
/// The diagnostics the PyTorch Hub source and exporter raise. Ids MR0020–MR0024 are proposed here
/// and belong in <see cref="RestoreDiagnostics"/> (with pages under docs/diagnostics/) when the
/// restore engine integrates this source; until then they live beside the code that raises them.
/// </summary>
public static class TorchHubDiagnostics
{
    /// <summary>Repo, ref or entrypoint not found (the torchhub counterpart of MR0005).</summary>
    public static readonly RestoreDiagnostic HubNotFound = new("MR0020", "PyTorch Hub repo, ref or entrypoint not found");

    /// <summary>The repo's owner is not trusted and the item does not set Trust=true.</summary>
    public static readonly RestoreDiagnostic UntrustedHubCode = new("MR0021", "PyTorch Hub code from an untrusted owner");

    /// <summary>Python, torch or a dependency is missing, or the entrypoint or torch.onnx.export failed.</summary>
    public static readonly RestoreDiagnostic ExportFailed = new("MR0022", "Export of a PyTorch Hub model to ONNX failed");

    /// <summary>The repo archive holds entries that could escape the target folder, or is too large.</summary>
    public static readonly RestoreDiagnostic UnsafeArchive = new("MR0023", "Archive refused as unsafe");

    /// <summary>ONNX Runtime and torch disagree on the exported model's outputs beyond the tolerance.</summary>
    public static readonly RestoreDiagnostic ExportMismatch = new("MR0024", "Exported ONNX model does not match torch");
}
