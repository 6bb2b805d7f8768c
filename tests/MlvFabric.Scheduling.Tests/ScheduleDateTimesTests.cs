using System;
using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

public class ScheduleDateTimesTests
{
    private static TimeZoneInfo Zone(string id)
    {
        Assert.True(ScheduleTimeZones.TryResolve(id, out _, out var zone));
        return zone;
    }

    [Theory]
    [InlineData("2026-03-01T08:00:00Z", "2026-03-01T08:00:00Z")]          // UTC
    [InlineData("2026-03-01T08:00:00", "2026-03-01T14:00:00Z")]           // local, CST (-6)
    [InlineData("2026-07-01T08:00:00", "2026-07-01T13:00:00Z")]           // local, CDT (-5)
    [InlineData("2026-03-01T08:00:00+05:30", "2026-03-01T02:30:00Z")]     // explicit offset wins over the zone
    [InlineData("2026-03-01T08:00:00.5Z", "2026-03-01T08:00:00Z")]        // fraction accepted (compared to the second below)
    [InlineData("2026-03-08T02:30:00", "2026-03-08T08:00:00Z")]           // in the spring-forward gap: the jump
    [InlineData("2026-11-01T01:30:00", "2026-11-01T06:30:00Z")]           // repeated hour: first occurrence
    public void ParsesUtcOffsetAndLocalForms(string text, string expected)
    {
        Assert.True(ScheduleDateTimes.TryParse(text, Zone("Central Standard Time"), out var utc));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(At(expected), new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01T08:00")]
    [InlineData("2026-03-01 08:00:00Z")]
    [InlineData("2026-02-29T08:00:00Z")]
    [InlineData("2026-03-01T08:00:00 Z")]
    [InlineData("01/03/2026 08:00:00")]
    public void RejectsOtherForms(string? text) =>
        Assert.False(ScheduleDateTimes.TryParse(text, TimeZoneInfo.Utc, out _));

    [Fact]
    public void FormatsUtcWithZ()
    {
        Assert.Equal("2026-03-01T08:00:00Z", ScheduleDateTimes.FormatUtc(new DateTime(2026, 3, 1, 8, 0, 0, 900, DateTimeKind.Utc)));
        Assert.Equal("2026-03-01T08:00:00Z", ScheduleDateTimes.FormatUtc(new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Unspecified)));
    }

    [Fact]
    public void FormatAndParseRoundTrip()
    {
        var instant = At("2026-11-01T06:30:00Z");
        Assert.True(ScheduleDateTimes.TryParse(ScheduleDateTimes.FormatUtc(instant), Zone("Tokyo Standard Time"), out var back));
        Assert.Equal(instant, back);
    }

    [Theory]
    [InlineData("W. Europe Standard Time", "2026-03-29T02:30:00", "2026-03-29T01:00:00Z")]   // gap 02:00 -> 03:00 CEST
    [InlineData("W. Europe Standard Time", "2026-10-25T02:30:00", "2026-10-25T00:30:00Z")]   // repeated: first (CEST)
    [InlineData("Lord Howe Standard Time", "2026-10-04T02:15:00", "2026-10-03T15:30:00Z")]   // 30-minute gap
    [InlineData("UTC", "2026-03-08T02:30:00", "2026-03-08T02:30:00Z")]
    public void LocalToUtcAppliesTheGapAndOverlapRules(string zone, string local, string expected) =>
        Assert.Equal(At(expected), ScheduleDateTimes.LocalToUtc(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), Zone(zone)));
}
