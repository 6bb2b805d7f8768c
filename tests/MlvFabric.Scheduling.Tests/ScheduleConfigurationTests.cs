using System.Text.Json;
using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

public class ScheduleConfigurationTests
{
    [Fact]
    public void SerializesCamelCaseWithoutNulls() =>
        Assert.Equal(
            "{\"type\":\"Daily\",\"startDateTime\":\"2026-03-01T00:00:00Z\",\"endDateTime\":\"2027-03-01T00:00:00Z\"," +
            "\"localTimeZoneId\":\"UTC\",\"times\":[\"09:00\"]}",
            JsonSerializer.Serialize(Daily()));

    [Fact]
    public void ReadsTheWireShape()
    {
        const string json = """
            {"type":"Monthly","startDateTime":"2026-01-01T00:00:00","endDateTime":"2027-01-01T00:00:00",
             "localTimeZoneId":"Central Standard Time","recurrence":3,"times":["06:00"],
             "occurrence":{"occurrenceType":"OrdinalWeekday","weekIndex":"Fifth","weekday":"Monday"}}
            """;
        var config = JsonSerializer.Deserialize<ScheduleConfiguration>(json)!;
        Assert.Equal("Monthly", config.Type);
        Assert.Equal(3, config.Recurrence);
        Assert.Equal("Fifth", config.Occurrence!.WeekIndex);
        Assert.Equal(new[] { "06:00" }, config.Times);
        Assert.Empty(ScheduleValidator.Validate(config));
        Assert.Equal(
            "{\"type\":\"Monthly\",\"startDateTime\":\"2026-01-01T00:00:00\",\"endDateTime\":\"2027-01-01T00:00:00\"," +
            "\"localTimeZoneId\":\"Central Standard Time\",\"times\":[\"06:00\"],\"recurrence\":3," +
            "\"occurrence\":{\"occurrenceType\":\"OrdinalWeekday\",\"weekIndex\":\"Fifth\",\"weekday\":\"Monday\"}}",
            JsonSerializer.Serialize(config));
    }

    [Fact]
    public void CloneIsDeep()
    {
        var original = MonthlyDay(15, times: new[] { "06:00" });
        var copy = original.Clone();
        copy.Times![0] = "07:00";
        copy.Occurrence!.DayOfMonth = 1;
        copy.Type = "Daily";
        Assert.Equal("06:00", original.Times![0]);
        Assert.Equal(15, original.Occurrence!.DayOfMonth);
        Assert.Equal("Monthly", original.Type);
        Assert.Equal(JsonSerializer.Serialize(MonthlyDay(15, times: new[] { "06:00" })), JsonSerializer.Serialize(original));
    }
}
