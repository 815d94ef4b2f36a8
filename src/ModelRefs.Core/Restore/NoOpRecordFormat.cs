using System.Globalization;
using System.Text;

namespace ModelRefs.Core.Restore;

/// <summary>
/// The no-op record's file format: one line per fact, tab-separated fields, each field escaped so
/// that no path or message can break a line. Written by hand rather than with System.Text.Json
/// because it is read by every build in a fresh MSBuild node, where the serializer's first use
/// costs about 20 ms of loading and JIT (more than the rest of an up-to-date restore together);
/// this parser needs nothing beyond string splitting. Anything unexpected reads as "no record",
/// which only costs a full restore.
/// </summary>
internal static class NoOpRecordFormat
{
    private const string Header = "modelrefs-noop 2";

    public static string Write(NoOpState state)
    {
        var text = new StringBuilder(Header).Append('\n');
        Line(text, "inputs", state.InputsHash);
        if (state.QuickKey is { } quick)
            Line(text, "quick", quick);
        foreach (var probe in state.Probes ?? [])
            Line(text, "probe", probe.Path, Long(probe.Size), Long(probe.LastWriteTicks));
        foreach (var model in state.Models)
        {
            Line(text, "model", Int(model.ItemIndex), model.Name, model.OnnxPath, model.TargetPath, model.ResourceName ?? "", model.ManifestPath);
            foreach (var data in model.ExternalData ?? [])
                Line(text, "data", data.Path, data.TargetPath, data.Sha256);
        }
        foreach (var file in state.Files)
            Line(text, file.IsCacheBlob ? "blob" : "file", file.Path, Long(file.Size), Long(file.LastWriteTicks));
        if (state.NoticesPath is { } notices)
            Line(text, "notices", notices);
        if (state.BomPath is { } bom)
            Line(text, "bom", bom);
        foreach (var warning in state.Warnings ?? [])
            Line(text, "warning", warning.Id, Int(warning.ItemIndex), Int(warning.Line), warning.Title, warning.Message);
        return text.ToString();
    }

    public static NoOpState? Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[0] != Header)
            return null;
        string? inputs = null, quick = null, notices = null, bom = null;
        List<NoOpFile>? probes = null;
        var models = new List<NoOpModel>();
        var modelData = new List<List<DeployedFile>>();
        var files = new List<NoOpFile>();
        var warnings = new List<NoOpWarning>();
        foreach (var line in lines.AsSpan(1))
        {
            if (line.Length == 0)
                continue;
            var f = line.Split('\t');
            for (var i = 1; i < f.Length; i++)
                f[i] = Unescape(f[i]);
            switch (f[0])
            {
                case "inputs" when f.Length == 2:
                    inputs = f[1];
                    break;
                case "quick" when f.Length == 2:
                    quick = f[1];
                    break;
                // A path is never empty (a record cut or edited by hand is not one: it only costs a full restore).
                case "probe" when f.Length == 4 && f[1].Length > 0 && TryLong(f[2], out var probeSize, NumberStyles.AllowLeadingSign) && TryLong(f[3], out var probeTicks):
                    (probes ??= []).Add(new NoOpFile(f[1], probeSize, probeTicks));
                    break;
                case "notices" when f.Length == 2:
                    notices = f[1];
                    break;
                case "bom" when f.Length == 2:
                    bom = f[1];
                    break;
                case "model" when f.Length == 7 && TryInt(f[1], out var index) && index >= 0:
                    models.Add(new NoOpModel(index, f[2], f[3], f[4], f[5].Length == 0 ? null : f[5], f[6]));
                    modelData.Add([]);
                    break;
                case "data" when f.Length == 4 && modelData.Count > 0:
                    modelData[^1].Add(new DeployedFile(f[1], f[2], f[3]));
                    break;
                case "file" or "blob" when f.Length == 4 && f[1].Length > 0 && TryLong(f[2], out var size) && TryLong(f[3], out var ticks):
                    files.Add(new NoOpFile(f[1], size, ticks) { IsCacheBlob = f[0] == "blob" });
                    break;
                case "warning" when f.Length == 6 && TryInt(f[2], out var itemIndex) && TryInt(f[3], out var itemLine):
                    warnings.Add(new NoOpWarning(f[1], f[4], f[5], itemIndex, itemLine));
                    break;
                default:
                    return null;
            }
        }
        if (inputs is null)
            return null;
        for (var i = 0; i < models.Count; i++)
        {
            if (modelData[i].Count > 0)
                models[i] = models[i] with { ExternalData = modelData[i] };
        }
        return new NoOpState(inputs, models, files)
        {
            Warnings = warnings.Count > 0 ? warnings : null,
            QuickKey = quick,
            Probes = probes,
            NoticesPath = notices,
            BomPath = bom,
        };
    }

    private static void Line(StringBuilder text, string kind, params string[] fields)
    {
        text.Append(kind);
        foreach (var field in fields)
            Escape(text.Append('\t'), field);
        text.Append('\n');
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool TryLong(string text, out long value, NumberStyles styles = NumberStyles.None) =>
        long.TryParse(text, styles, CultureInfo.InvariantCulture, out value);

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // Only the characters that would break the line structure are escaped, as %XX.
    private static void Escape(StringBuilder text, string field)
    {
        foreach (var c in field)
        {
            _ = c switch
            {
                '%' => text.Append("%25"),
                '\t' => text.Append("%09"),
                '\n' => text.Append("%0A"),
                '\r' => text.Append("%0D"),
                _ => text.Append(c),
            };
        }
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('%'))
            return field;
        return field.Replace("%09", "\t").Replace("%0A", "\n").Replace("%0D", "\r").Replace("%25", "%");
    }
}
