using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

public sealed partial class ScheduleSpec
{
    /// <summary>
    /// The complete configuration this call asks for: the given settings over <paramref name="existing"/> (null: a new
    /// schedule, with defaults for start, end and time zone), checked against the API's rules.
    /// </summary>
    public ScheduleComposition Compose(ScheduleConfiguration? existing, DateTime nowUtc)
    {
        var type = Type ?? (ScheduleValidator.TryParseType(existing?.Type, out var known) ? known : existing?.Type);
        var conflict = CheckApplies(type, existing);
        if (conflict is not null)
        {
            return new ScheduleComposition(null, conflict, Array.Empty<string>(), Array.Empty<string>());
        }

        var notes = new List<string>();
        var warnings = new List<string>();
        var (zoneId, zone) = ResolveTimeZone(existing, nowUtc, notes, warnings);
        var config = new ScheduleConfiguration { Type = type ?? string.Empty, LocalTimeZoneId = zoneId };
        ComposeDates(config, existing, zone, nowUtc, notes);
        ComposeRecurrence(config, type, existing);

        var errors = ScheduleValidator.Validate(config);
        return new ScheduleComposition(config, errors.Count == 0 ? null : ScheduleSettingProblems.InvalidConfiguration(errors), notes, warnings);
    }

    // The settings a type has no use for are refused rather than silently dropped.
    private ScheduleProblem? CheckApplies(string? type, ScheduleConfiguration? existing)
    {
        var change = existing is null ? string.Empty : " Add -Daily, -Weekly or -Monthly to change the schedule's type.";
        var current = type ?? "unknown";
        if (Times is not null && type == ScheduleTypes.Cron)
        {
            return ScheduleSettingProblems.ParameterConflict(
                $"-At does not apply to an interval schedule (type Cron, which runs every -IntervalMinutes).{change}", Times);
        }

        if (Days is not null && type != ScheduleTypes.Weekly && type != ScheduleTypes.Monthly)
        {
            return ScheduleSettingProblems.ParameterConflict(
                $"-DayOfWeek applies to weekly schedules (-Weekly) and to monthly ones on a weekday (-Monthly -WeekIndex); this schedule is {current}.{change}", Days);
        }

        return type == ScheduleTypes.Monthly ? CheckMonthlyDay() : CheckNoMonthlySettings(current);
    }

    private ScheduleProblem? CheckNoMonthlySettings(string type)
    {
        var monthlyOnly = DayOfMonth ?? (object?)WeekIndex ?? RecurrenceMonths;
        return monthlyOnly is null
            ? null
            : ScheduleSettingProblems.ParameterConflict(
                $"-DayOfMonth, -WeekIndex and -RecurrenceMonths apply to monthly schedules; this schedule is {type}. Add -Monthly to make it monthly.", monthlyOnly);
    }

    private ScheduleProblem? CheckMonthlyDay()
    {
        if (DayOfMonth is not null && (WeekIndex is not null || Days is not null))
        {
            return ScheduleSettingProblems.ParameterConflict(
                "A monthly schedule runs either on a day of the month (-DayOfMonth) or on a weekday of a given week (-WeekIndex with -DayOfWeek), not both.",
                DayOfMonth);
        }

        if (Days is { Length: > 1 })
        {
            return ScheduleSettingProblems.ParameterConflict(
                $"A monthly schedule runs on one weekday of the month (for example -WeekIndex Second -DayOfWeek Tuesday); -DayOfWeek has {Days.Length} days. Use -Weekly for several days a week.",
                Days);
        }

        return null;
    }

    /// <summary>
    /// The Windows id to send and the zone to read wall times in: -TimeZone, else the schedule's, else this computer's.
    /// An id that resolves nowhere is sent as given (the validator refuses it) and wall times are read as UTC.
    /// </summary>
    private (string Id, TimeZoneInfo Zone) ResolveTimeZone(ScheduleConfiguration? existing, DateTime nowUtc, List<string> notes, List<string> warnings)
    {
        var zoneText = TimeZone ?? existing?.LocalTimeZoneId ?? ScheduleTimeZones.LocalWindowsId();
        if (!ScheduleTimeZones.TryResolve(zoneText, out var windowsId, out var resolved))
        {
            return (zoneText, TimeZoneInfo.Utc);
        }

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

        return (windowsId, resolved);
    }

