using System;
using System.Linq;
using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

public class ScheduleValidatorTests
{
    private const string InvalidConfiguration = "InvalidConfiguration";
    private const string InvalidRequest = "InvalidRequest";

    /// <summary>Exactly one error, with that code and field; its message names the field and the value.</summary>
    private static ScheduleValidationError AssertOneError(ScheduleConfiguration config, string code, string field,
        string? value)
    {
        var error = Assert.Single(ScheduleValidator.Validate(config));
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(field, error.Field);
        Assert.Equal(value, error.Value);
        Assert.Contains(field, error.Message);
        if (value != null)
        {
            Assert.Contains(value, error.Message);
        }

        return error;
    }

    public static TheoryData<ScheduleConfiguration> ValidConfigs() => new()
    {
        Cron(), Cron(1), Cron(5270400), Daily(), Weekly(), MonthlyDay(), MonthlyOrdinal(),
        Daily(Enumerable.Range(0, 100).Select(i => $"{i / 60:00}:{i % 60:00}").ToArray()),
        Weekly(new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }),
        MonthlyDay(1, 12), MonthlyDay(31), MonthlyOrdinal("Fifth", "Sunday"),
        Daily(new[] { "00:00", "23:59" }, "2026-03-01T08:00:00", "2026-03-02T08:00:00", Central),
        Daily(start: "2026-03-01T08:00:00+05:30", end: "2026-03-01T08:00:00.1234567Z"),
    };

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void ValidConfigurationsHaveNoErrors(ScheduleConfiguration config) =>
        Assert.Empty(ScheduleValidator.Validate(config));

    [Fact]
    public void NamesAreMatchedCaseInsensitively()
    {
        var weekly = Weekly(new[] { "monday", "FRIDAY" });
        weekly.Type = "weekly";
        Assert.Empty(ScheduleValidator.Validate(weekly));
        var monthly = MonthlyOrdinal("fifth", "sunday");
        monthly.Occurrence!.OccurrenceType = "ordinalweekday";
        Assert.Empty(ScheduleValidator.Validate(monthly));
        Assert.Empty(ScheduleValidator.Validate(Daily(zone: "central standard time")));
    }

    [Fact]
    public void FieldsOfOtherTypesAreIgnored()
    {
        var config = Cron();
        config.Times = new[] { "not a time" };
        config.Weekdays = new[] { "Funday" };
        config.Recurrence = 99;
        Assert.Empty(ScheduleValidator.Validate(config));
    }

    [Fact]
    public void MissingConfigurationIsAnInvalidRequest() =>
        Assert.Equal(InvalidRequest, Assert.Single(ScheduleValidator.Validate(null)).ErrorCode);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void TypeIsRequired(string type)
    {
        var config = Daily();
        config.Type = type;
        var error = AssertOneError(config, InvalidConfiguration, "configuration.type", type);
        Assert.Contains("Cron, Daily, Weekly or Monthly", error.Message);
    }

    [Fact]
    public void UnknownTypeIsRejected()
    {
        var config = Daily();
        config.Type = "Hourly";
        var error = AssertOneError(config, InvalidConfiguration, "configuration.type", "Hourly");
        Assert.Contains("Cron, Daily, Weekly or Monthly", error.Message);
    }

    [Fact]
    public void StartIsRequired()
    {
        var config = Daily();
        config.StartDateTime = null;
        AssertOneError(config, InvalidConfiguration, "configuration.startDateTime", null);
    }

    [Fact]
    public void EndIsRequired()
    {
        var config = Daily();
        config.EndDateTime = null;
        AssertOneError(config, InvalidConfiguration, "configuration.endDateTime", null);
    }

    [Theory]
    [InlineData("2026-03-01")]
    [InlineData("2026-03-01 08:00:00")]
    [InlineData("2026-03-01T08:00")]
    [InlineData("2026-02-30T08:00:00Z")]
    [InlineData("2026-03-01T24:00:00Z")]
    [InlineData("next monday")]
    public void StartMustBeAnIsoDateTime(string start)
    {
        var error = AssertOneError(Daily(start: start), InvalidConfiguration, "configuration.startDateTime", start);
        Assert.Contains("2026-03-01T08:00:00Z", error.Message);
    }

    [Fact]
    public void EndMustBeAnIsoDateTime() =>
        AssertOneError(Daily(end: "2027-13-01T00:00:00Z"), InvalidConfiguration, "configuration.endDateTime", "2027-13-01T00:00:00Z");

    [Theory]
    [InlineData("2026-03-01T00:00:00Z")]
    [InlineData("2026-02-28T00:00:00Z")]
    public void EndMustBeLaterThanStart(string end)
    {
        var error = AssertOneError(Daily(start: "2026-03-01T00:00:00Z", end: end), InvalidConfiguration,
            "configuration.endDateTime", end);
        Assert.Contains("2026-03-01T00:00:00Z", error.Message);
    }

    [Fact]
    public void EndAndStartAreComparedAsInstants()
    {
        // 2026-03-01T05:00:00 Central (11:00Z) is after 2026-03-01T10:00:00Z; 04:00 Central (10:00Z) is not.
        Assert.Empty(ScheduleValidator.Validate(Daily(start: "2026-03-01T10:00:00Z", end: "2026-03-01T05:00:00", zone: Central)));
        AssertOneError(Daily(start: "2026-03-01T10:00:00Z", end: "2026-03-01T04:00:00", zone: Central),
            InvalidConfiguration, "configuration.endDateTime", "2026-03-01T04:00:00");
    }

    [Fact]
    public void TimeZoneIsRequired() =>
        AssertOneError(Daily(zone: ""), InvalidConfiguration, "configuration.localTimeZoneId", "");

    [Fact]
    public void IanaTimeZoneIsRejectedNamingTheWindowsId()
    {
        var error = AssertOneError(Daily(zone: "America/Chicago"), InvalidConfiguration, "configuration.localTimeZoneId",
            "America/Chicago");
        Assert.Contains("'Central Standard Time'", error.Message);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Central Time")]
    [InlineData(" UTC")]
    public void UnknownTimeZoneIsRejected(string zone) =>
        AssertOneError(Daily(zone: zone), InvalidConfiguration, "configuration.localTimeZoneId", zone);

    [Fact]
    public void CronIntervalIsRequired()
    {
        var config = Cron();
        config.Interval = null;
        var error = AssertOneError(config, InvalidConfiguration, "configuration.interval", null);
        Assert.Contains("1 to 5270400", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(5270401)]
    public void CronIntervalMustBeInRange(int interval)
    {
        var error = AssertOneError(Cron(interval), InvalidConfiguration, "configuration.interval", interval.ToString());
        Assert.Contains("1 to 5270400", error.Message);
    }

    [Fact]
    public void TimesAreRequiredForDailyWeeklyAndMonthly()
    {
        foreach (var config in new[] { Daily(), Weekly(), MonthlyDay() })
        {
            config.Times = null;
            AssertOneError(config, InvalidConfiguration, "configuration.times", null);
        }
    }

    [Fact]
    public void TimesMustNotBeEmpty() =>
        AssertOneError(Daily(Array.Empty<string>()), InvalidConfiguration, "configuration.times", "0");

    [Fact]
    public void AtMost100Times()
    {
        var times = Enumerable.Range(0, 101).Select(i => $"{i / 60:00}:{i % 60:00}").ToArray();
        var error = AssertOneError(Daily(times), InvalidConfiguration, "configuration.times", "101");
        Assert.Contains("100", error.Message);
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("24:00")]
    [InlineData("9:00")]
    [InlineData("09:60")]
    [InlineData("09:00:00")]
    [InlineData(" 09:00")]
    [InlineData("09.00")]
    [InlineData("ab:cd")]
    [InlineData("")]
    public void TimesMustBeStrictHhMm(string time)
    {
        var error = AssertOneError(Daily(new[] { "08:00", "10:00", time }), InvalidConfiguration, "configuration.times[2]", time);
        Assert.Contains("HH:mm", error.Message);
    }

    [Fact]
    public void DuplicatedTimeIsAnInvalidRequest() =>
        AssertOneError(Daily(new[] { "09:00", "17:00", "09:00" }), InvalidRequest, "configuration.times[2]", "09:00");

    [Fact]
    public void WeekdaysAreRequiredForWeekly()
    {
        var config = Weekly();
        config.Weekdays = null;
        AssertOneError(config, InvalidConfiguration, "configuration.weekdays", null);
    }

    [Fact]
    public void WeekdaysMustNotBeEmpty() =>
        AssertOneError(Weekly(Array.Empty<string>()), InvalidConfiguration, "configuration.weekdays", "0");

    [Fact]
    public void AtMost7Weekdays()
    {
        var days = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Monday" };
        var errors = ScheduleValidator.Validate(Weekly(days));
        Assert.Equal(2, errors.Count);
        Assert.Equal(("configuration.weekdays", "8", InvalidConfiguration), (errors[0].Field, errors[0].Value, errors[0].ErrorCode));
        Assert.Equal(("configuration.weekdays[7]", InvalidRequest), (errors[1].Field, errors[1].ErrorCode));
    }

    [Theory]
    [InlineData("Funday")]
    [InlineData("Mon")]
    [InlineData("1")]
    public void WeekdayMustBeADayName(string day)
    {
        var error = AssertOneError(Weekly(new[] { "Friday", day }), InvalidConfiguration, "configuration.weekdays[1]", day);
        Assert.Contains("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday", error.Message);
    }

    [Fact]
    public void DuplicatedWeekdayIsAnInvalidRequestWhateverTheCasing() =>
        AssertOneError(Weekly(new[] { "Monday", "Friday", "monday" }), InvalidRequest, "configuration.weekdays[2]", "monday");

    [Fact]
    public void MonthlyRecurrenceIsRequired()
    {
        var config = MonthlyDay();
        config.Recurrence = null;
        AssertOneError(config, InvalidConfiguration, "configuration.recurrence", null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void MonthlyRecurrenceMustBe1To12(int recurrence)
    {
        var error = AssertOneError(MonthlyDay(recurrence: recurrence), InvalidConfiguration, "configuration.recurrence",
            recurrence.ToString());
        Assert.Contains("1 to 12", error.Message);
    }

    [Fact]
    public void MonthlyOccurrenceIsRequired()
    {
        var config = MonthlyDay();
        config.Occurrence = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence", null);
    }

    [Theory]
    [InlineData("Last")]
    [InlineData("")]
    public void MonthlyOccurrenceTypeMustBeKnown(string type)
    {
        var config = MonthlyDay();
        config.Occurrence!.OccurrenceType = type;
        var error = AssertOneError(config, InvalidConfiguration, "configuration.occurrence.occurrenceType", type);
        Assert.Contains("DayOfMonth or OrdinalWeekday", error.Message);
    }

    [Fact]
    public void MonthlyDayOfMonthIsRequired()
    {
        var config = MonthlyDay();
        config.Occurrence!.DayOfMonth = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.dayOfMonth", null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public void MonthlyDayOfMonthMustBe1To31(int day)
    {
        var error = AssertOneError(MonthlyDay(day), InvalidConfiguration, "configuration.occurrence.dayOfMonth", day.ToString());
        Assert.Contains("1 to 31", error.Message);
    }

    [Theory]
    [InlineData("Last")]
    [InlineData("5")]
    public void MonthlyWeekIndexMustBeFirstToFifth(string index)
    {
        var error = AssertOneError(MonthlyOrdinal(weekIndex: index), InvalidConfiguration, "configuration.occurrence.weekIndex", index);
        Assert.Contains("First, Second, Third, Fourth or Fifth", error.Message);
    }

    [Fact]
    public void MonthlyWeekIndexIsRequired()
    {
        var config = MonthlyOrdinal();
        config.Occurrence!.WeekIndex = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.weekIndex", null);
    }

    [Fact]
    public void MonthlyWeekdayMustBeADayName() =>
        AssertOneError(MonthlyOrdinal(weekday: "Funday"), InvalidConfiguration, "configuration.occurrence.weekday", "Funday");

    [Fact]
    public void MonthlyWeekdayIsRequired()
    {
        var config = MonthlyOrdinal();
        config.Occurrence!.Weekday = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.weekday", null);
    }

    [Fact]
    public void EveryBrokenRuleIsReported()
    {
        var config = new ScheduleConfiguration { Type = "Weekly", LocalTimeZoneId = "Nowhere", Weekdays = new[] { "Funday" } };
        Assert.Equal(
            new[] { "configuration.localTimeZoneId", "configuration.startDateTime", "configuration.endDateTime",
                    "configuration.weekdays[0]", "configuration.times" },
            ScheduleValidator.Validate(config).Select(e => e.Field));
    }

    [Fact]
    public void EnsureValidThrowsWithEveryMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => ScheduleValidator.EnsureValid(Daily(new[] { "25:00", "9:00" })));
        Assert.Contains("25:00", error.Message);
        Assert.Contains("9:00", error.Message);
    }
}
