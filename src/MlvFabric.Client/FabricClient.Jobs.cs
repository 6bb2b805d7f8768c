using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Json;

namespace MlvFabric.Client;

public sealed partial class FabricClient
{
    /// <summary>How much earlier than our own estimate of the service's clock a job we started may be stamped.</summary>
    private static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(5);

    // The spec's core job-scheduler operations (items family): run takes the job type in the path and an optional
    // executionData body; list, get and cancel are per item, for every job type of the item.
    private Uri RunJobUrl(Guid ws, Guid lh) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/{JobTypeSegment}/instances");

    private Uri ItemJobInstancesUrl(Guid ws, Guid lh) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/instances");

    internal Uri JobInstanceUrl(Guid ws, Guid lh, Guid job) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/instances/{job}");

    private Uri CancelJobUrl(Guid ws, Guid lh, Guid job) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/instances/{job}/cancel");

    /// <summary>
    /// Starts a refresh of the lakehouse's MLV lineage (or of an execution definition's subset).
    /// <para>Safety: the POST is never sent a second time when the first may have reached the service.</para>
    /// <list type="bullet">
    /// <item>Re-sent: 429 / <c>TooManyRequestsForJobs</c> (the scheduler refused it), other 4xx marked retriable, 401
    /// (refused before anything ran; one token renewal), a refused connection or unresolvable host (never sent).</item>
    /// <item>Not re-sent, reconciled: a dropped connection, reset or timeout after sending, a 5xx, an unreadable
    /// answer. The service creates the job instance before it answers 202 (the answer carries its id), so a job
    /// this call started is in the lakehouse's job list at once. The list is read (newest first) and a Manual
    /// instance stamped no earlier than the submission, that no other call of this client has returned, is
    /// adopted and returned with <see cref="JobSubmission.Reconciled"/> set. There is no "before" snapshot: it
    /// would cost a job read per start, and job reads share the scheduler's 50-per-minute budget with the waits.</item>
    /// <item>Only when no such instance appears within <see cref="FabricConnectionOptions.ReconcileWindow"/> (the
    /// list is re-read with short pauses) is the request known not to have started a job, and it is sent again,
    /// within the same retry budget. Should that reasoning ever be wrong, the second run of the same lineage would
    /// be skipped by the service (Deduped/Cancelled), not run twice.</item>
    /// <item>If the list cannot be read, nothing is re-sent: the error says the outcome is unknown.</item>
    /// </list>
    /// Submissions pass the per-identity limiter (50 per minute by default), so a bulk start queues here instead of
    /// collecting 429s.
    /// </summary>
    public async Task<JobSubmission> StartRefreshAsync(Guid workspaceId, Guid lakehouseId, Guid? executionDefinitionId = null, CancellationToken ct = default)
    {
        var uri = RunJobUrl(workspaceId, lakehouseId);
        var body = executionDefinitionId is Guid defId
            ? Serialize(new RunOnDemandRequestDto { ExecutionData = new ExecutionDataDto { MlvExecutionDefinitionId = defId.ToString() } },
                FabricJsonContext.Default.RunOnDemandRequestDto)
            : null;
        var budget = new RetryBudget(_http.Time);
        var resent = false;
        while (true)
        {
            var post = new FabricRequest(HttpMethod.Post, uri, SendMode.NotIdempotent)
            {
                Body = body,
                IsJobCall = true,
                Limiter = SubmissionLimiter, // informed by 429s; waited for just below
            };
            post.Grant = await FabricHttp.PassLimiterAsync(SubmissionLimiter, "job submissions", "POST", post.Path, ct).ConfigureAwait(false);
            // When the request left, on this machine's clock; turned into the service's clock only when needed,
            // with the latest Date header the service sent (the reconciliation's own list reads bring a fresh one).
            var sentLocal = _http.Time.GetUtcNow();
            JobSubmission? submission;
            AmbiguousOutcomeException? ambiguous = null;
            SubmissionStarted(lakehouseId);
            try
            {
                submission = await _http.SendAsync(post, (r, t) => Task.FromResult(ReadSubmission(r, workspaceId, lakehouseId, post)), budget, ct)
                    .ConfigureAwait(false);
                if (submission != null)
                {
                    TryClaim(submission.JobInstanceId);
                    return resent ? await FollowRunningIfSkippedAsync(submission, ct).ConfigureAwait(false) : submission;
                }
                FabricLog.Verbose($"POST {post.Path} was accepted but its answer had no readable Location; looking the job up in the job list.");
                ambiguous = new AmbiguousOutcomeException("the answer had no job instance URL", null, HttpStatusCode.Accepted);
            }
            catch (AmbiguousOutcomeException ex)
            {
                ambiguous = ex;
                // Verbose, like a retry: the caller learns the outcome from the result (Reconciled) or the exception.
                FabricLog.Verbose($"The answer to POST {post.Path} was lost ({ex.Message}). A job may have started, so the request is not sent again; looking for it in the lakehouse's job list.");
            }
            finally
            {
                SubmissionEnded(lakehouseId);
            }

            // Starts of the same lakehouse still in flight in this process claim their jobs when their answers
            // arrive; let them, so that this reconciliation does not take one of theirs for its own.
            await WaitForOtherSubmissionsAsync(lakehouseId, ct).ConfigureAwait(false);

            var found = await ReconcileAsync(
                () => ListJobInstancesAsync(workspaceId, lakehouseId, StatusReadLimiter, ct),
                j => string.Equals(j.InvokeType, JobInvokeType.Manual, StringComparison.OrdinalIgnoreCase) &&
                     (j.StartTimeUtc == null || j.StartTimeUtc.Value >= JobClockFloor(sentLocal).UtcDateTime),
                j => j.Id, "refresh job", post, ambiguous, ct, maxItems: 200,
                preferEarliest: j => j.StartTimeUtc ?? DateTime.MaxValue).ConfigureAwait(false);
            if (found != null)
            {
                FabricLog.Verbose($"Found job instance {found.Id} ({found.Status}) started by the lost request; using it.");
                var reconciled = Submission(workspaceId, lakehouseId, found.Id);
                reconciled.Reconciled = true;
                return reconciled;
            }
            if (ambiguous.Status == HttpStatusCode.Accepted)
            {
                throw new FabricProtocolException(
                    $"POST {post.Path} was accepted (202) without a usable Location, and no new job appeared in the job list within {ErrorText.Seconds(_http.Options.ReconcileWindow)}.",
                    "POST", post.Path);
            }

            EnsureCanResend(post, budget, ambiguous, "refresh job");
            FabricLog.Verbose($"No job appeared in the job list within {ErrorText.Seconds(_http.Options.ReconcileWindow)}, so the lost request never started one; sending it again.");
            resent = true;
        }
    }

