using System;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.ExecutionDefinitions;

/// <summary>The per-definition error handling of the execution-definition cmdlets.</summary>
internal static class ExecutionDefinitionCalls
{
    /// <summary>
    /// Where -Id names the definitions, only definitions may be piped: a lakehouse's or schedule's Id is no definition
    /// id. Elsewhere piped objects bring their lakehouse.
    /// </summary>
    public static readonly Type[] DefinitionsOnly = { typeof(MlvExecutionDefinition) };

    /// <summary>The parameter set of the cmdlets that name definitions by -Id (bound by property name from piped objects).</summary>
    public const string IdSet = "Id";

    /// <summary>
    /// Runs <paramref name="action"/> on one definition; a 404 becomes ExecutionDefinitionNotFound, a resolution failure
    /// (MlvTerminatingException) or another service failure a non-terminating error, so the next record still runs.
    /// </summary>
    public static async Task RunAsync(AsyncPipeline pipeline, LakehouseLocation lakehouse, object reference, Func<Task> action)
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
