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
            Assert.Contains(value, error.Message);
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
    public void Valid_configurations_have_no_errors(ScheduleConfiguration config) =>
        Assert.Empty(ScheduleValidator.Validate(config));

    [Fact]
    public void Names_are_matched_case_insensitively()
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
    public void Fields_of_other_types_are_ignored()
    {
        var config = Cron();
        config.Times = new[] { "not a time" };
        config.Weekdays = new[] { "Funday" };
        config.Recurrence = 99;
        Assert.Empty(ScheduleValidator.Validate(config));
    }

    [Fact]
    public void Missing_configuration_is_an_invalid_request() =>
        Assert.Equal(InvalidRequest, Assert.Single(ScheduleValidator.Validate(null)).ErrorCode);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Type_is_required(string type)
    {
        var config = Daily();
        config.Type = type;
        var error = AssertOneError(config, InvalidConfiguration, "configuration.type", type);
        Assert.Contains("Cron, Daily, Weekly or Monthly", error.Message);
    }

    [Fact]
    public void Unknown_type_is_rejected()
    {
        var config = Daily();
        config.Type = "Hourly";
        var error = AssertOneError(config, InvalidConfiguration, "configuration.type", "Hourly");
        Assert.Contains("Cron, Daily, Weekly or Monthly", error.Message);
    }

    [Fact]
    public void Start_is_required()
    {
        var config = Daily();
        config.StartDateTime = null;
        AssertOneError(config, InvalidConfiguration, "configuration.startDateTime", null);
    }

    [Fact]
    public void End_is_required()
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
    public void Start_must_be_an_iso_date_time(string start)
    {
        var error = AssertOneError(Daily(start: start), InvalidConfiguration, "configuration.startDateTime", start);
        Assert.Contains("2026-03-01T08:00:00Z", error.Message);
    }

    [Fact]
    public void End_must_be_an_iso_date_time() =>
        AssertOneError(Daily(end: "2027-13-01T00:00:00Z"), InvalidConfiguration, "configuration.endDateTime", "2027-13-01T00:00:00Z");

    [Theory]
    [InlineData("2026-03-01T00:00:00Z")]
    [InlineData("2026-02-28T00:00:00Z")]
    public void End_must_be_later_than_start(string end)
    {
        var error = AssertOneError(Daily(start: "2026-03-01T00:00:00Z", end: end), InvalidConfiguration,
            "configuration.endDateTime", end);
        Assert.Contains("2026-03-01T00:00:00Z", error.Message);
    }

    [Fact]
    public void End_and_start_are_compared_as_instants()
    {
        // 2026-03-01T05:00:00 Central (11:00Z) is after 2026-03-01T10:00:00Z; 04:00 Central (10:00Z) is not.
        Assert.Empty(ScheduleValidator.Validate(Daily(start: "2026-03-01T10:00:00Z", end: "2026-03-01T05:00:00", zone: Central)));
        AssertOneError(Daily(start: "2026-03-01T10:00:00Z", end: "2026-03-01T04:00:00", zone: Central),
            InvalidConfiguration, "configuration.endDateTime", "2026-03-01T04:00:00");
    }

    [Fact]
    public void Time_zone_is_required() =>
        AssertOneError(Daily(zone: ""), InvalidConfiguration, "configuration.localTimeZoneId", "");

    [Fact]
    public void Iana_time_zone_is_rejected_naming_the_windows_id()
    {
        var error = AssertOneError(Daily(zone: "America/Chicago"), InvalidConfiguration, "configuration.localTimeZoneId",
            "America/Chicago");
        Assert.Contains("'Central Standard Time'", error.Message);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Central Time")]
    [InlineData(" UTC")]
    public void Unknown_time_zone_is_rejected(string zone) =>
        AssertOneError(Daily(zone: zone), InvalidConfiguration, "configuration.localTimeZoneId", zone);

    [Fact]
    public void Cron_interval_is_required()
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
    public void Cron_interval_must_be_in_range(int interval)
    {
        var error = AssertOneError(Cron(interval), InvalidConfiguration, "configuration.interval", interval.ToString());
        Assert.Contains("1 to 5270400", error.Message);
    }

    [Fact]
    public void Times_are_required_for_daily_weekly_and_monthly()
    {
        foreach (var config in new[] { Daily(), Weekly(), MonthlyDay() })
        {
            config.Times = null;
            AssertOneError(config, InvalidConfiguration, "configuration.times", null);
        }
    }

    [Fact]
    public void Times_must_not_be_empty() =>
        AssertOneError(Daily(Array.Empty<string>()), InvalidConfiguration, "configuration.times", "0");

    [Fact]
    public void At_most_100_times()
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
    public void Times_must_be_strict_hh_mm(string time)
    {
        var error = AssertOneError(Daily(new[] { "08:00", "10:00", time }), InvalidConfiguration, "configuration.times[2]", time);
        Assert.Contains("HH:mm", error.Message);
    }

    [Fact]
    public void Duplicated_time_is_an_invalid_request() =>
        AssertOneError(Daily(new[] { "09:00", "17:00", "09:00" }), InvalidRequest, "configuration.times[2]", "09:00");

    [Fact]
    public void Weekdays_are_required_for_weekly()
    {
        var config = Weekly();
        config.Weekdays = null;
        AssertOneError(config, InvalidConfiguration, "configuration.weekdays", null);
    }

    [Fact]
    public void Weekdays_must_not_be_empty() =>
        AssertOneError(Weekly(Array.Empty<string>()), InvalidConfiguration, "configuration.weekdays", "0");

    [Fact]
    public void At_most_7_weekdays()
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
    public void Weekday_must_be_a_day_name(string day)
    {
        var error = AssertOneError(Weekly(new[] { "Friday", day }), InvalidConfiguration, "configuration.weekdays[1]", day);
        Assert.Contains("Monday, Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday", error.Message);
    }

    [Fact]
    public void Duplicated_weekday_is_an_invalid_request_whatever_the_casing() =>
        AssertOneError(Weekly(new[] { "Monday", "Friday", "monday" }), InvalidRequest, "configuration.weekdays[2]", "monday");

    [Fact]
    public void Monthly_recurrence_is_required()
    {
        var config = MonthlyDay();
        config.Recurrence = null;
        AssertOneError(config, InvalidConfiguration, "configuration.recurrence", null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void Monthly_recurrence_must_be_1_to_12(int recurrence)
    {
        var error = AssertOneError(MonthlyDay(recurrence: recurrence), InvalidConfiguration, "configuration.recurrence",
            recurrence.ToString());
        Assert.Contains("1 to 12", error.Message);
    }

    [Fact]
    public void Monthly_occurrence_is_required()
    {
        var config = MonthlyDay();
        config.Occurrence = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence", null);
    }

    [Theory]
    [InlineData("Last")]
    [InlineData("")]
    public void Monthly_occurrence_type_must_be_known(string type)
    {
        var config = MonthlyDay();
        config.Occurrence!.OccurrenceType = type;
        var error = AssertOneError(config, InvalidConfiguration, "configuration.occurrence.occurrenceType", type);
        Assert.Contains("DayOfMonth or OrdinalWeekday", error.Message);
    }

    [Fact]
    public void Monthly_day_of_month_is_required()
    {
        var config = MonthlyDay();
        config.Occurrence!.DayOfMonth = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.dayOfMonth", null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    public void Monthly_day_of_month_must_be_1_to_31(int day)
    {
        var error = AssertOneError(MonthlyDay(day), InvalidConfiguration, "configuration.occurrence.dayOfMonth", day.ToString());
        Assert.Contains("1 to 31", error.Message);
    }

    [Theory]
    [InlineData("Last")]
    [InlineData("5")]
    public void Monthly_week_index_must_be_first_to_fifth(string index)
    {
        var error = AssertOneError(MonthlyOrdinal(weekIndex: index), InvalidConfiguration, "configuration.occurrence.weekIndex", index);
        Assert.Contains("First, Second, Third, Fourth or Fifth", error.Message);
    }

    [Fact]
    public void Monthly_week_index_is_required()
    {
        var config = MonthlyOrdinal();
        config.Occurrence!.WeekIndex = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.weekIndex", null);
    }

    [Fact]
    public void Monthly_weekday_must_be_a_day_name() =>
        AssertOneError(MonthlyOrdinal(weekday: "Funday"), InvalidConfiguration, "configuration.occurrence.weekday", "Funday");

    [Fact]
    public void Monthly_weekday_is_required()
    {
        var config = MonthlyOrdinal();
        config.Occurrence!.Weekday = null;
        AssertOneError(config, InvalidConfiguration, "configuration.occurrence.weekday", null);
    }

    [Fact]
    public void Every_broken_rule_is_reported()
    {
        var config = new ScheduleConfiguration { Type = "Weekly", LocalTimeZoneId = "Nowhere", Weekdays = new[] { "Funday" } };
        Assert.Equal(
            new[] { "configuration.localTimeZoneId", "configuration.startDateTime", "configuration.endDateTime",
                    "configuration.weekdays[0]", "configuration.times" },
            ScheduleValidator.Validate(config).Select(e => e.Field));
    }

    [Fact]
    public void Ensure_valid_throws_with_every_message()
    {
        var error = Assert.Throws<ArgumentException>(() => ScheduleValidator.EnsureValid(Daily(new[] { "25:00", "9:00" })));
        Assert.Contains("25:00", error.Message);
        Assert.Contains("9:00", error.Message);
    }
}
