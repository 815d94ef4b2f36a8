namespace ModelRefs.Generator
{
    /// <summary>
    /// Names of the incremental pipeline's steps (<c>WithTrackingName</c>), so tests can check which
    /// steps ran again and which were served from the cache.
    /// </summary>
    internal static class TrackingNames
    {
        /// <summary>The <c>*.modelref.json</c> additional files.</summary>
        public const string ManifestFiles = nameof(ManifestFiles);

        /// <summary>One <see cref="Model.ParsedManifest"/> per manifest.</summary>
        public const string ParsedManifests = nameof(ParsedManifests);

        /// <summary>The type names each model claims.</summary>
        public const string TypeClaims = nameof(TypeClaims);

        /// <summary>The clashes among all claims (one value for the whole compilation).</summary>
        public const string NameClashes = nameof(NameClashes);

        /// <summary>Each model with its clash verdict.</summary>
        public const string ModelsToEmit = nameof(ModelsToEmit);

        /// <summary>Each model's generated source text.</summary>
        public const string GeneratedModels = nameof(GeneratedModels);

        public static readonly string[] All =
        {
            ManifestFiles, ParsedManifests, TypeClaims, NameClashes, ModelsToEmit, GeneratedModels,
        };
    }
}
