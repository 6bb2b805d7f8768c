using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>One broken rule of a configuration: the service's 400 and the module's pre-request check.</summary>
public sealed class ScheduleValidationError
{
    public const string InvalidConfiguration = "InvalidConfiguration";
    public const string InvalidRequest = "InvalidRequest";

    public ScheduleValidationError(string errorCode, string field, string message, string? value)
    {
        ErrorCode = errorCode;
        Field = field;
        Message = message;
        Value = value;
    }

    /// <summary><c>InvalidConfiguration</c>, or <c>InvalidRequest</c> for a missing configuration and duplicates.</summary>
    public string ErrorCode { get; }

    /// <summary>JSON path of the field, e.g. <c>configuration.times[2]</c>.</summary>
    public string Field { get; }

    /// <summary>User-facing: names the field, the offending value and what is allowed.</summary>
    public string Message { get; }

    /// <summary>The offending value as text; null when the field is missing.</summary>
    public string? Value { get; }

    public override string ToString() => Message;
}

/// <summary>
/// The contract's rules for a schedule configuration. Names (type, weekdays, occurrence type, week index) are
/// matched case-insensitively, as the service matches enums; times must be strict <c>HH:mm</c>. Fields that do
/// not belong to the configuration's type are ignored.
/// </summary>
public static class ScheduleValidator
{
    private static readonly IReadOnlyList<string> WeekdayNames = new[]
        { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };

    private static readonly IReadOnlyList<string> WeekIndexNames = new[] { "First", "Second", "Third", "Fourth", "Fifth" };

    private const string DateTimeHelp =
        "an ISO 8601 date-time such as '2026-03-01T08:00:00Z' (UTC) or '2026-03-01T08:00:00' (local time in localTimeZoneId)";

    private const string TimeHelp =
        "HH:mm with two-digit hours and minutes, 00:00 to 23:59 (for example '09:00')";

