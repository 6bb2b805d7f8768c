using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Lists lakehouses, by name (wildcards) or id, in one workspace, several (wildcards), or all of them.</summary>
[Cmdlet(VerbsCommon.Get, "MlvLakehouse", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MlvLakehouse))]
public sealed class GetMlvLakehouseCommand : MlvCmdlet
{
    private const string NameSet = "Name";
    private const string IdSet = "Id";

    // Bound by property name as LakehouseName, so schedules and job instances pipe in and return their lakehouse.
    // Deliberately not "DisplayName": a piped workspace would bind its own name here.
    [Parameter(ParameterSetName = NameSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("LakehouseName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LakehouseNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    // Not bound from the pipeline: every Fabric object has an "Id", and a piped workspace's id is no lakehouse id.
    [Parameter(ParameterSetName = IdSet, Mandatory = true)]
    [Alias("LakehouseId")]
    public Guid[]? Id { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Guid[]? WorkspaceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(WorkspaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? WorkspaceName { get; set; }

    protected override bool PrepareRecord()
    {
        // A piped workspace's Name binds -Name by property name, but names the workspace, not a lakehouse.
        if (PipedModuleObject is MlvWorkspace && !IsOnCommandLine(nameof(Name)))
        {
            Name = null;
        }

        if (WorkspaceId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidWorkspaceId", "-WorkspaceId", "a workspace id from Get-MlvWorkspace", "-WorkspaceName"));
            return false;
        }

        if (Id?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidLakehouseId", "-Id", "a lakehouse id from Get-MlvLakehouse", "-Name"));
            return false;
        }

        return true;
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var search = new LakehouseSearch(WorkspaceId, WorkspaceName, ParameterSetName == IdSet ? Id : null, ParameterSetName == IdSet ? null : Name)
        {
            Fresh = true,
            ListHint = "Run Get-MlvLakehouse without -Name to list the lakehouses you can see.",
        };
        var workspaces = await search.WorkspacesAsync(Client, pipeline, cancellationToken).ConfigureAwait(false);
        if (ParameterSetName == IdSet && workspaces.Count == 1 && WorkspaceId is { Length: > 0 })
        {
            await GetByIdAsync(pipeline, workspaces[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        await search.FindAsync(Client, workspaces, pipeline, (location, lakehouse) => pipeline.WriteObject(Label(lakehouse, location)), cancellationToken).ConfigureAwait(false);
    }

    private async Task GetByIdAsync(AsyncPipeline pipeline, MlvWorkspace workspace, CancellationToken cancellationToken)
    {
        var label = WorkspaceScope.Label(workspace);
        foreach (var id in Id!)
        {
            try
            {
                var lakehouse = await Client.GetLakehouseAsync(workspace.Id, id, cancellationToken).ConfigureAwait(false);
                pipeline.WriteObject(Label(lakehouse, new LakehouseLocation(workspace.Id, workspace.DisplayName, lakehouse.Id, lakehouse.DisplayName)));
            }
            catch (FabricApiException ex) when (ex.Status == 404)
            {
                pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse with id '{id}' was found in workspace '{label}' ({ex.ErrorCode}). Check the id, or run Get-MlvLakehouse -WorkspaceId {workspace.Id} to list its lakehouses.", id));
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, id));
            }
        }
    }

    private static MlvLakehouse Label(MlvLakehouse lakehouse, LakehouseLocation location)
    {
        if (lakehouse.WorkspaceId == Guid.Empty)
        {
            lakehouse.WorkspaceId = location.WorkspaceId;
        }

        lakehouse.WorkspaceName ??= location.WorkspaceName;
        return lakehouse;
    }
}
