using ModelRefs.Core.Diagnostics;
using static ModelRefs.Core.Sources.TorchHub.PythonSourceScanner;

namespace ModelRefs.Core.Sources.TorchHub;

/// <summary>A public callable of a hubconf.py.</summary>
/// <param name="Name">The entrypoint's name in hubconf.py (the handle's last segment).</param>
/// <param name="Kind"><c>function</c>, <c>class</c>, <c>import</c> (imported from a module outside the repo, so not read) or <c>assignment</c>.</param>
/// <param name="Docstring">The help text, cleaned like <c>inspect.cleandoc</c>; null when there is none or it could not be read.</param>
/// <param name="Parameters">The parameter list as written (whitespace collapsed), without the parentheses; null when unknown.</param>
/// <param name="DefinedIn">The repo-relative file with the definition ('/'-separated): <c>hubconf.py</c> or an imported module.</param>
public sealed record HubEntrypoint(string Name, string Kind, string? Docstring, string? Parameters, string DefinedIn);

/// <summary>What hubconf.py declares, read without running it.</summary>
/// <param name="Dependencies">The module-level <c>dependencies</c> list: package names the exporter checks are importable.</param>
/// <param name="Entrypoints">Public callables, in the order hubconf.py defines or imports them.</param>
/// <param name="StarImports">Modules imported with <c>*</c>: their names cannot all be listed without running code.</param>
public sealed record HubconfInfo(IReadOnlyList<string> Dependencies, IReadOnlyList<HubEntrypoint> Entrypoints, IReadOnlyList<string> StarImports)
{
    public HubEntrypoint? Find(string name) => Entrypoints.FirstOrDefault(e => e.Name == name);
}

/// <summary>
/// Reads a hub repo's hubconf.py without running it (running it is running the repo's code, which
/// needs trust): the <c>dependencies</c> list, the top-level <c>def</c>s and <c>class</c>es whose
/// names do not start with '_', and the names imported with <c>from x import a, b</c> (torchvision's
/// hubconf is only imports). Imports are followed into the repo's own files to find the definition
/// and its docstring, as far as the repo has them.
/// </summary>
public static class HubconfReader
{
    private const int MaxImportDepth = 6;

    /// <summary>Reads <c>hubconf.py</c> at the root of an extracted repo.</summary>
    public static HubconfInfo Read(string repoDirectory)
    {
        var root = Path.GetFullPath(repoDirectory);
        var hubconf = Path.Combine(root, "hubconf.py");
        return Parse(File.ReadAllText(hubconf), relative => ReadRepoFile(root, relative));
    }

    /// <summary>
    /// Reads hubconf.py's text. <paramref name="readRepoFile"/> returns the text of a repo-relative
    /// file ('/'-separated) or null when the repo has none; null means imports are not followed.
    /// </summary>
    public static HubconfInfo Parse(string hubconfSource, Func<string, string?>? readRepoFile = null)
    {
        var module = ScanModule(hubconfSource, "hubconf.py");
        var resolver = new ImportResolver(readRepoFile ?? (_ => null));
        var entries = new List<HubEntrypoint>();
        var stars = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var item in module.Items)
        {
            switch (item)
            {
                case Definition d when !d.Name.StartsWith('_'):
                    Add(new HubEntrypoint(d.Name, d.Kind, d.Docstring, d.Parameters, "hubconf.py"));
                    break;
                case Imported imported when imported.Name == "*":
                    stars.Add(imported.Module);
                    break;
                case Imported imported when !imported.LocalName.StartsWith('_'):
                    var found = resolver.Resolve("hubconf.py", imported.Level, imported.Module, imported.Name, 0);
                    if (found is ResolvedModule)
                        break; // a module is not callable, so not an entrypoint
                    Add(found is Definition definition
                        ? new HubEntrypoint(imported.LocalName, definition.Kind, definition.Docstring, definition.Parameters, definition.File)
                        : new HubEntrypoint(imported.LocalName, "import", null, null, "hubconf.py"));
                    break;
            }
        }
        return new HubconfInfo(module.Dependencies, entries, stars);

