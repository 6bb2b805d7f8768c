using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>
/// The one wait behind Start-MlvRefresh -Wait, Wait-MlvJobInstance and Stop-MlvJobInstance -Wait. Jobs are added as
/// the cmdlet submits or receives them (the client's <see cref="JobWaitGroup"/> polls them in one paced loop, so
/// reads for early jobs overlap later submissions); <see cref="FinishAsync"/> waits for the rest and has
/// <see cref="JobWaitResultWriter"/> write the results. A skipped job (-AttachIfRunning) is replaced by the refresh
/// the client finds it stands for (<see cref="FabricClient.FindRefreshToAttachAsync"/>).
/// <para>The polling loop and the attach lookups only leave snapshots here and lines in the <see cref="JobWaitLogRelay"/>;
/// progress (<see cref="JobWaitProgressRenderer"/>), log lines and results are written only by <see cref="PumpAsync"/>,
/// <see cref="Flush"/> and <see cref="FinishAsync"/> on the cmdlet's async body, so a pipeline thread busy with a prompt
/// can never stall the polling.</para>
/// </summary>
internal sealed class JobWaitRunner : IDisposable
{
    private static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(250);

    private readonly FabricClient _client;
    private readonly JobWaitSettings _settings;
    private readonly CancellationToken _stopToken;
    private readonly JobWaitLogRelay _log;
    private readonly JobWaitProgressRenderer _progress;
    private readonly JobWaitResultWriter _results;
    private readonly Stopwatch _clock = new Stopwatch();
    private readonly object _gate = new object();
    private readonly List<TrackedJob> _tracked = new List<TrackedJob>();
    private readonly Dictionary<Guid, TrackedJob> _byId = new Dictionary<Guid, TrackedJob>();
    private JobWaitGroup? _group;
    private JobWaitProgress? _latest;
    private int _addedToGroup;
    private int _pendingAttach;
    private bool _inputComplete;
    private bool _completeCalled;
    private bool _interruptReported;

    public JobWaitRunner(FabricClient client, JobWaitSettings settings, StreamPreferences streams, CancellationToken stopToken)
    {
        _client = client;
        _settings = settings;
        _stopToken = stopToken;
        _log = new JobWaitLogRelay(streams);
        _progress = new JobWaitProgressRenderer(settings.Purpose);
        _results = new JobWaitResultWriter(client, settings, () => _clock.Elapsed);
    }

    /// <summary>Adds a job to the wait; the first one starts the polling loop and the timeout.</summary>
    public void Add(JobInstanceRef job, LakehouseLocation target)
    {
        job.Lakehouse = job.Lakehouse.WithNames(target.WorkspaceName, target.LakehouseName);
        lock (_gate)
        {
            if (!_byId.ContainsKey(job.JobInstanceId))
            {
                AddLocked(job, target);
            }
        }
    }

