using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>What a wait is for: a refresh to end, or a cancellation to take effect.</summary>
internal enum JobWaitPurpose
{
    Refresh,
    Cancel,
}

internal sealed class JobWaitSettings
{
    /// <summary>Longest wait, counted from the first job added; null: until every job ends.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Cancel the jobs still running at the timeout.</summary>
    public bool CancelOnTimeout { get; set; }

    /// <summary>A job skipped (Deduped, or Cancelled as skipped) for a refresh already running: wait for that one instead.</summary>
    public bool AttachIfRunning { get; set; }

    public JobWaitPurpose Purpose { get; set; }

    /// <summary>
    /// The jobs are the ones this command started (Start-MlvRefresh -Wait): one that ends Cancelled was cancelled by
    /// someone else or skipped, which deserves a warning. Jobs given to Wait-MlvJobInstance may well have been
    /// cancelled by the user a moment ago: their status says so, without a warning per job.
    /// </summary>
    public bool StartedByThisCommand { get; set; }
}

/// <summary>
/// The one wait behind Start-MlvRefresh -Wait, Wait-MlvJobInstance and Stop-MlvJobInstance -Wait. Jobs are added as
/// the cmdlet submits or receives them (the client's <see cref="JobWaitGroup"/> polls them in one paced loop, so
/// reads for early jobs overlap later submissions); <see cref="FinishAsync"/> waits for the rest and writes the
/// results: final instances as output, failed refreshes as non-terminating errors carrying the failure reason,
/// timeouts as errors, skipped (Deduped/Cancelled) refreshes as warnings.
/// <para>Progress: one parent record (counts, elapsed) and one child record per job, written only by
/// <see cref="PumpAsync"/> on the cmdlet's async body, never from the polling thread: the polling loop only leaves
/// snapshots and log lines here, so a pipeline thread busy with a prompt can never stall the polling.</para>
/// </summary>
internal sealed class JobWaitRunner : IFabricLogSink, IDisposable
{
    private const int ParentActivityId = 1;
    private const int MaxQueuedLogLines = 2000;
    private static readonly TimeSpan PumpInterval = TimeSpan.FromMilliseconds(250);

    private readonly FabricClient _client;
    private readonly JobWaitSettings _settings;
    private readonly CancellationToken _stopToken;
    private readonly StreamPreferences _streams;
    private readonly object _gate = new object();
    private readonly List<Tracked> _tracked = new List<Tracked>();
    private readonly Dictionary<Guid, Tracked> _byId = new Dictionary<Guid, Tracked>();
    private readonly ConcurrentQueue<(char Kind, string Text)> _log = new ConcurrentQueue<(char, string)>();
    private readonly Stopwatch _clock = new Stopwatch();
    private JobWaitGroup? _group;
    private JobWaitProgress? _latest;
    private int _addedToGroup;
    private int _pendingAttach;
    private bool _inputComplete;
    private bool _completeCalled;
    private bool _interruptReported;
    private string? _parentShown;

    public JobWaitRunner(FabricClient client, JobWaitSettings settings, StreamPreferences streams, CancellationToken stopToken)
    {
        _client = client;
        _settings = settings;
        _streams = streams;
        _stopToken = stopToken;
    }

    private sealed class Tracked
    {
        public Tracked(JobInstanceRef job, LakehouseTarget target, int activityId)
        {
            Job = job;
            Target = target;
            ActivityId = activityId;
        }

        public JobInstanceRef Job { get; }

        public LakehouseTarget Target { get; }

        public int ActivityId { get; }

        public Guid Id => Job.JobInstanceId;

        /// <summary>The running refresh this skipped one was attached to (its outcome stands for this one).</summary>
        public Tracked? AttachedTo { get; set; }

        /// <summary>The skipped refresh this one was attached for.</summary>
        public Tracked? AttachedFor { get; set; }

        public bool AttachTried { get; set; }

        public MlvJobInstance? Latest { get; set; }

        public string? StatusShown { get; set; }

        public bool ProgressClosed { get; set; }

        public string Describe() => $"{Target} job {Id}";
    }

    public string Activity => _settings.Purpose == JobWaitPurpose.Cancel
        ? "Waiting for MLV refreshes to be cancelled"
        : "Waiting for MLV refreshes";

    /// <summary>Adds a job to the wait; the first one starts the polling loop and the timeout.</summary>
    public void Add(JobInstanceRef job, LakehouseTarget target)
    {
        job.WorkspaceName ??= target.WorkspaceName;
        job.LakehouseName ??= target.LakehouseName;
        lock (_gate)
        {
            if (_byId.ContainsKey(job.JobInstanceId))
            {
                return;
            }

            AddLocked(job, target);
        }
    }

