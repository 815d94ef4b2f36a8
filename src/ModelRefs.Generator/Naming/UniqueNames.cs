using System;
using System.Collections.Generic;

namespace ModelRefs.Generator.Naming
{
    /// <summary>
    /// Hands out names that are unique ignoring case (so members never differ only in case, which
    /// also keeps their camelCase parameter names apart). A taken name gets the smallest free
    /// suffix 2, 3, …; after a name ending in a digit the suffix is written <c>_2</c>.
    /// </summary>
    internal sealed class UniqueNames
    {
        private readonly HashSet<string> _taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public UniqueNames(IEnumerable<string>? reserved = null)
        {
            if (reserved is not null)
            {
                foreach (string name in reserved)
                {
                    _taken.Add(Bare(name));
                }
            }
        }

        public bool IsTaken(string name) => _taken.Contains(Bare(name));

        /// <summary>Takes <paramref name="candidate"/> or, when taken, the first free suffixed form. Keeps a leading <c>@</c> only when the result still is a keyword.</summary>
        public string Take(string candidate)
        {
            string bare = Bare(candidate);
            string name = bare;
            for (int n = 2; _taken.Contains(name); n++)
            {
                name = bare + (char.IsDigit(bare[bare.Length - 1]) ? "_" : string.Empty) + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _taken.Add(name);
            return IdentifierNames.EscapeKeyword(name);
        }

        private static string Bare(string name) => name.Length > 0 && name[0] == '@' ? name.Substring(1) : name;
    }
}
