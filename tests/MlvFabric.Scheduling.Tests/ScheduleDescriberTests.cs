using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

public class ScheduleDescriberTests
{
    [Theory]
    [InlineData(1, "Every minute")]
    [InlineData(10, "Every 10 minutes")]
    [InlineData(90, "Every 90 minutes")]
    [InlineData(60, "Every hour")]
    [InlineData(120, "Every 2 hours")]
    [InlineData(1440, "Every day")]
    [InlineData(4320, "Every 3 days")]
    public void Cron(int interval, string expected) =>
        Assert.Equal(expected, ScheduleDescriber.Describe(Configs.Cron(interval)));

    [Fact]
    public void DailySortsTimes() =>
        Assert.Equal("Every day at 09:00, 17:00 (Central Standard Time)",
            ScheduleDescriber.Describe(Daily(new[] { "17:00", "09:00" }, zone: Central)));

    [Fact]
    public void WeeklySortsDaysMondayFirst() =>
        Assert.Equal("Mon, Tue, Sun at 09:00, 17:00 (Central Standard Time)",
            ScheduleDescriber.Describe(Weekly(new[] { "sunday", "Tuesday", "Monday" }, new[] { "17:00", "09:00" }, zone: Central)));

    [Fact]
    public void MonthlyDayOfMonth() =>
        Assert.Equal("Every month on day 15 at 06:00 (UTC)", ScheduleDescriber.Describe(MonthlyDay(15)));

    [Fact]
    public void MonthlyOrdinalWeekday() =>
        Assert.Equal("Every 3 months on the second Tuesday at 06:00 (UTC)",
            ScheduleDescriber.Describe(MonthlyOrdinal("Second", "tuesday", 3)));

    [Fact]
    public void UnreadableValuesAreShownAsGiven()
    {
        Assert.Equal("Hourly schedule", ScheduleDescriber.Describe(new ScheduleConfiguration { Type = "Hourly" }));
        Assert.Equal("Mon, Funday at 09:00, 9:00 (UTC)",
            ScheduleDescriber.Describe(Weekly(new[] { "Funday", "Monday" }, new[] { "9:00", "09:00" })));
        Assert.Equal("Every day at ?", ScheduleDescriber.Describe(new ScheduleConfiguration { Type = "Daily" }));
    }
}
