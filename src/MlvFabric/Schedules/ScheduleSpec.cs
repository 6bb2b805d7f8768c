using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Scheduling;

namespace MlvFabric.Schedules;

/// <summary>
/// The schedule settings one New-MlvSchedule or Set-MlvSchedule call gave (null = not given), and how they become the
/// API's complete configuration: on top of defaults for New, on top of the schedule as it is for Set (the API's update
/// replaces the whole configuration, so Set reads, merges, validates and writes).
/// </summary>
internal sealed class ScheduleSpec
{
    /// <summary>The API needs an end; without -EndDateTime a schedule runs for this long after its start.</summary>
    public const int DefaultLifetimeYears = 1;

    /// <summary>Cron, Daily, Weekly or Monthly when the call names the type (-IntervalMinutes, -Daily, -Weekly, -Monthly).</summary>
    public string? Type { get; set; }

    public int? IntervalMinutes { get; set; }

    /// <summary>Times of day as given (after <see cref="NormalizeTime"/>); judged by <see cref="ScheduleValidator"/>.</summary>
    public string[]? Times { get; set; }

    public DayOfWeek[]? Days { get; set; }

    public int? DayOfMonth { get; set; }

    /// <summary>First … Fifth.</summary>
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

    private static readonly string[] WeekIndexNames = { "First", "Second", "Third", "Fourth", "Fifth" };

    /// <summary>
    /// The settings a New-/Set-MlvSchedule call gave, read from its bound parameters (the two cmdlets name them
    /// alike): -IntervalMinutes, -Daily, -Weekly, -Monthly, -At, -DayOfWeek, -DayOfMonth, -WeekIndex,
    /// -RecurrenceMonths, -StartDateTime, -EndDateTime, -TimeZone.
    /// </summary>
    public static ScheduleSpec FromBoundParameters(IDictionary<string, object> bound)
    {
        var spec = new ScheduleSpec();
        if (bound.TryGetValue("IntervalMinutes", out var interval) && interval is int minutes)
        {
            spec.Type = ScheduleTypes.Cron;
            spec.IntervalMinutes = minutes;
        }

        foreach (var type in new[] { ScheduleTypes.Daily, ScheduleTypes.Weekly, ScheduleTypes.Monthly })
        {
            if (bound.TryGetValue(type, out var value) && value is SwitchParameter { IsPresent: true })
            {
                spec.Type = type;
            }
        }

        if (bound.TryGetValue("At", out var at) && at is string[] times)
        {
            spec.Times = times.Select(NormalizeTime).ToArray()!;
        }

        if (bound.TryGetValue("DayOfWeek", out var days) && days is DayOfWeek[] dayArray)
        {
            spec.Days = dayArray;
        }

        if (bound.TryGetValue("DayOfMonth", out var dayOfMonth) && dayOfMonth is int day)
        {
            spec.DayOfMonth = day;
        }

        if (bound.TryGetValue("WeekIndex", out var weekIndex) && weekIndex is string index)
        {
            spec.WeekIndex = WeekIndexNames.FirstOrDefault(n => string.Equals(n, index, StringComparison.OrdinalIgnoreCase)) ?? index;
        }

        if (bound.TryGetValue("RecurrenceMonths", out var recurrence) && recurrence is int months)
        {
            spec.RecurrenceMonths = months;
        }

        if (bound.TryGetValue("StartDateTime", out var start) && start is DateTime startTime)
        {
            spec.Start = startTime;
        }

        if (bound.TryGetValue("EndDateTime", out var end) && end is DateTime endTime)
        {
            spec.End = endTime;
        }

        if (bound.TryGetValue("TimeZone", out var zone) && zone is string zoneText)
        {
            spec.TimeZone = zoneText.Trim();
        }

        return spec;
    }

