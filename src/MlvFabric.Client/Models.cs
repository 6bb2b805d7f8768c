using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

/// <summary>Job instance statuses. Kept as strings so a status the service adds later never breaks parsing.</summary>
public static class JobStatus
{
    public const string NotStarted = "NotStarted";
    public const string InProgress = "InProgress";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
    public const string Deduped = "Deduped";

    public static readonly IReadOnlyList<string> All = new[] { NotStarted, InProgress, Completed, Failed, Cancelled, Deduped };

    /// <summary>NotStarted or InProgress: keep waiting.</summary>
    public static bool IsRunning(string? status) => Is(status, NotStarted) || Is(status, InProgress);

    /// <summary>Completed, Failed, Cancelled or Deduped: the job will not change any more.</summary>
    public static bool IsTerminal(string? status) =>
        Is(status, Completed) || Is(status, Failed) || Is(status, Cancelled) || Is(status, Deduped);

    /// <summary>One of the six statuses this client knows.</summary>
    public static bool IsKnown(string? status) => IsRunning(status) || IsTerminal(status);

    /// <summary>Cancelled or Deduped: superseded by a refresh that was already running (or cancelled by a user).</summary>
    public static bool IsSuperseded(string? status) => Is(status, Cancelled) || Is(status, Deduped);

    /// <summary>The canonical spelling of a known status; an unknown one as given.</summary>
    public static string? Normalize(string? status)
    {
        if (status == null)
        {
            return null;
        }

        foreach (var known in All)
        {
            if (Is(status, known))
            {
                return known;
            }
        }

        return status;
    }

    internal static bool Is(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

public static class JobInvokeType
{
    public const string Manual = "Manual";
    public const string Scheduled = "Scheduled";
}

public static class MlvJobTypes
{
    /// <summary>The job type the API takes.</summary>
    public const string RefreshMaterializedLakeViews = "RefreshMaterializedLakeViews";

    /// <summary>The label some history surfaces use for the same job.</summary>
    public const string MaterializedLakeViews = "MaterializedLakeViews";

    /// <summary>True for both labels of the MLV refresh job.</summary>
    public static bool IsMlvRefresh(string? jobType) =>
        string.Equals(jobType, RefreshMaterializedLakeViews, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(jobType, MaterializedLakeViews, StringComparison.OrdinalIgnoreCase);
}

public static class MlvRefreshModes
{
    public const string Optimal = "Optimal";
    public const string Full = "Full";
}

public static class MlvExecutionModes
{
    public const string All = "All";
    public const string Selected = "Selected";
}

/// <summary>An object that lives in one lakehouse: its ids always, the names when they are known.</summary>
public interface ILakehouseItem
{
    Guid WorkspaceId { get; set; }
    string? WorkspaceName { get; set; }
    Guid LakehouseId { get; set; }
    string? LakehouseName { get; set; }
}

public sealed class MlvWorkspace
{
    public Guid Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public string? Type { get; set; }
    public Guid? CapacityId { get; set; }

    public override string ToString() => DisplayName ?? Id.ToString();
}

public sealed class MlvLakehouse
{
    public Guid Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }

    public override string ToString() => DisplayName ?? Id.ToString();
}

/// <summary>Values of <see cref="MlvPrincipal.Type"/> the spec names; more may come, and are kept as given.</summary>
public static class MlvPrincipalTypes
{
    public const string User = "User";
    public const string ServicePrincipal = "ServicePrincipal";
    public const string Group = "Group";
    public const string ServicePrincipalProfile = "ServicePrincipalProfile";
    public const string EntireTenant = "EntireTenant";
}

/// <summary>A schedule's owner as the service reports it.</summary>
public sealed class MlvPrincipal
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }

    /// <summary><see cref="MlvPrincipalTypes"/>, or a newer type the service reports, as a string.</summary>
    public string? Type { get; set; }

    /// <summary>For a user.</summary>
    public string? UserPrincipalName { get; set; }

    /// <summary>For a service principal: its application (client) id.</summary>
    public string? AppId { get; set; }

    public override string ToString()
    {
        var name = UserPrincipalName ?? DisplayName ?? AppId ?? Id;
        return string.IsNullOrEmpty(Type) ? name ?? "" : $"{name} ({Type})";
    }
}

public sealed class MlvSchedule : ILakehouseItem
{
    public Guid Id { get; set; }
    public bool Enabled { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? CreatedDateTime { get; set; }

    public ScheduleConfiguration? Configuration { get; set; }
    public MlvPrincipal? Owner { get; set; }

    /// <summary>The execution definition the schedule runs (null: the whole lineage).</summary>
    public Guid? ExecutionDefinitionId { get; set; }

    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }

    public string? Type => Configuration?.Type;

    public string? TimeZone => Configuration?.LocalTimeZoneId;

    /// <summary>"Every 10 minutes", "Mon, Tue at 09:00, 17:00 (Central Standard Time)".</summary>
    public string Summary => Configuration == null ? "" : ScheduleDescriber.Describe(Configuration);

    /// <summary>Start of the schedule, UTC (null when unreadable).</summary>
    public DateTime? StartDateTime => ReadInstant(Configuration?.StartDateTime);

