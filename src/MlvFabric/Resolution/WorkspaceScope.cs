using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Resolution;

/// <summary>
/// The workspaces a listing covers: explicit ids, names with wildcards (several workspaces), or every workspace.
/// Names go through the session's name cache; a literal name that matches nothing is reported, not thrown.
/// </summary>
internal static class WorkspaceScope
{
    /// <summary>The workspace's name, else its id.</summary>
    public static string Label(MlvWorkspace workspace) => workspace.DisplayName ?? workspace.Id.ToString();

    /// <summary>Ids win over names when both are bound (a piped workspace binds both).</summary>
    public static async Task<IReadOnlyList<MlvWorkspace>> ResolveAsync(FabricClient client, Guid[]? ids, string[]? names, AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (ids is { Length: > 0 })
        {
            var boundName = ids.Length == 1 && names is { Length: 1 } && !WildcardPattern.ContainsWildcardCharacters(names[0]) ? names[0] : null;
            var entries = new List<MlvWorkspace>();
            foreach (var id in ids.Distinct())
            {
                var name = boundName ?? client.Names.WorkspaceName(id);
                if (name is null)
                {
                    var known = await client.Names.GetWorkspacesAsync(cancellationToken, list => list.Any(w => w.Id == id)).ConfigureAwait(false);
                    name = known.FirstOrDefault(w => w.Id == id)?.DisplayName;
                }

                entries.Add(new MlvWorkspace { Id = id, DisplayName = name });
            }

            return entries;
        }

        var filter = new NameFilter(names);
        var workspaces = await client.Names.GetWorkspacesAsync(cancellationToken,
            list => filter.CoversLiterals(list.Select(w => w.DisplayName))).ConfigureAwait(false);
        var matched = workspaces.Where(w => filter.IsMatch(w.DisplayName)).ToList();
        foreach (var missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound(
                "WorkspaceNotFound",
                $"No workspace named '{missing}' was found. Run Get-MlvWorkspace to list the workspaces you can see.",
                missing));
        }

        return matched;
    }

    public static string Describe(IReadOnlyList<MlvWorkspace> workspaces) => workspaces.Count switch
    {
        1 => $"workspace '{Label(workspaces[0])}'",
        <= 5 => "workspaces " + string.Join(", ", workspaces.Select(w => "'" + Label(w) + "'")),
        _ => $"{workspaces.Count} workspaces",
    };
}
