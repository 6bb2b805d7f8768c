using System;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>
/// One-line human summaries: "Every 10 minutes", "Every day at 09:00, 17:00 (Central Standard Time)",
/// "Mon, Tue at 09:00 (UTC)", "Every 3 months on the second Tuesday at 06:00 (UTC)".
/// Never throws on a bad or unknown configuration (it describes what the service returned, which may be a newer
/// type): values it cannot read are shown as given.
/// </summary>
public static class ScheduleDescriber
{
    private static readonly string[] Ordinals = { "first", "second", "third", "fourth", "fifth" };

    public static string Describe(ScheduleConfiguration config)
    {
        if (config is null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        if (!ScheduleValidator.TryParseType(config.Type, out var type))
        {
            return string.IsNullOrWhiteSpace(config.Type) ? "Schedule" : $"{config.Type} schedule";
        }

        if (type == ScheduleTypes.Cron)
        {
            return config.Interval is int minutes ? Every(minutes) : "Every ? minutes";
        }

        var what = type switch
        {
            ScheduleTypes.Daily => "Every day",
            ScheduleTypes.Weekly => Weekdays(config.Weekdays),
            _ => Monthly(config.Recurrence, config.Occurrence),
        };
        var zone = string.IsNullOrEmpty(config.LocalTimeZoneId) ? "" : $" ({config.LocalTimeZoneId})";
        return $"{what} at {Times(config.Times)}{zone}";
    }

    private static string Every(int minutes)
    {
        if (minutes > 0 && minutes % 1440 == 0)
        {
            return Count(minutes / 1440, "day");
        }

        if (minutes > 0 && minutes % 60 == 0)
        {
            return Count(minutes / 60, "hour");
        }

        return Count(minutes, "minute");
    }

    private static string Count(int n, string unit) =>
        n == 1 ? $"Every {unit}" : $"Every {n.ToString(CultureInfo.InvariantCulture)} {unit}s";

    private static string Times(string[]? times)
    {
        if (times is null || times.Length == 0)
        {
            return "?";
        }
        // Readable times in ascending order; unreadable ones after them, as given.
        return string.Join(", ", times
            .OrderBy(t => ScheduleValidator.TryParseTime(t, out var time) ? time : TimeSpan.MaxValue)
            .ThenBy(t => t, StringComparer.Ordinal));
    }

    private static string Weekdays(string[]? weekdays)
    {
        if (weekdays is null || weekdays.Length == 0)
        {
            return "?";
        }
        // Monday first; unreadable names after Sunday, as given.
        return string.Join(", ", weekdays
            .Select(d => ScheduleValidator.TryParseWeekday(d, out var day)
                ? (Order: ((int)day + 6) % 7, Text: CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(day))
                : (Order: 7, Text: d))
            .OrderBy(d => d.Order)
            .Select(d => d.Text));
    }

    private static string Monthly(int? recurrence, MonthlyOccurrence? occurrence)
    {
        var every = recurrence is int n ? Count(n, "month") : "Every ? months";
        return $"{every} on {Occurrence(occurrence)}";
    }

    private static string Occurrence(MonthlyOccurrence? occurrence)
    {
        ScheduleValidator.TryParseOccurrenceType(occurrence?.OccurrenceType, out var type);
        if (type == MonthlyOccurrenceTypes.DayOfMonth)
        {
            return occurrence!.DayOfMonth is int day ? $"day {day.ToString(CultureInfo.InvariantCulture)}" : "day ?";
        }

        if (type == MonthlyOccurrenceTypes.OrdinalWeekday)
        {
            var index = ScheduleValidator.TryParseWeekIndex(occurrence!.WeekIndex, out var i)
                ? Ordinals[i - 1] : occurrence.WeekIndex ?? "?";
            var weekday = ScheduleValidator.TryParseWeekday(occurrence.Weekday, out var d)
                ? d.ToString() : occurrence.Weekday ?? "?";
            return $"the {index} {weekday}";
        }
        return "?";
    }
}
