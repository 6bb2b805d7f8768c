using System;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of the execution-definition cmdlets: a lakehouse and a resolver for definition ids and names (both from
/// MlvLakehouseCmdlet), and the per-definition error handling (a definition the lakehouse does not have is a non-terminating
/// ExecutionDefinitionNotFound; other records go on).
/// </summary>
public abstract class MlvExecutionDefinitionCmdlet : MlvLakehouseCmdlet
{
    /// <summary>The parameter set of the cmdlets that name definitions by -Id (bound by property name from piped objects).</summary>
    protected const string DefinitionIdSet = "Id";

    /// <summary>
    /// Where -Id names the definitions, only definitions may be piped: a lakehouse's or schedule's Id is no definition
    /// id. Elsewhere piped objects bring their lakehouse.
    /// </summary>
    protected override Type[]? AcceptedPipedTypes => ParameterSetName == DefinitionIdSet ? new[] { typeof(MlvExecutionDefinition) } : null;

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
        catch (FabricApiException ex)
        {
            pipeline.WriteError(MlvErrors.FromDefinitionRequest(ex, reference, lakehouse, reference));
        }
    }
}
