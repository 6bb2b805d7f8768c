using System;
using System.Globalization;

namespace MlvFabric.Scheduling.Tests;

/// <summary>Valid configurations to start tests from (each test changes what it is about).</summary>
internal static class Configs
{
    public const string Central = "Central Standard Time";

    public static ScheduleConfiguration Cron(int interval = 60, string start = "2026-03-01T00:00:00Z",
        string end = "2027-03-01T00:00:00Z", string zone = "UTC") =>
        new() { Type = ScheduleTypes.Cron, StartDateTime = start, EndDateTime = end, LocalTimeZoneId = zone, Interval = interval };

    public static ScheduleConfiguration Daily(string[]? times = null, string start = "2026-03-01T00:00:00Z",
        string end = "2027-03-01T00:00:00Z", string zone = "UTC") =>
        new() { Type = ScheduleTypes.Daily, StartDateTime = start, EndDateTime = end, LocalTimeZoneId = zone, Times = times ?? new[] { "09:00" } };

    public static ScheduleConfiguration Weekly(string[]? weekdays = null, string[]? times = null,
        string start = "2026-03-01T00:00:00Z", string end = "2027-03-01T00:00:00Z", string zone = "UTC")
    {
        var config = Daily(times, start, end, zone);
        config.Type = ScheduleTypes.Weekly;
        config.Weekdays = weekdays ?? new[] { "Monday" };
        return config;
    }

    public static ScheduleConfiguration MonthlyDay(int day = 15, int recurrence = 1, string[]? times = null,
        string start = "2026-01-01T00:00:00Z", string end = "2027-01-01T00:00:00Z", string zone = "UTC") =>
        Monthly(new MonthlyOccurrence { OccurrenceType = "DayOfMonth", DayOfMonth = day }, recurrence, times, start, end, zone);

    public static ScheduleConfiguration MonthlyOrdinal(string weekIndex = "Second", string weekday = "Tuesday",
        int recurrence = 1, string[]? times = null, string start = "2026-01-01T00:00:00Z",
        string end = "2027-01-01T00:00:00Z", string zone = "UTC") =>
        Monthly(new MonthlyOccurrence { OccurrenceType = "OrdinalWeekday", WeekIndex = weekIndex, Weekday = weekday },
            recurrence, times, start, end, zone);

    private static ScheduleConfiguration Monthly(MonthlyOccurrence occurrence, int recurrence, string[]? times,
        string start, string end, string zone)
    {
        var config = Daily(times ?? new[] { "06:00" }, start, end, zone);
        config.Type = ScheduleTypes.Monthly;
        config.Recurrence = recurrence;
        config.Occurrence = occurrence;
        return config;
    }

    /// <summary>"2026-03-08T08:00:00Z" as a UTC DateTime.</summary>
    public static DateTime At(string text) =>
        DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public static DateTime[] Utc(params string[] texts) => Array.ConvertAll(texts, At);
}
