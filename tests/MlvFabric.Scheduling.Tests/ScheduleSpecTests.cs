using System;
using Xunit;
using static MlvFabric.Scheduling.Tests.Configs;

namespace MlvFabric.Scheduling.Tests;

/// <summary>The settings of New-/Set-MlvSchedule: frequency, the settings each type takes, composition and its problems.</summary>
public class ScheduleSpecTests
{
    private static readonly DateTime Now = At("2026-03-10T12:00:30Z");

    private static ScheduleSpec Spec(params string[] frequencies) => new() { Frequencies = frequencies };

    private static ScheduleProblem AssertProblem(ScheduleProblem? problem, string code, ScheduleProblemKind kind = ScheduleProblemKind.InvalidArgument)
    {
        Assert.NotNull(problem);
        Assert.Equal(code, problem!.Code);
        Assert.Equal(kind, problem.Kind);
        return problem;
    }

    private static ScheduleConfiguration Composed(ScheduleSpec spec, ScheduleConfiguration? existing = null)
    {
        var composition = spec.Compose(existing, Now);
        Assert.Null(composition.Problem);
        return composition.Configuration!;
    }

    [Fact]
    public void OneFrequencyOrNoneIsAcceptedWhereTheScheduleKeepsItsType()
    {
        Assert.Null(Spec().CheckFrequency(required: false));
        Assert.Null(Spec(ScheduleTypes.Weekly).CheckFrequency(required: false));
        Assert.Null(Spec(ScheduleTypes.Cron).CheckFrequency(required: true));
        Assert.Equal(ScheduleTypes.Cron, Spec(ScheduleTypes.Cron).Type);
        Assert.Null(Spec().Type);
    }

    [Fact]
    public void SeveralFrequenciesConflictAndAreNamedAsTheSettings()
    {
        var problem = AssertProblem(Spec(ScheduleTypes.Cron, ScheduleTypes.Daily).CheckFrequency(required: false), ScheduleSettingProblems.ParameterConflictCode);

        Assert.StartsWith("-IntervalMinutes and -Daily do not go together: a schedule has one frequency.", problem.Message, StringComparison.Ordinal);
        Assert.Equal("IntervalMinutes, Daily", problem.Value);
        Assert.Null(problem.RecommendedAction);
    }

    [Fact]
    public void ANewScheduleNeedsAFrequencyAndTheMessageSuggestsTheGivenTimes()
    {
        var none = AssertProblem(Spec().CheckFrequency(required: true), ScheduleSettingProblems.FrequencyMissingCode);
        Assert.Contains("-Daily -At 06:00", none.Message, StringComparison.Ordinal);
        Assert.Null(none.Value);

        var withTimes = new ScheduleSpec { Times = new[] { "07:00", "19:00" } }.CheckFrequency(required: true);
        Assert.Contains("-Daily -At 07:00, 19:00", withTimes!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9:30", "09:30")]
    [InlineData(" 09:30 ", "09:30")]
    [InlineData("930", "930")]
    [InlineData("24:00", "24:00")]
    public void OneDigitHoursAreNormalisedAndTheRestLeftToTheValidator(string given, string expected) =>
        Assert.Equal(expected, ScheduleSpec.NormalizeTime(given));

    [Fact]
    public void WeekIndexTakesItsCanonicalSpelling()
    {
        Assert.Equal("Second", ScheduleSpec.NormalizeWeekIndex("second"));
        Assert.Equal("Sixth", ScheduleSpec.NormalizeWeekIndex("Sixth"));
    }

    [Fact]
    public void ANewDailyScheduleStartsOnTheNextWholeMinuteAfterAMinuteAndEndsAYearLater()
    {
        var composition = new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Daily }, Times = new[] { "06:00" }, TimeZone = "UTC" }.Compose(null, Now);

        var config = composition.Configuration!;
        Assert.Null(composition.Problem);
        Assert.Equal(ScheduleTypes.Daily, config.Type);
        Assert.Equal("UTC", config.LocalTimeZoneId);
        Assert.Equal(new[] { "06:00" }, config.Times);
        Assert.Equal("2026-03-10T12:02:00Z", config.StartDateTime);
        Assert.Equal("2027-03-10T12:02:00Z", config.EndDateTime);
        var note = Assert.Single(composition.Notes);
        Assert.Contains("No -EndDateTime given", note, StringComparison.Ordinal);
        Assert.Empty(composition.Warnings);
    }

