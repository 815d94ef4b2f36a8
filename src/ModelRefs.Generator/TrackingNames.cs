namespace ModelRefs.Generator
{
    /// <summary>
    /// Names of the incremental pipeline's steps (<c>WithTrackingName</c>), so tests can check which
    /// steps ran again and which were served from the cache. Tests find them by reflection.
    /// </summary>
    internal static class TrackingNames
    {
        /// <summary>The <c>*.modelref.json</c> additional files.</summary>
        public const string ManifestFiles = nameof(ManifestFiles);

        /// <summary>One <see cref="Model.ParsedManifest"/> per manifest.</summary>
        public const string ParsedManifests = nameof(ParsedManifests);

        /// <summary>Whether the project's C# version has <c>required</c> members (C# 11).</summary>
        public const string RequiredMembers = nameof(RequiredMembers);

        /// <summary>Each model's generated source text.</summary>
        public const string GeneratedModels = nameof(GeneratedModels);
    }
}
