using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Json;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

public sealed partial class FabricClient
{
    // The spec's core job-scheduler schedule operations: the only family that defines every verb (the lakehouse
    // family has no GET of schedules).
    private Uri SchedulesUrl(Guid ws, Guid lh) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/{JobTypeSegment}/schedules");

    private Uri ScheduleUrl(Guid ws, Guid lh, Guid id) => _http.Url($"workspaces/{ws}/items/{lh}/jobs/{JobTypeSegment}/schedules/{id}");

    public FabricAsyncSequence<MlvSchedule> ListSchedulesAsync(Guid workspaceId, Guid lakehouseId, CancellationToken ct = default)
    {
        var scope = Scope(workspaceId, lakehouseId);
        return new FabricAsyncSequence<MlvSchedule>(ListAsync(SchedulesUrl(workspaceId, lakehouseId), FabricJsonContext.Default.PageDtoScheduleDto,
            (dto, m, p) => Mapper.ToSchedule(dto, scope, m, p), ct, isJobCall: true));
    }

    public Task<MlvSchedule> GetScheduleAsync(Guid workspaceId, Guid lakehouseId, Guid scheduleId, CancellationToken ct = default)
    {
        var scope = Scope(workspaceId, lakehouseId);
        return GetAsync(ScheduleUrl(workspaceId, lakehouseId, scheduleId), FabricJsonContext.Default.ScheduleDto,
            (dto, m, p) => Mapper.ToSchedule(dto, scope, m, p), ct);
    }

