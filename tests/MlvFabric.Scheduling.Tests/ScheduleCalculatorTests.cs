using System;
using System.Linq;
using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

// Expected instants are hand-computed. US DST 2026: starts Sun 2026-03-08 02:00 CST (-6) -> 03:00 CDT (-5),
// ends Sun 2026-11-01 02:00 CDT -> 01:00 CST.
public class ScheduleCalculatorTests
{
    private static DateTime[] All(ScheduleConfiguration config, string after = "2000-01-01T00:00:00Z") =>
        ScheduleCalculator.Occurrences(config, At(after)).ToArray();

    [Fact]
    public void DailyAcrossSpringForwardMovesOneHourEarlierInUtc()
    {
        var config = Daily(new[] { "09:00" }, "2026-03-06T00:00:00", "2026-03-10T23:59:00", Central);
        Assert.Equal(Utc("2026-03-06T15:00:00Z", "2026-03-07T15:00:00Z",
                         "2026-03-08T14:00:00Z", "2026-03-09T14:00:00Z", "2026-03-10T14:00:00Z"), All(config));
    }

    [Fact]
    public void DailyAcrossFallBackMovesOneHourLaterInUtc()
    {
        var config = Daily(new[] { "09:00" }, "2026-10-30T00:00:00", "2026-11-02T23:59:00", Central);
        Assert.Equal(Utc("2026-10-30T14:00:00Z", "2026-10-31T14:00:00Z",
                         "2026-11-01T15:00:00Z", "2026-11-02T15:00:00Z"), All(config));
    }

    [Fact]
    public void SlotInSpringForwardGapFiresWhenTheClockJumps()
    {
        var config = Daily(new[] { "02:30" }, "2026-03-07T00:00:00", "2026-03-09T23:59:00", Central);
        // Mar 7 02:30 CST = 08:30Z; Mar 8 02:30 does not exist -> 03:00 CDT = 08:00Z; Mar 9 02:30 CDT = 07:30Z.
        Assert.Equal(Utc("2026-03-07T08:30:00Z", "2026-03-08T08:00:00Z", "2026-03-09T07:30:00Z"), All(config));
    }

    [Fact]
    public void SlotsThatLandOnTheSameInstantInAGapFireOnce()
    {
        var config = Daily(new[] { "03:00", "02:45", "02:15" }, "2026-03-08T00:00:00", "2026-03-08T23:59:00", Central);
        Assert.Equal(Utc("2026-03-08T08:00:00Z"), All(config));
    }

    [Fact]
    public void SlotInRepeatedFallBackHourFiresOnceAtFirstOccurrence()
    {
        var config = Daily(new[] { "01:30" }, "2026-10-31T00:00:00", "2026-11-02T23:59:00", Central);
        // Oct 31 01:30 CDT = 06:30Z; Nov 1 01:30 happens at 06:30Z (CDT) and 07:30Z (CST): only the first;
        // Nov 2 01:30 CST = 07:30Z.
        Assert.Equal(Utc("2026-10-31T06:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T07:30:00Z"), All(config));
    }

    [Fact]
    public void GapOfHalfAnHourFiresAtTheJump()
    {
        // Lord Howe (+10:30 -> +11:00) jumps 02:00 -> 02:30 on 2026-10-04, i.e. at 2026-10-03T15:30Z.
        var config = Daily(new[] { "02:15" }, "2026-10-04T00:00:00", "2026-10-04T23:00:00", "Lord Howe Standard Time");
        Assert.Equal(Utc("2026-10-03T15:30:00Z"), All(config));
    }

    [Fact]
    public void WeeklyUsesLocalWeekdaysAcrossSpringForward()
    {
        // 2026-03-01 is a Sunday. Weekdays out of order and in other casing.
        var config = Weekly(new[] { "wednesday", "Monday" }, new[] { "09:00" }, "2026-03-01T00:00:00", "2026-03-14T00:00:00", Central);
        Assert.Equal(Utc("2026-03-02T15:00:00Z", "2026-03-04T15:00:00Z", "2026-03-09T14:00:00Z", "2026-03-11T14:00:00Z"),
            All(config));
    }

