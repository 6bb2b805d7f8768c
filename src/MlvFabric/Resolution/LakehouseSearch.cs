using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Resolution;

/// <summary>
/// The lakehouses that workspace and lakehouse parameters cover, for the cmdlets that take many at once
/// (Get-MlvLakehouse, Get-MlvRefreshStatus, Export-MlvSchedule, Get-MlvExecutionDefinition without one lakehouse):
/// workspaces by id, by name with wildcards, or all (<see cref="WorkspaceScope"/>); in each, lakehouses by id, by name
/// with wildcards, or all. Ids win over names. A literal name or an id that matches nothing is a non-terminating
/// LakehouseNotFound (WorkspaceNotFound for a workspace); a workspace whose lakehouses cannot be read is a
/// non-terminating error and the others go on.
/// </summary>
internal sealed class LakehouseSearch
{
    private readonly Guid[]? _workspaceIds;
    private readonly string[]? _workspaceNames;
    private readonly HashSet<Guid> _lakehouseIds;
    private readonly NameFilter _names;

    public LakehouseSearch(Guid[]? workspaceIds, string[]? workspaceNames, Guid[]? lakehouseIds, string[]? lakehouseNames)
    {
        _workspaceIds = workspaceIds;
        _workspaceNames = workspaceNames;
        _lakehouseIds = new HashSet<Guid>(lakehouseIds ?? Array.Empty<Guid>());
        _names = new NameFilter(_lakehouseIds.Count > 0 ? null : lakehouseNames);
    }

    /// <summary>What the error for a name that matches nothing suggests; "Run Get-MlvLakehouse to list ..." by default.</summary>
    public string ListHint { get; set; } = "Run Get-MlvLakehouse to list the lakehouses you can see.";

    /// <summary>
    /// Read the lakehouse lists afresh (Get-MlvLakehouse shows what exists now) instead of from the session's name
    /// cache, and stream them.
    /// </summary>
    public bool Fresh { get; set; }

    /// <summary>The workspaces in scope (errors written for names that match none).</summary>
    public Task<IReadOnlyList<MlvWorkspace>> WorkspacesAsync(FabricClient client, AsyncPipeline pipeline, CancellationToken cancellationToken) =>
        WorkspaceScope.ResolveAsync(client, _workspaceIds, _workspaceNames, pipeline, cancellationToken);

    /// <summary>
    /// Calls <paramref name="found"/> for every lakehouse covered, in the workspaces' order, then writes the errors for
    /// the ids and literal names that matched none.
    /// </summary>
    public async Task FindAsync(FabricClient client, AsyncPipeline pipeline, Action<LakehouseLocation, MlvLakehouse> found, CancellationToken cancellationToken)
    {
        var workspaces = await WorkspacesAsync(client, pipeline, cancellationToken).ConfigureAwait(false);
        await FindAsync(client, workspaces, pipeline, found, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="FindAsync(FabricClient, AsyncPipeline, Action{LakehouseLocation, MlvLakehouse}, CancellationToken)"/>, in workspaces already resolved.</summary>
    public async Task FindAsync(FabricClient client, IReadOnlyList<MlvWorkspace> workspaces, AsyncPipeline pipeline, Action<LakehouseLocation, MlvLakehouse> found, CancellationToken cancellationToken)
    {
        if (workspaces.Count == 0)
        {
            return;
        }

        var foundIds = new HashSet<Guid>();
        foreach (var workspace in workspaces)
        {
            void Consider(MlvLakehouse lakehouse)
            {
                var wanted = _lakehouseIds.Count > 0 ? _lakehouseIds.Contains(lakehouse.Id) : _names.IsMatch(lakehouse.DisplayName);
                if (wanted)
                {
                    foundIds.Add(lakehouse.Id);
                    found(new LakehouseLocation(workspace.Id, workspace.DisplayName, lakehouse.Id, lakehouse.DisplayName), lakehouse);
                }
            }

            try
            {
                if (Fresh)
                {
                    await foreach (var lakehouse in client.ListLakehousesAsync(workspace.Id, cancellationToken).ConfigureAwait(false))
                    {
                        Consider(lakehouse);
                    }
                }
                else
                {
                    foreach (var lakehouse in await client.Names.GetLakehousesAsync(workspace.Id, cancellationToken).ConfigureAwait(false))
                    {
                        Consider(lakehouse);
                    }
                }
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, WorkspaceScope.Label(workspace)));
            }
        }

        var scope = WorkspaceScope.Describe(workspaces);
        foreach (var missing in _lakehouseIds.Where(id => !foundIds.Contains(id)))
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse with id '{missing}' was found in {scope}. Check the id, or pass the workspace it belongs to with -WorkspaceId or -WorkspaceName.", missing));
        }

        foreach (var missing in _names.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse named '{missing}' was found in {scope}. {ListHint}", missing));
        }
    }
}