    /// <summary>
    /// More than one of -IntervalMinutes, -Daily, -Weekly, -Monthly: a schedule has one frequency. (The cmdlets' default
    /// parameter sets take them all, so that this is said in words rather than as AmbiguousParameterSet.)
    /// </summary>
    public static ErrorRecord? CheckOneFrequency(IDictionary<string, object> bound)
    {
        var given = new[] { "IntervalMinutes", ScheduleTypes.Daily, ScheduleTypes.Weekly, ScheduleTypes.Monthly }
            .Where(name => bound.TryGetValue(name, out var value) && !(value is SwitchParameter { IsPresent: false }))
            .ToArray();
        return given.Length <= 1
            ? null
            : MlvErrors.ScheduleParameterConflict(
                $"-{string.Join(" and -", given)} do not go together: a schedule has one frequency. Give one of -IntervalMinutes, -Daily, -Weekly or -Monthly.",
                string.Join(", ", given));
    }

    /// <summary>"9:30" → "09:30" (one-digit hours are unambiguous); anything else is left for the validator to judge.</summary>
    public static string? NormalizeTime(string? time)
    {
        var text = time?.Trim();
        return text is { Length: 4 } && char.IsDigit(text[0]) && text[1] == ':' ? "0" + text : text;
    }

    /// <summary>What this call changes, for ShouldProcess and verbose output.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Type is not null)
        {
            parts.Add("type " + Type);
        }

        if (IntervalMinutes is int interval)
        {
            parts.Add("every " + interval.ToString(CultureInfo.InvariantCulture) + " minutes");
        }

        if (Times is not null)
        {
            parts.Add("at " + string.Join(", ", Times));
        }

        if (Days is not null)
        {
            parts.Add("on " + string.Join(", ", Days));
        }

        if (DayOfMonth is int day)
        {
            parts.Add("day of month " + day.ToString(CultureInfo.InvariantCulture));
        }

        if (WeekIndex is not null)
        {
            parts.Add("week " + WeekIndex);
        }

        if (RecurrenceMonths is int months)
        {
            parts.Add("every " + months.ToString(CultureInfo.InvariantCulture) + " month(s)");
        }

