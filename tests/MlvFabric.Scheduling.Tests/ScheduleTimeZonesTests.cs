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
    public void Resolves_windows_and_iana_ids_to_the_windows_id(string id, string expected)
    {
        Assert.True(ScheduleTimeZones.TryResolve(id, out var windowsId, out var zone));
        Assert.Equal(expected, windowsId);
        Assert.NotNull(zone);
    }

    [Fact]
    public void Resolved_zone_has_the_zone_rules()
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
    public void Unknown_ids_do_not_resolve(string? id) =>
        Assert.False(ScheduleTimeZones.TryResolve(id, out _, out _));

    [Theory]
    [InlineData("UTC", true)]
    [InlineData("Pacific Standard Time", true)]
    [InlineData("pacific standard time", true)]
    [InlineData("America/Los_Angeles", false)]
    [InlineData("Nowhere", false)]
    [InlineData(null, false)]
    public void Recognises_windows_ids(string? id, bool expected) =>
        Assert.Equal(expected, ScheduleTimeZones.IsWindowsId(id));

    [Fact]
    public void Windows_ids_are_sorted_windows_ids()
    {
        var ids = ScheduleTimeZones.WindowsIds;
        Assert.Contains("UTC", ids);
        Assert.Contains("Central Standard Time", ids);
        Assert.DoesNotContain(ids, id => id.Contains("/"));
        Assert.Equal(ids.OrderBy(id => id, StringComparer.OrdinalIgnoreCase), ids);
    }

    [Fact]
    public void Local_windows_id_is_a_resolvable_windows_id()
    {
        var id = ScheduleTimeZones.LocalWindowsId();
        Assert.True(ScheduleTimeZones.IsWindowsId(id));
        Assert.True(ScheduleTimeZones.TryResolve(id, out var resolved, out _));
        Assert.Equal(id, resolved);
    }
}
