using ModelRefs.Core.Configuration;

namespace ModelRefs.Core.Conversion;

/// <summary>Settings of the converters that run in Python (torch export, tf2onnx); listed by each source that uses them.</summary>
public static class ConversionSettings
{
    public static readonly Setting Python = new("ModelRefsPython", "Python interpreter for exports and conversions; default the first python3 that can import what the converter needs");
}