    /// <summary>End of the schedule, UTC (null when unreadable).</summary>
    public DateTime? EndDateTime => ReadInstant(Configuration?.EndDateTime);

    /// <summary>The execution definition's name, when the cmdlet that read the schedule looked it up (null: the whole lineage, or not known).</summary>
    public string? ExecutionDefinitionName { get; set; }

    /// <summary>What the schedule refreshes: the execution definition's name (or id), or "(whole lineage)". Flat text for tables and CSV.</summary>
    public string Runs => ExecutionDefinitionId is Guid id ? ExecutionDefinitionName ?? id.ToString() : WholeLineage;

    /// <summary>The text <see cref="Runs"/> uses for a schedule without an execution definition.</summary>
    public const string WholeLineage = "(whole lineage)";

    /// <summary>The next three runs from now (UTC); empty when the schedule is disabled, over, or unreadable.</summary>
    public IReadOnlyList<DateTime> NextRunTimes => new MlvRunTimes(GetNextRunTimes(DateTime.UtcNow, 3));

    /// <summary>The next run in the schedule's own time zone (the zone its summary names), with that zone's offset; null when none.</summary>
    public DateTimeOffset? NextRun
    {
        get
        {
            var next = GetNextRunTimes(DateTime.UtcNow, 1);
            return next.Count == 0 ? null : InScheduleZone(next[0]);
        }
    }

    /// <summary>A UTC instant as the schedule's own zone sees it (UTC when the zone is unknown).</summary>
    public DateTimeOffset InScheduleZone(DateTime utc)
    {
        var instant = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return Configuration?.LocalTimeZoneId != null && ScheduleTimeZones.TryResolve(Configuration.LocalTimeZoneId, out _, out var zone)
            ? TimeZoneInfo.ConvertTime(instant, zone)
            : instant;
    }

    public IReadOnlyList<DateTime> GetNextRunTimes(DateTime fromUtc, int count)
    {
        if (!Enabled || Configuration == null)
        {
            return Array.Empty<DateTime>();
        }

        try
        {
            return ScheduleCalculator.NextRuns(Configuration, fromUtc, count);
        }
        catch (ArgumentException)
        {
            return Array.Empty<DateTime>();
        }
    }

    private DateTime? ReadInstant(string? text)
    {
        if (text == null)
        {
            return null;
        }

        var zone = System.TimeZoneInfo.Utc;
        if (Configuration?.LocalTimeZoneId != null && ScheduleTimeZones.TryResolve(Configuration.LocalTimeZoneId, out _, out var resolved))
        {
            zone = resolved;
        }

        return ScheduleDateTimes.TryParse(text, zone, out var utc) ? utc : (DateTime?)null;
    }

    public override string ToString() => $"{Id} ({Summary})";
}

/// <summary>
/// Run times (UTC) that print as one line of ISO 8601 instants, so Export-Csv and string expansion show the times
/// rather than a collection type name.
/// </summary>
public sealed class MlvRunTimes : System.Collections.ObjectModel.ReadOnlyCollection<DateTime>
{
    public MlvRunTimes(IEnumerable<DateTime> times)
        : base(times.ToList())
    {
    }

    public override string ToString() =>
        string.Join(", ", this.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture)));
}

public sealed class MlvJobInstance : ILakehouseItem
{
    public Guid Id { get; set; }
    public Guid? ItemId { get; set; }
    public string? JobType { get; set; }
    public string? InvokeType { get; set; }
    public string? Status { get; set; }
    public string? RootActivityId { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? StartTimeUtc { get; set; }

    /// <summary>UTC; null until the job ends.</summary>
    public DateTime? EndTimeUtc { get; set; }

    public FabricError? FailureReason { get; set; }
    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }

    /// <summary>When the job started, in this computer's time zone (with its offset); null before it starts.</summary>
    public DateTimeOffset? Start => StartTimeUtc is DateTime start ? new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)).ToLocalTime() : null;

    /// <summary>When the job ended, in this computer's time zone (with its offset); null until it ends.</summary>
    public DateTimeOffset? End => EndTimeUtc is DateTime end ? new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)).ToLocalTime() : null;

    /// <summary>The failure's error code (the failure's message is in <see cref="FailureReason"/>); null unless the job failed.</summary>
    public string? Failure => FailureReason?.ErrorCode;

    /// <summary>
    /// <see cref="GetElapsed"/> as text, hours:minutes:seconds ("00:01:05", "26:00:00"): one flat value for tables, CSV
    /// and JSON, which sorts as it reads. Scripts that compute take <see cref="DurationSeconds"/> or <see cref="GetElapsed"/>.
    /// </summary>
    public string? Duration => GetElapsed() is TimeSpan d
        ? ((long)d.TotalHours).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + d.ToString("\\:mm\\:ss", System.Globalization.CultureInfo.InvariantCulture)
        : null;

    /// <summary><see cref="GetElapsed"/> in whole seconds.</summary>
    public long? DurationSeconds => GetElapsed() is TimeSpan d ? (long)d.TotalSeconds : null;

    /// <summary>
    /// End − start; now − start while the job runs. A method, not a property, so that ConvertTo-Json and Export-Csv
    /// write the flat <see cref="Duration"/> rather than a whole TimeSpan.
    /// </summary>
    public TimeSpan? GetElapsed()
    {
        if (StartTimeUtc is not DateTime start)
        {
            return null;
        }

        if (EndTimeUtc is DateTime end)
        {
            return end - start;
        }

        if (IsTerminal)
        {
            return null;
        }

        var running = DateTime.UtcNow - start;
        return running < TimeSpan.Zero ? TimeSpan.Zero : running;
    }

    public bool IsTerminal => JobStatus.IsTerminal(Status);

    public bool IsRunning => JobStatus.IsRunning(Status);

    public override string ToString() => $"{Id} {Status}";
}