    private void ComposeDates(ScheduleConfiguration config, ScheduleConfiguration? existing, TimeZoneInfo zone, DateTime nowUtc, List<string> notes)
    {
        var zoneChanged = existing is not null && !string.Equals(existing.LocalTimeZoneId, config.LocalTimeZoneId, StringComparison.OrdinalIgnoreCase);
        config.StartDateTime = Start is DateTime start
            ? FormatInstant(start, zone)
            : existing is not null ? KeepInstant(existing.StartDateTime, existing.LocalTimeZoneId, zoneChanged) : DefaultStart(nowUtc);
        config.EndDateTime = End is DateTime end
            ? FormatInstant(end, zone)
            : existing is not null ? KeepInstant(existing.EndDateTime, existing.LocalTimeZoneId, zoneChanged) : DefaultEnd(config.StartDateTime, nowUtc, notes);
    }

    // The type's own fields: given, else kept from the schedule where they mean the same (times across Daily, Weekly
    // and Monthly; the rest only within one type).
    private void ComposeRecurrence(ScheduleConfiguration config, string? type, ScheduleConfiguration? existing)
    {
        var sameType = existing is not null && string.Equals(existing.Type, type, StringComparison.OrdinalIgnoreCase);
        var existingHasTimes = existing is not null && ScheduleValidator.TryParseType(existing.Type, out var existingType) && existingType != ScheduleTypes.Cron;
        var times = Times ?? (existingHasTimes ? (string[]?)existing!.Times?.Clone() : null);
        switch (type)
        {
            case ScheduleTypes.Cron:
                config.Interval = IntervalMinutes ?? (sameType ? existing!.Interval : null);
                break;
            case ScheduleTypes.Daily:
                config.Times = times;
                break;
            case ScheduleTypes.Weekly:
                config.Weekdays = Days?.Select(d => d.ToString()).ToArray() ?? (sameType ? (string[]?)existing!.Weekdays?.Clone() : null);
                config.Times = times;
                break;
            case ScheduleTypes.Monthly:
                config.Recurrence = RecurrenceMonths ?? (sameType ? existing!.Recurrence : 1);
                config.Occurrence = ComposeOccurrence(sameType ? existing!.Occurrence : null);
                config.Times = times;
                break;
        }
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
        "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture);

    private static string? DefaultEnd(string? start, DateTime nowUtc, List<string> notes)
    {
        var from = ScheduleDateTimes.TryParse(start, TimeZoneInfo.Utc, out var utc) ? utc : nowUtc;
        var end = from.AddYears(DefaultLifetimeYears);
        notes.Add($"No -EndDateTime given: the schedule ends on {end:yyyy-MM-dd HH:mm} UTC, {DefaultLifetimeYears} year after its start (the API requires an end). Extend it later with Set-MlvSchedule -EndDateTime.");
        return ScheduleDateTimes.FormatUtc(end);
    }
}

/// <summary>The outcome of <see cref="ScheduleSpec.Compose"/>: the configuration to send, or why there is none.</summary>
public sealed class ScheduleComposition
{
    public ScheduleComposition(ScheduleConfiguration? configuration, ScheduleProblem? problem, IReadOnlyList<string> notes, IReadOnlyList<string> warnings)
    {
        Configuration = configuration;
        Problem = problem;
        Notes = notes;
        Warnings = warnings;
    }

    public ScheduleConfiguration? Configuration { get; }

    /// <summary>The first problem (an invalid configuration lists every broken rule in its message).</summary>
    public ScheduleProblem? Problem { get; }

    /// <summary>Decisions the user may want to know about (verbose output).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Decisions the user should know about (warnings): a time-zone abbreviation read as a fixed offset.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// The configuration's end has passed at <paramref name="nowUtc"/>: an enabled schedule would never run.
    /// <paramref name="subject"/> starts the message ("The schedule").
    /// </summary>
    public ScheduleProblem? CheckNotEnded(string subject, DateTime nowUtc) =>
        Configuration is not null && ScheduleDateTimes.HasEnded(Configuration, nowUtc)
            ? ScheduleSettingProblems.EndInPast(Configuration.EndDateTime, subject)
            : null;
}
