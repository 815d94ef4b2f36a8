using ModelRefs.Shared.Naming;

namespace ModelRefs.Core.Handles;

/// <summary>Turns file names into C# type names (the rule is <see cref="ModelTypeNames.FromFileName"/>, shared with the generator).</summary>
public static class IdentifierNames
{
    /// <summary><c>silero_vad_v5</c> → <c>SileroVadV5</c>; see <see cref="ModelTypeNames.FromFileName"/>.</summary>
    public static string ToPascalCase(string value) => ModelTypeNames.FromFileName(value);
}
