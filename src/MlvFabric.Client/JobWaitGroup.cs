using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

/// <summary>
/// Waits for a growing set of jobs with one polling loop: add jobs as they are submitted (so reads for early jobs
/// overlap the submission of later ones), call <see cref="Complete"/> after the last, await <see cref="Completion"/>.
/// <para>Pacing: every status read takes a slot from the session's job-read limiter (50 per minute per identity by
/// default, shared with every other wait of the identity), so hundreds of concurrent waits never draw 429s and
/// never stall. A job is read no earlier than its 202's Retry-After, then at the interval the last read's
/// Retry-After asks (never below the poll floor). When the reads the jobs would like exceed what the limit allows,
/// the slots go to the jobs most likely to have ended: oldest submission first; until a first job has ended only a
/// few probes (the three oldest jobs) are read at every Retry-After; then a running job is not read again before its
/// expected end (submission + the median run time seen so far), and jobs still running past it are read at growing
/// intervals. A read that is throttled anyway closes the limiter for its Retry-After.</para>
/// <para>Progress snapshots go to the callback from the polling loop (a thread-pool thread), at most every
/// <see cref="JobWaitOptions.ProgressInterval"/> and once more at the end. Cancelling the token ends the wait at
/// once (the refreshes go on).</para>
/// </summary>
public sealed class JobWaitGroup : IDisposable
{
    private readonly FabricClient _client;
    private readonly JobWaitOptions _options;
    private readonly Action<JobWaitProgress>? _onProgress;
    private readonly ConcurrentQueue<JobInstanceRef> _incoming = new ConcurrentQueue<JobInstanceRef>();
    private readonly CancellationTokenSource _cts;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly object _signalLock = new object();
    private TaskCompletionSource<bool> _signal = NewSignal();
    private int _completed;
    private int _added;

    internal JobWaitGroup(FabricClient client, JobWaitOptions? options, Action<JobWaitProgress>? onProgress, CancellationToken ct)
    {
        _client = client;
        _options = options ?? new JobWaitOptions();
        _onProgress = onProgress;
        _time = client.Http.Time;
        _started = _time.GetTimestamp();
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Completion = Task.Run(() => RunAsync(_cts.Token));
    }

    /// <summary>The final result; faults with <see cref="OperationCanceledException"/> when cancelled.</summary>
    public Task<JobWaitResult> Completion { get; }

    public int Count => Volatile.Read(ref _added);

