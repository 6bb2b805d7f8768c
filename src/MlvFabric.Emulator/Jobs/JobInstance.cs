using System;
using System.Linq;
using System.Threading;

namespace MlvFabric.Emulator.Jobs;

/// <summary>Job statuses as the service spells them.</summary>
internal static class JobStatus
{
    public const string NotStarted = "NotStarted";
    public const string InProgress = "InProgress";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
    public const string Deduped = "Deduped";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled or Deduped;

    /// <summary>One of the six statuses the contract defines (any casing).</summary>
    public static bool IsDefined(string status) =>
        new[] { NotStarted, InProgress, Completed, Failed, Cancelled, Deduped }.Any(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A failure reason (the service's error object).</summary>
internal sealed record FailureReason(string ErrorCode, string Message, Guid RequestId);

/// <summary>
/// One job instance. Everything is decided when it is created (when it starts running, how long it runs, how it
/// ends); its status is a pure function of the emulator clock, so advancing the clock moves it on without timers.
/// The only later change is a cancel, which records its instant.
/// </summary>
internal sealed class JobInstance
{
    /// <summary>Canonical MLV job type; written as the configured label.</summary>
    public const string MlvJobType = "RefreshMaterializedLakeViews";

    /// <summary>The lakehouse's other job type: its runs share the job list with MLV runs but never dedupe them.</summary>
    public const string TableMaintenanceJobType = "TableMaintenance";

    private long _cancelledTicks;

    public required Guid Id { get; init; }
    public required long Seq { get; init; }
    public required Guid ItemId { get; init; }
    public required Guid WorkspaceId { get; init; }

    /// <summary><see cref="MlvJobType"/>, <see cref="TableMaintenanceJobType"/>, or another item job type (generated history only).</summary>
    public required string JobType { get; init; }
    public required string InvokeType { get; init; }
    public required Guid RootActivityId { get; init; }

    /// <summary>startTimeUtc: submission instant, or the schedule occurrence for scheduled runs.</summary>
    public required DateTime StartUtc { get; init; }

    /// <summary>When the run leaves NotStarted.</summary>
    public required DateTime RunStartUtc { get; init; }

    /// <summary>When the run finishes (unless cancelled first).</summary>
    public required DateTime EndUtc { get; init; }

    /// <summary>Outcome at <see cref="EndUtc"/>: Completed or Failed; or Deduped/Cancelled from the start when superseded.</summary>
    public required string Outcome { get; init; }
    public FailureReason? Failure { get; init; }

    /// <summary>Set when the run was skipped for an active run of the same views: the status it shows from the start.</summary>
    public string? SupersededStatus { get; init; }
    public Guid? SupersededBy { get; init; }

    /// <summary>A status outside the contract (the <c>unknownStatus</c> settings) shown from <see cref="StartUtc"/> until
    /// <see cref="UnknownStatusUntilUtc"/> (null: until cancelled); <see cref="EndUtc"/> is no earlier than that.</summary>
    public string? UnknownStatus { get; init; }
    public DateTime? UnknownStatusUntilUtc { get; init; }

    // Internal detail for GET /_emulator/jobs/{id}.
    public string[] Mlvs { get; init; } = Array.Empty<string>();
    public bool WholeLineage { get; init; }
    public Guid? ExecutionDefinitionId { get; init; }
    public Guid? ScheduleId { get; init; }
    public DateTime? ScheduledOccurrenceUtc { get; init; }
    public string? CallerOid { get; init; }
    public bool IsHistory { get; init; }

    public DateTime? CancelledUtc
    {
        get
        {
            var t = Volatile.Read(ref _cancelledTicks);
            return t == 0 ? null : new DateTime(t, DateTimeKind.Utc);
        }
        set => Volatile.Write(ref _cancelledTicks, value?.Ticks ?? 0);
    }

    public bool IsMlv => JobType == MlvJobType;

    public string StatusAt(DateTime now)
    {
        if (SupersededStatus != null)
        {
            return SupersededStatus;
        }

        if (CancelledUtc is { } c && now >= c && c < EndUtc)
        {
            return JobStatus.Cancelled;
        }

        if (UnknownStatus != null && (UnknownStatusUntilUtc is not { } until || now < until))
        {
            return UnknownStatus;
        }

        if (now < RunStartUtc)
        {
            return JobStatus.NotStarted;
        }

        if (now < EndUtc)
        {
            return JobStatus.InProgress;
        }

        return Outcome;
    }

    /// <summary>endTimeUtc at <paramref name="now"/>: null while not finished.</summary>
    public DateTime? EndTimeAt(DateTime now)
    {
        if (SupersededStatus != null)
        {
            return StartUtc;
        }

        if (CancelledUtc is { } c && now >= c && c < EndUtc)
        {
            return c;
        }

        return now >= EndUtc ? EndUtc : null;
    }

    public bool IsActiveAt(DateTime now) => !JobStatus.IsTerminal(StatusAt(now)) && now >= StartUtc;
}
