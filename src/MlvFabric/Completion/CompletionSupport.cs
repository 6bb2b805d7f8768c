using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Completion;

/// <summary>Shared plumbing of the argument completers: the session, a short time budget, quoting.</summary>
internal static class CompletionSupport
{
    // Tab completion must feel instant; a slow service gives no completions rather than a frozen prompt.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static MlvContext? ContextFrom(IDictionary fakeBoundParameters)
    {
        var explicitContext = fakeBoundParameters["Context"];
        if (explicitContext is PSObject wrapped)
        {
            explicitContext = wrapped.BaseObject;
        }

        return explicitContext as MlvContext ?? MlvContextStore.Current;
    }

    public static T? Run<T>(Func<CancellationToken, Task<T>> query)
        where T : class
    {
        using var cts = new CancellationTokenSource(Budget);
        try
        {
            return Task.Run(() => query(cts.Token)).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return null;
        }
    }

    public static IEnumerable<CompletionResult> Complete(IEnumerable<string?>? candidates, string wordToComplete)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(prefix + "*", WildcardOptions.IgnoreCase);
        return (candidates ?? Enumerable.Empty<string?>())
            .Where(c => !string.IsNullOrEmpty(c) && pattern.IsMatch(c))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
            .Select(c => new CompletionResult(Quote(c!), c, CompletionResultType.ParameterValue, c));
    }

    /// <summary>Ids (GUIDs, never quoted) that start with the word typed so far, each with its tooltip.</summary>
    public static IEnumerable<CompletionResult> CompleteIds(IEnumerable<KeyValuePair<string, string>>? idsWithTooltips, string wordToComplete)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return (idsWithTooltips ?? Enumerable.Empty<KeyValuePair<string, string>>())
            .Where(c => c.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(c.Key, c.Key, CompletionResultType.ParameterValue, c.Value));
    }

    private static string Quote(string value) =>
        value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0
            ? "'" + value.Replace("'", "''") + "'"
            : value;
}
