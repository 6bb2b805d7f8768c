using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Lists Fabric workspaces, by name (wildcards) or id.</summary>
[Cmdlet(VerbsCommon.Get, "MlvWorkspace", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MlvWorkspace))]
public sealed class GetMlvWorkspaceCommand : MlvCmdlet
{
    private const string NameSet = "Name";
    private const string IdSet = "Id";

    [Parameter(ParameterSetName = NameSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("WorkspaceName", "DisplayName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(WorkspaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("WorkspaceId")]
    public Guid[]? Id { get; set; }

    private Guid[]? _ids;

    protected override bool PrepareRecord()
    {
        // Objects that live in a workspace (lakehouses, schedules, jobs, definitions) bind their own Name and Id by
        // property name: read the workspace they live in instead.
        Guid? home = PipedModuleObject switch
        {
            MlvLakehouse lakehouse => lakehouse.WorkspaceId,
            ILakehouseItem item => item.WorkspaceId,
            _ => null,
        };
        _ids = home is Guid workspaceId ? new[] { workspaceId } : ParameterSetName == IdSet ? Id : null;
        return true;
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (_ids is not null)
        {
            foreach (var id in _ids)
            {
                try
                {
                    pipeline.WriteObject(await Client.GetWorkspaceAsync(id, cancellationToken).ConfigureAwait(false));
                }
                catch (FabricApiException ex)
                {
                    pipeline.WriteError(MlvErrors.FromException(ex, id));
                }
            }

            return;
        }

        var filter = new NameFilter(Name);
        await foreach (var workspace in Client.ListWorkspacesAsync(cancellationToken))
        {
            if (filter.IsMatch(workspace.DisplayName))
            {
                pipeline.WriteObject(workspace);
            }
        }

        foreach (var missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound(
                "WorkspaceNotFound",
                $"No workspace named '{missing}' was found. Run Get-MlvWorkspace to list the workspaces you can see.",
                missing));
        }
    }
}