        void Add(HubEntrypoint entry)
        {
            // A later definition of the same name replaces an earlier one, as in Python.
            if (!seen.Add(entry.Name))
                entries.RemoveAll(e => e.Name == entry.Name);
            entries.Add(entry);
        }
    }

    /// <summary>The entrypoint the handle names, or MR0020 listing the entrypoints that exist.</summary>
    public static HubEntrypoint RequireEntrypoint(TorchHubCheckout checkout, HubconfInfo hubconf)
    {
        ArgumentNullException.ThrowIfNull(checkout);
        ArgumentNullException.ThrowIfNull(hubconf);
        var handle = checkout.Resolution.Handle;
        if (hubconf.Find(handle.Entry) is { } entry)
            return entry;
        var names = hubconf.Entrypoints.Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();
        var listing = names.Length == 0 ? "It defines no public entrypoints." : "Its entrypoints: " + string.Join(", ", names) + ".";
        var close = names.FirstOrDefault(n => n.Equals(handle.Entry, StringComparison.OrdinalIgnoreCase));
        var stars = hubconf.StarImports.Count == 0 ? "" : $" (It also imports * from {string.Join(", ", hubconf.StarImports)}, whose names cannot be listed without running it.)";
        throw new ModelRefsException(RestoreDiagnostics.HubNotFound,
            $"Model '{handle.Text}': hubconf.py of {handle.Repository} at commit {checkout.Resolution.Commit} has no entrypoint '{handle.Entry}'. " +
            listing + stars + (close is null ? "" : $" Did you mean '{close}'?") + " Fix the last segment of the Include.");
    }

    private static string? ReadRepoFile(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return null;
        try
        {
            var info = new FileInfo(full);
            // Only plain files inside the repo, and not huge ones (this is a best-effort read for docs).
            if (!info.Exists || info.LinkTarget is not null || info.Length > 4 << 20)
                return null;
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // ---- module model ----

    private abstract record Item;

    private sealed record Definition(string Name, string Kind, string? Docstring, string? Parameters, string File) : Item;

    private sealed record Imported(int Level, string Module, string Name, string LocalName) : Item;

    private sealed record ResolvedModule(string File) : Item;

    private sealed record Module(IReadOnlyList<Item> Items, IReadOnlyList<string> Dependencies);

    private static Module ScanModule(string source, string file)
    {
        var lines = Scan(source);
        var items = new List<Item>();
        var dependencies = new List<string>();
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            if (line.Indent != 0)
                continue;
            var t = line.Tokens;
            var k = t.Count > 1 && t[0].Is("async") ? 1 : 0;
            if (t.Count > k + 1 && (t[k].Is("def") || t[k].Is("class")) && t[k + 1].Kind == Kind.Name)
            {
                items.Add(ReadDefinition(source, lines, index, k, file));
                continue;
            }
            if (t[0].Is("from"))
            {
                items.AddRange(ReadFromImport(t));
                continue;
            }
            if (t.Count >= 3 && t[0].Kind == Kind.Name && t[1].Is("=") && !t[2].Is("="))
            {
                var name = t[0].Text;
                if (name == "dependencies")
                {
                    dependencies.Clear();
                    dependencies.AddRange(t.Skip(2).Where(x => x.Kind == Kind.String).Select(x => x.Value.Trim()).Where(v => v.Length > 0));
                }
                else if (t[2].Kind == Kind.Name && t[2].Text is not ("True" or "False" or "None" or "lambda"))
                {
                    // name = factory(...) or name = other_name: possibly callable.
                    items.Add(new Definition(name, "assignment", null, null, file));
                }
            }
        }
        return new Module(items, dependencies);
    }

    private static Definition ReadDefinition(string source, List<LogicalLine> lines, int index, int k, string file)
    {
        var t = lines[index].Tokens;
        var kind = t[k].Text == "class" ? "class" : "function";
        var name = t[k + 1].Text;
        string? parameters = null;
        var colon = -1;
        var depth = 0;
        for (var j = k + 2; j < t.Count; j++)
        {
            if (t[j].Is("(") || t[j].Is("[") || t[j].Is("{"))
            {
                if (depth == 0 && t[j].Is("(") && j == k + 2)
                {
                    var close = Matching(t, j);
                    if (close > j && kind == "function")
                        parameters = string.Join(' ', source[t[j].End..t[close].Start].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                }
                depth++;
            }
            else if (t[j].Is(")") || t[j].Is("]") || t[j].Is("}"))
                depth--;
            else if (depth == 0 && t[j].Is(":"))
            {
                colon = j;
                break;
            }
        }

        IReadOnlyList<Token> body = colon >= 0 && colon + 1 < t.Count
            ? t.Skip(colon + 1).ToArray()
            : index + 1 < lines.Count && lines[index + 1].Indent > 0 ? lines[index + 1].Tokens : [];
        string? doc = null;
        if (body.Count > 0 && body[0].Kind == Kind.String && !body[0].Text.TrimStart('r', 'R', 'u', 'U').StartsWith('f') && !body[0].Text.StartsWith('F')
            && body.TakeWhile(x => x.Kind == Kind.String).Count() is var strings && (strings == body.Count || body[strings].Is(";")))
            doc = CleanDoc(string.Concat(body.Take(strings).Select(x => x.Value)));
        return new Definition(name, kind, string.IsNullOrEmpty(doc) ? null : doc, parameters, file);
    }

    private static int Matching(IReadOnlyList<Token> t, int open)
    {
        var depth = 0;
        for (var j = open; j < t.Count; j++)
        {
            if (t[j].Is("(") || t[j].Is("[") || t[j].Is("{"))
                depth++;
            else if ((t[j].Is(")") || t[j].Is("]") || t[j].Is("}")) && --depth == 0)
                return j;
        }
        return -1;
    }

    /// <summary><c>from [.]*a.b import x [as y], (z, w)</c> → one item per name.</summary>
    private static IEnumerable<Imported> ReadFromImport(IReadOnlyList<Token> t)
    {
        var j = 1;
        var level = 0;
        while (j < t.Count && t[j].Is("."))
        {
            level++;
            j++;
        }
        var module = new List<string>();
        while (j < t.Count && t[j].Kind == Kind.Name && !t[j].Is("import"))
        {
            module.Add(t[j].Text);
            j++;
            if (j < t.Count && t[j].Is("."))
                j++;
        }
        if (j >= t.Count || !t[j].Is("import"))
            yield break;
        j++;
        var moduleName = string.Join('.', module);
        for (; j < t.Count; j++)
        {
            if (t[j].Is("*"))
            {
                yield return new Imported(level, moduleName, "*", "*");
                continue;
            }
            if (t[j].Kind != Kind.Name)
                continue;
            var name = t[j].Text;
            var local = name;
            if (j + 2 < t.Count && t[j + 1].Is("as") && t[j + 2].Kind == Kind.Name)
            {
                local = t[j + 2].Text;
                j += 2;
            }
            yield return new Imported(level, moduleName, name, local);
        }
    }

    /// <summary>Follows <c>from module import name</c> into the repo's files, through re-exports.</summary>
    private sealed class ImportResolver(Func<string, string?> readRepoFile)
    {
        private readonly Dictionary<string, Module?> _modules = new(StringComparer.Ordinal);

        public Item? Resolve(string fromFile, int level, string module, string name, int depth)
        {
            if (depth > MaxImportDepth)
                return null;
            var package = PackageOf(fromFile, level, module);
            if (package is null)
                return null;

            // `from pkg import sub` where pkg/sub is a module: not callable.
            var submodule = string.Join('/', package.Append(name).Where(s => s.Length > 0));
            foreach (var candidate in new[] { submodule + ".py", submodule + "/__init__.py" })
                if (Load(candidate) is not null)
                    return new ResolvedModule(candidate);

            var path = string.Join('/', package.Where(s => s.Length > 0));
            foreach (var candidate in path.Length == 0 ? ["__init__.py"] : new[] { path + ".py", path + "/__init__.py" })
            {
                if (Load(candidate) is not { } loaded)
                    continue;
                Item? found = null;
                foreach (var item in loaded.Items)
                {
                    if (item is Definition d && d.Name == name)
                        found = d;
                    else if (item is Imported i && i.LocalName == name && i.Name != "*")
                        found = Resolve(candidate, i.Level, i.Module, i.Name, depth + 1) ?? found;
                }
                // `from .resnet import *` (torchvision.models' __init__): look in those modules too.
                if (found is null)
                    foreach (var star in loaded.Items.OfType<Imported>().Where(i => i.Name == "*"))
                        if (Resolve(candidate, star.Level, star.Module, name, depth + 1) is Definition d)
                            return d;
                return found;
            }
            return null;
        }

        /// <summary>The module's path segments inside the repo; null for a relative import that climbs out.</summary>
        private static string[]? PackageOf(string fromFile, int level, string module)
        {
            var moduleSegments = module.Length == 0 ? [] : module.Split('.');
            if (level == 0)
                return moduleSegments;
            var directory = fromFile.Split('/')[..^1].ToList();
            for (var l = 1; l < level; l++)
            {
                if (directory.Count == 0)
                    return null;
                directory.RemoveAt(directory.Count - 1);
            }
            return [.. directory, .. moduleSegments];
        }

        private Module? Load(string relative)
        {
            if (_modules.TryGetValue(relative, out var cached))
                return cached;
            var text = readRepoFile(relative);
            var module = text is null ? null : ScanModule(text, relative);
            _modules[relative] = module;
            return module;
        }
    }
}
