using System.Globalization;
using System.Text;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>
/// Manifests of models with more inputs and outputs than <c>ModelSpec.WideThreshold</c>: input
/// <c>x.i</c> and output <c>y:i</c> cycle through a float [batch, 4], an int64 scalar, a float [2, 3]
/// and (with <c>allKinds</c>) a string [n], a float16 of unknown rank and a bool [1].
/// </summary>
internal static class WideManifests
{
    public static string Text(int count, string name = "Wide", bool allKinds = false)
    {
        var json = new StringBuilder();
        json.Append("{ \"schema\": 1, \"name\": \"").Append(name).Append("\", \"namespace\": \"Tests.Wide\", \"handle\": \"file:wide.onnx\", ")
            .Append("\"sha256\": \"00\", \"onnxSha256\": \"00\", \"license\": \"MIT\", \"modelFile\": \"wide.onnx\",\n");
        Tensors(json, "inputs", "x.", count, allKinds);
        json.Append(",\n");
        Tensors(json, "outputs", "y:", count, allKinds);
        json.Append("\n}\n");
        return json.ToString();
    }

    /// <summary>The shape of tensor <paramref name="i"/>: 0 float [batch, 4], 1 int64 scalar, 2 float [2, 3], then the other kinds.</summary>
    public static int KindOf(int i, bool allKinds) => i % (allKinds ? 6 : 3);

    private static void Tensors(StringBuilder json, string key, string prefix, int count, bool allKinds)
    {
        json.Append("  \"").Append(key).Append("\": [\n");
        for (int i = 0; i < count; i++)
        {
            string tensor = KindOf(i, allKinds) switch
            {
                0 => "\"elementType\": \"float\", \"shape\": [ { \"param\": \"batch\" }, { \"value\": 4 } ], \"doc\": \"Tensor " + i.ToString(CultureInfo.InvariantCulture) + ".\"",
                1 => "\"elementType\": \"int64\", \"shape\": [ ]",
                2 => "\"elementType\": \"float\", \"shape\": [ { \"value\": 2 }, { \"value\": 3 } ]",
                3 => "\"elementType\": \"string\", \"shape\": [ { \"param\": \"n\" } ]",
                4 => "\"elementType\": \"float16\", \"shape\": null",
                _ => "\"elementType\": \"bool\", \"shape\": [ { \"value\": 1 } ]",
            };
            json.Append("    { \"name\": \"").Append(prefix).Append(i.ToString(CultureInfo.InvariantCulture)).Append("\", \"kind\": \"tensor\", ")
                .Append(tensor).Append(" }").Append(i == count - 1 ? "\n" : ",\n");
        }

        json.Append("  ]");
    }
}
