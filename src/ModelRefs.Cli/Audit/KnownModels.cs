using System.Text.Json;
using ModelRefs.Core.Caching;

namespace ModelRefs.Cli.Audit;

/// <summary>A model file whose origin is known: its upstream project and the licence its authors give it.</summary>
/// <param name="Sha256">The file's SHA-256 (the ONNX file, or the fetched artifact).</param>
/// <param name="Name">What the file is, e.g. "Silero VAD v5 (ONNX)".</param>
/// <param name="Upstream">Where its authors publish it.</param>
/// <param name="License">The upstream licence, an SPDX expression.</param>
/// <param name="FoundIn">Where it is redistributed (for people reading the table).</param>
public sealed record KnownModel(string Sha256, string Name, string Upstream, string License, string? FoundIn);

/// <summary>
/// The curated table shipped with the tool (<c>Audit/known-models.json</c>, embedded): SHA-256 →
/// upstream name, source and licence. docs/cli.md says how to add an entry.
/// </summary>
public static class KnownModels
{
    private static readonly Lazy<IReadOnlyDictionary<string, KnownModel>> Table = new(Load);

    public static IReadOnlyDictionary<string, KnownModel> All => Table.Value;

    public static KnownModel? Find(string? sha256) =>
        Sha256Hex.Normalize(sha256) is { } hex && All.TryGetValue(hex, out var known) ? known : null;

    private static IReadOnlyDictionary<string, KnownModel> Load()
    {
        using var stream = typeof(KnownModels).Assembly.GetManifestResourceStream("ModelRefs.Cli.Audit.known-models.json")
            ?? throw new InvalidOperationException("The known-models table is missing from the tool.");
        var entries = JsonSerializer.Deserialize<List<KnownModel>>(stream, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })
            ?? [];
        return entries.ToDictionary(e => Sha256Hex.Normalize(e.Sha256) ?? throw new InvalidDataException($"known-models.json: '{e.Sha256}' is not a SHA-256"),
            StringComparer.Ordinal);
    }
}
