using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Scheduling;

namespace MlvFabric.Schedules;

/// <summary>
/// The settings a New-/Set-MlvSchedule call gave, read from its bound parameters (the two cmdlets name them alike):
/// -IntervalMinutes, -Daily, -Weekly, -Monthly, -At, -DayOfWeek, -DayOfMonth, -WeekIndex, -RecurrenceMonths,
/// -StartDateTime, -EndDateTime, -TimeZone. The rules over them are <see cref="ScheduleSpec"/>'s.
/// </summary>
internal static class ScheduleSpecParameters
{
    public static ScheduleSpec Read(IDictionary<string, object> bound) => new ScheduleSpec
    {
        Frequencies = FrequenciesGiven(bound),
        IntervalMinutes = bound.TryGetValue("IntervalMinutes", out var interval) && interval is int minutes ? minutes : null,
        Times = bound.TryGetValue("At", out var at) && at is string[] times ? times.Select(t => ScheduleSpec.NormalizeTime(t)!).ToArray() : null,
        Days = bound.TryGetValue("DayOfWeek", out var days) && days is DayOfWeek[] dayArray ? dayArray : null,
        DayOfMonth = bound.TryGetValue("DayOfMonth", out var dayOfMonth) && dayOfMonth is int day ? day : null,
        WeekIndex = bound.TryGetValue("WeekIndex", out var weekIndex) && weekIndex is string index ? ScheduleSpec.NormalizeWeekIndex(index) : null,
        RecurrenceMonths = bound.TryGetValue("RecurrenceMonths", out var recurrence) && recurrence is int months ? months : null,
        Start = bound.TryGetValue("StartDateTime", out var start) && start is DateTime startTime ? startTime : null,
        End = bound.TryGetValue("EndDateTime", out var end) && end is DateTime endTime ? endTime : null,
        TimeZone = bound.TryGetValue("TimeZone", out var zone) && zone is string zoneText ? zoneText.Trim() : null,
    };

    // -IntervalMinutes and the frequency switches that are present (-Daily:$false gives no frequency).
    private static string[] FrequenciesGiven(IDictionary<string, object> bound)
    {
        var given = new List<string>();
        if (bound.TryGetValue("IntervalMinutes", out var interval) && interval is int)
        {
            given.Add(ScheduleTypes.Cron);
        }

        foreach (var type in new[] { ScheduleTypes.Daily, ScheduleTypes.Weekly, ScheduleTypes.Monthly })
        {
            if (bound.TryGetValue(type, out var value) && value is SwitchParameter { IsPresent: true })
            {
                given.Add(type);
            }
        }

        return given.ToArray();
    }
}
