using System.Diagnostics;

namespace ModelRefs.TestSupport.Onnx;

/// <summary>
/// A real ONNX model with the outputs every scikit-learn classifier gets from skl2onnx (ZipMap:
/// <c>seq(map(int64, float))</c>), written by the onnx Python package (zipmap_classifier.py in this
/// folder, which documents the graph).
/// </summary>
public static class ZipMapClassifier
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Class labels and the weights of the linear classifier: class c's score is features[c] + Intercepts[c].</summary>
    public static readonly long[] Labels = [10, 20, 30];
    public static readonly string[] Names = ["cat", "dog", "eel"];
    public static readonly float[] Intercepts = [0.0f, 0.5f, -0.5f];

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Write(string path)
    {
        string script = Path.Combine(RepoPaths.Root, "tests", "ModelRefs.TestSupport", "Onnx", "zipmap_classifier.py");
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}); it needs the onnx Python package (Debian: python3-onnx):\n{stderr}");
    }

    /// <summary>The probabilities the model gives for one row: softmax of features + intercepts.</summary>
    public static float[] Probabilities(float[] row)
    {
        var scores = row.Select((x, c) => Math.Exp(x + Intercepts[c])).ToArray();
        double sum = scores.Sum();
        return scores.Select(s => (float)(s / sum)).ToArray();
    }
}
