using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>
/// Writes how each job of a wait ended: final instances as output, failed refreshes as non-terminating errors carrying
/// the failure reason, skipped (Deduped/Cancelled) refreshes as warnings, unreadable jobs as errors, and jobs still
/// running at the timeout as timeout errors (cancelled first with -CancelOnTimeout). A job attached to a running
/// refresh is reported through that refresh. Everything goes through <see cref="AsyncPipeline"/>.
/// </summary>
internal sealed class JobWaitResultWriter
{
    private readonly FabricClient _client;
    private readonly JobWaitSettings _settings;
    private readonly Func<TimeSpan> _elapsed;

    public JobWaitResultWriter(FabricClient client, JobWaitSettings settings, Func<TimeSpan> elapsed)
    {
        _client = client;
        _settings = settings;
        _elapsed = elapsed;
    }

    /// <summary>The wait is over: each job's outcome, in the order the jobs were added.</summary>
    public async Task WriteAsync(AsyncPipeline pipeline, IReadOnlyList<TrackedJob> jobs, JobWaitResult result, CancellationToken cancellationToken)
    {
        var outcomes = result.Jobs.ToDictionary(o => o.Job.JobInstanceId);
        foreach (var job in jobs)
        {
            if (job.AttachedTo is null && outcomes.TryGetValue(job.Id, out var outcome))
            {
                await WriteOutcomeAsync(pipeline, job, outcome, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The wait ended for <paramref name="cause"/>, not because of the jobs: the jobs that had finished (by
    /// <paramref name="entries"/>, the last snapshot) as usual, and for each one still running an error that names it and
    /// says it goes on (its instance as the target).
    /// </summary>
    public void WriteInterrupted(AsyncPipeline pipeline, IReadOnlyList<TrackedJob> jobs, IReadOnlyList<JobWaitEntry> entries, Exception cause)
    {
        var byId = entries.ToDictionary(e => e.Job.JobInstanceId);
        foreach (var job in jobs.Where(j => j.AttachedTo is null))
        {
            byId.TryGetValue(job.Id, out var entry);
            var instance = job.Label(entry?.Instance ?? job.Latest ?? job.Unread());
            if (entry is { State: JobWaitState.Finished } && entry.Instance is not null)
            {
                WriteFinished(pipeline, job, instance);
            }
            else
            {
                pipeline.WriteError(MlvErrors.JobWaitInterrupted(instance, job.Describe(), cause));
            }
        }
    }

    private async Task WriteOutcomeAsync(AsyncPipeline pipeline, TrackedJob job, JobWaitOutcome outcome, CancellationToken cancellationToken)
    {
        var instance = outcome.Instance is null ? null : job.Label(outcome.Instance);
        switch (outcome.State)
        {
            case JobWaitState.Finished:
                WriteFinished(pipeline, job, instance!);
                break;
            case JobWaitState.UnknownStatus:
                pipeline.WriteWarning($"{job.Describe()} reports the status '{instance?.Status}', which this module does not know; it stopped waiting for that job and returns it as it is.");
                pipeline.WriteObject(instance);
                break;
            case JobWaitState.Error:
                pipeline.WriteError(outcome.Error is FabricApiException { Status: 404 } notFound
                    ? MlvErrors.JobInstanceNotFound(job.Id, job.Target, notFound)
                    : MlvErrors.FromException((Exception?)outcome.Error ?? new InvalidOperationException("The job's status could not be read."), instance ?? job.Unread()));
                break;
            default:
                await WriteTimedOutAsync(pipeline, job, instance ?? job.Unread(), cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private void WriteFinished(AsyncPipeline pipeline, TrackedJob job, MlvJobInstance instance)
    {
        var status = instance.Status ?? string.Empty;
        if (_settings.Purpose == JobWaitPurpose.Cancel)
        {
            if (!IsStatus(status, JobStatus.Cancelled))
            {
                pipeline.WriteWarning($"{job.DescribeOutcome()} ended as {status} before the cancellation took effect.");
            }

            pipeline.WriteObject(instance);
            return;
        }

        if (IsStatus(status, JobStatus.Failed))
        {
            pipeline.WriteError(MlvErrors.JobFailed(instance));
            return;
        }

        var skipped = SkippedWarning(job, status);
        if (skipped is not null)
        {
            pipeline.WriteWarning(skipped);
        }

        pipeline.WriteObject(instance);
    }

    private string? SkippedWarning(TrackedJob job, string status)
    {
        var who = job.DescribeOutcome();
        if (IsStatus(status, JobStatus.Deduped))
        {
            return _settings.AttachIfRunning
                ? $"{who} was skipped (Deduped) for a refresh of the same materialized lake views that could not be found to attach to. Get-MlvJobInstance lists the lakehouse's refreshes."
                : $"{who} was skipped (Deduped): a refresh of the same materialized lake views was already running. Add -AttachIfRunning to wait for that refresh instead.";
        }

        return IsStatus(status, JobStatus.Cancelled) && _settings.StartedByThisCommand
            ? $"{who} was cancelled. (Fabric also reports a refresh skipped because another was running as Cancelled; -AttachIfRunning waits for that one.)"
            : null;
    }

    private static bool IsStatus(string status, string expected) => string.Equals(status, expected, StringComparison.OrdinalIgnoreCase);

    private async Task WriteTimedOutAsync(AsyncPipeline pipeline, TrackedJob job, MlvJobInstance target, CancellationToken cancellationToken)
    {
        var timeout = _settings.Timeout ?? _elapsed();
        if (!_settings.CancelOnTimeout)
        {
            pipeline.WriteError(MlvErrors.JobWaitTimedOut(target, job.Describe(), timeout, cancelRequested: false));
            return;
        }

        try
        {
            await _client.CancelJobInstanceAsync(job.Target.WorkspaceId, job.Target.LakehouseId, job.Id, cancellationToken).ConfigureAwait(false);
            pipeline.WriteError(MlvErrors.JobWaitTimedOut(target, job.Describe(), timeout, cancelRequested: true));
        }
        catch (FabricApiException ex) when (string.Equals(ex.ErrorCode, MlvErrors.JobAlreadyCompletedCode, StringComparison.OrdinalIgnoreCase))
        {
            await WriteEndedBeforeCancelAsync(pipeline, job, target, cancellationToken).ConfigureAwait(false);
        }
        catch (FabricException ex)
        {
            pipeline.WriteError(MlvErrors.JobWaitTimedOut(target, job.Describe(), timeout, cancelRequested: false));
            pipeline.WriteError(MlvErrors.FromException(ex, target));
        }
    }

    // The job ended between the last read and the cancel: report how it ended.
    private async Task WriteEndedBeforeCancelAsync(AsyncPipeline pipeline, TrackedJob job, MlvJobInstance target, CancellationToken cancellationToken)
    {
        try
        {
            var final = await _client.GetJobInstanceAsync(job.Target.WorkspaceId, job.Target.LakehouseId, job.Id, cancellationToken).ConfigureAwait(false);
            WriteFinished(pipeline, job, job.Label(final));
        }
        catch (FabricException readError)
        {
            pipeline.WriteError(MlvErrors.FromException(readError, target));
        }
    }
}
