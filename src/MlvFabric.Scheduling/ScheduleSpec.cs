using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>
/// The schedule settings one New-MlvSchedule or Set-MlvSchedule call gave (null = not given), and how they become the
/// API's complete configuration: on top of defaults for New, on top of the schedule as it is for Set (the API's update
/// replaces the whole configuration, so Set reads, merges, validates and writes). Problems are named by the settings
/// (-IntervalMinutes, -At, …), as the user gave them.
/// </summary>
public sealed partial class ScheduleSpec
{
    /// <summary>The API needs an end; without -EndDateTime a schedule runs for this long after its start.</summary>
    public const int DefaultLifetimeYears = 1;

    private static readonly string[] WeekIndexNames = { "First", "Second", "Third", "Fourth", "Fifth" };

    /// <summary>
    /// The frequencies given, as schedule types in this order: Cron (-IntervalMinutes), Daily, Weekly, Monthly. A
    /// schedule has one (<see cref="CheckFrequency"/>).
    /// </summary>
    public IReadOnlyList<string> Frequencies { get; set; } = Array.Empty<string>();

    /// <summary>Cron, Daily, Weekly or Monthly when the call names the type; null when it keeps the schedule's.</summary>
    public string? Type => Frequencies.Count == 0 ? null : Frequencies[Frequencies.Count - 1];

    public int? IntervalMinutes { get; set; }

    /// <summary>Times of day as given (after <see cref="NormalizeTime"/>); judged by <see cref="ScheduleValidator"/>.</summary>
    public string[]? Times { get; set; }

    public DayOfWeek[]? Days { get; set; }

    public int? DayOfMonth { get; set; }

    /// <summary>First … Fifth (see <see cref="NormalizeWeekIndex"/>).</summary>
    public string? WeekIndex { get; set; }

    public int? RecurrenceMonths { get; set; }

    /// <summary>Kind Utc/Local: that instant; Kind Unspecified: a wall time in the schedule's time zone.</summary>
    public DateTime? Start { get; set; }

    public DateTime? End { get; set; }

    /// <summary>A Windows id or an IANA name, as typed.</summary>
    public string? TimeZone { get; set; }

    public bool IsEmpty =>
        Type is null && IntervalMinutes is null && Times is null && Days is null && DayOfMonth is null && WeekIndex is null
        && RecurrenceMonths is null && Start is null && End is null && TimeZone is null;

    /// <summary>"9:30" → "09:30" (one-digit hours are unambiguous); anything else is left for the validator to judge.</summary>
    public static string? NormalizeTime(string? time)
    {
        var text = time?.Trim();
        return text is { Length: 4 } && char.IsDigit(text[0]) && text[1] == ':' ? "0" + text : text;
    }

    /// <summary>"second" → "Second"; anything else stays as given, for the validator to judge.</summary>
    public static string NormalizeWeekIndex(string weekIndex) =>
        WeekIndexNames.FirstOrDefault(n => string.Equals(n, weekIndex, StringComparison.OrdinalIgnoreCase)) ?? weekIndex;

    /// <summary>
    /// More than one frequency: a schedule has one. (The cmdlets' default parameter sets take them all, so that this
    /// is said in words rather than as AmbiguousParameterSet.) With <paramref name="required"/> (a new schedule), none
    /// at all is a problem too.
    /// </summary>
    public ScheduleProblem? CheckFrequency(bool required)
    {
        if (Frequencies.Count > 1)
        {
            var given = Frequencies.Select(ParameterOf).ToArray();
            return ScheduleSettingProblems.ParameterConflict(
                $"-{string.Join(" and -", given)} do not go together: a schedule has one frequency. Give one of -IntervalMinutes, -Daily, -Weekly or -Monthly.",
                string.Join(", ", given));
        }

        if (required && Type is null)
        {
            var times = Times is { Length: > 0 } ? string.Join(", ", Times) : "06:00";
            return new ScheduleProblem(
                ScheduleProblemKind.InvalidArgument,
                ScheduleSettingProblems.FrequencyMissingCode,
                $"New-MlvSchedule needs how often the schedule runs, and no frequency switch was given. Add -Daily (-Daily -At {times}), -Weekly with -DayOfWeek, -Monthly with -DayOfMonth or -WeekIndex and -DayOfWeek, or -IntervalMinutes for a fixed interval.",
                null);
        }

        return null;
    }

    /// <summary>What this call changes, for ShouldProcess and verbose output.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        Add(parts, Type, t => "type " + t);
        AddValue(parts, IntervalMinutes, i => "every " + i.ToString(CultureInfo.InvariantCulture) + " minutes");
        Add(parts, Times, t => "at " + string.Join(", ", t));
        Add(parts, Days, d => "on " + string.Join(", ", d));
        AddValue(parts, DayOfMonth, d => "day of month " + d.ToString(CultureInfo.InvariantCulture));
        Add(parts, WeekIndex, w => "week " + w);
        AddValue(parts, RecurrenceMonths, m => "every " + m.ToString(CultureInfo.InvariantCulture) + " month(s)");
        AddValue(parts, Start, s => "start " + s.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        AddValue(parts, End, e => "end " + e.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        Add(parts, TimeZone, z => "time zone " + z);
        return string.Join("; ", parts);
    }

    /// <summary>
    /// A valid configuration of the type this call implies, to check the given settings on their own before the
    /// schedule is read (Set-MlvSchedule refuses bad input before any request).
    /// </summary>
    public ScheduleConfiguration Placeholder(DateTime nowUtc)
    {
        var type = Type
            ?? (DayOfMonth is not null || WeekIndex is not null || RecurrenceMonths is not null ? ScheduleTypes.Monthly
            : Days is not null ? ScheduleTypes.Weekly
            : ScheduleTypes.Daily);
        var start = Start is DateTime s ? AsUtc(s) : End is DateTime e ? AsUtc(e).AddDays(-1) : nowUtc;
        var end = End is DateTime given ? AsUtc(given) : start.AddDays(1);

        var ordinal = WeekIndex is not null || (Days is not null && DayOfMonth is null);
        return new ScheduleConfiguration
        {
            Type = type,
            LocalTimeZoneId = "UTC",
            StartDateTime = ScheduleDateTimes.FormatUtc(start),
            EndDateTime = ScheduleDateTimes.FormatUtc(end),
            Interval = 60,
            Times = new[] { "00:00" },
            Weekdays = new[] { nameof(DayOfWeek.Monday) },
            Recurrence = 1,
            Occurrence = ordinal
                ? new MonthlyOccurrence { OccurrenceType = MonthlyOccurrenceTypes.OrdinalWeekday, WeekIndex = "First", Weekday = nameof(DayOfWeek.Monday) }
                : new MonthlyOccurrence { OccurrenceType = MonthlyOccurrenceTypes.DayOfMonth, DayOfMonth = 1 },
        };
    }

    /// <summary>The setting that gives <paramref name="type"/>: IntervalMinutes for Cron, the type's switch otherwise.</summary>
    private static string ParameterOf(string type) => type == ScheduleTypes.Cron ? "IntervalMinutes" : type;

    private static void Add<T>(List<string> parts, T? value, Func<T, string> describe)
        where T : class
    {
        if (value is not null)
        {
            parts.Add(describe(value));
        }
    }

    private static void AddValue<T>(List<string> parts, T? value, Func<T, string> describe)
        where T : struct
    {
        if (value is T given)
        {
            parts.Add(describe(given));
        }
    }

    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
