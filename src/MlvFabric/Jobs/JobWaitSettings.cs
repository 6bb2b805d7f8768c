using System;

namespace MlvFabric.Jobs;

/// <summary>What a wait is for: a refresh to end, or a cancellation to take effect.</summary>
internal enum JobWaitPurpose
{
    Refresh,
    Cancel,
}

internal sealed class JobWaitSettings
{
    /// <summary>Longest wait, counted from the first job added; null: until every job ends.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Cancel the jobs still running at the timeout.</summary>
    public bool CancelOnTimeout { get; set; }

    /// <summary>A job skipped (Deduped, or Cancelled as skipped) for a refresh already running: wait for that one instead.</summary>
    public bool AttachIfRunning { get; set; }

    public JobWaitPurpose Purpose { get; set; }

    /// <summary>
    /// The jobs are the ones this command started (Start-MlvRefresh -Wait): one that ends Cancelled was cancelled by
    /// someone else or skipped, which deserves a warning. Jobs given to Wait-MlvJobInstance may well have been
    /// cancelled by the user a moment ago: their status says so, without a warning per job.
    /// </summary>
    public bool StartedByThisCommand { get; set; }
}
