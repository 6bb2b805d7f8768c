using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MlvFabric.Resolution;

/// <summary>
/// -Name matching as PowerShell users expect: case-insensitive wildcards; a literal name (no wildcard) that
/// matches nothing is an error, a wildcard that matches nothing is not.
/// </summary>
internal sealed class NameFilter
{
    private readonly List<(string Text, WildcardPattern Pattern, bool IsLiteral)> _patterns = new List<(string, WildcardPattern, bool)>();
    private readonly HashSet<string> _matchedLiterals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public NameFilter(IEnumerable<string>? names)
    {
        foreach (var name in names ?? Enumerable.Empty<string>())
        {
            _patterns.Add((name, WildcardPattern.Get(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant), !WildcardPattern.ContainsWildcardCharacters(name)));
        }
    }

    /// <summary>True when no names were given (everything matches).</summary>
    public bool IsEmpty => _patterns.Count == 0;

    public bool IsMatch(string? value)
    {
        if (IsEmpty)
        {
            return true;
        }

        var matched = false;
        foreach ((var text, var pattern, var isLiteral) in _patterns)
        {
            if (value is not null && pattern.IsMatch(value))
            {
                matched = true;
                if (isLiteral)
                {
                    _matchedLiterals.Add(text);
                }
            }
        }

        return matched;
    }

    /// <summary>Whether every literal name matches one of <paramref name="values"/> (does not count as matching).</summary>
    public bool CoversLiterals(IEnumerable<string?> values)
    {
        var all = values.ToList();
        return _patterns.Where(p => p.IsLiteral).All(p => all.Any(v => v is not null && p.Pattern.IsMatch(v)));
    }

    /// <summary>Literal names that matched nothing so far.</summary>
    public IEnumerable<string> UnmatchedLiterals() =>
        _patterns.Where(p => p.IsLiteral && !_matchedLiterals.Contains(p.Text)).Select(p => p.Text);
}