    [Fact]
    public void WeeklyWeekdayIsTheLocalDateNotTheUtcDate()
    {
        // Monday 20:00 CST is Tuesday 02:00Z.
        var config = Weekly(new[] { "Monday" }, new[] { "20:00" }, "2026-02-01T00:00:00Z", "2026-02-10T00:00:00Z", Central);
        Assert.Equal(Utc("2026-02-03T02:00:00Z"), All(config));
    }

    [Fact]
    public void WeeklyTimesSortedWithinADay()
    {
        var config = Weekly(new[] { "Tuesday" }, new[] { "17:00", "09:00" }, "2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
        Assert.Equal(Utc("2026-03-03T09:00:00Z", "2026-03-03T17:00:00Z"), All(config));
    }

    [Fact]
    public void CronEvery90MinutesFromStart()
    {
        var config = Cron(90, "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z");
        Assert.Equal(Utc("2026-03-01T00:00:00Z", "2026-03-01T01:30:00Z", "2026-03-01T03:00:00Z"),
            ScheduleCalculator.NextRuns(config, At("2026-02-01T00:00:00Z"), 3));
        Assert.Equal(Utc("2026-03-01T03:00:00Z", "2026-03-01T04:30:00Z"),
            ScheduleCalculator.NextRuns(config, At("2026-03-01T02:00:00Z"), 2));
        // Strictly after: a run exactly at afterUtc is not returned.
        Assert.Equal(Utc("2026-03-01T04:30:00Z"), ScheduleCalculator.NextRuns(config, At("2026-03-01T03:00:00Z"), 1));
    }

    [Fact]
    public void CronIsAbsoluteTimeAndIgnoresDaylightSaving()
    {
        // 00:00 CST = 06:00Z, then 08:00Z (the jump: 02:00 CST = 03:00 CDT) and 10:00Z; end 06:00 CDT = 11:00Z.
        var config = Cron(120, "2026-03-08T00:00:00", "2026-03-08T06:00:00", Central);
        Assert.Equal(Utc("2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z", "2026-03-08T10:00:00Z"), All(config));
    }

    [Fact]
    public void CronRunExactlyAtEndDoesNotFire()
    {
        var config = Cron(60, "2026-03-01T00:00:00Z", "2026-03-01T03:00:00Z");
        Assert.Equal(Utc("2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z"), All(config));
    }

    [Fact]
    public void StartIsInclusiveAndEndExclusiveForSlots()
    {
        var config = Daily(new[] { "09:00" }, "2026-03-01T09:00:00Z", "2026-03-03T09:00:00Z");
        Assert.Equal(Utc("2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z"), All(config));
    }

    [Fact]
    public void SlotsBeforeStartOnTheStartDayDoNotFire()
    {
        var config = Daily(new[] { "08:00", "10:00" }, "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z");
        Assert.Equal(Utc("2026-03-01T10:00:00Z", "2026-03-02T08:00:00Z"), All(config));
    }

    [Fact]
    public void AfterInsideTheWindowReturnsStrictlyLaterRuns()
    {
        var config = Daily(new[] { "09:00" }, "2026-03-01T00:00:00Z", "2026-03-05T00:00:00Z");
        Assert.Equal(Utc("2026-03-03T09:00:00Z", "2026-03-04T09:00:00Z"), All(config, "2026-03-02T09:00:00Z"));
        Assert.Empty(All(config, "2026-03-05T00:00:00Z"));
    }

    [Fact]
    public void MonthlyDay31SkipsMonthsWithoutIt()
    {
        var config = MonthlyDay(31, 1, new[] { "06:00" }, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        Assert.Equal(Utc("2026-01-31T06:00:00Z", "2026-03-31T06:00:00Z", "2026-05-31T06:00:00Z", "2026-07-31T06:00:00Z",
                         "2026-08-31T06:00:00Z", "2026-10-31T06:00:00Z", "2026-12-31T06:00:00Z"), All(config));
    }

    [Fact]
    public void MonthlyFifthMondayOnlyInMonthsThatHaveOne()
    {
        var config = MonthlyOrdinal("Fifth", "Monday", 1, new[] { "06:00" }, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        Assert.Equal(Utc("2026-03-30T06:00:00Z", "2026-06-29T06:00:00Z", "2026-08-31T06:00:00Z", "2026-11-30T06:00:00Z"),
            All(config));
    }

    [Fact]
    public void MonthlyRecurrence3CountsFromTheMonthOfStart()
    {
        var config = MonthlyOrdinal("Second", "Tuesday", 3, new[] { "06:00" }, "2026-02-01T00:00:00Z", "2027-01-01T00:00:00Z");
        Assert.Equal(Utc("2026-02-10T06:00:00Z", "2026-05-12T06:00:00Z", "2026-08-11T06:00:00Z", "2026-11-10T06:00:00Z"),
            All(config));
    }

    [Fact]
    public void MonthlyRecurrenceKeepsTheStartMonthEvenWhenItsRunIsBeforeStart()
    {
        // Start month February; Feb 10 is before start, so the first run is in May, then August, November.
        var config = MonthlyDay(10, 3, new[] { "06:00" }, "2026-02-15T00:00:00Z", "2027-01-01T00:00:00Z");
        Assert.Equal(Utc("2026-05-10T06:00:00Z", "2026-08-10T06:00:00Z", "2026-11-10T06:00:00Z"), All(config));
    }

    [Fact]
    public void MonthlyLocalTimeZoneGovernsTheSlot()
    {
        // 15 March 2026 06:00 CDT = 11:00Z; 15 Feb 06:00 CST = 12:00Z.
        var config = MonthlyDay(15, 1, new[] { "06:00" }, "2026-02-01T00:00:00", "2026-04-01T00:00:00", Central);
        Assert.Equal(Utc("2026-02-15T12:00:00Z", "2026-03-15T11:00:00Z"), All(config));
    }

    [Fact]
    public void OccurrencesAreLazyOverALongWindow()
    {
        var config = Daily(new[] { "09:00" }, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
        var runs = ScheduleCalculator.NextRuns(config, At("2026-06-01T00:00:00Z"), 2);
        Assert.Equal(Utc("2026-06-01T09:00:00Z", "2026-06-02T09:00:00Z"), runs);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Central Standard Time")]
    [InlineData("Tokyo Standard Time")]
    public void EndAtTheEndOfTimeDoesNotOverflow(string zone)
    {
        var config = Daily(new[] { "00:00", "23:00" }, "9999-12-29T00:00:00Z", "9999-12-31T23:59:59Z", zone);
        var runs = All(config);
        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.True(r < At("9999-12-31T23:59:59Z")));
    }

    [Fact]
    public void NextRunsStopAtTheEnd()
    {
        var config = Daily(new[] { "09:00" }, "2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z");
        Assert.Equal(2, ScheduleCalculator.NextRuns(config, At("2026-01-01T00:00:00Z"), 10).Count);
        Assert.Empty(ScheduleCalculator.NextRuns(config, At("2026-01-01T00:00:00Z"), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScheduleCalculator.NextRuns(config, DateTime.UtcNow, -1));
    }

    [Fact]
    public void ResultsAreUtc()
    {
        var run = ScheduleCalculator.NextRuns(Cron(), At("2026-01-01T00:00:00Z"), 1).Single();
        Assert.Equal(DateTimeKind.Utc, run.Kind);
    }

    [Fact]
    public void InvalidConfigurationThrowsBeforeEnumeration()
    {
        var config = Daily(new[] { "25:00" });
        var error = Assert.Throws<ArgumentException>(() => ScheduleCalculator.Occurrences(config, DateTime.UtcNow));
        Assert.Contains("25:00", error.Message);
    }
}
