using System;

namespace MlvFabric.Client;

/// <summary>
/// Which refresh a skipped one stands for. Fabric skips a start (Deduped, or Cancelled as skipped) when a refresh of
/// the same lineage is already running; a wait with -AttachIfRunning then follows that refresh instead. Fed the
/// lakehouse's job list newest first, one job at a time (<see cref="Add"/>), it stops as soon as the answer is known.
/// </summary>
public sealed class SkippedRefreshResolver
{
    /// <summary>The most jobs of the list looked at (the skipped job itself not counted).</summary>
    public const int MaxJobsExamined = 100;

    private readonly MlvJobInstance _skipped;
    private MlvJobInstance? _running;
    private MlvJobInstance? _earlier;
    private int _seen;

    public SkippedRefreshResolver(MlvJobInstance skipped)
    {
        _skipped = skipped ?? throw new ArgumentNullException(nameof(skipped));
    }

    /// <summary>Deduped or Cancelled: a job that may have been skipped for a refresh already running.</summary>
    public static bool MayHaveBeenSkipped(string? status) => JobStatus.IsSuperseded(status);

    /// <summary>
    /// The refresh to follow: the lakehouse's running refresh, else, for a Deduped job, the refresh it deferred to, which
    /// has ended meanwhile. Null when there is none: a Cancelled job with no refresh running was cancelled, not skipped.
    /// </summary>
    public MlvJobInstance? Result => _running ?? (JobStatus.Is(_skipped.Status, JobStatus.Deduped) ? _earlier : null);

    /// <summary>Takes the next job of the list (newest first); false once no further job can change <see cref="Result"/>.</summary>
    public bool Add(MlvJobInstance job)
    {
        if (job.Id == _skipped.Id)
        {
            return true;
        }

        if (job.IsRunning)
        {
            _running = job;
            return false;
        }

        // Newest first: the first refresh that ran and started no later than the skipped one is the one it deferred
        // to, if that has ended meanwhile.
        if (_earlier is null && !JobStatus.IsSuperseded(job.Status) && job.StartTimeUtc is DateTime start
            && (_skipped.StartTimeUtc is not DateTime skippedStart || start <= skippedStart))
        {
            _earlier = job;
        }

        return ++_seen < MaxJobsExamined;
    }
}
