using System;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>
/// One job of a wait: where it runs, the last instance read, its progress line, and its link to the running refresh a
/// skipped job was attached to. The attach links and <see cref="Latest"/> change under the runner's lock; the progress
/// fields only on the pipeline thread.
/// </summary>
internal sealed class TrackedJob
{
    public TrackedJob(JobInstanceRef job, LakehouseLocation target, int activityId)
    {
        Job = job;
        Target = target;
        ActivityId = activityId;
    }

    public JobInstanceRef Job { get; }

    public LakehouseLocation Target { get; }

    /// <summary>Its child progress record's id.</summary>
    public int ActivityId { get; }

    public Guid Id => Job.JobInstanceId;

    /// <summary>The running refresh this skipped one was attached to (its outcome stands for this one).</summary>
    public TrackedJob? AttachedTo { get; set; }

    /// <summary>The skipped refresh this one was attached for.</summary>
    public TrackedJob? AttachedFor { get; set; }

    public bool AttachTried { get; set; }

    public MlvJobInstance? Latest { get; set; }

    public string? StatusShown { get; set; }

    public bool ProgressClosed { get; set; }

    public string Describe() => $"{Target} job {Id}";

    /// <summary>As <see cref="Describe"/>, and for a refresh followed in a skipped one's place, which one.</summary>
    public string DescribeOutcome() => AttachedFor is null ? Describe() : $"{Describe()} (attached for skipped job {AttachedFor.Id})";

    /// <summary>An instance of this job with the lakehouse's ids and names.</summary>
    public MlvJobInstance Label(MlvJobInstance instance) => JobInstances.Label(instance, Target);

    /// <summary>This job before any read: ids and names, no status.</summary>
    public MlvJobInstance Unread() => JobInstances.Unread(Id, Target);
}
