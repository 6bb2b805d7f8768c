using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace MlvFabric.Scheduling;

/// <summary>
/// The problems of the settings New-MlvSchedule and Set-MlvSchedule take (<see cref="ScheduleSpec"/>), worded in
/// terms of those settings (-At, -DayOfWeek, …) rather than the API's configuration fields.
/// </summary>
public static class ScheduleSettingProblems
{
    public const string ParameterConflictCode = "ScheduleParameterConflict";
    public const string FrequencyMissingCode = "ScheduleFrequencyMissing";
    public const string InvalidConfigurationCode = "InvalidScheduleConfiguration";
    public const string EndInPastCode = "ScheduleEndInPast";

    // The API's configuration fields, named as the settings that set them (most specific first).
    private static readonly KeyValuePair<string, string>[] ScheduleParameters =
    {
        new("configuration.occurrence.occurrenceType", "-DayOfMonth or -WeekIndex"),
        new("configuration.occurrence.dayOfMonth", "-DayOfMonth"),
        new("configuration.occurrence.weekIndex", "-WeekIndex"),
        new("configuration.occurrence.weekday", "-DayOfWeek"),
        new("configuration.occurrence", "-DayOfMonth or -WeekIndex"),
        new("configuration.localTimeZoneId", "-TimeZone"),
        new("configuration.startDateTime", "-StartDateTime"),
        new("configuration.endDateTime", "-EndDateTime"),
        new("configuration.interval", "-IntervalMinutes"),
        new("configuration.times", "-At"),
        new("configuration.weekdays", "-DayOfWeek"),
        new("configuration.recurrence", "-RecurrenceMonths"),
        new("configuration.type", "The schedule type"),
    };

    private static readonly Regex FieldPath = new Regex(@"configuration(\.[A-Za-z]+)*(\[\d+\])?", RegexOptions.CultureInvariant);

    /// <summary>Settings that contradict each other or do not fit the schedule's type.</summary>
    public static ScheduleProblem ParameterConflict(string message, object? value) =>
        new ScheduleProblem(ScheduleProblemKind.InvalidArgument, ParameterConflictCode, message, value);

    /// <summary>
    /// A configuration that breaks the API's rules (<see cref="ScheduleValidator"/>): one problem whose message states
    /// every broken rule in terms of the settings; the value is the first offending one.
    /// </summary>
    public static ScheduleProblem InvalidConfiguration(IReadOnlyList<ScheduleValidationError> errors)
    {
        if (errors is null || errors.Count == 0)
        {
            throw new ArgumentException("At least one validation error is needed.", nameof(errors));
        }

        var message = string.Join(" ", errors.Select(SettingMessage));
        return new ScheduleProblem(ScheduleProblemKind.InvalidArgument, InvalidConfigurationCode, message, errors[0].Value);
    }

    /// <summary>An enabled schedule whose end has already passed: it would never run.</summary>
    public static ScheduleProblem EndInPast(string? endDateTime, string subject) => new ScheduleProblem(
        ScheduleProblemKind.InvalidArgument,
        EndInPastCode,
        $"{subject} ends at {endDateTime}, which has already passed: an enabled schedule that has ended never runs.",
        endDateTime,
        "Give a later -EndDateTime (or leave it out), or create the schedule switched off with -Disabled.");

    private static string SettingMessage(ScheduleValidationError error)
    {
        if (error.Field == "configuration.localTimeZoneId" && error.Value is not null && !ScheduleTimeZones.IsWindowsId(error.Value))
        {
            return $"-TimeZone '{error.Value}' is not a known time zone: use a Windows time-zone id such as 'UTC', 'Central Standard Time' or 'W. Europe Standard Time' (press Tab after -TimeZone to list them), or an IANA name such as 'Europe/Berlin'.";
        }

        if (error.Field == "configuration.occurrence")
        {
            return "A monthly schedule needs -DayOfMonth, or -WeekIndex with -DayOfWeek.";
        }

        if (error.Field == "configuration.type")
        {
            return $"The schedule's type '{error.Value}' is not one this module can edit: give -IntervalMinutes, -Daily, -Weekly or -Monthly to replace it.";
        }

        var message = FieldPath.Replace(error.Message, m => ParameterFor(m.Value));
        return message.Replace(" startDateTime '", " -StartDateTime '");
    }

    private static string ParameterFor(string fieldPath)
    {
        var index = fieldPath.IndexOf('[');
        var field = index < 0 ? fieldPath : fieldPath.Substring(0, index);
        foreach (var pair in ScheduleParameters)
        {
            if (pair.Key == field)
            {
                return pair.Value;
            }
        }

        return fieldPath;
    }
}
