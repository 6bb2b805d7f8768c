using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of the cmdlets that work on many lakehouses at once (Get-MlvRefreshStatus, Export-MlvSchedule): lakehouses
/// piped in (anything with WorkspaceId/LakehouseId: lakehouses, schedules, job instances), or -WorkspaceName /
/// -LakehouseName with wildcards (-WorkspaceId / -LakehouseId for ids); nothing given: every lakehouse of the matching
/// workspaces. ProcessRecord only collects the targets (name lookups go through the session's cache); the derived
/// cmdlet does the work in EndProcessingAsync, when it knows how many there are.
/// </summary>
public abstract class MlvLakehouseSetCmdlet : MlvSessionCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(WorkspaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? WorkspaceName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Guid[]? WorkspaceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LakehouseNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? LakehouseName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ItemId")]
    public Guid[]? LakehouseId { get; set; }

    private readonly List<LakehouseTarget> _targets = new List<LakehouseTarget>();
    private readonly HashSet<Guid> _seen = new HashSet<Guid>();

    /// <summary>The lakehouses collected so far, in the order given, each once.</summary>
    protected IReadOnlyList<LakehouseTarget> Targets => _targets;

    protected override void ProcessRecord()
    {
        if (WorkspaceId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidWorkspaceId", "-WorkspaceId", "a workspace id from Get-MlvWorkspace", "-WorkspaceName"));
            return;
        }

        if (LakehouseId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidLakehouseId", "-LakehouseId", "a lakehouse id from Get-MlvLakehouse", "-LakehouseName"));
            return;
        }

        base.ProcessRecord();
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var workspaces = await WorkspaceScope.ResolveAsync(Session, WorkspaceId, WorkspaceName, pipeline, cancellationToken).ConfigureAwait(false);
        var filter = new NameFilter(LakehouseId is { Length: > 0 } ? null : LakehouseName);
        var wantedIds = new HashSet<Guid>(LakehouseId ?? Array.Empty<Guid>());
        var foundIds = new HashSet<Guid>();
        foreach (var workspace in workspaces)
        {
            IReadOnlyList<MlvLakehouse> lakehouses;
            try
            {
                lakehouses = await Session.Names.GetLakehousesAsync(Client, workspace.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, workspace.Label));
                continue;
            }

            foreach (var lakehouse in lakehouses)
            {
                var wanted = wantedIds.Count > 0 ? wantedIds.Contains(lakehouse.Id) : filter.IsMatch(lakehouse.DisplayName);
                if (!wanted)
                {
                    continue;
                }

                foundIds.Add(lakehouse.Id);
                if (_seen.Add(lakehouse.Id))
                {
                    _targets.Add(new LakehouseTarget(workspace.Id, workspace.Name, lakehouse.Id, lakehouse.DisplayName));
                }
            }
        }

        if (workspaces.Count == 0)
        {
            return;
        }

        var scope = WorkspaceScope.Describe(workspaces);
        foreach (var missing in wantedIds.Where(id => !foundIds.Contains(id)))
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse with id '{missing}' was found in {scope}. Check the id, or pass the workspace it belongs to with -WorkspaceId or -WorkspaceName.", missing));
        }

        foreach (var missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse named '{missing}' was found in {scope}. Run Get-MlvLakehouse to list the lakehouses you can see.", missing));
        }
    }
}