    private Tracked AddLocked(JobInstanceRef job, LakehouseTarget target)
    {
        if (_group is null)
        {
            // The polling loop is started under this runner's log sink: its request lines and warnings then reach the
            // pipeline through PumpAsync, whichever pipeline block happens to be running.
            using (FabricLog.Use(this))
            {
                _group = _client.StartJobWait(new JobWaitOptions { Timeout = _settings.Timeout }, OnProgress, _stopToken);
            }

            _clock.Start();
        }

        var tracked = new Tracked(job, target, ParentActivityId + 1 + _tracked.Count);
        _tracked.Add(tracked);
        _byId[job.JobInstanceId] = tracked;
        _addedToGroup++;
        _group.Add(job);
        return tracked;
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
        await WriteResultsAsync(pipeline, result, cancellationToken).ConfigureAwait(false);
        Flush(pipeline);
    }

    /// <summary>
    /// The wait (or the command around it) ends for <paramref name="cause"/>, not because of the jobs: writes the jobs
    /// that had already finished as usual, and for each job still running an error that names it and says it goes on
    /// (its instance as the target). Once only.
    /// </summary>
    public void ReportInterrupted(AsyncPipeline pipeline, Exception cause)
    {
        List<Tracked> tracked;
        Dictionary<Guid, JobWaitEntry> entries;
        lock (_gate)
        {
            if (_interruptReported || _tracked.Count == 0)
            {
                return;
            }

            _interruptReported = true;
            _inputComplete = true;
            if (_group is not null && !_completeCalled)
            {
                _completeCalled = true;
                _group.Complete();
            }

            tracked = _tracked.Where(t => t.AttachedTo is null).ToList();
            entries = (_latest?.Jobs ?? Array.Empty<JobWaitEntry>()).ToDictionary(e => e.Job.JobInstanceId);
        }

        CloseProgress(pipeline);
        foreach (var job in tracked)
        {
            entries.TryGetValue(job.Id, out var entry);
            var instance = JobInstances.Label(entry?.Instance ?? job.Latest ?? JobInstances.Unread(job.Id, job.Target), job.Target);
            if (entry is { State: JobWaitState.Finished } && entry.Instance is not null)
            {
                WriteFinished(pipeline, job, instance);
            }
            else
            {
                pipeline.WriteError(MlvErrors.JobWaitInterrupted(instance, job.Describe(), cause));
            }
        }

        Flush(pipeline);
    }

    /// <summary>What to tell the user when Ctrl+C ends the wait: the jobs go on, and how to follow them.</summary>
    public string? StopNotice()
    {
        List<Tracked> running;
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

    public void Dispose() => _group?.Dispose();

    void IFabricLogSink.Verbose(string message) => Log('V', message);

    void IFabricLogSink.Debug(string message) => Log('D', message);

    void IFabricLogSink.Warning(string message) => Log('W', message);

    bool IFabricLogSink.VerboseEnabled => _streams.Verbose;

    bool IFabricLogSink.DebugEnabled => _streams.Debug;

    private void Log(char kind, string message)
    {
        // Verbose request lines of a long wait could pile up while no pipeline block runs; warnings always stay.
        if (kind != 'W' && _log.Count >= MaxQueuedLogLines)
        {
            return;
        }

        _log.Enqueue((kind, message));
    }

    // Polling thread: keep the snapshot, start attach lookups; never write to the pipeline from here.
    private void OnProgress(JobWaitProgress progress)
    {
        List<Tracked>? attach = null;
        lock (_gate)
        {
            _latest = progress;
            foreach (var entry in progress.Jobs)
            {
                if (!_byId.TryGetValue(entry.Job.JobInstanceId, out var tracked))
                {
                    continue;
                }

                tracked.Latest = entry.Instance ?? tracked.Latest;
                if (_settings.AttachIfRunning && _settings.Purpose == JobWaitPurpose.Refresh && !_completeCalled && !tracked.AttachTried
                    && tracked.AttachedFor is null && entry.State == JobWaitState.Finished && JobStatus.IsSuperseded(entry.Status))
                {
                    tracked.AttachTried = true;
                    _pendingAttach++;
                    (attach ??= new List<Tracked>()).Add(tracked);
                }
            }
        }

        foreach (var tracked in attach ?? Enumerable.Empty<Tracked>())
        {
            _ = Task.Run(() => AttachAsync(tracked));
        }
    }

    /// <summary>Finds the refresh that made <paramref name="skipped"/> skip, and waits for it instead.</summary>
    private async Task AttachAsync(Tracked skipped)
    {
        try
        {
            using (FabricLog.Use(this))
            {
                var self = skipped.Latest!;
                var deduped = IsStatus(self.Status, JobStatus.Deduped);
                MlvJobInstance? running = null;
                MlvJobInstance? earlier = null;
                var seen = 0;
                await foreach (var job in _client.ListJobInstancesAsync(skipped.Target.WorkspaceId, skipped.Target.LakehouseId, _stopToken).ConfigureAwait(false))
                {
                    if (job.Id == self.Id)
                    {
                        continue;
                    }

                    if (job.IsRunning)
                    {
                        running = job;
                        break;
                    }

                    // Newest first: the first refresh that ran and started no later than the skipped one is the one
                    // it deferred to, if that has ended meanwhile.
                    if (earlier is null && !JobStatus.IsSuperseded(job.Status) && job.StartTimeUtc is DateTime start
                        && (self.StartTimeUtc is not DateTime selfStart || start <= selfStart))
                    {
                        earlier = job;
                    }

                    if (++seen >= 100)
                    {
                        break;
                    }
                }

                // A Cancelled job with no refresh running was cancelled, not skipped: nothing to attach to.
                var target = running ?? (deduped ? earlier : null);
                if (target is null)
                {
                    Log('V', $"{skipped.Describe()} was {self.Status}, and no refresh of the lakehouse is running to attach to.");
                    return;
                }

                lock (_gate)
                {
                    if (_byId.TryGetValue(target.Id, out var existing))
                    {
                        skipped.AttachedTo = existing;
                    }
                    else if (_completeCalled)
                    {
                        Log('W', $"{skipped.Describe()} was {self.Status}; the wait ended before it could attach to the running refresh {target.Id}.");
                        return;
                    }
                    else
                    {
                        var job = new JobInstanceRef(skipped.Target.WorkspaceId, skipped.Target.LakehouseId, target.Id);
                        var replacement = AddLocked(job, skipped.Target);
                        replacement.AttachedFor = skipped;
                        skipped.AttachedTo = replacement;
                    }
                }

                Log('V', $"{skipped.Describe()} was {self.Status} because refresh {target.Id} ({target.Status}) was already running; waiting for that one instead (-AttachIfRunning).");
            }
        }
        catch (Exception ex) when (ex is FabricException || ex is OperationCanceledException)
        {
            Log('W', $"{skipped.Describe()} was skipped, and the running refresh could not be looked up: {ex.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _pendingAttach--;
            }
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
                _completeCalled = true;
                _group.Complete();
            }
        }
    }

