using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace MlvFabric.Scheduling;

/// <summary>Values of the configuration's <c>type</c> discriminator.</summary>
public static class ScheduleTypes
{
    public const string Cron = "Cron";
    public const string Daily = "Daily";
    public const string Weekly = "Weekly";
    public const string Monthly = "Monthly";

    /// <summary>The types this code understands, in the contract's order.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { Cron, Daily, Weekly, Monthly };
}

/// <summary>Values of <see cref="MonthlyOccurrence.OccurrenceType"/>.</summary>
public static class MonthlyOccurrenceTypes
{
    public const string DayOfMonth = "DayOfMonth";
    public const string OrdinalWeekday = "OrdinalWeekday";

    public static IReadOnlyList<string> All { get; } = new[] { DayOfMonth, OrdinalWeekday };
}

/// <summary>Limits of the schedule API (Fabric REST spec, <c>common/job_scheduling.json</c>).</summary>
public static class ScheduleLimits
{
    public const int MinInterval = 1;
    /// <summary>Ten years, in minutes.</summary>
    public const int MaxInterval = 5270400;
    public const int MaxTimes = 100;
    public const int MaxWeekdays = 7;
    public const int MinRecurrence = 1;
    public const int MaxRecurrence = 12;
    public const int MaxSchedulesPerItem = 20;
}

/// <summary>
/// The API's <c>configuration</c> object, as it travels on the wire. Date-times stay the strings that were
/// sent or received (the service echoes them as given); use <see cref="ScheduleDateTimes"/> to read them.
/// Fields that do not belong to <see cref="Type"/> are ignored by validation, calculation and summaries.
/// </summary>
public sealed class ScheduleConfiguration
{
    /// <summary><c>Cron</c>, <c>Daily</c>, <c>Weekly</c> or <c>Monthly</c> (see <see cref="ScheduleTypes"/>).</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("startDateTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StartDateTime { get; set; }

    [JsonPropertyName("endDateTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EndDateTime { get; set; }

    /// <summary>A Windows time-zone id; governs how <see cref="Times"/> and offset-less date-times are read.</summary>
    [JsonPropertyName("localTimeZoneId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalTimeZoneId { get; set; }

    /// <summary>Cron: minutes between runs.</summary>
    [JsonPropertyName("interval")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Interval { get; set; }

    /// <summary>Daily, Weekly, Monthly: local times of day, <c>HH:mm</c>.</summary>
    [JsonPropertyName("times")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Times { get; set; }

    /// <summary>Weekly: <c>Monday</c> … <c>Sunday</c>.</summary>
    [JsonPropertyName("weekdays")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Weekdays { get; set; }

    /// <summary>Monthly: every N months (1 = every month).</summary>
    [JsonPropertyName("recurrence")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Recurrence { get; set; }

    /// <summary>Monthly: which day of the month.</summary>
    [JsonPropertyName("occurrence")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MonthlyOccurrence? Occurrence { get; set; }

    /// <summary>A deep copy (arrays and occurrence are copied too).</summary>
    public ScheduleConfiguration Clone()
    {
        var copy = (ScheduleConfiguration)MemberwiseClone();
        copy.Times = (string[]?)Times?.Clone();
        copy.Weekdays = (string[]?)Weekdays?.Clone();
        copy.Occurrence = Occurrence?.Clone();
        return copy;
    }

    /// <summary>The summary ("Every day at 06:00 (UTC)"): what Export-Csv and string expansion show for a configuration.</summary>
    public override string ToString() => ScheduleDescriber.Describe(this);
}

/// <summary>The <c>occurrence</c> of a Monthly configuration.</summary>
public sealed class MonthlyOccurrence
{
    /// <summary><c>DayOfMonth</c> or <c>OrdinalWeekday</c> (see <see cref="MonthlyOccurrenceTypes"/>).</summary>
    [JsonPropertyName("occurrenceType")]
    public string OccurrenceType { get; set; } = "";

    /// <summary>DayOfMonth: 1 to 31.</summary>
    [JsonPropertyName("dayOfMonth")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DayOfMonth { get; set; }

    /// <summary>OrdinalWeekday: <c>First</c> … <c>Fifth</c>.</summary>
    [JsonPropertyName("weekIndex")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WeekIndex { get; set; }

    /// <summary>OrdinalWeekday: <c>Monday</c> … <c>Sunday</c>.</summary>
    [JsonPropertyName("weekday")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Weekday { get; set; }

    public MonthlyOccurrence Clone() => (MonthlyOccurrence)MemberwiseClone();
}
