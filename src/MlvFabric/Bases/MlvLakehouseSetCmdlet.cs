using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Parameter base of the cmdlets that work on many lakehouses at once (Get-MlvRefreshStatus, Export-MlvSchedule):
/// lakehouses piped in (anything with WorkspaceId/LakehouseId: lakehouses, schedules, job instances), or -WorkspaceName /
/// -LakehouseName with wildcards (-WorkspaceId / -LakehouseId for ids); nothing given: every lakehouse of the matching
/// workspaces. The records only collect the lakehouses (<see cref="LakehouseSearch"/>, through the session's name
/// cache); the cmdlet does the work in EndProcessingAsync, when it knows how many there are (<see cref="Targets"/>).
/// </summary>
public abstract class MlvLakehouseSetCmdlet : MlvCmdlet
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

    private readonly List<LakehouseLocation> _targets = new List<LakehouseLocation>();
    private readonly HashSet<Guid> _seen = new HashSet<Guid>();

    /// <summary>The lakehouses collected so far, in the order given, each once.</summary>
    protected IReadOnlyList<LakehouseLocation> Targets => _targets;

    private protected sealed override bool CheckRecordParameters()
    {
        if (WorkspaceId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidWorkspaceId", "-WorkspaceId", "a workspace id from Get-MlvWorkspace", "-WorkspaceName"));
            return false;
        }

        if (LakehouseId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidLakehouseId", "-LakehouseId", "a lakehouse id from Get-MlvLakehouse", "-LakehouseName"));
            return false;
        }

        return true;
    }

    protected sealed override Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) =>
        new LakehouseSearch(WorkspaceId, WorkspaceName, LakehouseId, LakehouseName).FindAsync(Client, pipeline, (location, _) =>
        {
            if (_seen.Add(location.LakehouseId))
            {
                _targets.Add(location);
            }
        }, cancellationToken);
}
