// netstandard2.0 has no IsExternalInit; records and init accessors need it.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