    /// <summary>
    /// Writes progress and the polling loop's log lines to <paramref name="pipeline"/> until <paramref name="until"/>
    /// completes (a submission waiting for the service's rate limit, or the whole wait).
    /// </summary>
    public async Task PumpAsync(AsyncPipeline pipeline, Task until, CancellationToken cancellationToken)
    {
        while (!until.IsCompleted)
        {
            Flush(pipeline);
            TryComplete();
            await Task.WhenAny(until, Task.Delay(PumpInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        Flush(pipeline);
    }

    /// <summary>No more jobs will be added: waits for every job (or the timeout) and writes the results.</summary>
    public async Task FinishAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        JobWaitGroup? group;
        lock (_gate)
        {
            _inputComplete = true;
            group = _group;
        }

        if (group is null)
        {
            return;
        }

        await PumpAsync(pipeline, group.Completion, cancellationToken).ConfigureAwait(false);
        JobWaitResult result;
        try
        {
            result = await group.Completion.ConfigureAwait(false);
        }
        catch (Exception ex) when (MlvErrors.IsFabricFailure(ex))
        {
            // Each job gets an error of its own that carries the cause; nothing else is left to report.
            ReportInterrupted(pipeline, ex);
            return;
        }

        CloseProgress(pipeline);
        await _results.WriteAsync(pipeline, Snapshot(), result, cancellationToken).ConfigureAwait(false);
        Flush(pipeline);
    }

    /// <summary>
    /// The wait (or the command around it) ends for <paramref name="cause"/>, not because of the jobs: writes the jobs
    /// that had already finished as usual, and for each job still running an error that names it and says it goes on
    /// (its instance as the target). Once only.
    /// </summary>
    public void ReportInterrupted(AsyncPipeline pipeline, Exception cause)
    {
        List<TrackedJob> tracked;
        IReadOnlyList<JobWaitEntry> entries;
        lock (_gate)
        {
            if (_interruptReported || _tracked.Count == 0)
            {
                return;
            }

            _interruptReported = true;
            _inputComplete = true;
            CompleteGroupLocked();
            tracked = _tracked.ToList();
            entries = _latest?.Jobs ?? Array.Empty<JobWaitEntry>();
        }

        CloseProgress(pipeline);
        _results.WriteInterrupted(pipeline, tracked, entries, cause);
        Flush(pipeline);
    }

    /// <summary>What to tell the user when Ctrl+C ends the wait: the jobs go on, and how to follow them.</summary>
    public string? StopNotice()
    {
        List<TrackedJob> running;
        lock (_gate)
        {
            var done = new HashSet<Guid>((_latest?.Jobs ?? Array.Empty<JobWaitEntry>()).Where(e => e.State != JobWaitState.Waiting).Select(e => e.Job.JobInstanceId));
            running = _tracked.Where(t => !done.Contains(t.Id)).ToList();
        }

        if (running.Count == 0)
        {
            return null;
        }

        var what = _settings.Purpose == JobWaitPurpose.Cancel ? "The cancellations requested go on in Fabric" : "The refreshes go on in Fabric";
        var list = string.Join(", ", running.Take(5).Select(t => t.Describe())) + (running.Count > 5 ? $" and {running.Count - 5} more" : string.Empty);
        return $"Stopped waiting. {what}: {running.Count} job(s) still running ({list}). Follow them with Get-MlvJobInstance or Wait-MlvJobInstance; cancel them with Stop-MlvJobInstance.";
    }

    /// <summary>Writes the queued log lines and the progress that changed, once (for a pipeline block that does not wait).</summary>
    public void Flush(AsyncPipeline pipeline)
    {
        _log.Drain(pipeline);
        JobWaitProgress? progress;
        List<TrackedJob> tracked;
        lock (_gate)
        {
            progress = _latest;
            tracked = _tracked.ToList();
        }

        _progress.Render(pipeline, progress, tracked, _clock.Elapsed);
    }

    public void Dispose() => _group?.Dispose();

    private TrackedJob AddLocked(JobInstanceRef job, LakehouseLocation target)
    {
        if (_group is null)
        {
            // The polling loop is started under the log relay: its request lines and warnings then reach the pipeline
            // through PumpAsync, whichever pipeline block happens to be running.
            using (FabricLog.Use(_log))
            {
                _group = _client.StartJobWait(new JobWaitOptions { Timeout = _settings.Timeout }, OnProgress, _stopToken);
            }

            _clock.Start();
        }

        var tracked = new TrackedJob(job, target, JobWaitProgressRenderer.ChildActivityId(_tracked.Count));
        _tracked.Add(tracked);
        _byId[job.JobInstanceId] = tracked;
        _addedToGroup++;
        _group.Add(job);
        return tracked;
    }

    // Polling thread: keep the snapshot, start attach lookups; never write to the pipeline from here.
    private void OnProgress(JobWaitProgress progress)
    {
        var attach = new List<TrackedJob>();
        lock (_gate)
        {
            _latest = progress;
            foreach (var entry in progress.Jobs)
            {
                if (_byId.TryGetValue(entry.Job.JobInstanceId, out var tracked))
                {
                    tracked.Latest = entry.Instance ?? tracked.Latest;
                    if (ShouldAttachLocked(tracked, entry))
                    {
                        tracked.AttachTried = true;
                        _pendingAttach++;
                        attach.Add(tracked);
                    }
                }
            }
        }

        foreach (var tracked in attach)
        {
            _ = Task.Run(() => AttachAsync(tracked));
        }
    }

    // -AttachIfRunning, once per job: a refresh (not one attached for another) that ended as Fabric reports a skip.
    private bool ShouldAttachLocked(TrackedJob tracked, JobWaitEntry entry) =>
        _settings.AttachIfRunning && _settings.Purpose == JobWaitPurpose.Refresh && !_completeCalled
        && !tracked.AttachTried && tracked.AttachedFor is null
        && entry.State == JobWaitState.Finished && SkippedRefreshResolver.MayHaveBeenSkipped(entry.Status);

    /// <summary>Looks up the refresh that made <paramref name="skipped"/> skip, and waits for it instead.</summary>
    private async Task AttachAsync(TrackedJob skipped)
    {
        try
        {
            using (FabricLog.Use(_log))
            {
                var self = skipped.Latest!;
                var target = await _client.FindRefreshToAttachAsync(skipped.Target.WorkspaceId, skipped.Target.LakehouseId, self, _stopToken).ConfigureAwait(false);
                if (target is null)
                {
                    _log.Verbose($"{skipped.Describe()} was {self.Status}, and no refresh of the lakehouse is running to attach to.");
                }
                else if (Attach(skipped, target.Id))
                {
                    _log.Verbose($"{skipped.Describe()} was {self.Status} because refresh {target.Id} ({target.Status}) was already running; waiting for that one instead (-AttachIfRunning).");
                }
                else
                {
                    _log.Warning($"{skipped.Describe()} was {self.Status}; the wait ended before it could attach to the running refresh {target.Id}.");
                }
            }
        }
        catch (Exception ex) when (ex is FabricException || ex is OperationCanceledException)
        {
            _log.Warning($"{skipped.Describe()} was skipped, and the running refresh could not be looked up: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _pendingAttach--;
            }
        }
    }

    // Links the skipped job to the refresh it stands for, adding that refresh to the wait unless it is in it already;
    // false when the wait has stopped taking jobs.
    private bool Attach(TrackedJob skipped, Guid refreshId)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(refreshId, out var existing))
            {
                skipped.AttachedTo = existing;
                return true;
            }

            if (_completeCalled)
            {
                return false;
            }

            var replacement = AddLocked(new JobInstanceRef(skipped.Target, refreshId), skipped.Target);
            replacement.AttachedFor = skipped;
            skipped.AttachedTo = replacement;
            return true;
        }
    }

    // The group may be told "no more jobs" once the input is over and nothing can still be attached: every job it has
    // is done (with no attach lookup pending), or the timeout has passed.
    private void TryComplete()
    {
        lock (_gate)
        {
            if (_group is null || _completeCalled || !_inputComplete)
            {
                return;
            }

            var timedOut = _settings.Timeout is TimeSpan timeout && _clock.Elapsed >= timeout;
            var allDone = _latest is not null && _latest.Total == _addedToGroup && _latest.Done == _latest.Total && _pendingAttach == 0;
            if (timedOut || allDone)
            {
                CompleteGroupLocked();
            }
        }
    }

    private void CompleteGroupLocked()
    {
        if (_group is not null && !_completeCalled)
        {
            _completeCalled = true;
            _group.Complete();
        }
    }

    private void CloseProgress(AsyncPipeline pipeline)
    {
        Flush(pipeline);
        _progress.Close(pipeline, Snapshot());
    }

    private List<TrackedJob> Snapshot()
    {
        lock (_gate)
        {
            return _tracked.ToList();
        }
    }
}
