using System;
using System.Collections.Generic;
using System.Linq;

namespace MlvFabric.Scheduling;

/// <summary>
/// When a schedule fires. Bounds: a run exactly at <c>startDateTime</c> fires, a run exactly at
/// <c>endDateTime</c> does not (start inclusive, end exclusive).
/// <list type="bullet">
/// <item>Cron: start, start + interval, … in absolute time (daylight saving does not shift it).</item>
/// <item>Daily/Weekly/Monthly: each qualifying local date in the schedule's zone at each time slot, converted with
/// <see cref="ScheduleDateTimes.LocalToUtc"/>: a slot skipped by a spring-forward change fires when the clock jumps,
/// a slot repeated by a fall-back change fires once, at its first occurrence. Slots that land on the same instant
/// (two slots inside one gap) fire once.</item>
/// <item>Weekly: the weekdays are local dates. Monthly: every <c>recurrence</c> months counting from the local month
/// of the start; a day of month or a fifth weekday that a month lacks is skipped that month.</item>
/// </list>
/// A start in the past is not treated specially here (the service's "run at once" is the scheduler's business).
/// </summary>
public static class ScheduleCalculator
{
    /// <summary>
    /// Fire instants (UTC, ascending) strictly after <paramref name="afterUtc"/>, computed lazily.
    /// <paramref name="afterUtc"/> of Kind Unspecified is taken as UTC. Throws <see cref="ArgumentException"/>
    /// when the configuration breaks a rule of <see cref="ScheduleValidator"/>.
    /// </summary>
    public static IEnumerable<DateTime> Occurrences(ScheduleConfiguration config, DateTime afterUtc)
    {
        if (config is null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        ScheduleValidator.EnsureValid(config, nameof(config));

        ScheduleTimeZones.TryResolve(config.LocalTimeZoneId, out _, out var timeZone);
        ScheduleDateTimes.TryParse(config.StartDateTime, timeZone, out var start);
        ScheduleDateTimes.TryParse(config.EndDateTime, timeZone, out var end);
        ScheduleValidator.TryParseType(config.Type, out var type);
        var after = ScheduleDateTimes.AsUtc(afterUtc);

        return type == ScheduleTypes.Cron
            ? Cron(start, end, TimeSpan.FromMinutes(config.Interval!.Value).Ticks, after)
            : Slots(start, end, timeZone, ParseTimes(config.Times!), DatePredicate(type, config, start, timeZone), after);
    }

    /// <summary>The next <paramref name="count"/> fire instants strictly after <paramref name="nowUtc"/> (fewer when the schedule ends).</summary>
    public static IReadOnlyList<DateTime> NextRuns(ScheduleConfiguration config, DateTime nowUtc, int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must not be negative.");
        }

        return Occurrences(config, nowUtc).Take(count).ToList();
    }

    private static IEnumerable<DateTime> Cron(DateTime start, DateTime end, long step, DateTime after)
    {
        // First k with start + k*step > after; k*step never exceeds (end - start) + step, far from overflow.
        var k = after < start ? 0 : (after - start).Ticks / step + 1;
        var span = (end - start).Ticks;
        for (; k * step < span; k++)
        {
            yield return start.AddTicks(k * step);
        }
    }

    private static IEnumerable<DateTime> Slots(DateTime start, DateTime end, TimeZoneInfo timeZone,
        TimeSpan[] times, Func<DateTime, bool> isRunDate, DateTime after)
    {
        var from = after > start ? after : start;
        var firstDate = TimeZoneInfo.ConvertTimeFromUtc(from, timeZone).Date;
        var lastDate = TimeZoneInfo.ConvertTimeFromUtc(end, timeZone).Date;
        var previous = DateTime.MinValue;
        for (var date = firstDate; ; date = date.AddDays(1))
        {
            if (isRunDate(date))
            {
                foreach (var time in times)
                {
                    // Local slots ascend and LocalToUtc never reorders them, so the instants ascend too.
                    var instant = ScheduleDateTimes.LocalToUtc(date + time, timeZone);
                    if (instant >= end)
                    {
                        yield break;
                    }

                    if (instant > after && instant >= start && instant > previous)
                    {
                        yield return previous = instant;
                    }
                }
            }
            if (date >= lastDate)
            {
                yield break;
            }
        }
    }

    private static TimeSpan[] ParseTimes(string[] times) =>
        times.Select(t => ScheduleValidator.TryParseTime(t, out var time) ? time : default)
            .OrderBy(t => t)
            .ToArray();

    private static Func<DateTime, bool> DatePredicate(string type, ScheduleConfiguration config, DateTime start,
        TimeZoneInfo timeZone)
    {
        switch (type)
        {
            case ScheduleTypes.Weekly:
                var days = new HashSet<DayOfWeek>(config.Weekdays!.Select(d =>
                    ScheduleValidator.TryParseWeekday(d, out var day) ? day : default));
                return date => days.Contains(date.DayOfWeek);
            case ScheduleTypes.Monthly:
                var firstMonth = TimeZoneInfo.ConvertTimeFromUtc(start, timeZone);
                var recurrence = config.Recurrence!.Value;
                var inMonth = DayPredicate(config.Occurrence!);
                return date => ((date.Year - firstMonth.Year) * 12 + date.Month - firstMonth.Month) % recurrence == 0
                               && inMonth(date);
            default:
                return _ => true;
        }
    }

    private static Func<DateTime, bool> DayPredicate(MonthlyOccurrence occurrence)
    {
        ScheduleValidator.TryParseOccurrenceType(occurrence.OccurrenceType, out var occurrenceType);
        if (occurrenceType == MonthlyOccurrenceTypes.DayOfMonth)
        {
            var dayOfMonth = occurrence.DayOfMonth!.Value;
            return date => date.Day == dayOfMonth;
        }
        ScheduleValidator.TryParseWeekIndex(occurrence.WeekIndex, out var weekIndex);
        ScheduleValidator.TryParseWeekday(occurrence.Weekday, out var weekday);
        return date => date.DayOfWeek == weekday && (date.Day - 1) / 7 + 1 == weekIndex;
    }
}
