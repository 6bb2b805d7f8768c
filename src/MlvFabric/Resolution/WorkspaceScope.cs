using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Resolution;

/// <summary>
/// The workspaces a listing covers: explicit ids, names with wildcards (several workspaces), or every workspace.
/// Names go through the session's name cache; a literal name that matches nothing is reported, not thrown.
/// </summary>
internal static class WorkspaceScope
{
    internal sealed class Entry
    {
        public Entry(Guid id, string? name)
        {
            Id = id;
            Name = name;
        }

        public Guid Id { get; }

        public string? Name { get; }

        public string Label => Name ?? Id.ToString();
    }

    /// <summary>Ids win over names when both are bound (a piped workspace binds both).</summary>
    public static async Task<IReadOnlyList<Entry>> ResolveAsync(MlvContext session, Guid[]? ids, string[]? names, AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (ids is { Length: > 0 })
        {
            var boundName = ids.Length == 1 && names is { Length: 1 } && !WildcardPattern.ContainsWildcardCharacters(names[0]) ? names[0] : null;
            var entries = new List<Entry>();
            foreach (var id in ids.Distinct())
            {
                var name = boundName ?? session.Client.GetCachedWorkspaceName(id);
                if (name is null)
                {
                    var known = await session.Names.GetWorkspacesAsync(session.Client, cancellationToken, list => list.Any(w => w.Id == id)).ConfigureAwait(false);
                    name = known.FirstOrDefault(w => w.Id == id)?.DisplayName;
                }

                entries.Add(new Entry(id, name));
            }

            return entries;
        }

        var filter = new NameFilter(names);
        var workspaces = await session.Names.GetWorkspacesAsync(session.Client, cancellationToken,
            list => filter.CoversLiterals(list.Select(w => w.DisplayName))).ConfigureAwait(false);
        var matched = workspaces.Where(w => filter.IsMatch(w.DisplayName)).Select(w => new Entry(w.Id, w.DisplayName)).ToList();
        foreach (var missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound(
                "WorkspaceNotFound",
                $"No workspace named '{missing}' was found. Run Get-MlvWorkspace to list the workspaces you can see.",
                missing));
        }

        return matched;
    }

    public static string Describe(IReadOnlyList<Entry> workspaces) => workspaces.Count switch
    {
        1 => $"workspace '{workspaces[0].Label}'",
        <= 5 => "workspaces " + string.Join(", ", workspaces.Select(w => "'" + w.Label + "'")),
        _ => $"{workspaces.Count} workspaces",
    };
}
