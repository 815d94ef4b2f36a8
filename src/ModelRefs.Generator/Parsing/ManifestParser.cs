using System;
using System.Collections.Generic;
using System.Globalization;
using ModelRefs.Generator.Diagnostics;
using ModelRefs.Generator.Model;
using ModelRefs.Shared.Manifest;
using ModelRefs.Shared.Naming;
using ModelRefs.Shared.Onnx;

namespace ModelRefs.Generator.Parsing
{
    /// <summary>
    /// Reads one <c>*.modelref.json</c> (docs/design/manifest.md) into a <see cref="ModelSpec"/>.
    /// Never throws: anything wrong becomes MR2003 (malformed, including a name or namespace restore
    /// would not have written, see <see cref="ModelTypeNames"/>) or MR2001 (unsupported tensor), and
    /// then no model.
    /// </summary>
    internal sealed class ManifestParser
    {
        /// <summary>The newest manifest schema this generator understands.</summary>
        public const int SupportedSchema = ManifestKeys.SchemaVersion;

        private readonly string _path;
        private readonly string _text;
        private readonly List<int> _lineStarts = new List<int>();

        private ManifestParser(string path, string text)
        {
            _path = path;
            _text = text;
            _lineStarts.Add(0);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    continue;
                }

                if (c == '\n' || c == '\r')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public static ParsedManifest Parse(string path, string? text)
        {
            if (text is null)
            {
                return Fail(path, DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, FileLocation.WholeFile(path), path, "the file could not be read"));
            }

