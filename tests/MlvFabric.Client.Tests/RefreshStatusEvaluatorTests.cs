using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Client.Http;
using MlvFabric.Client.Tests.Infrastructure;
using MlvFabric.Scheduling;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>The refresh-status verdicts, reasons, staleness limits and history paging (pure, no emulator).</summary>
public sealed class RefreshStatusEvaluatorTests
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static LakehouseLocation Lakehouse() => new LakehouseLocation(Guid.NewGuid(), "Sales", Guid.NewGuid(), "Gold");

    private static MlvJobInstance Job(string status, double endHoursAgo, double minutes = 5, string? code = null, string jobType = MlvJobTypes.RefreshMaterializedLakeViews)
    {
        var end = Now.UtcDateTime.AddHours(-endHoursAgo);
        return new MlvJobInstance
        {
            Id = Guid.NewGuid(),
            JobType = jobType,
            Status = status,
            InvokeType = JobInvokeType.Scheduled,
            StartTimeUtc = end.AddMinutes(-minutes),
            EndTimeUtc = JobStatus.IsTerminal(status) ? end : (DateTime?)null,
            FailureReason = code == null ? null : new FabricError { ErrorCode = code, Message = code + " happened" },
        };
    }

    private static MlvSchedule Hourly(bool enabled = true) => new MlvSchedule
    {
        Id = Guid.NewGuid(),
        Enabled = enabled,
        Configuration = new ScheduleConfiguration { Type = ScheduleTypes.Cron, Interval = 60, LocalTimeZoneId = "UTC", StartDateTime = "2026-01-01T00:00:00Z", EndDateTime = "2027-01-01T00:00:00Z" },
    };

    private static MlvRefreshStatus Evaluate(IEnumerable<MlvSchedule> schedules, TimeSpan? staleAfter, params MlvJobInstance[] newestFirst)
    {
        var evaluator = new RefreshStatusEvaluator(Now, staleAfter);
        var ended = true;
        foreach (var job in newestFirst)
        {
            if (!evaluator.Add(job))
            {
                ended = false;
                break;
            }
        }

        return evaluator.Complete(Lakehouse(), schedules, null, ended);
    }

    [Fact]
    public void HealthyWhenTheLastRunSucceededRecently()
    {
        var s = Evaluate(new[] { Hourly() }, null, Job("Completed", 0.5), Job("Failed", 1.5, code: "X"));
        Assert.Equal(MlvRefreshVerdict.Healthy, s.Verdict);
        Assert.Equal("last success 30m ago; next in 1h", s.Reason);
        Assert.Equal(TimeSpan.FromHours(2), s.StaleAfter);
        Assert.Equal(0, s.ConsecutiveFailures);
        Assert.True(s.IsHealthy);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 13, 0, 0, TimeSpan.Zero), s.NextRunTime);
        Assert.Equal("Every hour", s.ScheduleSummary);
    }

    [Fact]
    public void FailingCountsTheStreakSkipsSupersededRunsAndStopsAtTheSuccess()
    {
        var evaluator = new RefreshStatusEvaluator(Now);
        Assert.True(evaluator.Add(Job("Failed", 1, code: "MLV_REFRESH_CONFLICT")));
        Assert.True(evaluator.Add(Job("Deduped", 2)));
        Assert.True(evaluator.Add(Job("Failed", 3, code: "OLDER")));
        Assert.True(evaluator.Add(Job("Completed", 3, jobType: "TableMaintenance"))); // another job type: ignored
        Assert.False(evaluator.Add(Job("Completed", 4)));
        Assert.False(evaluator.Add(Job("Failed", 5, code: "NEVER_SEEN")));
        var s = evaluator.Complete(Lakehouse(), new[] { Hourly() }, null, historyEnded: false);

        Assert.Equal(MlvRefreshVerdict.Failing, s.Verdict);
        Assert.Equal(2, s.ConsecutiveFailures);
        Assert.Equal("MLV_REFRESH_CONFLICT", s.LastFailureCode);
        Assert.Equal("2 failed in a row: MLV_REFRESH_CONFLICT; last success 4h ago", s.Reason);
        Assert.Equal("Failed", s.LastRunStatus);
        Assert.Equal(TimeSpan.FromMinutes(5), s.LastRunDuration);
        Assert.False(s.HistoryExhausted);
    }

    [Fact]
    public void StaleWhenTheLastSuccessIsOlderThanTheLimit()
    {
        var s = Evaluate(new[] { Hourly() }, null, Job("Completed", 3));
        Assert.Equal(MlvRefreshVerdict.Stale, s.Verdict);
        Assert.Equal("last success 3h ago (limit 2h)", s.Reason);

        Assert.Equal(MlvRefreshVerdict.Healthy, Evaluate(new[] { Hourly() }, TimeSpan.FromHours(4), Job("Completed", 3)).Verdict);
    }

    [Fact]
    public void StaleWhenTheHistoryHasNoSuccessAtAll()
    {
        var s = Evaluate(new[] { Hourly() }, null, Job("Cancelled", 1), Job("Deduped", 2));
        Assert.Equal(MlvRefreshVerdict.Stale, s.Verdict);
        Assert.Equal("no success in history (2 runs skipped or cancelled)", s.Reason);
        Assert.True(s.HistoryExhausted);
    }

    [Fact]
    public void NeverRunNoScheduleAndRunning()
    {
        var never = Evaluate(new[] { Hourly() }, null);
        Assert.Equal(MlvRefreshVerdict.NeverRun, never.Verdict);
        Assert.Equal("scheduled, never ran; next in 1h", never.Reason);

        var none = Evaluate(new[] { Hourly(enabled: false) }, null);
        Assert.Equal(MlvRefreshVerdict.NoSchedule, none.Verdict);
        Assert.Equal("no enabled schedule, never ran", none.Reason);
        Assert.Empty(none.Schedules);

        var unscheduled = Evaluate(Array.Empty<MlvSchedule>(), null, Job("Completed", 30));
        Assert.Equal(MlvRefreshVerdict.NoSchedule, unscheduled.Verdict);
        Assert.Equal("no enabled schedule; last success 1d 6h ago", unscheduled.Reason);
        Assert.Null(unscheduled.StaleAfter);

        var running = Evaluate(new[] { Hourly() }, null, Job("InProgress", 0, minutes: 12), Job("Completed", 1));
        Assert.Equal(MlvRefreshVerdict.Running, running.Verdict);
        Assert.Equal("running 12m; last success 1h ago", running.Reason);
        Assert.True(running.IsHealthy);

        var paused = Evaluate(new[] { Hourly() }, null, Job("Paused", 0, minutes: 3)); // a status the client does not know
        Assert.Equal(MlvRefreshVerdict.Running, paused.Verdict);
        Assert.Equal("running 3m; first run", paused.Reason);
    }

    [Fact]
    public void VerdictsAreDeclaredWorstFirst()
    {
        Assert.Equal(
            new[] { MlvRefreshVerdict.Failing, MlvRefreshVerdict.Stale, MlvRefreshVerdict.NeverRun, MlvRefreshVerdict.NoSchedule, MlvRefreshVerdict.Running, MlvRefreshVerdict.Healthy },
            Enum.GetValues(typeof(MlvRefreshVerdict)).Cast<MlvRefreshVerdict>().OrderBy(v => (int)v).ToArray());
    }

    [Fact]
    public void StalenessLimitsFollowTheScheduleRhythm()
    {
        var now = Now.UtcDateTime;
        Assert.Equal(TimeSpan.FromMinutes(30), RefreshStatusEvaluator.ExpectedInterval(new ScheduleConfiguration { Type = "Cron", Interval = 15 }, now));
        Assert.Equal(TimeSpan.FromHours(25), RefreshStatusEvaluator.ExpectedInterval(new ScheduleConfiguration { Type = "Daily", Times = new[] { "02:00", "14:00" } }, now));
        var weekly = new ScheduleConfiguration
        {
            Type = "Weekly",
            Weekdays = new[] { "Monday" },
            Times = new[] { "06:00" },
            LocalTimeZoneId = "UTC",
            StartDateTime = "2026-01-01T00:00:00Z",
            EndDateTime = "2027-01-01T00:00:00Z",
        };
        Assert.Equal(TimeSpan.FromDays(7) + TimeSpan.FromHours(1), RefreshStatusEvaluator.ExpectedInterval(weekly, now));
        var ended = weekly.Clone();
        ended.EndDateTime = "2026-02-01T00:00:00Z";
        Assert.Null(RefreshStatusEvaluator.ExpectedInterval(ended, now));
    }

    [Fact]
    public void SpansReadShort()
    {
        Assert.Equal("45s", RefreshStatusEvaluator.Span(TimeSpan.FromSeconds(45)));
        Assert.Equal("12m", RefreshStatusEvaluator.Span(TimeSpan.FromMinutes(12.5)));
        Assert.Equal("3h", RefreshStatusEvaluator.Span(TimeSpan.FromHours(3)));
        Assert.Equal("3h 5m", RefreshStatusEvaluator.Span(new TimeSpan(3, 5, 0)));
        Assert.Equal("2d 3h", RefreshStatusEvaluator.Span(new TimeSpan(2, 3, 10, 0)));
        Assert.Equal("0s", RefreshStatusEvaluator.Span(TimeSpan.FromSeconds(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefreshStatusEvaluator(Now, TimeSpan.Zero));
    }

    [Fact]
    public void ReadPacingEstimateCountsWholeWindowsBeyondTheFreeSlots()
    {
        // On the test's clock, which stands still: a window is 60 s and a margin of 0.5 s.
        var clock = new TestClock();
        var limiter = new RateLimiter(2, TimeSpan.FromMinutes(1), clock);
        Assert.Equal(TimeSpan.Zero, limiter.EstimateWait(0));
        Assert.Equal(TimeSpan.Zero, limiter.EstimateWait(2));
        Assert.Equal(TimeSpan.FromSeconds(60.5), limiter.EstimateWait(3));
        Assert.Equal(TimeSpan.FromSeconds(121), limiter.EstimateWait(5));

        Assert.True(limiter.TryAcquire(out _));
        // One slot used: the second read goes now, the third waits for the used slot to free.
        Assert.Equal(TimeSpan.Zero, limiter.EstimateWait(1));
        Assert.Equal(TimeSpan.FromSeconds(60.5), limiter.EstimateWait(2));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(40.5), limiter.EstimateWait(2));

        Assert.Equal(TimeSpan.Zero, new RateLimiter(0, TimeSpan.FromMinutes(1)).EstimateWait(1000));
    }
}
