using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

/// <summary>
/// Computes one lakehouse's <see cref="MlvRefreshStatus"/> from its schedules and its job history. The history is
/// fed newest first, one instance at a time; <see cref="NeedsMore"/> says whether another page is worth reading
/// (only until the last success is found). No I/O, no PowerShell.
/// </summary>
public sealed class RefreshStatusEvaluator
{
    /// <summary>Daily schedules: a success is due at most 25 hours after the previous one.</summary>
    public static readonly TimeSpan DailyStaleAfter = TimeSpan.FromHours(25);

    private readonly DateTimeOffset _now;
    private readonly TimeSpan? _staleAfter;
    private MlvJobInstance? _lastRun;
    private MlvJobInstance? _lastSuccess;
    private MlvJobInstance? _lastFailure;
    private MlvJobInstance? _running;
    private int _failures;
    private int _runs;

    /// <param name="now">The service's time to judge against.</param>
    /// <param name="staleAfter">A fixed staleness limit (-StaleAfter); null: from the enabled schedules.</param>
    public RefreshStatusEvaluator(DateTimeOffset now, TimeSpan? staleAfter = null)
    {
        if (staleAfter is TimeSpan s && s <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), "The staleness limit must be positive.");
        }

        _now = now;
        _staleAfter = staleAfter;
    }

    /// <summary>True until the last successful refresh has been seen: the next page of history may matter.</summary>
    public bool NeedsMore => _lastSuccess == null;

    /// <summary>Adds the next (older) job instance; non-MLV job types are ignored. Returns <see cref="NeedsMore"/>.</summary>
    public bool Add(MlvJobInstance job)
    {
        if (job == null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        if (job.JobType != null && !MlvJobTypes.IsMlvRefresh(job.JobType))
        {
            return NeedsMore;
        }

        if (!NeedsMore)
        {
            return false;
        }

        _runs++;
        _lastRun ??= job;
        if (!JobStatus.IsTerminal(job.Status))
        {
            // Running, or a status this client does not know: not finished either way.
            _running ??= job;
        }
        else if (JobStatus.Is(job.Status, JobStatus.Completed))
        {
            _lastSuccess = job;
        }
        else if (JobStatus.Is(job.Status, JobStatus.Failed))
        {
            _failures++;
            _lastFailure ??= job;
        }
        // Cancelled / Deduped: superseded or cancelled by a person; neither success nor failure.
        return NeedsMore;
    }

    /// <summary>The verdict for a lakehouse with these schedules (all of them; disabled ones are left out).</summary>
    /// <param name="lakehouse">The lakehouse the status is of.</param>
    /// <param name="schedules"></param>
    /// <param name="executionDefinitionNames"></param>
    /// <param name="historyEnded">True when the whole history was read (no success in it, if <see cref="NeedsMore"/>).</param>
    public MlvRefreshStatus Complete(LakehouseLocation lakehouse, IEnumerable<MlvSchedule> schedules,
        IReadOnlyDictionary<Guid, string>? executionDefinitionNames = null, bool historyEnded = true)
    {
        var enabled = (schedules ?? Enumerable.Empty<MlvSchedule>())
            .Where(s => s.Enabled)
            .Select(s => Describe(s, _now, executionDefinitionNames))
            .ToList();
        var status = lakehouse.Label(new MlvRefreshStatus
        {
            Schedules = enabled,
            NextRunTime = enabled.Where(s => s.NextRunTime != null).Select(s => s.NextRunTime).OrderBy(t => t).FirstOrDefault(),
            LastRun = _lastRun,
            LastRunDuration = DurationOf(_lastRun),
            ConsecutiveFailures = _failures,
            LastFailureCode = _lastFailure?.FailureReason?.ErrorCode,
            LastFailureMessage = _lastFailure?.FailureReason?.Message,
            HistoryExhausted = historyEnded && _lastSuccess == null,
            CheckedAt = _now,
        });
        if (_lastSuccess != null)
        {
            var end = _lastSuccess.EndTimeUtc ?? _lastSuccess.StartTimeUtc;
            if (end is DateTime e)
            {
                status.LastSuccessEnd = new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc));
                var since = _now - status.LastSuccessEnd.Value;
                status.SinceLastSuccess = since < TimeSpan.Zero ? TimeSpan.Zero : since;
            }
        }
        status.StaleAfter = _staleAfter ?? enabled.Where(s => s.ExpectedInterval != null).Select(s => s.ExpectedInterval).OrderBy(t => t).FirstOrDefault();
        Judge(status, enabled.Count > 0);
        return status;
    }

    private void Judge(MlvRefreshStatus s, bool scheduled)
    {
        var success = s.SinceLastSuccess is TimeSpan ago ? $"last success {Span(ago)} ago" : null;
        var running = _running != null ? $"running {Span(DurationOf(_running) ?? TimeSpan.Zero)}" : null;
        if (_lastRun == null)
        {
            if (scheduled)
            {
                s.Verdict = MlvRefreshVerdict.NeverRun;
                s.Reason = "scheduled, never ran" + (s.NextRunTime is DateTimeOffset next ? $"; next in {Span(next - _now)}" : "; no run left in the schedule");
            }
            else
            {
                s.Verdict = MlvRefreshVerdict.NoSchedule;
                s.Reason = "no enabled schedule, never ran";
            }
            return;
        }
        if (_failures > 0)
        {
            s.Verdict = MlvRefreshVerdict.Failing;
            var code = s.LastFailureCode ?? "no failure code";
            s.Reason = (_failures == 1 ? "last run failed" : $"{_failures} failed in a row") + ": " + code
                + (running != null ? "; " + running : "")
                + (success == null ? (s.HistoryExhausted ? "; no success in history" : "") : "; " + success);
            return;
        }
        if (_lastSuccess == null && _running == null)
        {
            s.Verdict = MlvRefreshVerdict.Stale;
            s.Reason = $"no success in history ({_runs} run{(_runs == 1 ? "" : "s")} skipped or cancelled)";
            return;
        }
        if (s.StaleAfter is TimeSpan limit && s.SinceLastSuccess is TimeSpan since && since > limit)
        {
            s.Verdict = MlvRefreshVerdict.Stale;
            s.Reason = $"{success} (limit {Span(limit)})" + (running != null ? "; " + running : "");
            return;
        }
        if (!scheduled)
        {
            s.Verdict = MlvRefreshVerdict.NoSchedule;
            s.Reason = "no enabled schedule; " + (running ?? success ?? "never succeeded");
            return;
        }
        if (_running != null)
        {
            s.Verdict = MlvRefreshVerdict.Running;
            s.Reason = running + (success != null ? "; " + success : "; first run");
            return;
        }
        s.Verdict = MlvRefreshVerdict.Healthy;
        s.Reason = success + (s.NextRunTime is DateTimeOffset n ? $"; next in {Span(n - _now)}" : "; no run left in the schedule");
    }

    private TimeSpan? DurationOf(MlvJobInstance? job)
    {
        if (job?.StartTimeUtc is not DateTime start)
        {
            return null;
        }

        var startUtc = new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc));
        if (job.EndTimeUtc is DateTime end)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)) - startUtc;
        }

        if (JobStatus.IsTerminal(job.Status))
        {
            return null;
        }

        var d = _now - startUtc;
        return d < TimeSpan.Zero ? TimeSpan.Zero : d;
    }

    /// <summary>An enabled schedule as the health view shows it: summary, definition name, next run, expected interval.</summary>
    public static MlvRefreshStatusSchedule Describe(MlvSchedule schedule, DateTimeOffset now, IReadOnlyDictionary<Guid, string>? executionDefinitionNames = null)
    {
        string? definitionName = null;
        if (schedule.ExecutionDefinitionId is Guid d && executionDefinitionNames != null)
        {
            executionDefinitionNames.TryGetValue(d, out definitionName);
        }

        var next = schedule.GetNextRunTimes(now.UtcDateTime, 1);
        return new MlvRefreshStatusSchedule
        {
            Id = schedule.Id,
            Summary = schedule.Summary,
            TimeZone = schedule.TimeZone,
            ExecutionDefinitionId = schedule.ExecutionDefinitionId,
            ExecutionDefinitionName = definitionName,
            NextRunTime = next.Count > 0 ? new DateTimeOffset(DateTime.SpecifyKind(next[0], DateTimeKind.Utc)) : (DateTimeOffset?)null,
            ExpectedInterval = schedule.Configuration == null ? null : ExpectedInterval(schedule.Configuration, now.UtcDateTime),
        };
    }

    /// <summary>
    /// The default staleness limit of a schedule: twice the interval of a Cron (every N minutes) schedule; 25 hours
    /// for a Daily one; for Weekly and Monthly the longest gap between two of its coming runs plus one hour (as 24 + 1
    /// for a day). Null when the schedule has no runs left or cannot be read.
    /// </summary>
    public static TimeSpan? ExpectedInterval(ScheduleConfiguration configuration, DateTime nowUtc)
    {
        if (configuration == null)
        {
            return null;
        }

        if (string.Equals(configuration.Type, ScheduleTypes.Cron, StringComparison.OrdinalIgnoreCase))
        {
            return configuration.Interval is int minutes && minutes > 0 ? TimeSpan.FromMinutes(2.0 * minutes) : (TimeSpan?)null;
        }

        if (string.Equals(configuration.Type, ScheduleTypes.Daily, StringComparison.OrdinalIgnoreCase))
        {
            return DailyStaleAfter;
        }

        IReadOnlyList<DateTime> runs;
        try
        {
            runs = ScheduleCalculator.NextRuns(configuration, nowUtc, 16);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (runs.Count < 2)
        {
            return null;
        }

        var longest = TimeSpan.Zero;
        for (var i = 1; i < runs.Count; i++)
        {
            if (runs[i] - runs[i - 1] > longest)
            {
                longest = runs[i] - runs[i - 1];
            }
        }

        return longest + TimeSpan.FromHours(1);
    }

    /// <summary>"2d 3h", "3h 12m", "12m", "45s".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var c = CultureInfo.InvariantCulture;
        if (span.TotalDays >= 1)
        {
            return span.Hours == 0 ? $"{((int)span.TotalDays).ToString(c)}d" : $"{((int)span.TotalDays).ToString(c)}d {span.Hours.ToString(c)}h";
        }

        if (span.TotalHours >= 1)
        {
            return span.Minutes == 0 ? $"{span.Hours.ToString(c)}h" : $"{span.Hours.ToString(c)}h {span.Minutes.ToString(c)}m";
        }

        if (span.TotalMinutes >= 1)
        {
            return $"{span.Minutes.ToString(c)}m";
        }

        return $"{span.Seconds.ToString(c)}s";
    }
}
