using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

/// <summary>
/// The comparison behind a lost schedule create's recovery: a configuration as the service echoes it (normalised)
/// must be recognised as the one that was sent, and any real difference must not be.
/// </summary>
public class ScheduleEquivalenceTests
{
    [Fact]
    public void TheServiceSNormalisedEchoIsTheSameSchedule()
    {
        var sent = Weekly(new[] { "Monday", "Friday" }, new[] { "06:00", "18:00" }, start: "2026-03-01T00:00:00Z", end: "2027-03-01T00:00:00Z", zone: Central);
        var echoed = Weekly(new[] { "friday", "MONDAY" }, new[] { "18:00:00", "6:00" },
            start: "2026-02-28T18:00:00", end: "2027-02-28T18:00:00.0000000", zone: "central standard time");
        echoed.Type = "weekly";

        Assert.True(ScheduleEquivalence.AreEquivalent(sent, echoed));
        Assert.True(ScheduleEquivalence.AreEquivalent(echoed, sent));
    }

    [Theory]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-01T00:00:00.0000000Z")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-01T01:00:00+01:00")]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-01T00:00:00")] // no offset: read in the schedule's zone (UTC here)
    public void DateTimesAreComparedAsInstants(string sent, string echoed) =>
        Assert.True(ScheduleEquivalence.AreEquivalent(Cron(start: sent), Cron(start: echoed)));

    [Fact]
    public void WindowsAndIANANamesOfOneZoneAreTheSameZone() =>
        Assert.True(ScheduleEquivalence.AreEquivalent(Daily(zone: "W. Europe Standard Time"), Daily(zone: "Europe/Berlin")));

    [Fact]
    public void RealDifferencesAreDifferentSchedules()
    {
        Assert.False(ScheduleEquivalence.AreEquivalent(Cron(interval: 60), Cron(interval: 61)));
        Assert.False(ScheduleEquivalence.AreEquivalent(Cron(start: "2026-03-01T00:00:00Z"), Cron(start: "2026-03-01T00:00:01Z")));
        Assert.False(ScheduleEquivalence.AreEquivalent(Cron(end: "2027-03-01T00:00:00Z"), Cron(end: "2028-03-01T00:00:00Z")));
        Assert.False(ScheduleEquivalence.AreEquivalent(Daily(new[] { "06:00" }), Daily(new[] { "06:01" })));
        Assert.False(ScheduleEquivalence.AreEquivalent(Daily(new[] { "06:00" }), Daily(new[] { "06:00", "07:00" })));
        Assert.False(ScheduleEquivalence.AreEquivalent(Daily(zone: "UTC"), Daily(zone: Central)));
        Assert.False(ScheduleEquivalence.AreEquivalent(Daily(), Weekly()));
        Assert.False(ScheduleEquivalence.AreEquivalent(Weekly(new[] { "Monday" }), Weekly(new[] { "Tuesday" })));
        Assert.False(ScheduleEquivalence.AreEquivalent(MonthlyDay(day: 1), MonthlyDay(day: 2)));
        Assert.False(ScheduleEquivalence.AreEquivalent(MonthlyDay(recurrence: 1), MonthlyDay(recurrence: 2)));
        Assert.False(ScheduleEquivalence.AreEquivalent(MonthlyOrdinal("First"), MonthlyOrdinal("Second")));
        Assert.False(ScheduleEquivalence.AreEquivalent(MonthlyOrdinal(), MonthlyDay()));
        Assert.False(ScheduleEquivalence.AreEquivalent(Cron(), null));
    }

    [Fact]
    public void ATypeThisCodeDoesNotKnowComparesEveryField()
    {
        var a = Cron();
        a.Type = "Hourly";
        var b = Cron();
        b.Type = "HOURLY";
        Assert.True(ScheduleEquivalence.AreEquivalent(a, b));
        b.Interval = 5;
        Assert.False(ScheduleEquivalence.AreEquivalent(a, b));
    }
}