    public void Add(JobInstanceRef job)
    {
        if (job == null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        if (Volatile.Read(ref _completed) != 0)
        {
            throw new InvalidOperationException("No jobs can be added after Complete().");
        }

        _incoming.Enqueue(job);
        Interlocked.Increment(ref _added);
        Signal();
    }

    /// <summary>No more jobs will be added: the wait ends when every added job has ended (or at the timeout).</summary>
    public void Complete()
    {
        Interlocked.Exchange(ref _completed, 1);
        Signal();
    }

    /// <summary>Stops the loop (the jobs themselves go on).</summary>
    public void Dispose()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Time since the wait started, on the session's clock.</summary>
    private TimeSpan Elapsed => _time.GetElapsedTime(_started);

    private static TaskCompletionSource<bool> NewSignal() => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal()
    {
        lock (_signalLock)
        {
            _signal.TrySetResult(true);
        }
    }

    private Task TakeSignal()
    {
        lock (_signalLock)
        {
            if (_signal.Task.IsCompleted)
            {
                _signal = NewSignal();
            }

            return _signal.Task;
        }
    }

    private sealed class JobState
    {
        internal JobState(JobInstanceRef job, int order, TimeSpan submittedAt, TimeSpan notBefore)
        {
            Job = job;
            Order = order;
            SubmittedAt = submittedAt;
            NextPoll = notBefore;
        }

        internal readonly JobInstanceRef Job;
        internal readonly int Order;
        internal readonly TimeSpan SubmittedAt; // on the group's clock
        internal TimeSpan NextPoll;
        internal MlvJobInstance? Instance;
        internal JobWaitState State = JobWaitState.Waiting;
        internal FabricException? Error;
        internal int Polls;
        internal TimeSpan LastPolled;
        internal int RunningReads;
        internal int Failures;
        internal bool InFlight;
        internal bool Done => State != JobWaitState.Waiting;
    }

    private async Task<JobWaitResult> RunAsync(CancellationToken ct)
    {
        await Task.Yield();
        var floor = _options.PollFloor ?? TimeSpan.FromSeconds(1);
        if (floor < TimeSpan.Zero)
        {
            floor = TimeSpan.Zero;
        }

        var defaultInterval = _options.DefaultPollInterval > TimeSpan.Zero ? _options.DefaultPollInterval : TimeSpan.FromSeconds(15);
        var maxInFlight = Math.Max(1, _options.MaxConcurrentPolls);
        var deadline = _options.Timeout is TimeSpan t && t >= TimeSpan.Zero ? t : (TimeSpan?)null;
        var limiter = _client.StatusReadLimiter;
        var readRate = limiter.IsUnlimited ? double.PositiveInfinity : limiter.Limit / Math.Max(1, limiter.Window.TotalSeconds); // reads per second
        var jobs = new List<JobState>();
        var inflight = new Dictionary<Task<(MlvJobInstance, TimeSpan?)>, JobState>();
        var durations = new List<double>(); // run times (s) of ended jobs, from the service's own stamps
        TimeSpan? lastInterval = null;
        var polls = 0;
        var timedOut = false;
        var changed = true;
        var lastReport = TimeSpan.FromDays(-1);

        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                // Re-arm the wake-up signal BEFORE reading the queue and the completion flag: an Add/Complete
                // after this point sets the signal this pass sleeps on; one before it is seen below. (Re-arming
                // at the sleep instead loses a wake-up that lands in between, and the wait never ends.)
                var wakeUp = TakeSignal();
                var now = Elapsed;
                while (_incoming.TryDequeue(out var job))
                {
                    var submitted = now;
                    if (job.SubmittedAt is DateTimeOffset at)
                    {
                        var age = _time.GetUtcNow() - at;
                        if (age > TimeSpan.Zero && age < TimeSpan.FromDays(2))
                        {
                            submitted = now - age;
                        }
                    }
                    var notBefore = submitted + (job.RetryAfter ?? TimeSpan.Zero);
                    if (lastInterval == null && job.RetryAfter is TimeSpan suggested && suggested > TimeSpan.Zero)
                    {
                        lastInterval = suggested; // the 202's poll interval, until a read says otherwise
                    }

                    jobs.Add(new JobState(job, jobs.Count, submitted, notBefore));
                    changed = true;
                }

                var complete = Volatile.Read(ref _completed) != 0;
                if (deadline is TimeSpan d && now >= d)
                {
                    timedOut = true;
                }

                if (complete && inflight.Count == 0 && (timedOut || jobs.All(j => j.Done)))
                {
                    break;
                }

                // Demand versus supply: would reading every running job at its interval exceed the limit?
                var active = 0;
                foreach (var j in jobs)
                {
                    if (!j.Done)
                    {
                        active++;
                    }
                }

                var interval = Max(floor, lastInterval ?? defaultInterval);
                var scarce = active / Math.Max(0.001, interval.TotalSeconds) > readRate * 0.5;
                var expectedRun = durations.Count >= 1 ? Median(durations) : (double?)null;

                // While reads are scarce and no run time is known yet, only a few probes (the oldest jobs) are
                // read, at every Retry-After; the others wait for a probe to end and tell how long a run takes.
                // Few, and read together: at the limits, jobs end as fast as the limit lets them be read, so every
                // read that holds a slot when the first jobs end (and every second the first end goes unnoticed)
                // is carried through to the last job.
                HashSet<JobState>? probes = null;
                if (scarce && expectedRun == null)
                {
                    var count = Math.Max(1, (int)Math.Min(MaxProbes, readRate * interval.TotalSeconds * ProbeShare));
                    probes = new HashSet<JobState>(jobs.Where(j => !j.Done).OrderBy(j => j.SubmittedAt).ThenBy(j => j.Order).Take(count));
                }

                // Launch the reads that are due, most promising first.
                TimeSpan? wakeAt = null;
                if (!timedOut)
                {
                    while (inflight.Count < maxInFlight)
                    {
                        JobState? best = null;
                        var bestDue = TimeSpan.MaxValue;
                        foreach (var j in jobs)
                        {
                            if (j.Done || j.InFlight || (probes != null && !probes.Contains(j)))
                            {
                                continue;
                            }

                            var due = DueTime(j, scarce, expectedRun, floor, interval);
                            if (due > now)
                            {
                                if (wakeAt == null || due < wakeAt)
                                {
                                    wakeAt = due;
                                }

                                continue;
                            }
                            if (best == null || j.SubmittedAt < best.SubmittedAt || (j.SubmittedAt == best.SubmittedAt && j.Order < best.Order))
                            {
                                best = j;
                                bestDue = due;
                            }
                        }
                        if (best == null)
                        {
                            break;
                        }

                        if (!limiter.TryAcquire(out var wait, out var grant))
                        {
                            var at = now + wait;
                            if (wakeAt == null || at < wakeAt)
                            {
                                wakeAt = at;
                            }

                            break;
                        }
                        best.InFlight = true;
                        polls++;
                        best.Polls++;
                        inflight.Add(_client.PollJobInstanceAsync(best.Job, grant, ct), best);
                    }
                }

                // Progress.
                if (changed && _onProgress != null)
                {
                    var sinceReport = now - lastReport;
                    if (sinceReport >= _options.ProgressInterval)
                    {
                        Report(jobs, polls);
                        lastReport = now;
                        changed = false;
                    }
                    else
                    {
                        var at = lastReport + _options.ProgressInterval;
                        if (wakeAt == null || at < wakeAt)
                        {
                            wakeAt = at;
                        }
                    }
                }

                // Sleep until a read returns, a job is added, the next read is due, or the deadline.
                if (deadline is TimeSpan dl && !timedOut && (wakeAt == null || dl < wakeAt))
                {
                    wakeAt = dl;
                }

                var waitFor = new List<Task>(inflight.Count + 2);
                waitFor.AddRange(inflight.Keys);
                waitFor.Add(wakeUp);
                using (var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    if (wakeAt is TimeSpan w)
                    {
                        var delay = w - Elapsed;
                        if (delay < TimeSpan.FromMilliseconds(1))
                        {
                            delay = TimeSpan.FromMilliseconds(1);
                        }

                        waitFor.Add(_time.Delay(delay, delayCts.Token));
                    }
                    else
                    {
                        waitFor.Add(_time.Delay(Timeout.InfiniteTimeSpan, delayCts.Token));
                    }
                    await Task.WhenAny(waitFor).ConfigureAwait(false);
                    delayCts.Cancel();
                }
                ct.ThrowIfCancellationRequested();

                // Results.
                foreach (var pair in inflight.Where(p => p.Key.IsCompleted).ToList())
                {
                    inflight.Remove(pair.Key);
                    var job = pair.Value;
                    job.InFlight = false;
                    changed = true;
                    var after = Elapsed;
                    job.LastPolled = after;
                    try
                    {
                        var (instance, retryAfter) = await pair.Key.ConfigureAwait(false);
                        job.Failures = 0;
                        job.Instance = instance;
                        if (retryAfter is TimeSpan ra)
                        {
                            lastInterval = ra;
                        }

                        if (JobStatus.IsTerminal(instance.Status))
                        {
                            job.State = JobWaitState.Finished;
                            // Run times of real runs only (a skipped or cancelled run says nothing about them).
                            if ((JobStatus.Is(instance.Status, JobStatus.Completed) || JobStatus.Is(instance.Status, JobStatus.Failed)) &&
                                instance.StartTimeUtc is DateTime s && instance.EndTimeUtc is DateTime e && e > s)
                            {
                                durations.Add((e - s).TotalSeconds);
                            }
                        }
                        else if (JobStatus.IsRunning(instance.Status))
                        {
                            job.RunningReads++;
                            var next = Max(floor, retryAfter ?? defaultInterval);
                            job.NextPoll = after + next;
                        }
                        else
                        {
                            // The outcome (State UnknownStatus, with the instance) carries this; the caller reports it.
                            job.State = JobWaitState.UnknownStatus;
                            FabricLog.Verbose($"Job instance {instance.Id} reports the status '{instance.Status}', which this client does not know; no longer waiting for it.");
                        }
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (FabricAuthenticationException)
                    {
                        throw;
                    }
                    catch (FabricApiException ex) when (ex.StatusCode == (HttpStatusCode)429)
                    {
                        // The limiter is closed for Retry-After already; read this job again after it.
                        job.NextPoll = after + Max(floor, ex.RetryAfter ?? TimeSpan.FromSeconds(5));
                    }
                    catch (FabricException ex)
                    {
                        job.Failures++;
                        var notFound = ex is FabricApiException api && api.StatusCode == HttpStatusCode.NotFound;
                        // A job that was just submitted may not be readable for a moment; anything else already had its retries.
                        var allowed = notFound && job.Instance == null ? 3 : 1;
                        if (job.Failures >= allowed)
                        {
                            // The outcome (State Error, with the exception) carries this; the caller reports it.
                            job.State = JobWaitState.Error;
                            job.Error = ex;
                            FabricLog.Verbose($"Stopped waiting for job instance {job.Job.JobInstanceId}: {ex.Message}");
                        }
                        else
                        {
                            job.NextPoll = after + Max(floor, TimeSpan.FromSeconds(Math.Pow(2, job.Failures - 1)));
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var pending in inflight.Keys)
            {
                _ = pending.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        Report(jobs, polls);
        var outcomes = jobs.Select(j => new JobWaitOutcome(j.Job, j.Instance, j.State, j.Error, j.Polls)).ToList();
        return new JobWaitResult(outcomes, timedOut && jobs.Any(j => !j.Done), Elapsed, polls);
    }

    /// <summary>Share of the read limit spent on probes while no run time is known, and their most.</summary>
    private const double ProbeShare = 0.1;
    private const int MaxProbes = 3;

    /// <summary>When a job should next be read.</summary>
    private static TimeSpan DueTime(JobState j, bool scarce, double? expectedRun, TimeSpan floor, TimeSpan interval)
    {
        var due = j.NextPoll;
        if (expectedRun is double run)
        {
            // Not before the job is expected to have ended (plus a small margin, so the read finds it ended).
            // While reads are plenty, only when a read now would find it running and hold the next one back
            // past that end (a job the scarce reads never got to, once the last few remain, for instance).
            var expectedEnd = j.SubmittedAt + TimeSpan.FromSeconds(run * 1.02) + Max(floor, TimeSpan.FromMilliseconds(250));
            if (expectedEnd > due && (scarce || expectedEnd < due + interval))
            {
                return expectedEnd;
            }
        }
        if (!scarce)
        {
            return due;
        }

        if (expectedRun != null && j.RunningReads > 1)
        {
            // Still running past its expected end: read it less and less often (a probe, while no run time is
            // known, is read at every Retry-After: there are few of them).
            var factor = 1 << Math.Min(6, j.RunningReads - 1);
            var step = j.NextPoll - j.LastPolled;
            if (step > TimeSpan.Zero)
            {
                due = j.LastPolled + TimeSpan.FromTicks(step.Ticks * factor);
            }
        }
        return due;
    }

    private void Report(List<JobState> jobs, int polls)
    {
        if (_onProgress == null)
        {
            return;
        }

        var entries = new JobWaitEntry[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var j = jobs[i];
            entries[i] = new JobWaitEntry(j.Job, j.Instance, j.State, j.Polls, j.Error?.Message);
        }
        try
        {
            _onProgress(new JobWaitProgress(entries, Elapsed, polls));
        }
        catch (Exception ex) when (!(ex is OutOfMemoryException))
        {
            // A consumer that has gone away must not end the wait.
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

public sealed partial class FabricClient
{
    /// <summary>
    /// Starts a wait to which jobs can be added while others are still being submitted (one polling loop, one
    /// progress stream). Add jobs with <see cref="JobWaitGroup.Add"/>, then <see cref="JobWaitGroup.Complete"/>, then
    /// await <see cref="JobWaitGroup.Completion"/>. The timeout counts from this call.
    /// </summary>
    public JobWaitGroup StartJobWait(JobWaitOptions? options = null, Action<JobWaitProgress>? onProgress = null, CancellationToken ct = default) =>
        new JobWaitGroup(this, options, onProgress, ct);

    /// <summary>Waits for the given jobs (see <see cref="JobWaitGroup"/> for pacing and progress).</summary>
    public async Task<JobWaitResult> WaitForJobsAsync(IReadOnlyList<JobInstanceRef> jobs, JobWaitOptions? options = null,
        Action<JobWaitProgress>? onProgress = null, CancellationToken ct = default)
    {
        if (jobs == null)
        {
            throw new ArgumentNullException(nameof(jobs));
        }

        using var group = StartJobWait(options, onProgress, ct);
        foreach (var job in jobs)
        {
            group.Add(job);
        }

        group.Complete();
        return await group.Completion.ConfigureAwait(false);
    }
}
