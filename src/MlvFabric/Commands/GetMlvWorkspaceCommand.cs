using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Infrastructure;

namespace MlvFabric.Commands;

/// <summary>Lists Fabric workspaces, by name (wildcards) or id.</summary>
[Cmdlet(VerbsCommon.Get, "MlvWorkspace", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MlvWorkspace))]
public sealed class GetMlvWorkspaceCommand : MlvSessionCmdlet
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

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (ParameterSetName == IdSet)
        {
            foreach (Guid id in Id!)
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
        await foreach (MlvWorkspace workspace in Client.ListWorkspacesAsync(cancellationToken))
        {
            if (filter.IsMatch(workspace.DisplayName))
            {
                pipeline.WriteObject(workspace);
            }
        }

        foreach (string missing in filter.UnmatchedLiterals())
        {
            pipeline.WriteError(MlvErrors.NotFound(
                "WorkspaceNotFound",
                $"No workspace named '{missing}' was found. Run Get-MlvWorkspace to list the workspaces you can see.",
                missing));
        }
    }
}