    /// <summary>
    /// After a start was sent again: if the service skipped it (Deduped, or Cancelled at once) because a refresh of
    /// the lineage was already running, the first start did reach the service after all (or another refresh
    /// runs): that running refresh is the one this call stands for, and it is returned instead of the skipped one.
    /// </summary>
    private async Task<JobSubmission> FollowRunningIfSkippedAsync(JobSubmission submission, CancellationToken ct)
    {
        var ws = submission.WorkspaceId;
        var lh = submission.LakehouseId;
        MlvJobInstance resent;
        try
        {
            resent = await GetJobInstanceAsync(ws, lh, submission.JobInstanceId, ct).ConfigureAwait(false);
        }
        catch (FabricException ex)
        {
            FabricLog.Verbose($"Could not read job instance {submission.JobInstanceId} of the re-sent start ({ex.Message}); returning it as submitted.");
            return submission;
        }
        if (!JobStatus.IsSuperseded(resent.Status))
        {
            return submission;
        }
        // The lost first start's job runs and no call has returned it yet; of several, the earliest. The list may
        // lag behind the jobs (it did not show that job in time, or the start would not have been re-sent).
        MlvJobInstance? running;
        try
        {
            running = await FindInListAsync(() => ListJobInstancesAsync(ws, lh, StatusReadLimiter, ct),
                j => j.Id != resent.Id && j.IsRunning, j => j.Id, ct, maxItems: 100,
                preferEarliest: j => j.StartTimeUtc ?? DateTime.MaxValue).ConfigureAwait(false);
        }
        catch (FabricException ex)
        {
            FabricLog.Warning($"The re-sent start became job instance {resent.Id} ({resent.Status}), and the job list that would show the running refresh could not be read ({ex.Message}); returning the skipped job.");
            return submission;
        }
        if (running == null)
        {
            FabricLog.Warning($"The re-sent start became job instance {resent.Id} ({resent.Status}), but no running refresh of the lakehouse could be found to follow; returning the skipped job.");
            return submission;
        }
        FabricLog.Verbose($"The re-sent start became job instance {resent.Id} ({resent.Status}): refresh {running.Id} of the lineage was already running, so the first start did reach Fabric (or another refresh runs). Following {running.Id}.");
        var followed = Submission(ws, lh, running.Id);
        followed.Reconciled = true;
        return followed;
    }

    /// <summary>A job of this lakehouse, to be followed on the connected endpoint.</summary>
    private JobSubmission Submission(Guid workspaceId, Guid lakehouseId, Guid jobInstanceId) => new JobSubmission
    {
        JobInstanceId = jobInstanceId,
        WorkspaceId = workspaceId,
        LakehouseId = lakehouseId,
        Location = JobInstanceUrl(workspaceId, lakehouseId, jobInstanceId),
        SubmittedAt = _http.Time.GetUtcNow(),
    };