/// <summary>Values of <see cref="MlvItemReference.ReferenceType"/> the spec names; more may come.</summary>
public static class MlvItemReferenceTypes
{
    public const string ById = "ById";
    public const string ByVariable = "ByVariable";
}

/// <summary>
/// A reference to an item (environment, extended-lineage lakehouse): <c>ById</c> (item and workspace ids) or
/// <c>ByVariable</c> (a variable-library reference such as <c>$(/**/Library/Variable)</c>, no ids).
/// </summary>
public sealed class MlvItemReference
{
    public string ReferenceType { get; set; } = MlvItemReferenceTypes.ById;

    /// <summary>Null for a reference by variable.</summary>
    public Guid? ItemId { get; set; }

    /// <summary>Null for a reference by variable.</summary>
    public Guid? WorkspaceId { get; set; }

    /// <summary>For <c>ByVariable</c>: the variable reference.</summary>
    public string? VariableReference { get; set; }

    public bool IsById => string.Equals(ReferenceType, MlvItemReferenceTypes.ById, StringComparison.OrdinalIgnoreCase);

    public override string ToString() =>
        IsById ? $"{WorkspaceId}/{ItemId}" : VariableReference ?? ReferenceType;
}

public sealed class MlvExecutionDefinition : ILakehouseItem
{
    public Guid Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }

    /// <summary><c>Optimal</c> or <c>Full</c> (null: the service's default, Optimal).</summary>
    public string? RefreshMode { get; set; }

    public MlvItemReference? Environment { get; set; }

    /// <summary><c>All</c> or <c>Selected</c>.</summary>
    public string? Mode { get; set; }

    /// <summary>Fully qualified names (<c>schema.view</c>) when <see cref="Mode"/> is Selected.</summary>
    public IList<string> SelectedMlvs { get; set; } = new List<string>();

    /// <summary>Null when absent; <c>All</c> or <c>Selected</c>.</summary>
    public string? ExtendedLineageMode { get; set; }

    public IList<MlvItemReference> ExtendedLineageLakehouses { get; set; } = new List<MlvItemReference>();

    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }

    public override string ToString() => DisplayName ?? Id.ToString();
}

/// <summary>Body of create and update schedule (update replaces the whole schedule, as the API wants).</summary>
public sealed class ScheduleRequest
{
    public bool Enabled { get; set; } = true;
    public ScheduleConfiguration Configuration { get; set; } = new ScheduleConfiguration();
    public Guid? ExecutionDefinitionId { get; set; }
}

/// <summary>
/// Create or update an execution definition. On update only the properties that are set (non-null) are sent:
/// the API's PATCH keeps the others.
/// </summary>
public sealed class ExecutionDefinitionRequest
{
    public string? DisplayName { get; set; }
    public string? Description { get; set; }

    /// <summary><c>Optimal</c> or <c>Full</c>.</summary>
    public string? RefreshMode { get; set; }

    public MlvItemReference? Environment { get; set; }

    /// <summary><c>All</c> or <c>Selected</c>; defaults to Selected when <see cref="SelectedMlvs"/> is set, else All (on create).</summary>
    public string? Mode { get; set; }

    public IList<string>? SelectedMlvs { get; set; }

    /// <summary><c>All</c> or <c>Selected</c>; defaults to Selected when <see cref="ExtendedLineageLakehouses"/> is set.</summary>
    public string? ExtendedLineageMode { get; set; }

    public IList<MlvItemReference>? ExtendedLineageLakehouses { get; set; }
}

/// <summary>What a job start or cancel returned.</summary>
public sealed class JobSubmission
{
    public Guid JobInstanceId { get; set; }
    public Guid WorkspaceId { get; set; }
    public Guid LakehouseId { get; set; }

    /// <summary>The job instance URL (validated: same host as the endpoint).</summary>
    public Uri? Location { get; set; }

    /// <summary>The service's suggested wait before the first status read.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>When the client received the answer (UTC).</summary>
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>True when the answer was lost and the job was found in the job list instead (it was not submitted twice).</summary>
    public bool Reconciled { get; set; }

    /// <summary>Cancel only: the service said the job had already completed (after a retried cancel: it is done).</summary>
    public bool AlreadyCompleted { get; set; }

    public override string ToString() => JobInstanceId.ToString();
}
