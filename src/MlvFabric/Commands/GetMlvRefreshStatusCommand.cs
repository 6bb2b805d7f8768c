using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// The refresh health of many lakehouses: enabled schedules and next run, last run, last success and staleness,
/// failures in a row, a verdict and its reason. One schedule list and one job-history page per lakehouse (more pages
/// only until the last success is found), job-history reads paced under the service's limit with a progress bar that
/// says how long the remaining reads take. Sorted worst first, or written as each lakehouse is done (-Stream).
/// </summary>
[Cmdlet(VerbsCommon.Get, "MlvRefreshStatus")]
[OutputType(typeof(MlvRefreshStatus))]
public sealed class GetMlvRefreshStatusCommand : MlvLakehouseSetCmdlet
{
    private const int ProgressId = 1;
    private const string Activity = "Reading MLV refresh status";

    // The job-history reads wait for the session's read limiter; a few in flight keep it busy while schedule
    // lists (not limited) are read.
    private const int Workers = 4;

    /// <summary>No success for longer than this is Stale (default: from each lakehouse's enabled schedules).</summary>
    [Parameter]
    public TimeSpan StaleAfter { get; set; }

    /// <summary>Write each lakehouse's status as soon as it is read, instead of all of them sorted worst first at the end.</summary>
    [Parameter]
    public SwitchParameter Stream { get; set; }

    private TimeSpan? _staleAfter;

    protected override void PrepareCommand()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(StaleAfter)))
        {
            if (StaleAfter <= TimeSpan.Zero)
            {
                ThrowTerminatingError(MlvErrors.InvalidArgument("InvalidStaleAfter", $"-StaleAfter must be positive (got {StaleAfter}). Pass how long without a successful refresh counts as stale, e.g. (New-TimeSpan -Hours 25), or leave it out to derive it from the schedules.", StaleAfter));
            }

            _staleAfter = StaleAfter;
        }
    }

    protected override async Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var targets = Targets;
        if (targets.Count == 0)
        {
            return;
        }

        var total = targets.Count;
        var estimate = Client.EstimateJobStatusReadTime(total);
        var pace = Client.JobStatusReadsPerWindow > 0
            ? $"the service allows {Client.JobStatusReadsPerWindow} job-history reads per {RefreshStatusEvaluator.Span(Client.JobStatusReadWindow)}"
            : "job-history reads are not paced";
        var upFront = $"Reading the refresh status of {total} lakehouse{(total == 1 ? "" : "s")}: {total} job-history read{(total == 1 ? "" : "s")} at least; {pace}, so this takes about {RefreshStatusEvaluator.Span(estimate)}.";
        if (estimate >= TimeSpan.FromMinutes(1))
        {
            pipeline.WriteWarning(upFront);
        }
        else
        {
            pipeline.WriteVerbose(upFront);
        }

        var results = new List<MlvRefreshStatus>();
        var next = -1;
        var done = 0;
        var current = string.Empty;

        async Task WorkAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var target = targets[i];
                Volatile.Write(ref current, target.ToString());
                try
                {
                    var status = await ReadAsync(target, cancellationToken).ConfigureAwait(false);
                    if (Stream)
                    {
                        pipeline.WriteObject(status);
                    }
                    else
                    {
                        lock (results)
                        {
                            results.Add(status);
                        }
                    }
                }
                catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
                {
                    pipeline.WriteError(MlvErrors.FromException(ex, target.ToString()));
                }

                Interlocked.Increment(ref done);
            }
        }

        WriteProgress(pipeline, total, 0, total, string.Empty);
        var all = Task.WhenAll(Enumerable.Range(0, Math.Min(Workers, total)).Select(_ => Task.Run(WorkAsync, cancellationToken)));
        while (!all.IsCompleted)
        {
            WriteProgress(pipeline, total, Volatile.Read(ref done), Math.Max(0, total - 1 - Volatile.Read(ref next)), Volatile.Read(ref current));
            await Task.WhenAny(all, Task.Delay(1000, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        await all.ConfigureAwait(false);
        pipeline.WriteProgress(new ProgressRecord(ProgressId, Activity, $"{total} lakehouses read") { RecordType = ProgressRecordType.Completed });

        if (!Stream)
        {
            foreach (var status in results
                .OrderBy(s => s.Verdict)
                .ThenByDescending(s => s.ConsecutiveFailures)
                .ThenByDescending(s => s.SinceLastSuccess ?? TimeSpan.MaxValue)
                .ThenBy(s => s.WorkspaceName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(s => s.LakehouseName, StringComparer.OrdinalIgnoreCase))
            {
                pipeline.WriteObject(status);
            }
        }
    }

    private void WriteProgress(AsyncPipeline pipeline, int total, int done, int notStarted, string current)
    {
        var remaining = Client.EstimateJobStatusReadTime(notStarted);
        var status = notStarted == 0
            ? $"{done} of {total} lakehouses read; the last reads are under way"
            : $"{done} of {total} read; {notStarted} job-history reads left take about {RefreshStatusEvaluator.Span(remaining)}";
        pipeline.WriteProgress(new ProgressRecord(ProgressId, Activity, status)
        {
            PercentComplete = (int)(100L * done / total),
            SecondsRemaining = notStarted == 0 ? -1 : (int)Math.Ceiling(remaining.TotalSeconds),
            CurrentOperation = current,
        });
    }

    private async Task<MlvRefreshStatus> ReadAsync(LakehouseLocation target, CancellationToken cancellationToken)
    {
        var schedules = await Client.ListSchedulesAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<Guid, string>? definitionNames = null;
        if (schedules.Any(s => s.Enabled && s.ExecutionDefinitionId is not null))
        {
            definitionNames = new Dictionary<Guid, string>();
            await foreach (var d in Client.ListExecutionDefinitionsAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ConfigureAwait(false))
            {
                definitionNames[d.Id] = d.DisplayName ?? d.Id.ToString();
            }
        }

        var evaluator = new RefreshStatusEvaluator(Client.ServiceNow, _staleAfter);
        var ended = true;
        // Leaving the loop disposes the enumerator: no further page is read once the last success is known.
        await foreach (var job in Client.ListJobInstancesAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ConfigureAwait(false))
        {
            if (!evaluator.Add(job))
            {
                ended = false;
                break;
            }
        }

        return evaluator.Complete(target, schedules, definitionNames, ended);
    }
}
