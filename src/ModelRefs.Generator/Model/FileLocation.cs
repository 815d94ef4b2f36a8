using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelRefs.Generator.Model
{
    /// <summary>
    /// A place in a manifest file. Pipeline outputs hold this instead of a <see cref="Location"/>,
    /// which is not equatable across runs.
    /// </summary>
    internal sealed record FileLocation(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        public static FileLocation WholeFile(string filePath) => new FileLocation(filePath, 0, 0, 0, 0, 0, 0);

        public Location ToLocation()
            => Location.Create(
                FilePath,
                new TextSpan(Start, Length),
                new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));
    }
}
