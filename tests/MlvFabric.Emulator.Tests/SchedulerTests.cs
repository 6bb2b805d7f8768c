using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Schedules fire at their configured instants under the controllable clock, DST included.</summary>
public sealed class SchedulerTests : EmulatorTest
{
    public SchedulerTests(EmulatorFixture fixture) : base(fixture) { }

    private string Schedules => $"{It(Sales, Bronze)}/jobs/{Mlv}/schedules";

    private async Task<List<string>> ScheduledStarts()
    {
        var jobs = MlvRuns(await Api.ListAllAsync($"{It(Sales, Bronze)}/jobs/instances"));
        return jobs.Where(j => j.GetProperty("invokeType").GetString() == "Scheduled")
            .Select(j => j.GetProperty("startTimeUtc").GetString()!)
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public async Task DailyInCentralTimeAcrossThe2026SpringForward()
    {
        await Api.SetClock("2026-03-05T12:00:00Z");
        (await Api.Post(Schedules, Bodies.Daily(new[] { "09:00", "02:30" }, "2026-03-06T00:00:00", "2026-03-12T00:00:00"))).AssertStatus(201);
        Assert.Empty(await ScheduledStarts());
        await Api.AdvanceMinutes((new DateTime(2026, 3, 11) - new DateTime(2026, 3, 5, 12, 0, 0)).TotalMinutes);
        Assert.Equal(new[]
        {
            "2026-03-06T08:30:00.0000000", "2026-03-06T15:00:00.0000000", // CST = UTC-6
            "2026-03-07T08:30:00.0000000", "2026-03-07T15:00:00.0000000",
            "2026-03-08T08:00:00.0000000", // 02:30 does not exist on 8 March: runs when the clock jumps to 03:00 CDT
            "2026-03-08T14:00:00.0000000", // CDT = UTC-5
            "2026-03-09T07:30:00.0000000", "2026-03-09T14:00:00.0000000",
            "2026-03-10T07:30:00.0000000", "2026-03-10T14:00:00.0000000",
        }, await ScheduledStarts());
    }

    [Fact]
    public async Task WeeklyInCentralTimeAcrossThe2026SpringForward()
    {
        await Api.SetClock("2026-02-28T00:00:00Z");
        (await Api.Post(Schedules, Bodies.Weekly(new[] { "Saturday", "Monday" }, new[] { "10:00" }, "2026-03-01T00:00:00", "2026-03-20T00:00:00"))).AssertStatus(201);
        for (var day = 0; day < 17; day++)
        {
            await Api.AdvanceMinutes(24 * 60);
        }

        Assert.Equal(new[]
        {
            "2026-03-02T16:00:00.0000000", "2026-03-07T16:00:00.0000000",
            "2026-03-09T15:00:00.0000000", "2026-03-14T15:00:00.0000000", "2026-03-16T15:00:00.0000000",
        }, await ScheduledStarts());
        var job = (await Api.ListAllAsync($"{It(Sales, Bronze)}/jobs/instances")).First();
        var detail = await Api.JobDetailAsync(Guid.Parse(job.GetProperty("id").GetString()!));
        Assert.Equal("2026-03-16T15:00:00.0000000Z", detail.GetProperty("scheduledOccurrenceUtc").GetString());
    }

    [Fact]
    public async Task CronFiresEveryIntervalBetweenStartAndEnd()
    {
        await Api.SetClock("2030-01-01T00:00:00Z");
        (await Api.Post(Schedules, Bodies.Cron(30, "2030-01-01T00:10:00Z", "2030-01-01T01:45:00Z"))).AssertStatus(201);
        var fired = await Api.AdvanceMinutes(120);
        Assert.Equal(4, fired.GetProperty("jobsFired").GetInt32());
        Assert.Equal(new[] { "2030-01-01T00:10:00.0000000", "2030-01-01T00:40:00.0000000", "2030-01-01T01:10:00.0000000", "2030-01-01T01:40:00.0000000" },
            await ScheduledStarts());
    }

    [Fact]
    public async Task AStartInThePastRunsAtOnceAndDisabledSchedulesDoNotFire()
    {
        await Api.SetClock("2030-06-01T12:00:00Z");
        (await Api.Post(Schedules, Bodies.Cron(60, "2030-06-01T11:30:00Z", "2030-06-02T00:00:00Z"))).AssertStatus(201);
        var starts = await ScheduledStarts();
        Assert.Single(starts);
        Assert.StartsWith("2030-06-01T12:00:0", starts[0]);

        Server.Reset();
        await Api.SetClock("2030-06-01T12:00:00Z");
        var off = (await Api.Post(Schedules, Bodies.Cron(10, "2030-06-01T11:30:00Z", "2030-06-02T00:00:00Z", enabled: false))).AssertStatus(201).Json;
        await Api.AdvanceMinutes(60);
        Assert.Empty(await ScheduledStarts());
        // Enabling it: the start is past, so it runs at once, then every 10 minutes on the start's grid.
        (await Api.Patch($"{Schedules}/{off.GetProperty("id").GetString()}", Bodies.Cron(10, "2030-06-01T11:30:00Z", "2030-06-02T00:00:00Z"))).AssertStatus(200);
        await Api.AdvanceMinutes(25);
        Assert.Equal(3, (await ScheduledStarts()).Count);
    }

    [Fact]
    public async Task ADeletedScheduleStopsFiring()
    {
        await Api.SetClock("2030-01-01T00:00:00Z");
        var id = (await Api.Post(Schedules, Bodies.Cron(10, "2030-01-01T00:05:00Z", "2030-01-02T00:00:00Z"))).AssertStatus(201).Json.GetProperty("id").GetString();
        await Api.AdvanceMinutes(10);
        (await Api.Delete($"{Schedules}/{id}")).AssertStatus(200);
        await Api.AdvanceMinutes(60);
        Assert.Single(await ScheduledStarts());
    }
    [Fact]
    public async Task MonthlyOnThe31stSkipsShorterMonths()
    {
        await Api.SetClock("2026-12-31T00:00:00Z");
        (await Api.Post(Schedules, new
        {
            enabled = true,
            configuration = new
            {
                type = "Monthly",
                startDateTime = "2027-01-01T00:00:00Z",
                endDateTime = "2027-06-01T00:00:00Z",
                localTimeZoneId = "UTC",
                recurrence = 1,
                occurrence = new { occurrenceType = "DayOfMonth", dayOfMonth = 31 },
                times = new[] { "06:00" },
            },
        })).AssertStatus(201);
        await Api.AdvanceMinutes((new DateTime(2027, 6, 2) - new DateTime(2026, 12, 31)).TotalMinutes);
        Assert.Equal(new[] { "2027-01-31T06:00:00.0000000", "2027-03-31T06:00:00.0000000", "2027-05-31T06:00:00.0000000" }, await ScheduledStarts());
    }

    [Fact]
    public async Task OneEnabledSchedulePerScopeCanBeEnforced()
    {
        (await Api.Post(Schedules, Bodies.Cron())).AssertStatus(201);
        (await Api.Post(Schedules, Bodies.Cron())).AssertStatus(201);
        Server.Reset();
        await Api.Settings(new { enforceOneSchedulePerScope = true });
        (await Api.Post(Schedules, Bodies.Cron())).AssertStatus(201);
        (await Api.Post(Schedules, Bodies.Cron())).AssertError(409, "ConflictingRequest");
        (await Api.Post(Schedules, Bodies.Cron(enabled: false))).AssertStatus(201);
    }
}
