using System.Text;

namespace ModelRefs.Runtime;

internal static class Shapes
{
    public static string Format(ReadOnlySpan<long> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(shape[i]);
        }
        return text.Append(']').ToString();
    }

    /// <summary>Element count; -1 on a negative dimension or overflow past int.MaxValue.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
                return -1;
            count *= dim;
            if (count > int.MaxValue)
                return -1;
        }
        return count;
    }
}