            try
            {
                return new ManifestParser(path, text).ParseCore();
            }
            catch (ManifestException ex)
            {
                return Fail(path, ex.Diagnostic);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug in this parser must not crash the compiler; report it against the file.
                return Fail(path, DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, FileLocation.WholeFile(path), path, "internal error while reading it: " + ex.GetType().Name + ": " + ex.Message));
            }
        }

        private static ParsedManifest Fail(string path, DiagnosticInfo diagnostic)
            => new ParsedManifest(path, null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));

        private ParsedManifest ParseCore()
        {
            JsonNode root;
            try
            {
                root = JsonReader.Parse(_text);
            }
            catch (JsonReaderException ex)
            {
                int pos = Math.Min(ex.Position, _text.Length);
                throw Malformed(Span(pos, pos < _text.Length ? pos + 1 : pos), "invalid JSON at line " + (LineOf(pos) + 1).ToString(CultureInfo.InvariantCulture) + ": " + ex.Message);
            }

            if (root.Kind != JsonKind.Object)
            {
                throw Malformed(Span(root), "the top level must be a JSON object, not " + root.Describe());
            }

            JsonNode? schema = root[ManifestKeys.Schema];
            if (schema is not null && schema.Kind != JsonKind.Null)
            {
                long version = ReadInteger(schema, ManifestKeys.Schema);
                if (version > SupportedSchema)
                {
                    throw Malformed(Span(schema), "schema version " + version.ToString(CultureInfo.InvariantCulture) + " is newer than this generator understands (" + SupportedSchema.ToString(CultureInfo.InvariantCulture) + "); update the ModelRefs package");
                }

                if (version < 1)
                {
                    throw Malformed(Span(schema), "schema version " + version.ToString(CultureInfo.InvariantCulture) + " is not valid");
                }
            }

            JsonNode? nameNode = root[ManifestKeys.Name];
            string declaredName = RequiredString(root, ManifestKeys.Name);
            if (declaredName.Trim().Length == 0)
            {
                throw Malformed(Span(nameNode!), "'" + ManifestKeys.Name + "' is empty");
            }

            FileLocation nameLocation = Span(nameNode!);
            if (ModelTypeNames.NameProblem(declaredName) is { } nameProblem)
            {
                throw Malformed(nameLocation, "the name '" + declaredName + "' " + nameProblem);
            }

            string typeName = ModelTypeNames.ToTypeName(declaredName);
            string ns = ReadNamespace(root);

            var diagnostics = new List<DiagnosticInfo>();
            EquatableArray<TensorSpec> inputs = ReadTensors(root, ManifestKeys.Inputs);
            EquatableArray<TensorSpec> outputs = ReadTensors(root, ManifestKeys.Outputs);
            bool wide = inputs.Count > ModelSpec.WideThreshold || outputs.Count > ModelSpec.WideThreshold;
            CheckSupported(typeName, inputs, "input", diagnostics, sequencesAllowed: false);
            CheckSupported(typeName, outputs, "output", diagnostics, sequencesAllowed: !wide);
            EquatableArray<string> inputNames = ReadStrings(root, ManifestKeys.InputNames);
            EquatableArray<string> outputNames = ReadStrings(root, ManifestKeys.OutputNames);
            CheckMemberNames(typeName, inputNames, inputs.Count, "InputNames", "inputs", Span(root[ManifestKeys.InputNames] ?? root), diagnostics);
            CheckMemberNames(typeName, outputNames, outputs.Count, "OutputNames", "outputs", Span(root[ManifestKeys.OutputNames] ?? root), diagnostics);
            if (diagnostics.Count > 0)
            {
                return new ParsedManifest(_path, null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            var model = new ModelSpec(
                FilePath: _path,
                DeclaredName: declaredName,
                TypeName: typeName,
                Namespace: ns,
                Handle: OptionalString(root, ManifestKeys.Handle) ?? string.Empty,
                Resolved: OptionalString(root, ManifestKeys.Resolved),
                Sha256: OptionalString(root, ManifestKeys.Sha256) ?? string.Empty,
                OnnxSha256: OptionalString(root, ManifestKeys.OnnxSha256) ?? OptionalString(root, ManifestKeys.Sha256) ?? string.Empty,
                License: OptionalString(root, ManifestKeys.License),
                LicenseSource: OptionalString(root, ManifestKeys.LicenseSource),
                LicenseProvenance: OptionalString(root, ManifestKeys.LicenseProvenance),
                LicenseDeclared: OptionalString(root, ManifestKeys.LicenseDeclared),
                AcceptLicense: ReadStrings(root, ManifestKeys.AcceptLicense),
                ProjectFile: NullIfEmpty(OptionalString(root, ManifestKeys.ProjectFile)),
                ItemLine: (int)Math.Max(0, Math.Min(int.MaxValue, OptionalInteger(root, ManifestKeys.ItemLine) ?? 0)),
                ModelFile: OptionalString(root, ManifestKeys.ModelFile),
                EmbeddedResource: NullIfEmpty(OptionalString(root, ManifestKeys.EmbeddedResource)),
                Description: OptionalString(root, ManifestKeys.Description),
                Producer: OptionalString(root, ManifestKeys.Producer),
                IrVersion: OptionalInteger(root, ManifestKeys.IrVersion),
                Opsets: ReadOpsets(root),
                Metadata: ReadMetadata(root),
                Inputs: inputs,
                Outputs: outputs,
                NameLocation: nameLocation,
                InputNames: inputNames,
                OutputNames: outputNames);

            return new ParsedManifest(_path, model, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>The namespace as C# writes it; a manifest without one generates into the global namespace.</summary>
        private string ReadNamespace(JsonNode root)
        {
            string? declared = OptionalString(root, ManifestKeys.Namespace);
            if (string.IsNullOrEmpty(declared))
            {
                return string.Empty;
            }

            if (!ModelTypeNames.IsNamespace(declared))
            {
                throw Malformed(Span(root[ManifestKeys.Namespace]!), "the namespace '" + declared + "' is not a valid C# namespace");
            }

            return ModelTypeNames.ToNamespace(declared!);
        }

        /// <summary>The user's member names (MR2004): identifiers, no keywords, unique ignoring case, no more than there are tensors.</summary>
        private static void CheckMemberNames(string typeName, EquatableArray<string> names, int count, string metadata, string what, FileLocation where, List<DiagnosticInfo> diagnostics)
        {
            if (names.Count > count)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMemberName, where, typeName, metadata,
                    "has " + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " entries, but the model has " + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + what));
                return;
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string name in names)
            {
                if (name.Length == 0)
                {
                    continue;
                }

                string? problem = !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name) || name[0] == '@' ? "entry '" + name + "' is not a C# identifier"
                    : Naming.IdentifierNames.IsKeyword(name) ? "entry '" + name + "' is a C# keyword"
                    : !seen.Add(name) ? "names '" + name + "' twice (names must differ ignoring case)"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMemberName, where, typeName, metadata, problem));
                }
            }
        }

        /// <summary>
        /// Dense tensors everywhere; sequences of maps or tensors as outputs of a narrow model
        /// (<see cref="SequenceType"/>). Anything else is MR2001, an error: the model cannot be wrapped.
        /// </summary>
        private void CheckSupported(string typeName, EquatableArray<TensorSpec> tensors, string role, List<DiagnosticInfo> diagnostics, bool sequencesAllowed)
        {
            foreach (TensorSpec tensor in tensors)
            {
                string? problem = null;
                string type = tensor.ValueType is null ? string.Empty : " (" + tensor.ValueType + ")";
                if (tensor.Kind != ManifestKeys.ValueKinds.Tensor)
                {
                    if (tensor.Sequence is null)
                    {
                        problem = "value kind '" + tensor.Kind + "'" + type;
                    }
                    else if (!sequencesAllowed)
                    {
                        problem = "value kind '" + tensor.Kind + "'" + type + (role == "input"
                            ? ", and sequences are supported as outputs only"
                            : ", and sequences are supported in models with at most " + ModelSpec.WideThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture) + " inputs and outputs");
                    }
                }
                else if (!ElementTypes.TryGet(tensor.ElementType, out _))
                {
                    problem = "element type '" + tensor.ElementType + "'";
                }

                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, tensor.Location, typeName, role, tensor.Name, problem));
                }
            }
        }

        private EquatableArray<TensorSpec> ReadTensors(JsonNode root, string key)
        {
            JsonNode? array = root[key];
            if (array is null || array.Kind == JsonKind.Null)
            {
                throw Malformed(Span(root.Start, root.Start + 1), "'" + key + "' is missing");
            }

            if (array.Kind != JsonKind.Array)
            {
                throw Malformed(Span(array), "'" + key + "' must be an array, not " + array.Describe());
            }

            var result = new List<TensorSpec>();
            for (int i = 0; i < array.Items!.Count; i++)
            {
                JsonNode item = array.Items[i];
                string where = key + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (item.Kind != JsonKind.Object)
                {
                    throw Malformed(Span(item), "'" + where + "' must be an object, not " + item.Describe());
                }

                string name = RequiredString(item, ManifestKeys.Value.Name, where);
                string kind = OptionalString(item, ManifestKeys.Value.Kind, where) ?? ManifestKeys.ValueKinds.Tensor;
                string elementType = OptionalString(item, ManifestKeys.Value.ElementType, where) ?? OnnxElementTypeTable.Undefined.ManifestName;
                JsonNode? shapeNode = item[ManifestKeys.Value.Shape];
                bool hasShape = shapeNode is not null && shapeNode.Kind != JsonKind.Null;
                var dims = new List<DimensionSpec>();
                if (hasShape)
                {
                    if (shapeNode!.Kind != JsonKind.Array)
                    {
                        throw Malformed(Span(shapeNode), "'" + where + "." + ManifestKeys.Value.Shape + "' must be an array or null, not " + shapeNode.Describe());
                    }

                    for (int d = 0; d < shapeNode.Items!.Count; d++)
                    {
                        JsonNode dim = shapeNode.Items[d];
                        string dimWhere = where + "." + ManifestKeys.Value.Shape + "[" + d.ToString(CultureInfo.InvariantCulture) + "]";
                        if (dim.Kind != JsonKind.Object)
                        {
                            throw Malformed(Span(dim), "'" + dimWhere + "' must be an object, not " + dim.Describe());
                        }

                        JsonNode? valueNode = dim[ManifestKeys.Dimension.Value];
                        long? value = valueNode is null || valueNode.Kind == JsonKind.Null ? null : ReadInteger(valueNode, dimWhere + "." + ManifestKeys.Dimension.Value);
                        string? param = NullIfEmpty(OptionalString(dim, ManifestKeys.Dimension.Param, dimWhere));
                        dims.Add(new DimensionSpec(value, value.HasValue ? null : param));
                    }
                }

                result.Add(new TensorSpec(
                    name,
                    kind.ToLowerInvariant(),
                    elementType.ToLowerInvariant(),
                    hasShape,
                    new EquatableArray<DimensionSpec>(dims),
                    NullIfEmpty(OptionalString(item, ManifestKeys.Value.Doc, where)),
                    Span(item),
                    NullIfEmpty(OptionalString(item, ManifestKeys.Value.Type, where))));
            }

            return new EquatableArray<TensorSpec>(result);
        }

        private EquatableArray<OpsetSpec> ReadOpsets(JsonNode root)
        {
            var result = new List<OpsetSpec>();
            foreach (JsonNode item in OptionalArray(root, ManifestKeys.Opsets))
            {
                if (item.Kind != JsonKind.Object)
                {
                    throw Malformed(Span(item), "'" + ManifestKeys.Opsets + "' entries must be objects");
                }

                JsonNode? version = item[ManifestKeys.Opset.Version];
                result.Add(new OpsetSpec(
                    OptionalString(item, ManifestKeys.Opset.Domain, ManifestKeys.Opsets) ?? string.Empty,
                    version is null || version.Kind == JsonKind.Null ? 0 : ReadInteger(version, ManifestKeys.Opsets + "." + ManifestKeys.Opset.Version)));
            }

            return new EquatableArray<OpsetSpec>(result);
        }

        private EquatableArray<MetadataEntry> ReadMetadata(JsonNode root)
        {
            var result = new List<MetadataEntry>();
            foreach (JsonNode item in OptionalArray(root, ManifestKeys.Metadata))
            {
                if (item.Kind != JsonKind.Object)
                {
                    throw Malformed(Span(item), "'" + ManifestKeys.Metadata + "' entries must be objects");
                }

                result.Add(new MetadataEntry(
                    OptionalString(item, ManifestKeys.MetadataEntry.Key, ManifestKeys.Metadata) ?? string.Empty,
                    OptionalString(item, ManifestKeys.MetadataEntry.Value, ManifestKeys.Metadata) ?? string.Empty));
            }

            return new EquatableArray<MetadataEntry>(result);
        }

        /// <summary>An array of strings (a single string is read as one item); missing or null: empty.</summary>
        private EquatableArray<string> ReadStrings(JsonNode root, string key)
        {
            JsonNode? node = root[key];
            if (node is not null && node.Kind == JsonKind.String)
            {
                return new EquatableArray<string>(new[] { node.Text! });
            }

            var result = new List<string>();
            foreach (JsonNode item in OptionalArray(root, key))
            {
                if (item.Kind != JsonKind.String)
                {
                    throw Malformed(Span(item), "'" + key + "' entries must be strings, not " + item.Describe());
                }

                result.Add(item.Text!);
            }

            return new EquatableArray<string>(result);
        }

        private List<JsonNode> OptionalArray(JsonNode obj, string key)
        {
            JsonNode? node = obj[key];
            if (node is null || node.Kind == JsonKind.Null)
            {
                return new List<JsonNode>();
            }

            if (node.Kind != JsonKind.Array)
            {
                throw Malformed(Span(node), "'" + key + "' must be an array, not " + node.Describe());
            }

            return node.Items!;
        }

        private string RequiredString(JsonNode obj, string key, string? where = null)
        {
            string? value = OptionalString(obj, key, where);
            if (value is null)
            {
                throw Malformed(Span(obj.Start, obj.Start + 1), "'" + Qualify(key, where) + "' is missing");
            }

            return value;
        }

        private string? OptionalString(JsonNode obj, string key, string? where = null)
        {
            JsonNode? node = obj[key];
            if (node is null || node.Kind == JsonKind.Null)
            {
                return null;
            }

            if (node.Kind != JsonKind.String)
            {
                throw Malformed(Span(node), "'" + Qualify(key, where) + "' must be a string, not " + node.Describe());
            }

            return node.Text;
        }

        private long? OptionalInteger(JsonNode obj, string key)
        {
            JsonNode? node = obj[key];
            return node is null || node.Kind == JsonKind.Null ? null : ReadInteger(node, key);
        }

        private long ReadInteger(JsonNode node, string what)
        {
            if (node.Kind != JsonKind.Number
                || !long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                throw Malformed(Span(node), "'" + what + "' must be an integer, not " + (node.Kind == JsonKind.Number ? node.Text : node.Describe()));
            }

            return value;
        }

        private static string Qualify(string key, string? where) => where is null ? key : where + "." + key;

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        private ManifestException Malformed(FileLocation location, string message)
            => new ManifestException(DiagnosticInfo.Create(DiagnosticDescriptors.MalformedManifest, location, _path, message));

        private FileLocation Span(JsonNode node) => Span(node.Start, node.End);

        private FileLocation Span(int start, int end)
        {
            int startLine = LineOf(start);
            int endLine = LineOf(end);
            return new FileLocation(_path, start, end - start, startLine, start - _lineStarts[startLine], endLine, end - _lineStarts[endLine]);
        }

        private int LineOf(int position)
        {
            int index = _lineStarts.BinarySearch(position);
            return index >= 0 ? index : ~index - 1;
        }

        private sealed class ManifestException : Exception
        {
            public ManifestException(DiagnosticInfo diagnostic)
                : base(diagnostic.Id)
            {
                Diagnostic = diagnostic;
            }

            public DiagnosticInfo Diagnostic { get; }
        }
    }
}