    /// <summary>Writes the queued log lines and the progress that changed, once (for a pipeline block that does not wait).</summary>
    public void Flush(AsyncPipeline pipeline)
    {
        while (_log.TryDequeue(out var line))
        {
            switch (line.Kind)
            {
                case 'W':
                    pipeline.WriteWarning(line.Text);
                    break;
                case 'D':
                    pipeline.WriteDebug(line.Text);
                    break;
                default:
                    pipeline.WriteVerbose(line.Text);
                    break;
            }
        }

        JobWaitProgress? progress;
        List<Tracked> tracked;
        lock (_gate)
        {
            progress = _latest;
            tracked = _tracked.ToList();
        }

        if (tracked.Count == 0)
        {
            return;
        }

        var entries = (progress?.Jobs ?? Array.Empty<JobWaitEntry>()).ToDictionary(e => e.Job.JobInstanceId);
        var parentStatus = ParentStatus(progress, tracked.Count);
        if (parentStatus != _parentShown)
        {
            _parentShown = parentStatus;
            pipeline.WriteProgress(new ProgressRecord(ParentActivityId, Activity, parentStatus)
            {
                PercentComplete = progress is null ? 0 : Math.Min(100, 100 * progress.Done / Math.Max(1, tracked.Count)),
            });
        }

        foreach (var job in tracked)
        {
            if (job.ProgressClosed)
            {
                continue;
            }

            entries.TryGetValue(job.Id, out var entry);
            var status = entry?.Status ?? "Submitted";
            var done = entry is not null && entry.State != JobWaitState.Waiting;
            if (done)
            {
                job.ProgressClosed = true;
                pipeline.WriteProgress(Child(job, status, ProgressRecordType.Completed));
            }
            else if (status != job.StatusShown)
            {
                job.StatusShown = status;
                pipeline.WriteProgress(Child(job, status, ProgressRecordType.Processing));
            }
        }
    }

    private void CloseProgress(AsyncPipeline pipeline)
    {
        Flush(pipeline);
        List<Tracked> open;
        lock (_gate)
        {
            open = _tracked.Where(t => !t.ProgressClosed).ToList();
        }

        foreach (var job in open)
        {
            job.ProgressClosed = true;
            pipeline.WriteProgress(Child(job, job.StatusShown ?? "Submitted", ProgressRecordType.Completed));
        }

        pipeline.WriteProgress(new ProgressRecord(ParentActivityId, Activity, _parentShown ?? "Done") { RecordType = ProgressRecordType.Completed });
    }

    private static ProgressRecord Child(Tracked job, string status, ProgressRecordType type) =>
        new ProgressRecord(job.ActivityId, job.Target.ToString(), status)
        {
            ParentActivityId = ParentActivityId,
            CurrentOperation = "Job " + job.Id,
            RecordType = type,
        };

