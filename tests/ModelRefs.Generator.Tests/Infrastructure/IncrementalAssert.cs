using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ModelRefs.Generator.Tests.Infrastructure;

/// <summary>Checks on the generator's tracked incremental steps (see <see cref="TrackingNames"/>).</summary>
internal static class IncrementalAssert
{
    /// <summary>The generator's tracking names, found by reflection on <see cref="TrackingNames"/>.</summary>
    public static IReadOnlyList<string> TrackedStepNames { get; } = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>
    /// Every output of every tracked step of <paramref name="second"/> is Cached or Unchanged, and
    /// every step that <paramref name="first"/> tracked ran in <paramref name="second"/> too.
    /// </summary>
    public static void AllCachedOrUnchanged(GeneratorRunResult first, GeneratorRunResult second)
    {
        foreach (string name in TrackedStepNames)
        {
            if (!first.TrackedSteps.ContainsKey(name))
            {
                continue;
            }

            Assert.True(second.TrackedSteps.TryGetValue(name, out var steps), $"Step {name} was not tracked.");
            AssertCachedOrUnchanged(name, steps);
        }
    }

    /// <summary>Every output of every tracked step is Cached or Unchanged, and every step is tracked.</summary>
    public static void AllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (string name in TrackedStepNames)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out var steps), $"Step {name} was not tracked.");
            AssertCachedOrUnchanged(name, steps);
        }
    }

    private static void AssertCachedOrUnchanged(string name, IEnumerable<IncrementalGeneratorRunStep> steps)
    {
        foreach (IncrementalGeneratorRunStep step in steps)
        {
            foreach ((object _, IncrementalStepRunReason reason) in step.Outputs)
            {
                Assert.True(
                    reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"Step {name} produced an output that is {reason}.");
            }
        }
    }

    /// <summary>The reasons of the outputs of one tracked step.</summary>
    public static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string stepName)
        => result.TrackedSteps[stepName].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    /// <summary>No tracked step holds a Compilation, ISymbol, SyntaxNode, SemanticModel or Location (they would defeat caching and keep compilations alive).</summary>
    public static void NoRoslynObjectsInOutputs(GeneratorRunResult result)
    {
        foreach (string name in TrackedStepNames)
        {
            if (!result.TrackedSteps.TryGetValue(name, out var steps))
            {
                continue;
            }

            foreach (IncrementalGeneratorRunStep step in steps)
            {
                foreach ((object value, _) in step.Outputs)
                {
                    Visit(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void Visit(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is AdditionalText)
        {
            return;
        }

        Assert.False(
            value is Compilation or ISymbol or SyntaxNode or SemanticModel or SyntaxTree or Location,
            $"{path} holds a {value.GetType().Name}.");

        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                Visit(item, path + "[" + i++ + "]", seen);
            }
        }

        for (Type? type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                {
                    continue;
                }

                Visit(field.GetValue(value), path + "." + field.Name, seen);
            }
        }
    }
}
