using System;
using System.Linq;
using Xunit;

namespace MlvFabric.Scheduling.Tests;

public class ScheduleTimeZonesTests
{
    [Theory]
    [InlineData("Central Standard Time", "Central Standard Time")]
    [InlineData("central standard time", "Central Standard Time")]
    [InlineData("America/Chicago", "Central Standard Time")]
    [InlineData("Europe/Berlin", "W. Europe Standard Time")]
    [InlineData("Asia/Kolkata", "India Standard Time")]
    [InlineData("UTC", "UTC")]
    [InlineData("Etc/UTC", "UTC")]
    public void ResolvesWindowsAndIanaIdsToTheWindowsId(string id, string expected)
    {
        Assert.True(ScheduleTimeZones.TryResolve(id, out var windowsId, out var zone));
        Assert.Equal(expected, windowsId);
        Assert.NotNull(zone);
    }

    [Fact]
    public void ResolvedZoneHasTheZoneRules()
    {
        Assert.True(ScheduleTimeZones.TryResolve("America/Chicago", out _, out var zone));
        Assert.Equal(TimeSpan.FromHours(-6), zone.GetUtcOffset(new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(TimeSpan.FromHours(-5), zone.GetUtcOffset(new DateTime(2026, 7, 15, 12, 0, 0, DateTimeKind.Utc)));
        Assert.True(ScheduleTimeZones.TryResolve("UTC", out _, out var utc));
        Assert.Equal(TimeSpan.Zero, utc.GetUtcOffset(new DateTime(2026, 7, 15, 12, 0, 0, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Central Time")]
    [InlineData(" UTC")]
    public void UnknownIdsDoNotResolve(string? id) =>
        Assert.False(ScheduleTimeZones.TryResolve(id, out _, out _));

    [Theory]
    [InlineData("UTC", true)]
    [InlineData("Pacific Standard Time", true)]
    [InlineData("pacific standard time", true)]
    [InlineData("America/Los_Angeles", false)]
    [InlineData("Nowhere", false)]
    [InlineData(null, false)]
    public void RecognisesWindowsIds(string? id, bool expected) =>
        Assert.Equal(expected, ScheduleTimeZones.IsWindowsId(id));

    [Fact]
    public void WindowsIdsAreSortedWindowsIds()
    {
        var ids = ScheduleTimeZones.WindowsIds;
        Assert.Contains("UTC", ids);
        Assert.Contains("Central Standard Time", ids);
        Assert.DoesNotContain(ids, id => id.Contains("/"));
        Assert.Equal(ids.OrderBy(id => id, StringComparer.OrdinalIgnoreCase), ids);
    }

    [Fact]
    public void LocalWindowsIdIsAResolvableWindowsId()
    {
        var id = ScheduleTimeZones.LocalWindowsId();
        Assert.True(ScheduleTimeZones.IsWindowsId(id));
        Assert.True(ScheduleTimeZones.TryResolve(id, out var resolved, out _));
        Assert.Equal(id, resolved);
    }
}
