using System;

namespace MlvFabric.Client;

public sealed partial class FabricClient
{
    /// <summary>Job-status reads (instance gets and job-list pages) allowed per <see cref="JobStatusReadWindow"/>; 0: not paced here.</summary>
    public int JobStatusReadsPerWindow => StatusReadLimiter.IsUnlimited ? 0 : StatusReadLimiter.Limit;

    /// <summary>The window of <see cref="JobStatusReadsPerWindow"/> (the service's minute).</summary>
    public TimeSpan JobStatusReadWindow => StatusReadLimiter.Window;

    /// <summary>
    /// How long <paramref name="reads"/> more job-status reads take at the earliest, from the reads this identity has
    /// already made in the current window (shared with job waits and other sessions of the same identity).
    /// </summary>
    public TimeSpan EstimateJobStatusReadTime(int reads) => StatusReadLimiter.EstimateWait(reads);

    /// <summary>The service's clock as last seen in a response's Date header (this machine's clock before any).</summary>
    public DateTimeOffset ServiceNow => _http.ServerNow;
}