        if (Start is DateTime start)
        {
            parts.Add("start " + start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        if (End is DateTime end)
        {
            parts.Add("end " + end.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        if (TimeZone is not null)
        {
            parts.Add("time zone " + TimeZone);
        }

        return string.Join("; ", parts);
    }

    /// <summary>
    /// The complete configuration this call asks for: the given settings over <paramref name="existing"/> (null: a new
    /// schedule, with defaults for start, end and time zone), checked against the API's rules.
    /// </summary>
    public ScheduleComposition Compose(ScheduleConfiguration? existing, DateTime nowUtc)
    {
        var notes = new List<string>();
        var warnings = new List<string>();
        var type = Type ?? (ScheduleValidator.TryParseType(existing?.Type, out var known) ? known : existing?.Type);
        var conflict = CheckApplies(type, existing);
        if (conflict is not null)
        {
            return new ScheduleComposition(null, conflict, notes, warnings);
        }

        var zoneText = TimeZone ?? existing?.LocalTimeZoneId ?? ScheduleTimeZones.LocalWindowsId();
        var zoneId = zoneText;
        var zone = TimeZoneInfo.Utc;
        if (ScheduleTimeZones.TryResolve(zoneText, out var windowsId, out var resolved))
        {
            zoneId = windowsId;
            zone = resolved;
            if (TimeZone is not null && !ScheduleTimeZones.IsWindowsId(TimeZone))
            {
                notes.Add($"Time zone '{TimeZone}' is sent as its Windows id '{windowsId}', which the API requires.");
                // EST, MST, HST...: fixed offsets, not the regional zones people usually mean by them. (Their Windows
                // zones may have had daylight saving long ago, so the next twelve months decide.)
                var offset = resolved.GetUtcOffset(nowUtc);
                if (TimeZone.IndexOf('/') < 0 && Enumerable.Range(1, 12).All(m => resolved.GetUtcOffset(nowUtc.AddMonths(m)) == offset))
                {
                    warnings.Add($"Time zone '{TimeZone}' is a fixed offset without daylight saving time ({FormatOffset(offset)} all year): the schedule uses '{windowsId}'. For a region's local time with daylight saving, give its Windows id or IANA name (for example 'Eastern Standard Time' or 'America/New_York').");
                }
            }
        }

        var config = new ScheduleConfiguration { Type = type ?? string.Empty, LocalTimeZoneId = zoneId };
        var zoneChanged = existing is not null && !string.Equals(existing.LocalTimeZoneId, zoneId, StringComparison.OrdinalIgnoreCase);
        config.StartDateTime = Start is DateTime start
            ? FormatInstant(start, zone)
            : existing is not null ? KeepInstant(existing.StartDateTime, existing.LocalTimeZoneId, zoneChanged) : DefaultStart(nowUtc);
        config.EndDateTime = End is DateTime end
            ? FormatInstant(end, zone)
            : existing is not null ? KeepInstant(existing.EndDateTime, existing.LocalTimeZoneId, zoneChanged) : DefaultEnd(config.StartDateTime, nowUtc, notes);

        var sameType = existing is not null && string.Equals(existing.Type, type, StringComparison.OrdinalIgnoreCase);
        var existingHasTimes = existing is not null && ScheduleValidator.TryParseType(existing.Type, out var existingType) && existingType != ScheduleTypes.Cron;
        switch (type)
        {
            case ScheduleTypes.Cron:
                config.Interval = IntervalMinutes ?? (sameType ? existing!.Interval : null);
                break;
            case ScheduleTypes.Daily:
                config.Times = Times ?? (existingHasTimes ? (string[]?)existing!.Times?.Clone() : null);
                break;
            case ScheduleTypes.Weekly:
                config.Weekdays = Days?.Select(d => d.ToString()).ToArray() ?? (sameType ? (string[]?)existing!.Weekdays?.Clone() : null);
                config.Times = Times ?? (existingHasTimes ? (string[]?)existing!.Times?.Clone() : null);
                break;
            case ScheduleTypes.Monthly:
                config.Recurrence = RecurrenceMonths ?? (sameType ? existing!.Recurrence : 1);
                config.Occurrence = ComposeOccurrence(sameType ? existing!.Occurrence : null);
                config.Times = Times ?? (existingHasTimes ? (string[]?)existing!.Times?.Clone() : null);
                break;
        }

        var errors = ScheduleValidator.Validate(config);
        return new ScheduleComposition(config, errors.Count == 0 ? null : MlvErrors.InvalidScheduleConfiguration(errors), notes, warnings);
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

    // The settings a type has no use for are refused rather than silently dropped.
    private ErrorRecord? CheckApplies(string? type, ScheduleConfiguration? existing)
    {
        var change = existing is null ? string.Empty : " Add -Daily, -Weekly or -Monthly to change the schedule's type.";
        var current = type ?? "unknown";
        if (Times is not null && type == ScheduleTypes.Cron)
        {
            return MlvErrors.ScheduleParameterConflict(
                $"-At does not apply to an interval schedule (type Cron, which runs every -IntervalMinutes).{change}", Times);
        }

        if (Days is not null && type != ScheduleTypes.Weekly && type != ScheduleTypes.Monthly)
        {
            return MlvErrors.ScheduleParameterConflict(
                $"-DayOfWeek applies to weekly schedules (-Weekly) and to monthly ones on a weekday (-Monthly -WeekIndex); this schedule is {current}.{change}", Days);
        }

        if (type != ScheduleTypes.Monthly)
        {
            var monthlyOnly = DayOfMonth ?? (object?)WeekIndex ?? RecurrenceMonths;
            if (monthlyOnly is not null)
            {
                return MlvErrors.ScheduleParameterConflict(
                    $"-DayOfMonth, -WeekIndex and -RecurrenceMonths apply to monthly schedules; this schedule is {current}. Add -Monthly to make it monthly.", monthlyOnly);
            }

            return null;
        }

        if (DayOfMonth is not null && (WeekIndex is not null || Days is not null))
        {
            return MlvErrors.ScheduleParameterConflict(
                "A monthly schedule runs either on a day of the month (-DayOfMonth) or on a weekday of a given week (-WeekIndex with -DayOfWeek), not both.",
                DayOfMonth);
        }

        if (Days is { Length: > 1 })
        {
            return MlvErrors.ScheduleParameterConflict(
                $"A monthly schedule runs on one weekday of the month (for example -WeekIndex Second -DayOfWeek Tuesday); -DayOfWeek has {Days.Length} days. Use -Weekly for several days a week.",
                Days);
        }

        return null;
    }

    private MonthlyOccurrence? ComposeOccurrence(MonthlyOccurrence? previous)
    {
        if (DayOfMonth is int day)
        {
            return new MonthlyOccurrence { OccurrenceType = MonthlyOccurrenceTypes.DayOfMonth, DayOfMonth = day };
        }

        if (WeekIndex is null && Days is null)
        {
            return previous?.Clone();
        }

        var wasOrdinal = ScheduleValidator.TryParseOccurrenceType(previous?.OccurrenceType, out var kind) && kind == MonthlyOccurrenceTypes.OrdinalWeekday;
        return new MonthlyOccurrence
        {
            OccurrenceType = MonthlyOccurrenceTypes.OrdinalWeekday,
            WeekIndex = WeekIndex ?? (wasOrdinal ? previous!.WeekIndex : null),
            Weekday = Days is not null ? Days.Select(d => d.ToString()).FirstOrDefault() : wasOrdinal ? previous!.Weekday : null,
        };
    }

    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static string FormatInstant(DateTime value, TimeZoneInfo zone) =>
        ScheduleDateTimes.FormatUtc(value.Kind == DateTimeKind.Unspecified ? ScheduleDateTimes.LocalToUtc(value, zone) : value.ToUniversalTime());

    // A new time zone changes how offset-less date-times read, so those are pinned to the instant they meant before.
    private static string? KeepInstant(string? text, string? oldZoneId, bool zoneChanged)
    {
        if (!zoneChanged || text is null || !ScheduleTimeZones.TryResolve(oldZoneId, out _, out var oldZone))
        {
            return text;
        }

        return ScheduleDateTimes.TryParse(text, oldZone, out var utc) ? ScheduleDateTimes.FormatUtc(utc) : text;
    }

    // The next whole minute after a minute from now: a start in the past makes the service run the job at once.
    private static string DefaultStart(DateTime nowUtc)
    {
        var later = nowUtc.AddMinutes(1);
        return ScheduleDateTimes.FormatUtc(new DateTime(later.Ticks - (later.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc).AddMinutes(1));
    }

    private static string FormatOffset(TimeSpan offset) =>
        "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static string? DefaultEnd(string? start, DateTime nowUtc, List<string> notes)
    {
        var from = ScheduleDateTimes.TryParse(start, TimeZoneInfo.Utc, out var utc) ? utc : nowUtc;
        var end = from.AddYears(DefaultLifetimeYears);
        notes.Add($"No -EndDateTime given: the schedule ends on {end:yyyy-MM-dd HH:mm} UTC, {DefaultLifetimeYears} year after its start (the API requires an end). Extend it later with Set-MlvSchedule -EndDateTime.");
        return ScheduleDateTimes.FormatUtc(end);
    }
}

/// <summary>The outcome of <see cref="ScheduleSpec.Compose"/>: the configuration to send, or why there is none.</summary>
internal sealed class ScheduleComposition
{
    public ScheduleComposition(ScheduleConfiguration? configuration, ErrorRecord? error, IReadOnlyList<string> notes, IReadOnlyList<string> warnings)
    {
        Configuration = configuration;
        Error = error;
        Notes = notes;
        Warnings = warnings;
    }

    public ScheduleConfiguration? Configuration { get; }

    /// <summary>The first problem (a configuration error lists every broken rule in its message).</summary>
    public ErrorRecord? Error { get; }

    /// <summary>Decisions the user may want to know about (verbose output).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Decisions the user should know about (warnings): a time-zone abbreviation read as a fixed offset.</summary>
    public IReadOnlyList<string> Warnings { get; }
}
