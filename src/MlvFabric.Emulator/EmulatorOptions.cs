using System;

namespace MlvFabric.Emulator;

/// <summary>
/// Every setting of the emulator. The command line (<c>Program</c>) maps onto these one to one; tests pass them to
/// <see cref="EmulatorServer.StartAsync"/>. Behaviour settings (marked "runtime") can also be changed while the
/// emulator runs through <c>PUT /_emulator/settings</c>; throttle limits through <c>PUT /_emulator/faults</c>.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>Listen address(es), semicolon-separated. Port 0 picks a free port. Loopback only unless <see cref="AllowRemote"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>Accept non-loopback <see cref="Urls"/>.</summary>
    public bool AllowRemote { get; set; }

    /// <summary>A JSON seed file (see README); null = the built-in tenant.</summary>
    public string? SeedFile { get; set; }

    /// <summary>A seed given as JSON text (wins over <see cref="SeedFile"/>); null = none.</summary>
    public string? SeedJson { get; set; }

    /// <summary>
    /// Also serve the forms shown in Microsoft's MLV article but absent from the API spec (GET and cancel under
    /// <c>/lakehouses/{id}/jobs/</c>, the MLV-only job list, the list's <c>jobType</c> filter, the article's
    /// <c>…/schedules/{jobId}/cancel</c>), with the emulator's earlier lenient bodies. Off (default): only the spec's
    /// operations are routed; everything else under /v1 is 404 <c>EntityNotFound</c>. Fixed at start.
    /// </summary>
    public bool ServeArticleForms { get; set; }

    /// <summary>
    /// Runtime. The origin (<c>scheme://host[:port]</c>) written into <c>Location</c> headers and <c>continuationUri</c>
    /// links instead of the host the client called, as a regional or private-link host of the service would; null
    /// (default) = the called host. Requests are still served only where the emulator listens.
    /// </summary>
    public string? PublicOrigin { get; set; }

    /// <summary>
    /// Runtime. Store schedule configurations normalised (start and end as wall times in the schedule's zone without
    /// offset, times as <c>HH:mm</c>) instead of echoing them as sent; off by default.
    /// </summary>
    public bool NormalizeScheduleDateTimes { get; set; }

    /// <summary>Runtime. <c>Retry-After</c> (seconds) on 202 run/cancel and on reads of unfinished job instances. The service sends 60.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Runtime. Items per list page.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>Runtime. Finished job instances kept per item (the service keeps 100). Active ones are never dropped.</summary>
    public int MaxCompletedJobs { get; set; } = 100;

    /// <summary>Runtime. Status of a run skipped because a run of the same MLVs is active: <c>Deduped</c> or <c>Cancelled</c>.</summary>
    public string DedupeStatus { get; set; } = "Deduped";

    /// <summary>Runtime. HTTP status of <c>JobAlreadyCompleted</c> (cancel of a finished job): 400 or 409.</summary>
    public int JobAlreadyCompletedStatus { get; set; } = 400;

    /// <summary>Runtime. <c>jobType</c> written on MLV job instances: <c>RefreshMaterializedLakeViews</c> or <c>MaterializedLakeViews</c>.</summary>
    public string JobTypeLabel { get; set; } = "RefreshMaterializedLakeViews";

    /// <summary>Runtime. Refuse app (service principal / managed identity) tokens on MLV job-scheduler calls with 403.</summary>
    public bool RefuseAppTokensOnMlvJobs { get; set; }

    /// <summary>Runtime. Answer 409 <c>ConflictingRequest</c> to a second enabled schedule for the same scope.</summary>
    public bool EnforceOneSchedulePerScope { get; set; }

    /// <summary>
    /// Runtime. A status the contract does not define (e.g. <c>Paused</c>) that every run created while it is set
    /// reports from its submission, for <see cref="UnknownJobStatusSeconds"/>; null = off. A lakehouse's own
    /// <c>unknownStatus</c> setting wins. For testing that no wait hangs on a status it does not know.
    /// </summary>
    public string? UnknownJobStatus { get; set; }

    /// <summary>Runtime. Seconds a run reports <see cref="UnknownJobStatus"/> before it goes on as usual (ending no
    /// earlier than then); 0 (default) = until it is cancelled.</summary>
    public double UnknownJobStatusSeconds { get; set; }

    /// <summary>Length of the throttle windows in seconds (the service: 60). Tests shorten it to see pacing quickly.</summary>
    public int ThrottleWindowSeconds { get; set; } = 60;

    /// <summary>Runtime. Schedules per item (the service: 20).</summary>
    public int MaxSchedulesPerItem { get; set; } = Scheduling.ScheduleLimits.MaxSchedulesPerItem;

    /// <summary>Per caller, per 60 s sliding window: on-demand job submissions (0 = unlimited). 429 <c>TooManyRequestsForJobs</c>.</summary>
    public int JobSubmissionsPerMinute { get; set; } = 50;

    /// <summary>Per caller, per 60 s: job instance reads (get and list). 0 = unlimited. 429 <c>RequestBlocked</c>.</summary>
    public int JobStatusReadsPerMinute { get; set; } = 50;

    /// <summary>Per caller, per 60 s: every /v1 call. 0 (default) = off. 429 <c>RequestBlocked</c>.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Seed of the fault injector's random numbers.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>Seed of job outcomes (failure draws) per lakehouse.</summary>
    public int RandomSeed { get; set; } = 1;

    /// <summary>Entries kept by the request log (a ring buffer).</summary>
    public int RequestLogCapacity { get; set; } = 100_000;

    /// <summary>Period of the background scheduler loop, in milliseconds.</summary>
    public int SchedulerTickMilliseconds { get; set; } = 200;

    /// <summary>Occurrences one schedule may fire in one scheduler pass; the rest of a huge clock jump is skipped.</summary>
    public int MaxFiresPerSchedulePass { get; set; } = 10_000;

    /// <summary>Secret for the managed-identity endpoint's <c>X-IDENTITY-HEADER</c>; null = random per start.</summary>
    public string? ManagedIdentitySecret { get; set; }

    /// <summary>Tenant id written into minted tokens; null = the seed's tenant.</summary>
    public string? TenantId { get; set; }

    /// <summary>Initial emulator time (UTC); null = real time. The clock runs on from there.</summary>
    public DateTime? StartTimeUtc { get; set; }

    /// <summary>Print one line per request to the console (Program only).</summary>
    public bool Verbose { get; set; }

    internal EmulatorOptions Clone() => (EmulatorOptions)MemberwiseClone();
}
