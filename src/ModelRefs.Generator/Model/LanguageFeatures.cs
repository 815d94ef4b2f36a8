using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelRefs.Generator.Model
{
    /// <summary>What the project's C# version allows in generated code; one shared instance per answer, so equal answers are the same object.</summary>
    internal sealed class LanguageFeatures
    {
        private static readonly LanguageFeatures WithRequired = new LanguageFeatures(true);
        private static readonly LanguageFeatures WithoutRequired = new LanguageFeatures(false);

        private LanguageFeatures(bool requiredMembers) => RequiredMembers = requiredMembers;

        /// <summary>Whether the language has <c>required</c> members (C# 11).</summary>
        public bool RequiredMembers { get; }

        public static LanguageFeatures Of(ParseOptions options) =>
            options is CSharpParseOptions cs && cs.LanguageVersion >= LanguageVersion.CSharp11 ? WithRequired : WithoutRequired;
    }
}
