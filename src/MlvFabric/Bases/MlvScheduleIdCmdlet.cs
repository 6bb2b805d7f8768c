using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of the cmdlets that change given schedules (Set, Enable, Disable, Remove). The schedules are named by -Id
/// with their lakehouse, or piped from Get-MlvSchedule (whose objects carry Id, WorkspaceId and LakehouseId).
/// Each schedule is read first (a GET: -WhatIf may read, never write), so a dry run reports a wrong name, an ambiguous
/// wildcard or an unknown id as the real run does; ShouldProcess names the real schedule right before the write.
/// </summary>
public abstract class MlvScheduleIdCmdlet : MlvScheduleCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Only schedules: a piped lakehouse's or job's Id is no schedule id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvSchedule) };

    /// <summary>The ShouldProcess action, e.g. "Remove schedule".</summary>
    protected abstract string Action { get; }

    protected override void ProcessRecord()
    {
        if (!ValidateLakehouseParameters())
        {
            return;
        }

        if (Id.Contains(Guid.Empty))
        {
            WriteError(MlvErrors.InvalidScheduleId(Guid.Empty));
            return;
        }

        base.ProcessRecord();
    }

    protected sealed override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await ResolveLakehouseAsync(cancellationToken).ConfigureAwait(false);
        if (!await PrepareAsync(pipeline, lakehouse, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await ForEachScheduleAsync(pipeline, lakehouse, Id.Distinct(), id => ProcessScheduleAsync(pipeline, lakehouse, id, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>ShouldProcess for <paramref name="schedule"/> (read, and labelled with its definition's name), right before the write.</summary>
    protected Task<bool> ConfirmAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, MlvSchedule schedule) =>
        ShouldProcessAsync(pipeline, DescribeSchedule(schedule, lakehouse), Action);

    /// <summary>
    /// Runs once per record, after the lakehouse is resolved and before its schedules are acted on; false (after writing
    /// the error) skips them.
    /// </summary>
    protected virtual Task<bool> PrepareAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Acts on one schedule: reads it, checks, calls <see cref="ConfirmAsync"/> and writes. A FabricApiException becomes a
    /// non-terminating error for that schedule (a 404: ScheduleNotFound).
    /// </summary>
    protected abstract Task ProcessScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken);
}