    [Fact]
    public void WallTimesAreReadInTheScheduleZoneAndInstantsKeptAsGiven()
    {
        var config = Composed(new ScheduleSpec
        {
            Frequencies = new[] { ScheduleTypes.Cron },
            IntervalMinutes = 30,
            TimeZone = Central,
            Start = new DateTime(2026, 6, 1, 8, 0, 0, DateTimeKind.Unspecified),
            End = new DateTime(2026, 7, 1, 8, 0, 0, DateTimeKind.Utc),
        });

        Assert.Equal("2026-06-01T13:00:00Z", config.StartDateTime);
        Assert.Equal("2026-07-01T08:00:00Z", config.EndDateTime);
        Assert.Equal(30, config.Interval);
    }

    [Fact]
    public void AnIanaZoneIsSentAsItsWindowsIdWithANote()
    {
        var composition = new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Cron }, IntervalMinutes = 60, TimeZone = "America/Chicago" }.Compose(null, Now);

        Assert.Equal(Central, composition.Configuration!.LocalTimeZoneId);
        Assert.Contains(composition.Notes, n => n.Contains("sent as its Windows id 'Central Standard Time'", StringComparison.Ordinal));
        Assert.Empty(composition.Warnings);
    }

    [Fact]
    public void AFixedOffsetAbbreviationIsAcceptedWithAWarning()
    {
        var composition = new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Cron }, IntervalMinutes = 60, TimeZone = "EST" }.Compose(null, Now);

        Assert.Null(composition.Problem);
        var warning = Assert.Single(composition.Warnings);
        Assert.Contains("fixed offset without daylight saving time (UTC-05:00 all year)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownZoneIsAnInvalidConfigurationNamedAsTheTimeZoneSetting()
    {
        var problem = AssertProblem(
            new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Cron }, IntervalMinutes = 60, TimeZone = "Mars/Olympus" }.Compose(null, Now).Problem,
            ScheduleSettingProblems.InvalidConfigurationCode);

        Assert.StartsWith("-TimeZone 'Mars/Olympus' is not a known time zone", problem.Message, StringComparison.Ordinal);
        Assert.Equal("Mars/Olympus", problem.Value);
    }

    [Fact]
    public void BrokenRulesAreNamedByTheSettingsAndTheFirstOffendingValueIsTheTarget()
    {
        var problem = AssertProblem(
            new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Daily }, Times = new[] { "09:00", "25:00", "09:00" }, TimeZone = "UTC" }.Compose(null, Now).Problem,
            ScheduleSettingProblems.InvalidConfigurationCode);

        Assert.Contains("-At '25:00' is not a valid time of day", problem.Message, StringComparison.Ordinal);
        Assert.Contains("-At '09:00' repeats an earlier entry", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("configuration.", problem.Message, StringComparison.Ordinal);
        Assert.Equal("25:00", problem.Value);
    }

    [Fact]
    public void AnIntervalOutOfRangeIsNamedAsIntervalMinutes()
    {
        var problem = AssertProblem(
            new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Cron }, IntervalMinutes = 0, TimeZone = "UTC" }.Compose(null, Now).Problem,
            ScheduleSettingProblems.InvalidConfigurationCode);

        Assert.StartsWith("-IntervalMinutes 0 is out of range", problem.Message, StringComparison.Ordinal);
        Assert.Equal("0", problem.Value);
    }

    [Fact]
    public void AMonthlyScheduleWithoutItsDayIsSaidInTermsOfTheSettings()
    {
        var problem = AssertProblem(
            new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Monthly }, Times = new[] { "06:00" }, TimeZone = "UTC" }.Compose(null, Now).Problem,
            ScheduleSettingProblems.InvalidConfigurationCode);

        Assert.Equal("A monthly schedule needs -DayOfMonth, or -WeekIndex with -DayOfWeek.", problem.Message);
    }

    public static TheoryData<ScheduleSpec, string, object> SettingsTheTypeHasNoUseFor() => new()
    {
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Cron }, IntervalMinutes = 5, Times = new[] { "09:00" } }, "-At does not apply to an interval schedule", new[] { "09:00" } },
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Daily }, Times = new[] { "09:00" }, Days = new[] { DayOfWeek.Monday } }, "-DayOfWeek applies to weekly schedules", new[] { DayOfWeek.Monday } },
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Weekly }, Times = new[] { "09:00" }, Days = new[] { DayOfWeek.Monday }, DayOfMonth = 3 }, "this schedule is Weekly. Add -Monthly", 3 },
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Daily }, Times = new[] { "09:00" }, RecurrenceMonths = 2 }, "-DayOfMonth, -WeekIndex and -RecurrenceMonths apply to monthly schedules", 2 },
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Monthly }, Times = new[] { "09:00" }, DayOfMonth = 3, WeekIndex = "First" }, "either on a day of the month (-DayOfMonth) or on a weekday", 3 },
        { new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Monthly }, Times = new[] { "09:00" }, WeekIndex = "First", Days = new[] { DayOfWeek.Monday, DayOfWeek.Friday } }, "-DayOfWeek has 2 days", new[] { DayOfWeek.Monday, DayOfWeek.Friday } },
    };

    [Theory]
    [MemberData(nameof(SettingsTheTypeHasNoUseFor))]
    public void SettingsTheTypeHasNoUseForAreRefusedNotDropped(ScheduleSpec spec, string says, object value)
    {
        var composition = spec.Compose(null, Now);

        Assert.Null(composition.Configuration);
        var problem = AssertProblem(composition.Problem, ScheduleSettingProblems.ParameterConflictCode);
        Assert.Contains(says, problem.Message, StringComparison.Ordinal);
        Assert.Equal(value, problem.Value);
        Assert.DoesNotContain("to change the schedule's type", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnAnExistingScheduleARefusalSaysHowToChangeItsType()
    {
        var problem = new ScheduleSpec { Times = new[] { "09:00" } }.Compose(Cron(), Now).Problem;

        Assert.EndsWith("Add -Daily, -Weekly or -Monthly to change the schedule's type.", problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASetMergesTheGivenSettingsOverTheSchedule()
    {
        var existing = Weekly(new[] { "Monday", "Friday" }, new[] { "06:00" });

        var config = Composed(new ScheduleSpec { Times = new[] { "07:30" } }, existing);

        Assert.Equal(ScheduleTypes.Weekly, config.Type);
        Assert.Equal(new[] { "Monday", "Friday" }, config.Weekdays);
        Assert.Equal(new[] { "07:30" }, config.Times);
        Assert.Equal(existing.StartDateTime, config.StartDateTime);
        Assert.Equal(existing.EndDateTime, config.EndDateTime);
        Assert.NotSame(existing.Weekdays, config.Weekdays);
    }

    [Fact]
    public void ANewTypeKeepsTheTimesButNotTheOtherTypesFields()
    {
        var config = Composed(new ScheduleSpec { Frequencies = new[] { ScheduleTypes.Monthly }, DayOfMonth = 15 }, Weekly(times: new[] { "05:00" }));

        Assert.Equal(ScheduleTypes.Monthly, config.Type);
        Assert.Equal(new[] { "05:00" }, config.Times);
        Assert.Null(config.Weekdays);
        Assert.Equal(1, config.Recurrence);
        Assert.Equal(MonthlyOccurrenceTypes.DayOfMonth, config.Occurrence!.OccurrenceType);
        Assert.Equal(15, config.Occurrence.DayOfMonth);
    }

    [Fact]
    public void AWeekdayGivenAloneKeepsTheMonthlyScheduleWeekIndex()
    {
        var config = Composed(new ScheduleSpec { Days = new[] { DayOfWeek.Thursday } }, MonthlyOrdinal("Third", "Tuesday"));

        Assert.Equal(MonthlyOccurrenceTypes.OrdinalWeekday, config.Occurrence!.OccurrenceType);
        Assert.Equal("Third", config.Occurrence.WeekIndex);
        Assert.Equal("Thursday", config.Occurrence.Weekday);
    }

    [Fact]
    public void ANewTimeZonePinsOffsetLessDateTimesToTheInstantTheyMeant()
    {
        var existing = Daily(start: "2026-06-01T08:00:00", end: "2026-12-01T08:00:00Z", zone: Central);

        var config = Composed(new ScheduleSpec { TimeZone = "UTC" }, existing);

        Assert.Equal("UTC", config.LocalTimeZoneId);
        Assert.Equal("2026-06-01T13:00:00Z", config.StartDateTime);
        Assert.Equal("2026-12-01T08:00:00Z", config.EndDateTime);
    }

    [Theory]
    [InlineData(null, null, null, ScheduleTypes.Daily, MonthlyOccurrenceTypes.DayOfMonth)]
    [InlineData(null, "Second", null, ScheduleTypes.Monthly, MonthlyOccurrenceTypes.OrdinalWeekday)]
    [InlineData(null, null, 3, ScheduleTypes.Monthly, MonthlyOccurrenceTypes.DayOfMonth)]
    [InlineData(DayOfWeek.Monday, null, null, ScheduleTypes.Weekly, MonthlyOccurrenceTypes.OrdinalWeekday)]
    public void ThePlaceholderHasTheTypeTheSettingsImply(DayOfWeek? day, string? weekIndex, int? recurrence, string type, string occurrence)
    {
        var spec = new ScheduleSpec { Days = day is DayOfWeek d ? new[] { d } : null, WeekIndex = weekIndex, RecurrenceMonths = recurrence };

        var placeholder = spec.Placeholder(Now);

        Assert.Equal(type, placeholder.Type);
        Assert.Equal(occurrence, placeholder.Occurrence!.OccurrenceType);
        Assert.Empty(ScheduleValidator.Validate(placeholder));
    }

    [Fact]
    public void ThePlaceholderLetsTheGivenSettingsBeJudgedOnTheirOwn()
    {
        var bad = new ScheduleSpec { Times = new[] { "25:00" } };
        var good = new ScheduleSpec { Times = new[] { "06:00" }, End = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        AssertProblem(bad.Compose(bad.Placeholder(Now), Now).Problem, ScheduleSettingProblems.InvalidConfigurationCode);
        Assert.Null(good.Compose(good.Placeholder(Now), Now).Problem);
    }

    [Fact]
    public void AnEndThatHasPassedIsAProblemWithItsOwnAdvice()
    {
        var composition = new ScheduleSpec
        {
            Frequencies = new[] { ScheduleTypes.Cron },
            IntervalMinutes = 60,
            TimeZone = "UTC",
            Start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            End = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc),
        }.Compose(null, Now);

        var problem = AssertProblem(composition.CheckNotEnded("The schedule", Now), ScheduleSettingProblems.EndInPastCode);
        Assert.Equal("The schedule ends at 2026-02-01T00:00:00Z, which has already passed: an enabled schedule that has ended never runs.", problem.Message);
        Assert.Equal("2026-02-01T00:00:00Z", problem.Value);
        Assert.Contains("-Disabled", problem.RecommendedAction, StringComparison.Ordinal);
        Assert.Null(composition.CheckNotEnded("The schedule", At("2026-01-15T00:00:00Z")));
    }

    [Fact]
    public void DescribeListsWhatTheCallChanges()
    {
        var spec = new ScheduleSpec
        {
            Frequencies = new[] { ScheduleTypes.Weekly },
            Times = new[] { "06:00", "18:00" },
            Days = new[] { DayOfWeek.Monday, DayOfWeek.Friday },
            TimeZone = "UTC",
        };

        Assert.Equal("type Weekly; at 06:00, 18:00; on Monday, Friday; time zone UTC", spec.Describe());
        Assert.True(new ScheduleSpec().IsEmpty);
        Assert.False(spec.IsEmpty);
    }
}
