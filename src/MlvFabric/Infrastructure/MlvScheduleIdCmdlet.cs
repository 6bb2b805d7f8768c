using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

/// <summary>
/// Base of the cmdlets that change given schedules (Set, Enable, Disable, Remove). The schedules are named by -Id
/// with their lakehouse, or piped from Get-MlvSchedule (whose objects carry Id, WorkspaceId and LakehouseId).
/// Each schedule passes ShouldProcess on the pipeline thread before anything is sent, so -WhatIf sends no request.
/// </summary>
public abstract class MlvScheduleIdCmdlet : MlvScheduleCmdlet
{
    private readonly List<Guid> _approved = new List<Guid>();

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
        _approved.Clear();
        if (!ValidateLakehouseParameters())
        {
            return;
        }

        if (Id.Contains(Guid.Empty))
        {
            WriteError(MlvErrors.InvalidScheduleId(Guid.Empty));
            return;
        }

        string lakehouse = DescribeBoundLakehouse();
        foreach (Guid id in Id.Distinct())
        {
            if (ShouldProcess($"schedule {id} of lakehouse {lakehouse}", Action))
            {
                _approved.Add(id);
            }
        }

        if (_approved.Count > 0)
        {
            base.ProcessRecord();
        }
    }

    protected sealed override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        LakehouseTarget lakehouse = await ResolveLakehouseAsync(cancellationToken).ConfigureAwait(false);
        if (!await PrepareAsync(pipeline, lakehouse, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await ForEachScheduleAsync(pipeline, lakehouse, _approved, id => ProcessScheduleAsync(pipeline, lakehouse, id, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs once per record, after the lakehouse is resolved and before its schedules are acted on; false (after writing
    /// the error) skips them.
    /// </summary>
    protected virtual Task<bool> PrepareAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Acts on one approved schedule. A FabricApiException becomes a non-terminating error for that schedule.</summary>
    protected abstract Task ProcessScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken);
}
