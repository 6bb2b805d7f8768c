using System.Collections.Generic;

namespace MlvFabric.Emulator.Routes;

// Bodies of /_emulator control requests (property names case-insensitive).

internal sealed class ClockAdvanceBody
{
    public double? Minutes { get; set; }
    public double? Seconds { get; set; }
    public double? Hours { get; set; }
}

internal sealed class RevokeBody
{
    public string? Oid { get; set; }
}

internal sealed class ClockSetBody
{
    public System.DateTime? UtcNow { get; set; }
}

internal sealed class SettingsBody
{
    public int? RetryAfterSeconds { get; set; }
    public int? PageSize { get; set; }
    public int? MaxCompletedJobs { get; set; }
    public string? DedupeStatus { get; set; }
    public int? JobAlreadyCompletedStatus { get; set; }
    public string? JobTypeLabel { get; set; }
    public bool? RefuseAppTokensOnMlvJobs { get; set; }
    public bool? EnforceOneSchedulePerScope { get; set; }
    public int? MaxSchedulesPerItem { get; set; }
    public string? UnknownJobStatus { get; set; }
    public double? UnknownJobStatusSeconds { get; set; }
    public string? PublicOrigin { get; set; }
    public bool? NormalizeScheduleDateTimes { get; set; }
}

internal sealed class BulkLakehousesBody
{
    public string Workspace { get; set; } = "Bench";
    public int Count { get; set; } = 1;
    public string NamePrefix { get; set; } = "Lakehouse";
    public int MlvCount { get; set; } = 3;
    public double? DurationSeconds { get; set; }
    public double? QueueSeconds { get; set; }
    public double? FailureRate { get; set; }
    public string? FailureCode { get; set; }
}

internal sealed class LakehouseSettingsBody
{
    public double? DurationSeconds { get; set; }
    public double? QueueSeconds { get; set; }
    public double? FailureRate { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public int? MaxCompletedJobs { get; set; }
    public string? UnknownStatus { get; set; }
    public double? UnknownStatusSeconds { get; set; }
}

internal sealed class MlvBody
{
    public string Name { get; set; } = "";
    public List<string>? DependsOn { get; set; }
}

internal sealed class HistoryBody
{
    public int Count { get; set; } = 100;
    public bool LiftCap { get; set; } = true;
    public double IntervalMinutes { get; set; } = 10;
    public double DurationSeconds { get; set; } = 60;
    public double FailureRate { get; set; }
    public int OtherJobTypeEvery { get; set; }
    public string OtherJobType { get; set; } = "TableMaintenance";
    public int? Seed { get; set; }
}
