using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>
/// Whether two configurations describe the same schedule, compared as values: the service may echo a configuration
/// written differently from how it was sent (date-times with or without <c>Z</c> and fraction, or in another offset;
/// <c>6:00</c> as <c>06:00</c> or <c>06:00:00</c>; enum values in another casing; times or weekdays reordered).
/// </summary>
public static class ScheduleEquivalence
{
    public static bool AreEquivalent(ScheduleConfiguration? a, ScheduleConfiguration? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (!SameText(a.Type, b.Type) || !SameZone(a.LocalTimeZoneId, b.LocalTimeZoneId))
        {
            return false;
        }

        var zone = ZoneOf(a.LocalTimeZoneId);
        if (!SameInstant(a.StartDateTime, b.StartDateTime, zone) || !SameInstant(a.EndDateTime, b.EndDateTime, zone))
        {
            return false;
        }

        switch (Canonical(a.Type))
        {
            case "CRON":
                return a.Interval == b.Interval;
            case "DAILY":
                return SameTimes(a.Times, b.Times);
            case "WEEKLY":
                return SameTimes(a.Times, b.Times) && SameSet(a.Weekdays, b.Weekdays);
            case "MONTHLY":
                return SameTimes(a.Times, b.Times) && (a.Recurrence ?? 1) == (b.Recurrence ?? 1) && SameOccurrence(a.Occurrence, b.Occurrence);
            default:
                // A type this code does not know: every field it has must agree.
                return a.Interval == b.Interval && SameTimes(a.Times, b.Times) && SameSet(a.Weekdays, b.Weekdays) &&
                       a.Recurrence == b.Recurrence && SameOccurrence(a.Occurrence, b.Occurrence);
        }
    }

    private static string Canonical(string? text) => (text ?? "").Trim().ToUpperInvariant();

    private static bool SameText(string? a, string? b) => Canonical(a) == Canonical(b);

    private static TimeZoneInfo ZoneOf(string? id) =>
        ScheduleTimeZones.TryResolve(id, out _, out var zone) ? zone : TimeZoneInfo.Utc;

    private static bool SameZone(string? a, string? b)
    {
        if (SameText(a, b))
        {
            return true;
        }

        return ScheduleTimeZones.TryResolve(a, out var wa, out _) && ScheduleTimeZones.TryResolve(b, out var wb, out _) &&
               string.Equals(wa, wb, StringComparison.OrdinalIgnoreCase);
    }

    // To the second: the module sends whole seconds and the service may add a fraction of zeros.
    private static bool SameInstant(string? a, string? b, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b))
        {
            return string.IsNullOrWhiteSpace(a) && string.IsNullOrWhiteSpace(b);
        }

        if (ScheduleDateTimes.TryParse(a!.Trim(), zone, out var ua) && ScheduleDateTimes.TryParse(b!.Trim(), zone, out var ub))
        {
            return ua.Ticks / TimeSpan.TicksPerSecond == ub.Ticks / TimeSpan.TicksPerSecond;
        }

        return SameText(a, b);
    }

    private static bool SameTimes(string[]? a, string[]? b) =>
        Normalized(a, TimeKey).SequenceEqual(Normalized(b, TimeKey));

    private static bool SameSet(string[]? a, string[]? b) =>
        Normalized(a, Canonical).SequenceEqual(Normalized(b, Canonical));

    private static IEnumerable<string> Normalized(string[]? values, Func<string, string> key) =>
        (values ?? Array.Empty<string>()).Where(v => v != null).Select(key).Distinct().OrderBy(v => v, StringComparer.Ordinal);

    private static readonly string[] TimeFormats = { @"h\:mm", @"hh\:mm", @"h\:mm\:ss", @"hh\:mm\:ss" };

    private static string TimeKey(string text) =>
        TimeSpan.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, out var time)
            ? ((int)time.TotalMinutes).ToString("D4", CultureInfo.InvariantCulture) + ":" + time.Seconds.ToString("D2", CultureInfo.InvariantCulture)
            : Canonical(text);

    private static bool SameOccurrence(MonthlyOccurrence? a, MonthlyOccurrence? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return SameText(a.OccurrenceType, b.OccurrenceType) && a.DayOfMonth == b.DayOfMonth &&
               SameText(a.WeekIndex, b.WeekIndex) && SameText(a.Weekday, b.Weekday);
    }
}