    private string ParentStatus(JobWaitProgress? p, int total)
    {
        var parts = new List<string>();
        if (p is not null)
        {
            AddCount(parts, p.Completed, "completed");
            AddCount(parts, p.Failed, "failed");
            AddCount(parts, p.Cancelled, "cancelled");
            AddCount(parts, p.Deduped, "deduped");
            AddCount(parts, p.Unknown, "unknown status");
            AddCount(parts, p.Errors, "unreadable");
        }

        var done = p?.Done ?? 0;
        var running = total - done;
        var counts = parts.Count == 0 ? string.Empty : " (" + string.Join(", ", parts) + ")";
        var elapsed = TimeSpan.FromSeconds(Math.Floor(_clock.Elapsed.TotalSeconds));
        return string.Format(CultureInfo.InvariantCulture, "{0} of {1} done{2}; {3} running; {4:hh\\:mm\\:ss} elapsed", done, total, counts, running, elapsed);
    }

    private static bool IsStatus(string? status, string expected) => string.Equals(status, expected, StringComparison.OrdinalIgnoreCase);

    private static void AddCount(List<string> parts, int count, string label)
    {
        if (count > 0)
        {
            parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + label);
        }
    }

    private async Task WriteResultsAsync(AsyncPipeline pipeline, JobWaitResult result, CancellationToken cancellationToken)
    {
        var outcomes = result.Jobs.ToDictionary(o => o.Job.JobInstanceId);
        List<Tracked> tracked;
        lock (_gate)
        {
            tracked = _tracked.ToList();
        }

        foreach (var job in tracked)
        {
            if (job.AttachedTo is not null || !outcomes.TryGetValue(job.Id, out var outcome))
            {
                continue;
            }

            var instance = outcome.Instance is null ? null : JobInstances.Label(outcome.Instance, job.Target);
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
                        : MlvErrors.FromException((Exception?)outcome.Error ?? new InvalidOperationException("The job's status could not be read."), instance ?? JobInstances.Unread(job.Id, job.Target)));
                    break;
                default:
                    await WriteTimedOutAsync(pipeline, job, instance, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private void WriteFinished(AsyncPipeline pipeline, Tracked job, MlvJobInstance instance)
    {
        var status = instance.Status ?? string.Empty;
        var who = job.AttachedFor is null ? job.Describe() : $"{job.Describe()} (attached for skipped job {job.AttachedFor.Id})";
        if (_settings.Purpose == JobWaitPurpose.Cancel)
        {
            if (!IsStatus(status, JobStatus.Cancelled))
            {
                pipeline.WriteWarning($"{who} ended as {status} before the cancellation took effect.");
            }

            pipeline.WriteObject(instance);
            return;
        }

        if (IsStatus(status, JobStatus.Failed))
        {
            pipeline.WriteError(MlvErrors.JobFailed(instance));
            return;
        }

        if (IsStatus(status, JobStatus.Deduped))
        {
            pipeline.WriteWarning(_settings.AttachIfRunning
                ? $"{who} was skipped (Deduped) for a refresh of the same materialized lake views that could not be found to attach to. Get-MlvJobInstance lists the lakehouse's refreshes."
                : $"{who} was skipped (Deduped): a refresh of the same materialized lake views was already running. Add -AttachIfRunning to wait for that refresh instead.");
        }
        else if (IsStatus(status, JobStatus.Cancelled) && _settings.StartedByThisCommand)
        {
            pipeline.WriteWarning($"{who} was cancelled. (Fabric also reports a refresh skipped because another was running as Cancelled; -AttachIfRunning waits for that one.)");
        }

        pipeline.WriteObject(instance);
    }

    private async Task WriteTimedOutAsync(AsyncPipeline pipeline, Tracked job, MlvJobInstance? instance, CancellationToken cancellationToken)
    {
        var timeout = _settings.Timeout ?? _clock.Elapsed;
        var target = instance ?? JobInstances.Unread(job.Id, job.Target);
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
            // It ended between the last read and the cancel: report how it ended.
            try
            {
                var final = await _client.GetJobInstanceAsync(job.Target.WorkspaceId, job.Target.LakehouseId, job.Id, cancellationToken).ConfigureAwait(false);
                WriteFinished(pipeline, job, JobInstances.Label(final, job.Target));
            }
            catch (FabricException readError)
            {
                pipeline.WriteError(MlvErrors.FromException(readError, target));
            }
        }
        catch (FabricException ex)
        {
            pipeline.WriteError(MlvErrors.JobWaitTimedOut(target, job.Describe(), timeout, cancelRequested: false));
            pipeline.WriteError(MlvErrors.FromException(ex, target));
        }
    }
}
