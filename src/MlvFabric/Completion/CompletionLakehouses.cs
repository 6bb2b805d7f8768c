using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Completion;

/// <summary>
/// For completers of things that live in a lakehouse (schedule ids, job ids): the lakehouses the command line already
/// names with -WorkspaceId/-WorkspaceName and -LakehouseId/-LakehouseName (names may hold wildcards), through the
/// session's name cache. Nothing when the workspace or the lakehouse is not given yet (listing everything would be slow).
/// </summary>
internal static class CompletionLakehouses
{
    public static async Task<IReadOnlyList<LakehouseLocation>> ResolveAsync(MlvContext context, IDictionary fakeBoundParameters, int limit, CancellationToken cancellationToken)
    {
        var workspaceId = GuidOf(fakeBoundParameters["WorkspaceId"]);
        var workspaceName = TextOf(fakeBoundParameters["WorkspaceName"]);
        var lakehouseId = GuidOf(fakeBoundParameters["LakehouseId"]);
        var lakehouseName = TextOf(fakeBoundParameters["LakehouseName"]);
        var targets = new List<LakehouseLocation>();
        if ((workspaceId is null && workspaceName is null) || (lakehouseId is null && lakehouseName is null))
        {
            return targets;
        }

        var workspaces = await context.Client.Names.GetWorkspacesAsync(cancellationToken).ConfigureAwait(false);
        var inScope = workspaceId is Guid wsId
            ? workspaces.Where(w => w.Id == wsId)
            : workspaces.Where(w => Matches(workspaceName!, w.DisplayName));
        foreach (var workspace in inScope.Take(limit))
        {
            var lakehouses = await context.Client.Names.GetLakehousesAsync(workspace.Id, cancellationToken).ConfigureAwait(false);
            var matching = lakehouseId is Guid lhId
                ? lakehouses.Where(l => l.Id == lhId)
                : lakehouses.Where(l => Matches(lakehouseName!, l.DisplayName));
            targets.AddRange(matching.Select(l => new LakehouseLocation(workspace.Id, workspace.DisplayName, l.Id, l.DisplayName)));
            if (targets.Count >= limit)
            {
                break;
            }
        }

        return targets.Take(limit).ToList();
    }

    private static bool Matches(string pattern, string? name) =>
        name is not null && WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant).IsMatch(name);

    private static string? TextOf(object? value)
    {
        var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
        var text = bare is IEnumerable items && bare is not string ? items.Cast<object?>().FirstOrDefault()?.ToString() : bare?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text!.Trim('\'', '"');
    }

    private static Guid? GuidOf(object? value) => Guid.TryParse(TextOf(value), out var id) && id != Guid.Empty ? id : null;
}
