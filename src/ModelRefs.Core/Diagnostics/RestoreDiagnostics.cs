namespace ModelRefs.Core.Diagnostics;

/// <summary>
/// Every restore diagnostic (MR0001–MR0999), declared once. Each id has a page under
/// docs/diagnostics/ and the help link below points at it.
/// </summary>
public static class RestoreDiagnostics
{
    public const string HelpLinkBase = "https://github.com/modelrefs/modelrefs/blob/main/docs/diagnostics/";

    public static readonly RestoreDiagnostic InvalidHandle = new("MR0001", "Model handle is not valid");
    public static readonly RestoreDiagnostic LocalFileNotFound = new("MR0002", "Local model file not found");
    public static readonly RestoreDiagnostic DownloadFailed = new("MR0003", "Model download failed");
    public static readonly RestoreDiagnostic HashMismatch = new("MR0004", "Model content does not match its SHA-256");
    public static readonly RestoreDiagnostic NpmPackageNotFound = new("MR0005", "npm package not found");
    public static readonly RestoreDiagnostic NpmIntegrityMismatch = new("MR0006", "npm tarball does not match its dist.integrity");
    public static readonly RestoreDiagnostic InvalidOnnx = new("MR0007", "Model file is not a valid ONNX model");
    public static readonly RestoreDiagnostic DuplicateModelName = new("MR0008", "Two models have the same generated type name");
    public static readonly RestoreDiagnostic InvalidMetadata = new("MR0009", "ModelReference metadata is not valid");
    public static readonly RestoreDiagnostic OfflineNotCached = new("MR0010", "Model is not in the cache and restore is offline");
    public static readonly RestoreDiagnostic LockOutOfDate = new("MR0011", "models.lock.json would change in locked mode");
    public static readonly RestoreDiagnostic InvalidLockFile = new("MR0012", "models.lock.json cannot be read");
    public static readonly RestoreDiagnostic DamagedCache = new("MR0013", "A cached model file was damaged");
    public static readonly RestoreDiagnostic InvalidProperty = new("MR0014", "A ModelRefs property is not valid");
    public static readonly RestoreDiagnostic DesignTimeNotRestored = new("MR0015", "Design-time build: model not restored yet");
    public static readonly RestoreDiagnostic PlainHttp = new("MR0016", "Model downloaded over plain HTTP without a Sha256 pin");
    public static readonly RestoreDiagnostic RedistributedLicense = new("MR0017", "Licence known only from a package that redistributes the model");
    public static readonly RestoreDiagnostic ConflictingLicenses = new("MR0018", "The same model content is restored under two licences");
    public static readonly RestoreDiagnostic DeployFailed = new("MR0019", "A model file could not be deployed to the output folder");

    // PyTorch Hub (torchhub:) and export to ONNX.
    public static readonly RestoreDiagnostic HubNotFound = new("MR0020", "PyTorch Hub repo, ref or entrypoint not found");
    public static readonly RestoreDiagnostic UntrustedHubCode = new("MR0021", "PyTorch Hub code from an untrusted owner");
    public static readonly RestoreDiagnostic ExportFailed = new("MR0022", "Export of a PyTorch Hub model to ONNX failed");
    public static readonly RestoreDiagnostic UnsafeArchive = new("MR0023", "Archive refused as unsafe");
    public static readonly RestoreDiagnostic ExportMismatch = new("MR0024", "Exported ONNX model does not match torch");

    // TF Hub (tfhub:) and conversion of TF.js, SavedModel and TFLite models: MR0030–MR0039.
    public static readonly RestoreDiagnostic TfHubNotFound = new("MR0030", "TF Hub model, version or format not found");
    public static readonly RestoreDiagnostic TfHubVersionUnresolved = new("MR0031", "Latest version of a TF Hub model could not be determined");
    public static readonly RestoreDiagnostic TfHubArchiveInvalid = new("MR0032", "TF Hub download does not hold the expected model files");
    public static readonly RestoreDiagnostic ConversionFailed = new("MR0033", "Conversion of a model to ONNX failed");
    public static readonly RestoreDiagnostic SavedModelConverterMissing = new("MR0034", "SavedModel conversion needs tf2onnx");
    public static readonly RestoreDiagnostic TfLiteNotSupported = new("MR0035", "TFLite models cannot be converted to ONNX yet");
    public static readonly RestoreDiagnostic UnsupportedModelFormat = new("MR0036", "Model file is in a format ModelRefs does not run or convert");
    public static readonly RestoreDiagnostic FormatNotHonoured = new("MR0037", "Format metadata does not match the file, or the source cannot honour it");

