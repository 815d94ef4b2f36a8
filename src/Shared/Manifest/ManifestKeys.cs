// Shared source: compiled into ModelRefs.Core (which writes manifests) and ModelRefs.Generator
// (which reads them) by an explicit <Compile Include=... Link=...> in each project, so that a key
// renamed on one side is renamed on the other. netstandard2.0-compatible C#.
namespace ModelRefs.Shared.Manifest
{
    /// <summary>
    /// The per-model manifest, <c>obj/…/&lt;Name&gt;.modelref.json</c> (docs/design/manifest.md): the
    /// only thing that crosses from restore to the compiler. UTF-8 JSON, one object, keys in the
    /// order below; readers ignore unknown keys.
    /// </summary>
    /// <remarks>
    /// Shape (<c>?</c>: may be <c>null</c>):
    /// <code>
    /// {
    ///   schema: int, name: string, namespace: string, handle: string, resolved: string?,
    ///   sha256: string, onnxSha256: string, license: string?, licenseSource: string?,
    ///   licenseDeclared: string?, acceptLicense: [string], attribution: string?,
    ///   modelFile: string, embeddedResource: string?, projectFile: string?, itemLine: int,
    ///   description: string?, producer: string?, irVersion: int,
    ///   opsets:   [ { domain: string, version: int } ],
    ///   metadata: [ { key: string, value: string } ],
    ///   inputs:   [ Value ], outputs: [ Value ],
    ///   inputNames: [ string ], outputNames: [ string ]
    /// }
    /// Value:     { name: string, kind: string, elementType: string, shape: [ Dimension ]?, doc: string, type: string (readers: optional) }
    /// Dimension: { value: int } (fixed) | { param: string } (symbolic) | { } (unknown)
    /// </code>
    /// <c>name</c> is the generated class's C# type name and <c>namespace</c> its namespace, both
    /// validated by restore (<see cref="ModelRefs.Shared.Naming.ModelTypeNames"/>); <c>shape</c> is
    /// <c>null</c> when the model declares no shape (rank unknown).
    /// </remarks>
    internal static class ManifestKeys
    {
        /// <summary>The newest manifest schema: restore writes it, the generator reads up to it.</summary>
        public const int SchemaVersion = 1;

        /// <summary>The file name suffix of manifests: <c>&lt;Name&gt;.modelref.json</c>.</summary>
        public const string FileSuffix = ".modelref.json";

        // The top-level object, in the order restore writes them.
        public const string Schema = "schema";
        public const string Name = "name";
        public const string Namespace = "namespace";
        public const string Handle = "handle";
        public const string Resolved = "resolved";
        public const string Sha256 = "sha256";
        public const string OnnxSha256 = "onnxSha256";
        public const string License = "license";
        public const string LicenseSource = "licenseSource";
        public const string LicenseProvenance = "licenseProvenance";
        public const string LicenseDeclared = "licenseDeclared";
        public const string AcceptLicense = "acceptLicense";
        public const string Attribution = "attribution";
        public const string ModelFile = "modelFile";
        public const string EmbeddedResource = "embeddedResource";
        public const string ProjectFile = "projectFile";
        public const string ItemLine = "itemLine";
        public const string Description = "description";
        public const string Producer = "producer";
        public const string IrVersion = "irVersion";
        public const string Opsets = "opsets";
        public const string Metadata = "metadata";
        public const string Inputs = "inputs";
        public const string Outputs = "outputs";

        /// <summary>The item's <c>InputNames</c> / <c>OutputNames</c>: member names by position, "" where the default stays (readers: optional).</summary>
        public const string InputNames = "inputNames";
        public const string OutputNames = "outputNames";

        /// <summary>Keys of an <see cref="Opsets"/> entry.</summary>
        internal static class Opset
        {
            public const string Domain = "domain";
            public const string Version = "version";
        }

        /// <summary>Keys of a <see cref="Metadata"/> entry.</summary>
        internal static class MetadataEntry
        {
            public const string Key = "key";
            public const string Value = "value";
        }

        /// <summary>Keys of an <see cref="Inputs"/> or <see cref="Outputs"/> entry.</summary>
        internal static class Value
        {
            public const string Name = "name";
            public const string Kind = "kind";
            public const string ElementType = "elementType";
            public const string Shape = "shape";
            public const string Doc = "doc";

            /// <summary>
            /// The whole ONNX type of a value that is not a tensor, in ONNX's notation:
            /// <c>seq(map(int64,tensor(float)))</c>, <c>seq(tensor(float))</c>, <c>map(string,tensor(float))</c>,
            /// <c>optional(tensor(int64))</c>; <c>tensor(float)</c> for a tensor. Optional for readers (older manifests lack it).
            /// </summary>
            public const string Type = "type";
        }

        /// <summary>
        /// The spellings of <see cref="Value.Kind"/>; only <see cref="Tensor"/> is supported by generated
        /// code. <see cref="Value.ElementType"/> is spelled as in <c>ModelRefs.Shared.Onnx.OnnxElementTypeTable</c>.
        /// </summary>
        internal static class ValueKinds
        {
            public const string Tensor = "tensor";
            public const string Sequence = "sequence";
            public const string Map = "map";
            public const string Optional = "optional";
            public const string SparseTensor = "sparse_tensor";
            public const string Unknown = "unknown";
        }

        /// <summary>Keys of a <see cref="Value.Shape"/> entry.</summary>
        internal static class Dimension
        {
            public const string Value = "value";
            public const string Param = "param";
        }
    }
}
