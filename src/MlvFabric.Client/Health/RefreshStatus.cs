using System;
using System.Collections.Generic;

namespace MlvFabric.Client;

/// <summary>How a lakehouse's MLV refreshes are doing. Declared worst first: sorting by the value sorts worst first.</summary>
public enum MlvRefreshVerdict
{
    /// <summary>The latest finished refresh failed.</summary>
    Failing = 0,

    /// <summary>No successful refresh within the staleness limit.</summary>
    Stale = 1,

    /// <summary>An enabled schedule, but the job history has no refresh at all.</summary>
    NeverRun = 2,

    /// <summary>No enabled schedule: nothing keeps the lineage fresh.</summary>
    NoSchedule = 3,

    /// <summary>A refresh is running and nothing else is wrong.</summary>
    Running = 4,

    /// <summary>Scheduled, the latest refresh succeeded, and recently enough.</summary>
    Healthy = 5,
}

/// <summary>An enabled schedule as the health view shows it.</summary>
public sealed class MlvRefreshStatusSchedule
{
    public Guid Id { get; set; }

    /// <summary>"Every day at 02:00 (UTC)".</summary>
    public string Summary { get; set; } = "";

    public string? TimeZone { get; set; }

    /// <summary>Null: the whole lineage.</summary>
    public Guid? ExecutionDefinitionId { get; set; }

    /// <summary>The execution definition's display name (null: the whole lineage, or the definition is unknown).</summary>
    public string? ExecutionDefinitionName { get; set; }

    /// <summary>The schedule's next run (UTC); null when it has none left.</summary>
    public DateTimeOffset? NextRunTime { get; set; }

    /// <summary>How long after a success the next one is due at the latest, from this schedule's rhythm.</summary>
    public TimeSpan? ExpectedInterval { get; set; }

    public override string ToString() =>
        ExecutionDefinitionName != null ? $"{Summary} [{ExecutionDefinitionName}]"
        : ExecutionDefinitionId != null ? $"{Summary} [{ExecutionDefinitionId}]"
        : Summary;
}

/// <summary>The refresh health of one lakehouse (Get-MlvRefreshStatus): schedules, last run, last success, verdict and why.</summary>
public sealed class MlvRefreshStatus : ILakehouseItem
{
    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }

    public MlvRefreshVerdict Verdict { get; set; }

    /// <summary>Why the verdict, in one line ("3 failures in a row; last: MLV_REFRESH_CONFLICT ...").</summary>
    public string Reason { get; set; } = "";

    /// <summary>Healthy or Running.</summary>
    public bool IsHealthy => Verdict == MlvRefreshVerdict.Healthy || Verdict == MlvRefreshVerdict.Running;

    /// <summary>The enabled schedules.</summary>
    public IReadOnlyList<MlvRefreshStatusSchedule> Schedules { get; set; } = Array.Empty<MlvRefreshStatusSchedule>();

    /// <summary>The enabled schedules' summaries, "; "-separated (empty when none).</summary>
    public string ScheduleSummary => string.Join("; ", Schedules);

    /// <summary>The earliest next run of the enabled schedules (UTC).</summary>
    public DateTimeOffset? NextRunTime { get; set; }

    /// <summary>The newest refresh in the job history (running or finished).</summary>
    public MlvJobInstance? LastRun { get; set; }

    public string? LastRunStatus => LastRun?.Status;
    public string? LastRunInvokeType => LastRun?.InvokeType;
    public DateTimeOffset? LastRunStart => Utc(LastRun?.StartTimeUtc);
    public DateTimeOffset? LastRunEnd => Utc(LastRun?.EndTimeUtc);

    /// <summary>End − start of the last run; until now while it runs.</summary>
    public TimeSpan? LastRunDuration { get; set; }

    /// <summary>The failure of the last failed run of the current failure streak (null when the streak is 0).</summary>
    public string? LastFailureCode { get; set; }

    public string? LastFailureMessage { get; set; }

    /// <summary>When the last successful refresh ended (UTC); null when the history has none.</summary>
    public DateTimeOffset? LastSuccessEnd { get; set; }

    /// <summary>How long ago the last success ended (at <see cref="CheckedAt"/>).</summary>
    public TimeSpan? SinceLastSuccess { get; set; }

    /// <summary>The staleness limit applied (-StaleAfter, else from the schedules); null when none applies.</summary>
    public TimeSpan? StaleAfter { get; set; }

    /// <summary>Failed refreshes since the last success (skipped and cancelled runs do not count either way).</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>True when the history ended (or was cut by the service's retention) before a success was found.</summary>
    public bool HistoryExhausted { get; set; }

    /// <summary>The service's time the verdict was computed for (UTC).</summary>
    public DateTimeOffset CheckedAt { get; set; }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is DateTime v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : (DateTimeOffset?)null;

    public override string ToString() => $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}: {Verdict}";
}
