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

        // The next suffix to try per name, so that many claimants of one name cost one probe each, not one per earlier claimant.
        private readonly Dictionary<string, int> _nextSuffix = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

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
            if (_taken.Contains(name))
            {
                int n = _nextSuffix.TryGetValue(bare, out int next) ? next : 2;
                string separator = char.IsDigit(bare[bare.Length - 1]) ? "_" : string.Empty;
                do
                {
                    name = bare + separator + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    n++;
                }
                while (_taken.Contains(name));

                _nextSuffix[bare] = n;
            }

            _taken.Add(name);
            return IdentifierNames.EscapeKeyword(name);
        }

        private static string Bare(string name) => name.Length > 0 && name[0] == '@' ? name.Substring(1) : name;
    }
}