    // Hugging Face Hub (hf:): MR0040–MR0049.
    public static readonly RestoreDiagnostic HuggingFaceRepoNotFound = new("MR0040", "Hugging Face repository not found, or private and no token grants access");
    public static readonly RestoreDiagnostic HuggingFaceGatedRepo = new("MR0041", "Hugging Face repository is gated and its terms are not accepted");
    public static readonly RestoreDiagnostic HuggingFaceRevisionNotFound = new("MR0042", "Hugging Face revision (branch, tag or commit) not found");
    public static readonly RestoreDiagnostic HuggingFaceFileNotFound = new("MR0043", "File not found in the Hugging Face repository");
    public static readonly RestoreDiagnostic HuggingFaceRateLimited = new("MR0044", "Hugging Face Hub rate limit reached");
    public static readonly RestoreDiagnostic HuggingFaceInvalidAnswer = new("MR0045", "Hugging Face endpoint answer not understood");

    // ONNX external data (weights in files beside the model), for every source: MR0050–MR0059.
    public static readonly RestoreDiagnostic ExternalDataNotFound = new("MR0050", "External data file of an ONNX model not found beside it");
    public static readonly RestoreDiagnostic ExternalDataNotSupported = new("MR0051", "This source cannot restore a model's external data files");
    public static readonly RestoreDiagnostic ExternalDataEmbedded = new("MR0052", "A model with external data files cannot be embedded");
    public static readonly RestoreDiagnostic ExternalDataConflict = new("MR0053", "Two models deploy different files to the same path");

    // OCI registries (oci:): MR0060–MR0069.
    public static readonly RestoreDiagnostic OciNotFound = new("MR0060", "OCI repository, tag or digest not found");
    public static readonly RestoreDiagnostic OciAccessDenied = new("MR0061", "OCI registry refused access");
    public static readonly RestoreDiagnostic OciNotAModel = new("MR0062", "OCI artifact is not a model artifact ModelRefs reads");
    public static readonly RestoreDiagnostic OciFileNotFound = new("MR0063", "File not found in the OCI artifact");
    public static readonly RestoreDiagnostic OciFileAmbiguous = new("MR0064", "The OCI artifact holds several model files and File names none");
    public static readonly RestoreDiagnostic OciInvalidAnswer = new("MR0065", "OCI registry answer not understood");
    public static readonly RestoreDiagnostic OciCredentialsUnreadable = new("MR0066", "Container registry credentials cannot be read");
    public static readonly RestoreDiagnostic OciPlainHttpRefused = new("MR0067", "Plain HTTP to an OCI registry or token server refused");
    public static readonly RestoreDiagnostic OciPushFailed = new("MR0068", "Pushing a model to an OCI registry failed");
    public static readonly RestoreDiagnostic MirrorMissing = new("MR0069", "A locked model is not in the mirror, and ModelRefsMirrorOnly forbids its hub");

    // npm registry (npm:), besides MR0005 and MR0006 above: MR0070–MR0079.
    public static readonly RestoreDiagnostic NpmVersionNotFound = new("MR0070", "npm package version not found");
    public static readonly RestoreDiagnostic NpmFileNotFound = new("MR0071", "File not found in the npm package");

    // The restore's own files and folders (cache, obj, lock): MR0080–MR0089.
    public static readonly RestoreDiagnostic FileAccessFailed = new("MR0080", "A file or folder of the restore could not be written or read");

    public static readonly RestoreDiagnostic InternalError = new("MR0999", "Unexpected error while restoring a model");

    /// <summary>The diagnostic with this id (a kept warning's); <see cref="InternalError"/> for an id no longer declared.</summary>
    public static RestoreDiagnostic ById(string id) =>
        typeof(RestoreDiagnostics).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(RestoreDiagnostic)).Select(f => (RestoreDiagnostic)f.GetValue(null)!)
            .FirstOrDefault(d => d.Id == id) ?? InternalError;
}

/// <summary>A restore diagnostic's identity: stable id, title and help link.</summary>
public sealed record RestoreDiagnostic(string Id, string Title)
{
    public string HelpLink => RestoreDiagnostics.HelpLinkBase + Id + ".md";
}

/// <summary>
/// The one exception type restore code throws for expected failures. The message says which model,
/// what went wrong and what to do; the task adds the project file and the item's line.
/// </summary>
public sealed class ModelRefsException : Exception
{
    public ModelRefsException(RestoreDiagnostic diagnostic, string message, Exception? inner = null)
        : base(message, inner) => Diagnostic = diagnostic;

    public RestoreDiagnostic Diagnostic { get; }
}