    /// <summary>
    /// The earliest startTimeUtc a job created by a request sent at <paramref name="sentLocal"/> (this machine's
    /// clock) can carry: that moment on the service's clock, as its latest Date header tells, minus a tolerance for
    /// the header's one-second resolution and the job service's own clock. It never relies on this machine's clock
    /// agreeing with the service's.
    /// </summary>
    internal DateTimeOffset JobClockFloor(DateTimeOffset sentLocal) => _http.ServerTimeAt(sentLocal) - ClockTolerance;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> SubmissionsInFlight =
        new System.Collections.Concurrent.ConcurrentDictionary<Guid, int>();

    private static void SubmissionStarted(Guid lakehouseId) => SubmissionsInFlight.AddOrUpdate(lakehouseId, 1, (_, n) => n + 1);

    private static void SubmissionEnded(Guid lakehouseId) => SubmissionsInFlight.AddOrUpdate(lakehouseId, 0, (_, n) => Math.Max(0, n - 1));

    private async Task WaitForOtherSubmissionsAsync(Guid lakehouseId, CancellationToken ct)
    {
        var time = _http.Time;
        var started = time.GetTimestamp();
        while (SubmissionsInFlight.TryGetValue(lakehouseId, out var n) && n > 0 && time.GetElapsedTime(started) < _http.Options.HttpTimeout)
        {
            await time.Delay(TimeSpan.FromMilliseconds(20), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The job id the answer's <c>Location</c> carries. The location itself is never followed: whatever host it
    /// names (a regional or private-link one), the job is read on the connected endpoint, so the token goes nowhere
    /// else. Null when there is no Location or it names no job instance.
    /// </summary>
    private JobSubmission? ReadSubmission(HttpResponseMessage response, Guid workspaceId, Guid lakehouseId, FabricRequest request)
    {
        var retryAfter = RetryAfterParser.Parse(response, _http.Time.GetUtcNow());
        var locationText = response.Headers.Location?.OriginalString ?? FabricHttp.HeaderValue(response, "Location");
        if (string.IsNullOrWhiteSpace(locationText))
        {
            return null;
        }

        var jobId = JobIdFromPath(locationText!);
        if (jobId == null)
        {
            return null;
        }

        if (Uri.TryCreate(locationText!.Trim(), UriKind.Absolute, out var named) && !UriGuard.IsAllowed(named, _http.BaseUri))
        {
            FabricLog.Verbose($"{request.Method.Method} {request.Path}: the answer's Location is on {named.Scheme}://{named.Authority}; " +
                              $"job instance {jobId} is followed on the connected endpoint instead.");
        }

        var submission = Submission(workspaceId, lakehouseId, jobId.Value);
        submission.RetryAfter = retryAfter;
        return submission;
    }

    private static Guid? JobIdFromPath(string text)
    {
        var path = text.Split('?', '#')[0].TrimEnd('/');
        var slash = path.LastIndexOf('/');
        var last = slash >= 0 ? path.Substring(slash + 1) : path;
        return Guid.TryParse(last, out var id) ? id : (Guid?)null;
    }

    /// <summary>
    /// The lakehouse's MLV refresh job instances, newest first, page by page. The spec lists a lakehouse's job
    /// instances of every type together (real lakehouses also run <c>TableMaintenance</c>) and has no job-type
    /// filter, so the filter is here: both labels (<c>RefreshMaterializedLakeViews</c>, <c>MaterializedLakeViews</c>)
    /// count as the MLV job; every other type, and an instance that names no type, is skipped.
    /// <para>The scheduler counts every page request as a job-status read (50 per minute per user), so each page
    /// takes a slot of the session's status-read limiter, shared with job waits: while slots are free a page goes
    /// at once; once they are used up the next page waits for one (paced instead of drawing 429s).</para>
    /// </summary>
    public FabricAsyncSequence<MlvJobInstance> ListJobInstancesAsync(Guid workspaceId, Guid lakehouseId, CancellationToken ct = default) =>
        new FabricAsyncSequence<MlvJobInstance>(ListJobInstancesAsync(workspaceId, lakehouseId, StatusReadLimiter, ct));

    internal async IAsyncEnumerable<MlvJobInstance> ListJobInstancesAsync(Guid workspaceId, Guid lakehouseId, RateLimiter? limiter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var scope = Scope(workspaceId, lakehouseId);
        await foreach (var dto in ListAsync(ItemJobInstancesUrl(workspaceId, lakehouseId), FabricJsonContext.Default.PageDtoJobInstanceDto,
                           (dto, m, p) => (Dto: dto, Method: m, Path: p), ct, limiter, isJobCall: true).ConfigureAwait(false))
        {
            if (MlvJobTypes.IsMlvRefresh(dto.Dto.JobType))
            {
                yield return Mapper.ToJobInstance(dto.Dto, scope, dto.Method, dto.Path);
            }
        }
    }

    public Task<MlvJobInstance> GetJobInstanceAsync(Guid workspaceId, Guid lakehouseId, Guid jobInstanceId, CancellationToken ct = default)
    {
        var scope = Scope(workspaceId, lakehouseId);
        var request = new FabricRequest(HttpMethod.Get, JobInstanceUrl(workspaceId, lakehouseId, jobInstanceId), SendMode.Idempotent)
        {
            IsJobCall = true,
            Limiter = StatusReadLimiter, // not waited for; a 429 here still closes the gate for the waits
        };
        return _http.SendAsync(request, async (r, t) =>
        {
            var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.JobInstanceDto, t).ConfigureAwait(false);
            return ReadAskedJob(dto, jobInstanceId, scope, request.Path);
        }, ct);
    }

    /// <summary>
    /// The job instance of an answer to a read of <paramref name="asked"/>: an answer without an id, or about another
    /// job, is a protocol error naming the job asked for (never taken as that job's status).
    /// </summary>
    private static MlvJobInstance ReadAskedJob(JobInstanceDto dto, Guid asked, LakehouseLocation scope, string path)
    {
        if (string.IsNullOrWhiteSpace(dto.Id))
        {
            throw new FabricProtocolException($"The service answered the read of job instance {asked} with a job instance without an id; the answer was not used.", "GET", path);
        }

        var instance = Mapper.ToJobInstance(dto, scope, "GET", path);
        if (instance.Id != asked)
        {
            throw new FabricProtocolException($"The service answered the read of job instance {asked} with another job instance ({instance.Id}); the answer was not used.", "GET", path);
        }

        return instance;
    }

    /// <summary>One status read for the waiter: paced by the caller, 429 thrown at once, Retry-After returned.</summary>
    internal Task<(MlvJobInstance Instance, TimeSpan? RetryAfter)> PollJobInstanceAsync(JobInstanceRef job, RateLimiter.Grant? grant, CancellationToken ct)
    {
        var scope = job.Lakehouse.WithNames(GetCachedWorkspaceName(job.WorkspaceId), GetCachedLakehouseName(job.LakehouseId));
        var request = new FabricRequest(HttpMethod.Get, JobInstanceUrl(job.WorkspaceId, job.LakehouseId, job.JobInstanceId), SendMode.Idempotent)
        {
            IsJobCall = true,
            Limiter = StatusReadLimiter,
            Grant = grant,
            WaitForLimiter = false,
            RetryThrottled = false,
        };
        return _http.SendAsync(request, async (r, t) =>
        {
            var retryAfter = RetryAfterParser.Parse(r, _http.Time.GetUtcNow());
            var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.JobInstanceDto, t).ConfigureAwait(false);
            return (ReadAskedJob(dto, job.JobInstanceId, scope, request.Path), retryAfter);
        }, ct);
    }

    /// <summary>
    /// Asks the service to cancel a job. Idempotent, so retried like a read. <c>JobAlreadyCompleted</c> on the
    /// first attempt is an error (the job had ended on its own); after an attempt whose answer was lost it means
    /// that attempt did the cancelling, and the result has <see cref="JobSubmission.AlreadyCompleted"/> set.
    /// </summary>
    public async Task<JobSubmission> CancelJobInstanceAsync(Guid workspaceId, Guid lakehouseId, Guid jobInstanceId, CancellationToken ct = default)
    {
        var budget = new RetryBudget(_http.Time);
        var request = new FabricRequest(HttpMethod.Post, CancelJobUrl(workspaceId, lakehouseId, jobInstanceId), SendMode.Idempotent)
        {
            IsJobCall = true,
        };
        try
        {
            var submission = await _http.SendAsync(request, (r, t) => Task.FromResult(ReadSubmission(r, workspaceId, lakehouseId, request)), budget, ct)
                .ConfigureAwait(false);
            if (submission != null)
            {
                return submission;
            }

            return Submission(workspaceId, lakehouseId, jobInstanceId);
        }
        catch (FabricApiException ex) when (budget.UncertainAttempts > 0 &&
                                            string.Equals(ex.ErrorCode, "JobAlreadyCompleted", StringComparison.OrdinalIgnoreCase))
        {
            FabricLog.Verbose($"POST {request.Path}: JobAlreadyCompleted after a retried attempt, so the earlier attempt cancelled it.");
            var cancelled = Submission(workspaceId, lakehouseId, jobInstanceId);
            cancelled.AlreadyCompleted = true;
            return cancelled;
        }
    }
}
