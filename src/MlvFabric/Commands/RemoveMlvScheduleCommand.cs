using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Deletes refresh schedules, named by -Id with their lakehouse or piped from Get-MlvSchedule. Each is read first (a
/// GET: -WhatIf may read, never write), so a dry run reports an unknown id as the real run does, and the prompt names
/// the real schedule.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMlvScheduleCommand : MlvLakehouseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Only schedules: a piped lakehouse's or job's Id is no schedule id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvSchedule) };

    protected override bool PrepareRecord() => Passes(LakehouseSchedules.CheckIds(Id));

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        await LakehouseSchedules.ForEachAsync(pipeline, lakehouse, Id.Distinct(), async id =>
        {
            var schedule = await Schedules.GetAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
            if (!await ShouldProcessAsync(pipeline, LakehouseSchedules.Describe(schedule, lakehouse), "Remove schedule").ConfigureAwait(false))
            {
                return;
            }

            await Client.DeleteScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, cancellationToken).ConfigureAwait(false);
            pipeline.WriteVerbose($"Removed schedule {id} of lakehouse '{lakehouse}'.");
        }).ConfigureAwait(false);
    }
}
