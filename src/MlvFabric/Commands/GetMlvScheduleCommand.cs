using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Lists the refresh schedules of a lakehouse, or gets some by id.</summary>
[Cmdlet(VerbsCommon.Get, "MlvSchedule", DefaultParameterSetName = ListSet)]
[OutputType(typeof(MlvSchedule))]
public sealed class GetMlvScheduleCommand : MlvLakehouseCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    /// <summary>Lakehouses (their schedules listed) and schedules (each read again by its id).</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvSchedule), typeof(MlvLakehouse) };

    // Not bound from the pipeline: a piped lakehouse's "Id" is no schedule id. A piped schedule is read by its own id.
    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[]? Id { get; set; }

    protected override bool PrepareRecord() => Passes(LakehouseSchedules.CheckIds(Id));

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        var ids = PipedModuleObject is MlvSchedule piped ? new[] { piped.Id } : ParameterSetName == IdSet ? Id : null;
        if (ids is not null)
        {
            await LakehouseSchedules.ForEachAsync(pipeline, lakehouse, ids, async id =>
                pipeline.WriteObject(await Schedules.GetAsync(lakehouse, id, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
            return;
        }

        try
        {
            await foreach (var schedule in Client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken).ConfigureAwait(false))
            {
                pipeline.WriteObject(await Schedules.LabelAsync(lakehouse, schedule, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (FabricApiException ex)
        {
            pipeline.WriteError(MlvErrors.FromException(ex, lakehouse.ToString()));
        }
    }
}