    /// <summary>
    /// Creates a schedule. The POST is not idempotent (a second one makes a second schedule), so it is sent again
    /// only when the first provably did nothing. When the answer is lost (dropped connection, timeout, 5xx,
    /// truncated body), the lakehouse's schedules are compared with the ids listed just before the POST: a new
    /// schedule with the same enabled flag, configuration and execution definition is the one this call made and is
    /// returned (configurations compared as values, <see cref="ScheduleEquivalence"/>: the service normalises how
    /// date-times and times are written); if none appears within <see cref="FabricConnectionOptions.ReconcileWindow"/> the service never
    /// stored it (the API stores a schedule before answering 201) and the POST is sent again.
    /// </summary>
    public async Task<MlvSchedule> CreateScheduleAsync(Guid workspaceId, Guid lakehouseId, ScheduleRequest request, CancellationToken ct = default)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.Configuration == null)
        {
            throw new ArgumentException("The schedule needs a configuration.", nameof(request));
        }

        var scope = Scope(workspaceId, lakehouseId);
        var uri = SchedulesUrl(workspaceId, lakehouseId);
        var body = Serialize(ToDto(request), FabricJsonContext.Default.ScheduleRequestDto);

        // Ids before the POST (at most 20 per lakehouse): what "new" means if the answer is lost.
        var before = new HashSet<Guid>();
        await foreach (var s in ListSchedulesAsync(workspaceId, lakehouseId, ct).ConfigureAwait(false))
        {
            before.Add(s.Id);
        }

        var budget = new RetryBudget(_http.Time);
        while (true)
        {
            var post = new FabricRequest(HttpMethod.Post, uri, SendMode.NotIdempotent) { Body = body, IsJobCall = true };
            try
            {
                var created = await _http.SendAsync(post, async (r, t) =>
                {
                    var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.ScheduleDto, t).ConfigureAwait(false);
                    return Mapper.ToSchedule(dto, scope, "POST", post.Path);
                }, budget, ct).ConfigureAwait(false);
                TryClaim(created.Id);
                return created;
            }
            catch (AmbiguousOutcomeException ambiguous)
            {
                FabricLog.Verbose($"The answer to POST {post.Path} was lost ({ambiguous.Message}); checking the schedule list instead of sending it again, so that no schedule is created twice.");
                var found = await ReconcileAsync(
                    () => ListSchedulesAsync(workspaceId, lakehouseId, ct),
                    s => !before.Contains(s.Id) && s.Enabled == request.Enabled && s.ExecutionDefinitionId == request.ExecutionDefinitionId &&
                         ScheduleEquivalence.AreEquivalent(s.Configuration, request.Configuration),
                    s => s.Id, "schedule", post, ambiguous, ct).ConfigureAwait(false);
                if (found != null)
                {
                    FabricLog.Verbose($"Found the schedule {found.Id} that the lost POST created; using it.");
                    return found;
                }
                EnsureCanResend(post, budget, ambiguous, "schedule");
                FabricLog.Verbose($"No new matching schedule appeared, so the POST never took effect; sending it again.");
            }
        }
    }

    /// <summary>
    /// Replaces the schedule's settings (the API wants <c>enabled</c> and a complete configuration). Idempotent:
    /// retried freely. <see cref="ScheduleRequest.ExecutionDefinitionId"/> links the schedule to that definition;
    /// null sends no <c>executionData</c>, which keeps whatever the schedule runs: the spec has no way to unlink a
    /// definition from a schedule (create a new schedule instead).
    /// </summary>
    public Task<MlvSchedule> UpdateScheduleAsync(Guid workspaceId, Guid lakehouseId, Guid scheduleId, ScheduleRequest request, CancellationToken ct = default)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (request.Configuration == null)
        {
            throw new ArgumentException("The schedule needs a complete configuration (the API replaces it).", nameof(request));
        }

        var scope = Scope(workspaceId, lakehouseId);
        var patch = new FabricRequest(Patch, ScheduleUrl(workspaceId, lakehouseId, scheduleId), SendMode.Idempotent)
        {
            Body = Serialize(new ScheduleUpdateRequestDto
            {
                Enabled = request.Enabled,
                Configuration = request.Configuration,
                ExecutionData = ToExecutionData(request.ExecutionDefinitionId),
            }, FabricJsonContext.Default.ScheduleUpdateRequestDto),
            IsJobCall = true,
        };
        return _http.SendAsync(patch, async (r, t) =>
        {
            var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.ScheduleDto, t).ConfigureAwait(false);
            return Mapper.ToSchedule(dto, scope, "PATCH", patch.Path);
        }, ct);
    }

    /// <summary>Deletes the schedule. A 404 after an attempt whose answer was lost means that attempt deleted it: success.</summary>
    public Task DeleteScheduleAsync(Guid workspaceId, Guid lakehouseId, Guid scheduleId, CancellationToken ct = default) =>
        DeleteAsync(ScheduleUrl(workspaceId, lakehouseId, scheduleId), true, ct);

    private async Task DeleteAsync(Uri uri, bool isJobCall, CancellationToken ct)
    {
        var budget = new RetryBudget(_http.Time);
        var delete = new FabricRequest(HttpMethod.Delete, uri, SendMode.Idempotent) { IsJobCall = isJobCall };
        try
        {
            await _http.SendAsync(delete, (r, t) => Task.FromResult(true), budget, ct).ConfigureAwait(false);
        }
        catch (FabricApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && budget.UncertainAttempts > 0)
        {
            FabricLog.Verbose($"DELETE {delete.Path}: 404 after a retried attempt, so the earlier attempt deleted it.");
        }
    }

    private static ScheduleRequestDto ToDto(ScheduleRequest request) => new ScheduleRequestDto
    {
        Enabled = request.Enabled,
        Configuration = request.Configuration,
        ExecutionData = ToExecutionData(request.ExecutionDefinitionId),
    };

    private static ExecutionDataDto? ToExecutionData(Guid? executionDefinitionId) =>
        executionDefinitionId is Guid id ? new ExecutionDataDto { MlvExecutionDefinitionId = id.ToString() } : null;

    /// <summary>
    /// Looks for what a lost POST created: lists, picks the first item that matches and that no other call of this
    /// client has claimed, re-checking until <see cref="FabricConnectionOptions.ReconcileWindow"/> has passed.
    /// Null when nothing appeared. If the list itself cannot be read, the outcome stays unknown and the error says so
    /// (the POST is never re-sent blind).
    /// </summary>
    private async Task<T?> ReconcileAsync<T>(Func<IAsyncEnumerable<T>> list, Func<T, bool> matches, Func<T, Guid> id,
        string what, FabricRequest post, AmbiguousOutcomeException cause, CancellationToken ct, int maxItems = 500,
        Func<T, DateTime>? preferEarliest = null) where T : class
    {
        try
        {
            return await FindInListAsync(list, matches, id, ct, maxItems, preferEarliest).ConfigureAwait(false);
        }
        catch (FabricException ex)
        {
            throw new FabricConnectionException(
                $"{post.Method.Method} {post.Path} may or may not have created the {what}: its answer was lost ({cause.Message}), and the list that would tell could not be read ({ex.Message}). " +
                $"Check the lakehouse's {what}s before trying again.",
                post.Method.Method, post.Path, ex, outcomeUnknown: true);
        }
    }

    /// <summary>
    /// Reads the list until an item that matches and that no other call of this client has claimed appears (claimed
    /// now), re-reading with growing pauses for <see cref="FabricConnectionOptions.ReconcileWindow"/>: lists may lag
    /// behind what was just created. Null when nothing appeared; a list that cannot be read throws.
    /// </summary>
    private async Task<T?> FindInListAsync<T>(Func<IAsyncEnumerable<T>> list, Func<T, bool> matches, Func<T, Guid> id,
        CancellationToken ct, int maxItems, Func<T, DateTime>? preferEarliest) where T : class
    {
        var window = _http.Options.ReconcileWindow;
        var time = _http.Time;
        var started = time.GetTimestamp();
        var round = 0;
        while (true)
        {
            round++;
            var scanned = 0;
            var candidates = new List<T>();
            await foreach (var item in list().ConfigureAwait(false))
            {
                if (++scanned > maxItems)
                {
                    break;
                }

                if (!matches(item) || IsClaimed(id(item)))
                {
                    continue;
                }

                if (preferEarliest == null)
                {
                    if (TryClaim(id(item)))
                    {
                        return item;
                    }

                    continue;
                }
                candidates.Add(item);
            }
            // Of several candidates, the one stamped closest to the submission (the earliest) is ours; later
            // ones are more likely other callers' whose answers are still on their way.
            if (preferEarliest != null)
            {
                foreach (var item in candidates.OrderBy(preferEarliest))
                {
                    if (TryClaim(id(item)))
                    {
                        return item;
                    }
                }
            }

            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= window)
            {
                return null;
            }

            var pause = TimeSpan.FromMilliseconds(Math.Min(500 * round, (window - elapsed).TotalMilliseconds));
            await time.Delay(pause, ct).ConfigureAwait(false);
        }
    }

    private void EnsureCanResend(FabricRequest post, RetryBudget budget, AmbiguousOutcomeException cause, string what)
    {
        if (budget.Attempts >= _http.Options.MaxAttempts || budget.Elapsed >= _http.Options.MaxRetryDuration)
        {
            throw new FabricConnectionException(
                $"{post.Method.Method} {post.Path} failed ({cause.Message}); no {what} was created. Gave up after {budget.Attempts} attempt(s) over {ErrorText.Seconds(budget.Elapsed)}.",
                post.Method.Method, post.Path, cause.InnerException, budget.Attempts, cause.Status);
        }
    }

    // Ids returned from a create or a job start by any client in this process: a reconciliation never hands out
    // one that another call already returned (ids are GUIDs, so one process-wide set serves every session).
    private static readonly object ClaimLock = new object();
    private static readonly HashSet<Guid> Claimed = new HashSet<Guid>();
    private static readonly Queue<Guid> ClaimOrder = new Queue<Guid>();

    internal static bool TryClaim(Guid id)
    {
        lock (ClaimLock)
        {
            if (!Claimed.Add(id))
            {
                return false;
            }

            ClaimOrder.Enqueue(id);
            if (ClaimOrder.Count > 100000)
            {
                Claimed.Remove(ClaimOrder.Dequeue());
            }

            return true;
        }
    }

    internal static bool IsClaimed(Guid id)
    {
        lock (ClaimLock)
        {
            return Claimed.Contains(id);
        }
    }
}