    /// <summary>Every broken rule (not just the first), in a stable order; empty when the configuration is valid.</summary>
    public static IReadOnlyList<ScheduleValidationError> Validate(ScheduleConfiguration? config)
    {
        var errors = new List<ScheduleValidationError>();
        if (config is null)
        {
            errors.Add(new ScheduleValidationError(ScheduleValidationError.InvalidRequest, "configuration",
                "configuration is required.", null));
            return errors;
        }

        var type = CheckName(errors, "configuration.type", config.Type, ScheduleTypes.All, "is not a schedule type");
        var timeZone = CheckTimeZone(errors, config.LocalTimeZoneId);
        CheckDates(errors, config, timeZone);

        switch (type)
        {
            case ScheduleTypes.Cron:
                CheckRange(errors, "configuration.interval", config.Interval, ScheduleLimits.MinInterval,
                    ScheduleLimits.MaxInterval, "minutes between runs", "ten years");
                break;
            case ScheduleTypes.Daily:
                CheckTimes(errors, config.Times, type);
                break;
            case ScheduleTypes.Weekly:
                CheckWeekdays(errors, config.Weekdays);
                CheckTimes(errors, config.Times, type);
                break;
            case ScheduleTypes.Monthly:
                CheckRange(errors, "configuration.recurrence", config.Recurrence, ScheduleLimits.MinRecurrence,
                    ScheduleLimits.MaxRecurrence, "months between runs", null);
                CheckOccurrence(errors, config.Occurrence);
                CheckTimes(errors, config.Times, type);
                break;
        }
        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every broken rule.</summary>
    public static void EnsureValid(ScheduleConfiguration config, string paramName = "config")
    {
        var errors = Validate(config);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => e.Message)), paramName);
        }
    }

    /// <summary>The canonical spelling of a schedule type (any casing accepted).</summary>
    public static bool TryParseType(string? text, out string type) => TryMatch(text, ScheduleTypes.All, out type, out _);

    /// <summary>The canonical spelling of an occurrence type (any casing accepted).</summary>
    public static bool TryParseOccurrenceType(string? text, out string occurrenceType) =>
        TryMatch(text, MonthlyOccurrenceTypes.All, out occurrenceType, out _);

    /// <summary><c>Monday</c> … <c>Sunday</c>, any casing.</summary>
    public static bool TryParseWeekday(string? text, out DayOfWeek day)
    {
        var found = TryMatch(text, WeekdayNames, out _, out var index);
        day = (DayOfWeek)((index + 1) % 7);
        return found;
    }

    /// <summary><c>First</c> … <c>Fifth</c>, any casing, as 1 … 5.</summary>
    public static bool TryParseWeekIndex(string? text, out int weekIndex)
    {
        var found = TryMatch(text, WeekIndexNames, out _, out var index);
        weekIndex = index + 1;
        return found;
    }

    /// <summary>Strict <c>HH:mm</c>, 00:00 to 23:59 ("9:00", "24:00" and "09:00:00" are refused).</summary>
    public static bool TryParseTime(string? text, out TimeSpan time)
    {
        time = default;
        if (text is null || text.Length != 5 || text[2] != ':'
            || !TwoDigits(text, 0, out var hours) || !TwoDigits(text, 3, out var minutes)
            || hours > 23 || minutes > 59)
        {
            return false;
        }

        time = new TimeSpan(hours, minutes, 0);
        return true;
    }

    private static bool TwoDigits(string text, int at, out int value)
    {
        char a = text[at], b = text[at + 1];
        value = (a - '0') * 10 + (b - '0');
        return a >= '0' && a <= '9' && b >= '0' && b <= '9';
    }

    private static bool TryMatch(string? text, IReadOnlyList<string> names, out string canonical, out int index)
    {
        for (index = 0; index < names.Count; index++)
        {
            if (string.Equals(names[index], text, StringComparison.OrdinalIgnoreCase))
            {
                canonical = names[index];
                return true;
            }
        }
        index = -1;
        canonical = "";
        return false;
    }

    private static string OneOf(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];

    private static ScheduleValidationError Invalid(string field, string? value, string message) =>
        new(ScheduleValidationError.InvalidConfiguration, field, message, value);

    /// <summary>A required name out of a fixed list; returns the canonical name, or null.</summary>
    private static string? CheckName(List<ScheduleValidationError> errors, string field, string? value,
        IReadOnlyList<string> names, string problem)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(Invalid(field, value, $"{field} is required: use {OneOf(names)}."));
        }
        else if (TryMatch(value, names, out var canonical, out _))
        {
            return canonical;
        }
        else
        {
            errors.Add(Invalid(field, value, $"{field} '{value}' {problem}: use {OneOf(names)}."));
        }

        return null;
    }

    private static void CheckRange(List<ScheduleValidationError> errors, string field, int? value, int min, int max,
        string what, string? maxMeaning)
    {
        var allowed = $"{what}, {min} to {max}" + (maxMeaning is null ? "" : $" ({maxMeaning})");
        if (value is null)
        {
            errors.Add(Invalid(field, null, $"{field} is required: {allowed}."));
        }
        else if (value < min || value > max)
        {
            errors.Add(Invalid(field, Text(value.Value), $"{field} {Text(value.Value)} is out of range: {allowed}."));
        }
    }

    private static TimeZoneInfo? CheckTimeZone(List<ScheduleValidationError> errors, string? id)
    {
        const string field = "configuration.localTimeZoneId";
        const string examples = "for example 'UTC', 'Central Standard Time' or 'W. Europe Standard Time'";
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(Invalid(field, id, $"{field} is required: a Windows time-zone id, {examples}."));
            return null;
        }
        if (!ScheduleTimeZones.TryResolve(id, out var windowsId, out var timeZone))
        {
            var problem = ScheduleTimeZones.IsWindowsId(id)
                ? "is a Windows time-zone id this machine has no time-zone data for"
                : $"is not a known Windows time-zone id ({examples})";
            errors.Add(Invalid(field, id, $"{field} '{id}' {problem}."));
            return null;
        }
        if (!ScheduleTimeZones.IsWindowsId(id))
        {
            errors.Add(Invalid(field, id,
                $"{field} '{id}' is an IANA time-zone name; the service takes Windows time-zone ids only: use '{windowsId}'."));
        }

        return timeZone;
    }

    private static void CheckDates(List<ScheduleValidationError> errors, ScheduleConfiguration config,
        TimeZoneInfo? timeZone)
    {
        // Without a usable zone, offset-less values can still be checked for form (read as UTC), not compared.
        var start = CheckDate(errors, "configuration.startDateTime", config.StartDateTime, timeZone ?? TimeZoneInfo.Utc);
        var end = CheckDate(errors, "configuration.endDateTime", config.EndDateTime, timeZone ?? TimeZoneInfo.Utc);
        if (timeZone != null && start != null && end != null && end <= start)
        {
            errors.Add(Invalid("configuration.endDateTime", config.EndDateTime,
                $"configuration.endDateTime '{config.EndDateTime}' must be later than startDateTime '{config.StartDateTime}'."));
        }
    }

    private static DateTime? CheckDate(List<ScheduleValidationError> errors, string field, string? value,
        TimeZoneInfo timeZone)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(Invalid(field, value, $"{field} is required: {DateTimeHelp}."));
        }
        else if (ScheduleDateTimes.TryParse(value, timeZone, out var utc))
        {
            return utc;
        }
        else
        {
            errors.Add(Invalid(field, value, $"{field} '{value}' is not a valid date-time: use {DateTimeHelp}."));
        }

        return null;
    }

    private delegate bool Parser<T>(string? text, out T value);

    private static void CheckTimes(List<ScheduleValidationError> errors, string[]? times, string type) =>
        CheckList<TimeSpan>(errors, "configuration.times", times, ScheduleLimits.MaxTimes,
            $"a {type} schedule takes 1 to {ScheduleLimits.MaxTimes} different times of day as {TimeHelp}",
            TryParseTime, $"is not a valid time of day: use {TimeHelp}", "time");

    private static void CheckWeekdays(List<ScheduleValidationError> errors, string[]? weekdays) =>
        CheckList<DayOfWeek>(errors, "configuration.weekdays", weekdays, ScheduleLimits.MaxWeekdays,
            $"a Weekly schedule takes 1 to {ScheduleLimits.MaxWeekdays} different days out of {string.Join(", ", WeekdayNames)}",
            TryParseWeekday, $"is not a day of the week: use {OneOf(WeekdayNames)}", "day");

    /// <summary>A required list of 1 to <paramref name="max"/> readable entries, none repeated.</summary>
    private static void CheckList<T>(List<ScheduleValidationError> errors, string field, string[]? list, int max,
        string allowed, Parser<T> parse, string invalid, string entry)
    {
        if (list is null)
        {
            errors.Add(Invalid(field, null, $"{field} is required: {allowed}."));
            return;
        }
        if (list.Length == 0 || list.Length > max)
        {
            errors.Add(Invalid(field, Text(list.Length), $"{field} has {Text(list.Length)} entries: {allowed}."));
        }

        var seen = new HashSet<T>();
        for (var i = 0; i < list.Length; i++)
        {
            var item = $"{field}[{i}]";
            var text = list[i];
            if (!parse(text, out var value))
            {
                errors.Add(Invalid(item, text, $"{item} {(text is null ? "(null)" : $"'{text}'")} {invalid}."));
            }
            else if (!seen.Add(value))
            {
                errors.Add(new ScheduleValidationError(ScheduleValidationError.InvalidRequest, item,
                    $"{item} '{text}' repeats an earlier entry: each {entry} may appear only once.", text));
            }
        }
    }

    private static void CheckOccurrence(List<ScheduleValidationError> errors, MonthlyOccurrence? occurrence)
    {
        const string field = "configuration.occurrence";
        if (occurrence is null)
        {
            errors.Add(Invalid(field, null,
                $"{field} is required for a Monthly schedule: {{ occurrenceType: DayOfMonth, dayOfMonth: 1-31 }} or " +
                "{ occurrenceType: OrdinalWeekday, weekIndex: First-Fifth, weekday: Monday-Sunday }."));
            return;
        }
        switch (CheckName(errors, field + ".occurrenceType", occurrence.OccurrenceType, MonthlyOccurrenceTypes.All,
                    "is not an occurrence type"))
        {
            case MonthlyOccurrenceTypes.DayOfMonth:
                CheckRange(errors, field + ".dayOfMonth", occurrence.DayOfMonth, 1, 31, "the day of the month",
                    "a day a month lacks is skipped that month");
                break;
            case MonthlyOccurrenceTypes.OrdinalWeekday:
                CheckName(errors, field + ".weekIndex", occurrence.WeekIndex, WeekIndexNames, "is not a week index");
                CheckName(errors, field + ".weekday", occurrence.Weekday, WeekdayNames, "is not a day of the week");
                break;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
