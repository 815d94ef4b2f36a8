namespace ModelRefs.Generator.Model
{
    /// <summary>A key/value pair of the model's ONNX metadata.</summary>
    internal sealed record MetadataEntry(string Key, string Value);

    /// <summary>An operator set the model imports.</summary>
    internal sealed record OpsetSpec(string Domain, long Version);

    /// <summary>
    /// Everything the emitter needs to know about one model, read from one <c>*.modelref.json</c>.
    /// Strings are as the manifest has them; <see cref="TypeName"/> and <see cref="Namespace"/> are
    /// already valid C#.
    /// </summary>
    internal sealed record ModelSpec(
        string FilePath,
        string DeclaredName,
        string TypeName,
        string Namespace,
        string Handle,
        string? Resolved,
        string Sha256,
        string OnnxSha256,
        string? License,
        string? LicenseSource,
        string? LicenseProvenance,
        string? LicenseDeclared,
        EquatableArray<string> AcceptLicense,
        string? ProjectFile,
        int ItemLine,
        string? ModelFile,
        string? EmbeddedResource,
        string? Description,
        string? Producer,
        long? IrVersion,
        EquatableArray<OpsetSpec> Opsets,
        EquatableArray<MetadataEntry> Metadata,
        EquatableArray<TensorSpec> Inputs,
        EquatableArray<TensorSpec> Outputs,
        FileLocation NameLocation,
        EquatableArray<string> InputNames = default,
        EquatableArray<string> OutputNames = default)
    {
        /// <summary>
        /// The most inputs, and the most outputs, that get the typed span API (a <c>Run</c> with
        /// parameters per input, the <c>…OutputSpans</c> struct) and one generated statement per
        /// tensor. A model above it is <see cref="IsWide"/>: see docs/design/runtime-api.md.
        /// </summary>
        public const int WideThreshold = 64;

        /// <summary>
        /// More than <see cref="WideThreshold"/> inputs or outputs: no emitted method grows with the
        /// signature (Roslyn's flow analysis of one method is not linear in its statements), so the
        /// model gets the index-based span API and tensor tables that runtime loops read instead.
        /// </summary>
        public bool IsWide => Inputs.Count > WideThreshold || Outputs.Count > WideThreshold;

        /// <summary>
        /// The most inputs, and the most outputs, that get a typed property each. Compiling a member
        /// per tensor is linear but not cheap (about 1 ms per input and output: a 500-input, 500-output model compiled in twice the time of a 5-input one), so a model above it
        /// is <see cref="IsIndexed"/>: see docs/design/runtime-api.md and docs/benchmarks.md.
        /// </summary>
        public const int IndexedThreshold = 256;

        /// <summary>
        /// More than <see cref="IndexedThreshold"/> inputs or outputs: a wide model without a member
        /// per tensor; inputs and outputs are reached by index or ONNX name only, and the only
        /// per-tensor code is the constant columns of <c>Info</c>.
        /// </summary>
        public bool IsIndexed => Inputs.Count > IndexedThreshold || Outputs.Count > IndexedThreshold;

        /// <summary>The fully qualified type name with <c>global::</c>, e.g. <c>global::VoiceActivity.Models.SileroVad</c>.</summary>
        public string GlobalTypeName(string suffix = "")
            => Namespace.Length == 0 ? "global::" + TypeName + suffix : "global::" + Namespace + "." + TypeName + suffix;
    }

    /// <summary>The result of reading one manifest: the model (null when it cannot be generated) and what to report.</summary>
    internal sealed record ParsedManifest(string FilePath, ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>What the generator adds for one manifest: a source file (or none) and diagnostics.</summary>
    internal sealed record GeneratedModel(string FilePath, string? HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);
}
