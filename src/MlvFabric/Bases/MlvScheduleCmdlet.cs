using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Bases;

/// <summary>Base of the schedule cmdlets: schedule reads and writes for a resolved lakehouse, output labelled with its names.</summary>
public abstract class MlvScheduleCmdlet : MlvLakehouseCmdlet
{
    /// <summary>Every schedule of the lakehouse (at most 20, so collected), for checks: definitions' names are not looked up.</summary>
    protected async Task<List<MlvSchedule>> ListSchedulesAsync(LakehouseTarget lakehouse, CancellationToken cancellationToken)
    {
        var schedules = new List<MlvSchedule>();
        await foreach (var schedule in Client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(lakehouse.Label(schedule));
        }

        return schedules;
    }

    protected async Task<MlvSchedule> GetScheduleAsync(LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken) =>
        await LabelAsync(lakehouse, await Client.GetScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>"execution definition 'gold_regions' (5b0e1c9d…)", for prompts; the id alone when the name can't be read.</summary>
    protected async Task<string> DescribeDefinitionAsync(LakehouseTarget lakehouse, Guid definitionId, CancellationToken cancellationToken)
    {
        var probe = new MlvSchedule { ExecutionDefinitionId = definitionId };
        await LabelAsync(lakehouse, probe, cancellationToken).ConfigureAwait(false);
        return probe.ExecutionDefinitionName is string name
            ? $"execution definition '{name}' ({LakehouseTarget.ShortId(definitionId)})"
            : $"execution definition {definitionId}";
    }

    /// <summary>
    /// "schedule 'Every day at 06:00 (UTC)' running execution definition 'gold_regions' (id 0a8404ba…) of Sales/Gold
    /// (b4713f96…)": what a prompt or -WhatIf names.
    /// </summary>
    protected static string DescribeSchedule(MlvSchedule schedule, LakehouseTarget lakehouse)
    {
        var runs = schedule.ExecutionDefinitionId is null
            ? "the whole lineage"
            : "execution definition " + (schedule.ExecutionDefinitionName is string name ? $"'{name}'" : schedule.ExecutionDefinitionId.ToString());
        return $"schedule '{schedule.Summary}' running {runs} (id {LakehouseTarget.ShortId(schedule.Id)}) of {lakehouse.Describe()}";
    }

    /// <summary>
    /// Fills in the lakehouse's names and, for a schedule that runs an execution definition, the definition's name (one
    /// list of the lakehouse's definitions per command, and only when a schedule runs one). A definition that can't be
    /// read leaves the name out: the schedule shows the definition's id instead.
    /// </summary>
    protected async Task<MlvSchedule> LabelAsync(LakehouseTarget lakehouse, MlvSchedule schedule, CancellationToken cancellationToken)
    {
        lakehouse.Label(schedule);
        if (schedule.ExecutionDefinitionId is Guid definitionId && schedule.ExecutionDefinitionName is null)
        {
            try
            {
                var definitions = await Resolver.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
                schedule.ExecutionDefinitionName = definitions.FirstOrDefault(d => d.Id == definitionId)?.DisplayName;
            }
            catch (FabricApiException)
            {
                // Not allowed to list them, or the lakehouse is gone: the id still says which definition it is.
            }
        }

        return schedule;
    }

    /// <summary>
    /// Runs <paramref name="action"/> for each schedule id; a failure of one (a schedule the lakehouse does not have, a
    /// refused change) is a non-terminating error and the others go on.
    /// </summary>
    protected static async Task ForEachScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, IEnumerable<Guid> ids, Func<Guid, Task> action)
    {
        foreach (var id in ids)
        {
            try
            {
                await action(id).ConfigureAwait(false);
            }
            catch (FabricApiException ex) when (ex.Status == 404)
            {
                pipeline.WriteError(MlvErrors.ScheduleNotFound(id, lakehouse, ex));
            }
            catch (FabricApiException ex)
            {
                pipeline.WriteError(MlvErrors.FromException(ex, id));
            }
        }
    }

    /// <summary>
    /// Writes the whole schedule back (the API's update replaces it, execution definition included: null is the whole
    /// lineage): the flag, configuration and definition given.
    /// </summary>
    protected async Task<MlvSchedule> UpdateScheduleAsync(
        LakehouseTarget lakehouse, MlvSchedule current, bool enabled, ScheduleConfiguration configuration, Guid? executionDefinitionId, CancellationToken cancellationToken)
    {
        var request = new ScheduleRequest
        {
            Enabled = enabled,
            Configuration = configuration,
            ExecutionDefinitionId = executionDefinitionId,
        };
        var updated = await Client.UpdateScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, current.Id, request, cancellationToken).ConfigureAwait(false);
        return await LabelAsync(lakehouse, updated, cancellationToken).ConfigureAwait(false);
    }
}
