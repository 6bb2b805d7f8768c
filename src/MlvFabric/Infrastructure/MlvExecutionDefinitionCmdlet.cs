using System;
using System.Management.Automation;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

/// <summary>
/// Base of the execution-definition cmdlets: a lakehouse (from MlvLakehouseCmdlet), a resolver for definition ids and
/// names, and the per-definition error handling (a definition the lakehouse does not have is a non-terminating
/// ExecutionDefinitionNotFound; other records go on).
/// </summary>
public abstract class MlvExecutionDefinitionCmdlet : MlvLakehouseCmdlet
{
    private ExecutionDefinitionResolver? _resolver;

    /// <summary>Lists each lakehouse's definitions at most once per command.</summary>
    protected ExecutionDefinitionResolver Resolver => _resolver ??= new ExecutionDefinitionResolver(Client);

    /// <summary>The bound lakehouse as the user named it, for ShouldProcess before any request (no name lookup).</summary>
    protected string BoundLakehouseLabel => new LakehouseTarget(WorkspaceId, WorkspaceName, LakehouseId, LakehouseName).ToString();

    /// <summary>
    /// Runs <paramref name="action"/> on one definition; a 404 becomes ExecutionDefinitionNotFound, a resolution failure
    /// (MlvTerminatingException) or another service failure a non-terminating error, so the next record still runs.
    /// </summary>
    protected static async Task RunForDefinitionAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, object reference, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (MlvTerminatingException ex)
        {
            pipeline.WriteError(ex.ErrorRecord);
        }
        catch (FabricApiException ex) when (ex.Status == 404 && !IsLakehouseMissing(ex))
        {
            pipeline.WriteError(MlvErrors.ExecutionDefinitionNotFound(reference, lakehouse, ex));
        }
        catch (FabricApiException ex)
        {
            pipeline.WriteError(MlvErrors.FromException(ex, reference));
        }
    }

    // A 404 about the workspace or the lakehouse itself is no verdict on the definition.
    private static bool IsLakehouseMissing(FabricApiException ex) =>
        string.Equals(ex.ErrorCode, "WorkspaceNotFound", StringComparison.OrdinalIgnoreCase)
        || string.Equals(ex.ErrorCode, "ItemNotFound", StringComparison.OrdinalIgnoreCase);
}
