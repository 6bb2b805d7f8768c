using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Schedules;

/// <summary>
/// The schedule cmdlets' reads and writes for a resolved lakehouse, output labelled with its names and, for a schedule
/// that runs an execution definition, the definition's name. One per cmdlet invocation (it shares the cmdlet's
/// <see cref="ExecutionDefinitionResolver"/>, which lists each lakehouse's definitions at most once).
/// </summary>
internal sealed class LakehouseSchedules
{
    private readonly FabricClient _client;
    private readonly ExecutionDefinitionResolver _resolver;

    public LakehouseSchedules(FabricClient client, ExecutionDefinitionResolver resolver)
    {
        _client = client;
        _resolver = resolver;
    }

    /// <summary>The parameter check of an -Id that names schedules: the empty GUID is refused before any request.</summary>
    public static ErrorRecord? CheckIds(IEnumerable<Guid>? ids) =>
        ids is not null && ids.Contains(Guid.Empty) ? MlvErrors.InvalidScheduleId(Guid.Empty) : null;

    /// <summary>Every schedule of the lakehouse (at most 20, so collected), for checks: definitions' names are not looked up.</summary>
    public async Task<List<MlvSchedule>> ListAsync(LakehouseLocation lakehouse, CancellationToken cancellationToken)
    {
        var schedules = new List<MlvSchedule>();
        await foreach (var schedule in _client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken).ConfigureAwait(false))
        {
            schedules.Add(lakehouse.Label(schedule));
        }

        return schedules;
    }

    public async Task<MlvSchedule> GetAsync(LakehouseLocation lakehouse, Guid id, CancellationToken cancellationToken) =>
        await LabelAsync(lakehouse, await _client.GetScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>"execution definition 'gold_regions' (5b0e1c9d…)", for prompts; the id alone when the name can't be read.</summary>
    public async Task<string> DescribeDefinitionAsync(LakehouseLocation lakehouse, Guid definitionId, CancellationToken cancellationToken)
    {
        var probe = new MlvSchedule { ExecutionDefinitionId = definitionId };
        await LabelAsync(lakehouse, probe, cancellationToken).ConfigureAwait(false);
        return probe.ExecutionDefinitionName is string name
            ? $"execution definition '{name}' ({LakehouseLocation.ShortId(definitionId)})"
            : $"execution definition {definitionId}";
    }

    /// <summary>
    /// "schedule 'Every day at 06:00 (UTC)' running execution definition 'gold_regions' (id 0a8404ba…) of Sales/Gold
    /// (b4713f96…)": what a prompt or -WhatIf names.
    /// </summary>
    public static string Describe(MlvSchedule schedule, LakehouseLocation lakehouse)
    {
        var runs = schedule.ExecutionDefinitionId is null
            ? "the whole lineage"
            : "execution definition " + (schedule.ExecutionDefinitionName is string name ? $"'{name}'" : schedule.ExecutionDefinitionId.ToString());
        return $"schedule '{schedule.Summary}' running {runs} (id {LakehouseLocation.ShortId(schedule.Id)}) of {lakehouse.Describe()}";
    }

    /// <summary>
    /// Fills in the lakehouse's names and, for a schedule that runs an execution definition, the definition's name (one
    /// list of the lakehouse's definitions per command, and only when a schedule runs one). A definition that can't be
    /// read leaves the name out: the schedule shows the definition's id instead.
    /// </summary>
    public async Task<MlvSchedule> LabelAsync(LakehouseLocation lakehouse, MlvSchedule schedule, CancellationToken cancellationToken)
    {
        lakehouse.Label(schedule);
        if (schedule.ExecutionDefinitionId is Guid definitionId && schedule.ExecutionDefinitionName is null)
        {
            try
            {
                var definitions = await _resolver.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
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
    public static async Task ForEachAsync(AsyncPipeline pipeline, LakehouseLocation lakehouse, IEnumerable<Guid> ids, Func<Guid, Task> action)
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
    public async Task<MlvSchedule> UpdateAsync(
        LakehouseLocation lakehouse, MlvSchedule current, bool enabled, ScheduleConfiguration configuration, Guid? executionDefinitionId, CancellationToken cancellationToken)
    {
        var request = new ScheduleRequest
        {
            Enabled = enabled,
            Configuration = configuration,
            ExecutionDefinitionId = executionDefinitionId,
        };
        var updated = await _client.UpdateScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, current.Id, request, cancellationToken).ConfigureAwait(false);
        return await LabelAsync(lakehouse, updated, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Enable-/Disable-MlvSchedule: for each schedule id (once), reads the schedule and writes it back whole with the new
    /// flag (the API's update replaces the schedule) unless it already is in that state. <paramref name="check"/> may
    /// refuse the change; <paramref name="confirm"/> is handed the schedule's description and asks right before the write.
    /// </summary>
    public Task SwitchEachAsync(
        AsyncPipeline pipeline,
        LakehouseLocation lakehouse,
        IEnumerable<Guid> ids,
        bool enable,
        Func<MlvSchedule, Task<ErrorRecord?>> check,
        Func<string, Task<bool>> confirm,
        bool passThru,
        CancellationToken cancellationToken) =>
        ForEachAsync(pipeline, lakehouse, ids.Distinct(), id => SwitchAsync(pipeline, lakehouse, id, enable, check, confirm, passThru, cancellationToken));

    private async Task SwitchAsync(
        AsyncPipeline pipeline,
        LakehouseLocation lakehouse,
        Guid id,
        bool enable,
        Func<MlvSchedule, Task<ErrorRecord?>> check,
        Func<string, Task<bool>> confirm,
        bool passThru,
        CancellationToken cancellationToken)
    {
        var schedule = await GetAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
        var state = enable ? "enabled" : "disabled";
        if (schedule.Enabled == enable)
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
            var refusal = await check(schedule).ConfigureAwait(false);
            if (refusal is not null)
            {
                pipeline.WriteError(refusal);
                return;
            }

            if (!await confirm(Describe(schedule, lakehouse)).ConfigureAwait(false))
            {
                return;
            }

            schedule = await UpdateAsync(lakehouse, schedule, enable, schedule.Configuration, schedule.ExecutionDefinitionId, cancellationToken).ConfigureAwait(false);
            pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}' ({schedule.Summary}) is now {state}.");
        }

        if (passThru)
        {
            pipeline.WriteObject(schedule);
        }
    }
}
