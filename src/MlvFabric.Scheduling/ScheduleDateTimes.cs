using System;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>
/// Reading and writing the configuration's <c>startDateTime</c>/<c>endDateTime</c>, and turning local wall times
/// into instants with the schedule's daylight-saving rules.
/// </summary>
public static class ScheduleDateTimes
{
    // "FFFFFFF" also matches no fraction at all, dot included.
    private static readonly string[] InstantFormats =
    {
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    };

    private const string WallTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    /// <summary>
    /// ISO 8601 date-time with seconds (fraction optional): with <c>Z</c> it is that UTC instant, with <c>+hh:mm</c>
    /// that instant, without either a wall time in <paramref name="timeZone"/> (read as <see cref="LocalToUtc"/> does).
    /// </summary>
    public static bool TryParse(string? text, TimeZoneInfo timeZone, out DateTime utc)
    {
        if (timeZone is null)
        {
            throw new ArgumentNullException(nameof(timeZone));
        }

        utc = default;
        if (text is null)
        {
            return false;
        }

        try
        {
            if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var instant))
            {
                utc = instant.UtcDateTime;
                return true;
            }
            if (DateTime.TryParseExact(text, WallTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None,
                    out var wall))
            {
                utc = LocalToUtc(wall, timeZone);
                return true;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            // A wall time at the very edge of DateTime's range whose UTC equivalent does not exist.
        }
        return false;
    }

    /// <summary>The form the module sends: <c>yyyy-MM-ddTHH:mm:ssZ</c> (sub-second part dropped).</summary>
    public static string FormatUtc(DateTime utc) =>
        AsUtc(utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The instant at which the wall time <paramref name="local"/> (its Kind is ignored) happens in
    /// <paramref name="timeZone"/>. A wall time that is skipped by a spring-forward change maps to the instant the
    /// clock jumps (02:30 on a day where 02:00 becomes 03:00 → 03:00 new time); a wall time that happens twice in
    /// a fall-back change maps to its first (daylight) occurrence.
    /// </summary>
    public static DateTime LocalToUtc(DateTime local, TimeZoneInfo timeZone)
    {
        if (timeZone is null)
        {
            throw new ArgumentNullException(nameof(timeZone));
        }

        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (timeZone.IsInvalidTime(wall))
        {
            // The jump lands on the first valid wall time after the gap; gaps start and end on whole minutes
            // in every zone in current use.
            var next = new DateTime(wall.Ticks - wall.Ticks % TimeSpan.TicksPerMinute);
            do
            {
                next = next.AddMinutes(1);
            }
            while (timeZone.IsInvalidTime(next));
            return TimeZoneInfo.ConvertTimeToUtc(next, timeZone);
        }
        if (timeZone.IsAmbiguousTime(wall))
        {
            // The first occurrence is the one with the larger offset (before the clock went back).
            var offset = timeZone.GetAmbiguousTimeOffsets(wall).Max();
            return DateTime.SpecifyKind(wall - offset, DateTimeKind.Utc);
        }
        return TimeZoneInfo.ConvertTimeToUtc(wall, timeZone);
    }

    /// <summary>
    /// Whether the schedule's <c>endDateTime</c> is at or before <paramref name="nowUtc"/>: it will never run again
    /// (false when the end or the zone cannot be read; validation reports those).
    /// </summary>
    public static bool HasEnded(ScheduleConfiguration configuration, DateTime nowUtc) =>
        ScheduleTimeZones.TryResolve(configuration.LocalTimeZoneId, out _, out var zone)
        && TryParse(configuration.EndDateTime, zone, out var end)
        && end <= AsUtc(nowUtc);

    /// <summary>Local → UTC; Unspecified is taken as UTC already.</summary>
    internal static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
