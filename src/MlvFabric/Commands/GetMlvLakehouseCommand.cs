using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Lists lakehouses, by name (wildcards) or id, in one workspace, several (wildcards), or all of them.</summary>
[Cmdlet(VerbsCommon.Get, "MlvLakehouse", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MlvLakehouse))]
public sealed class GetMlvLakehouseCommand : MlvSessionCmdlet
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

    protected override void ProcessRecord()
    {
        if (!AcceptPipedObject())
        {
            return;
        }

        // A piped workspace's Name binds -Name by property name, but names the workspace, not a lakehouse.
        if (PipedModuleObject is MlvWorkspace && !IsOnCommandLine(nameof(Name)))
        {
            Name = null;
        }

        if (WorkspaceId?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidWorkspaceId", "-WorkspaceId", "a workspace id from Get-MlvWorkspace", "-WorkspaceName"));
            return;
        }

        if (Id?.Contains(Guid.Empty) == true)
        {
            WriteError(MlvErrors.EmptyGuid("InvalidLakehouseId", "-Id", "a lakehouse id from Get-MlvLakehouse", "-Name"));
            return;
        }

        base.ProcessRecord();
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var workspaces = await WorkspaceScope.ResolveAsync(Session, WorkspaceId, WorkspaceName, pipeline, cancellationToken).ConfigureAwait(false);
        if (workspaces.Count == 0)
        {
            return;
        }

        if (ParameterSetName == IdSet && workspaces.Count == 1 && WorkspaceId is { Length: > 0 })
        {
            await GetByIdAsync(pipeline, workspaces[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        var filter = new NameFilter(Name);
        var wantedIds = new HashSet<Guid>(Id ?? Array.Empty<Guid>());
        var foundIds = new HashSet<Guid>();
        foreach (var workspace in workspaces)
        {
            try
            {
                await foreach (var lakehouse in Client.ListLakehousesAsync(workspace.Id, cancellationToken).ConfigureAwait(false))
                {
                    var wanted = ParameterSetName == IdSet ? wantedIds.Contains(lakehouse.Id) : filter.IsMatch(lakehouse.DisplayName);
                    if (wanted)
                    {
                        foundIds.Add(lakehouse.Id);
                        pipeline.WriteObject(Label(lakehouse, workspace));
                    }
                }
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, workspace.Id));
            }
        }

        var scope = WorkspaceScope.Describe(workspaces);
        foreach (var missing in wantedIds.Where(id => !foundIds.Contains(id)))
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse with id '{missing}' was found in {scope}. Check the id, or pass the workspace it belongs to with -WorkspaceId or -WorkspaceName.", missing));
        }

        foreach (var missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse named '{missing}' was found in {scope}. Run Get-MlvLakehouse without -Name to list the lakehouses you can see.", missing));
        }
    }

    private async Task GetByIdAsync(AsyncPipeline pipeline, WorkspaceScope.Entry workspace, CancellationToken cancellationToken)
    {
        foreach (var id in Id!)
        {
            try
            {
                var lakehouse = await Client.GetLakehouseAsync(workspace.Id, id, cancellationToken).ConfigureAwait(false);
                pipeline.WriteObject(Label(lakehouse, workspace));
            }
            catch (FabricApiException ex) when (ex.Status == 404)
            {
                pipeline.WriteError(MlvErrors.NotFound("LakehouseNotFound", $"No lakehouse with id '{id}' was found in workspace '{workspace.Label}' ({ex.ErrorCode}). Check the id, or run Get-MlvLakehouse -WorkspaceId {workspace.Id} to list its lakehouses.", id));
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, id));
            }
        }
    }

    private static MlvLakehouse Label(MlvLakehouse lakehouse, WorkspaceScope.Entry workspace)
    {
        if (lakehouse.WorkspaceId == Guid.Empty)
        {
            lakehouse.WorkspaceId = workspace.Id;
        }

        lakehouse.WorkspaceName ??= workspace.Name;
        return lakehouse;
    }
}
