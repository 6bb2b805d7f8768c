using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of Enable-MlvSchedule and Disable-MlvSchedule: reads the schedule, and writes it back whole with the new flag
/// (the API's update replaces the schedule) unless it already is in that state.
/// </summary>
public abstract class MlvScheduleStateCmdlet : MlvScheduleIdCmdlet
{
    /// <summary>Writes the schedule (as it is afterwards) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>True to enable, false to disable.</summary>
    protected abstract bool TargetState { get; }

    protected override string Action => TargetState ? "Enable schedule" : "Disable schedule";

    /// <summary>Why the schedule may not be switched, or null.</summary>
    protected virtual Task<ErrorRecord?> CheckAsync(LakehouseTarget lakehouse, MlvSchedule schedule, CancellationToken cancellationToken) =>
        Task.FromResult<ErrorRecord?>(null);

    protected override async Task ProcessScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken)
    {
        var schedule = await GetScheduleAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
        var state = TargetState ? "enabled" : "disabled";
        if (schedule.Enabled == TargetState)
        {
            pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}' is already {state}.");
        }
        else if (schedule.Configuration is null)
        {
            pipeline.WriteError(MlvErrors.InvalidOperation(
                "ScheduleConfigurationMissing",
                $"Schedule {id} of lakehouse '{lakehouse}' came back from the service without a configuration, and the API needs the whole configuration to change it. Give it one with Set-MlvSchedule (for example -IntervalMinutes), or remove it.",
                schedule));
            return;
        }
        else
        {
            var refusal = await CheckAsync(lakehouse, schedule, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                pipeline.WriteError(refusal);
                return;
            }

            if (!await ConfirmAsync(pipeline, lakehouse, schedule).ConfigureAwait(false))
            {
                return;
            }

            schedule = await UpdateScheduleAsync(lakehouse, schedule, TargetState, schedule.Configuration, schedule.ExecutionDefinitionId, cancellationToken).ConfigureAwait(false);
            pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}' ({schedule.Summary}) is now {state}.");
        }

        if (PassThru)
        {
            pipeline.WriteObject(schedule);
        }
    }
}
