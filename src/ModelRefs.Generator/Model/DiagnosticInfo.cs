using Microsoft.CodeAnalysis;

namespace ModelRefs.Generator.Model
{
    /// <summary>An equatable stand-in for a <see cref="Diagnostic"/>: descriptor id, location and message arguments.</summary>
    internal sealed record DiagnosticInfo(string Id, FileLocation Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, FileLocation location, params string[] arguments)
            => new DiagnosticInfo(descriptor.Id, location, new EquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic()
        {
            DiagnosticDescriptor descriptor = Diagnostics.DiagnosticDescriptors.ById(Id);
            object[] args = new object[Arguments.Count];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = Arguments[i];
            }

            return Diagnostic.Create(descriptor, Location.ToLocation(), args);
        }
    }
}
