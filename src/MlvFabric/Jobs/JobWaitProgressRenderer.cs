using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>
/// The wait's progress: one parent record (counts, elapsed) and one child record per job, each written only when
/// what it shows changes. Pipeline thread only (through <see cref="AsyncPipeline"/>).
/// </summary>
internal sealed class JobWaitProgressRenderer
{
    private const int ParentActivityId = 1;

    private readonly string _activity;
    private string? _parentShown;

    public JobWaitProgressRenderer(JobWaitPurpose purpose)
    {
        _activity = purpose == JobWaitPurpose.Cancel ? "Waiting for MLV refreshes to be cancelled" : "Waiting for MLV refreshes";
    }

    /// <summary>The child record id of the job added as number <paramref name="index"/> (from 0).</summary>
    public static int ChildActivityId(int index) => ParentActivityId + 1 + index;

    /// <summary>Writes what changed since the last call: the parent's counts, each open job's status, the jobs that ended.</summary>
    public void Render(AsyncPipeline pipeline, JobWaitProgress? progress, IReadOnlyList<TrackedJob> jobs, TimeSpan elapsed)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        RenderParent(pipeline, progress, jobs.Count, elapsed);
        var entries = (progress?.Jobs ?? Array.Empty<JobWaitEntry>()).ToDictionary(e => e.Job.JobInstanceId);
        foreach (var job in jobs.Where(j => !j.ProgressClosed))
        {
            entries.TryGetValue(job.Id, out var entry);
            RenderChild(pipeline, job, entry);
        }
    }

    /// <summary>Completes every record still open (the parent last, with the counts it last showed).</summary>
    public void Close(AsyncPipeline pipeline, IReadOnlyList<TrackedJob> jobs)
    {
        foreach (var job in jobs.Where(j => !j.ProgressClosed))
        {
            job.ProgressClosed = true;
            pipeline.WriteProgress(Child(job, job.StatusShown ?? "Submitted", ProgressRecordType.Completed));
        }

        pipeline.WriteProgress(new ProgressRecord(ParentActivityId, _activity, _parentShown ?? "Done") { RecordType = ProgressRecordType.Completed });
    }

    private void RenderParent(AsyncPipeline pipeline, JobWaitProgress? progress, int total, TimeSpan elapsed)
    {
        var status = ParentStatus(progress, total, elapsed);
        if (status == _parentShown)
        {
            return;
        }

        _parentShown = status;
        pipeline.WriteProgress(new ProgressRecord(ParentActivityId, _activity, status)
        {
            PercentComplete = progress is null ? 0 : Math.Min(100, 100 * progress.Done / Math.Max(1, total)),
        });
    }

    private static void RenderChild(AsyncPipeline pipeline, TrackedJob job, JobWaitEntry? entry)
    {
        var status = entry?.Status ?? "Submitted";
        if (entry is not null && entry.State != JobWaitState.Waiting)
        {
            job.ProgressClosed = true;
            pipeline.WriteProgress(Child(job, status, ProgressRecordType.Completed));
        }
        else if (status != job.StatusShown)
        {
            job.StatusShown = status;
            pipeline.WriteProgress(Child(job, status, ProgressRecordType.Processing));
        }
    }

    private static ProgressRecord Child(TrackedJob job, string status, ProgressRecordType type) =>
        new ProgressRecord(job.ActivityId, job.Target.ToString(), status)
        {
            ParentActivityId = ParentActivityId,
            CurrentOperation = "Job " + job.Id,
            RecordType = type,
        };

    private static string ParentStatus(JobWaitProgress? p, int total, TimeSpan elapsed)
    {
        var parts = new List<string>();
        if (p is not null)
        {
            AddCount(parts, p.Completed, "completed");
            AddCount(parts, p.Failed, "failed");
            AddCount(parts, p.Cancelled, "cancelled");
            AddCount(parts, p.Deduped, "deduped");
            AddCount(parts, p.Unknown, "unknown status");
            AddCount(parts, p.Errors, "unreadable");
        }

        var done = p?.Done ?? 0;
        var running = total - done;
        var counts = parts.Count == 0 ? string.Empty : " (" + string.Join(", ", parts) + ")";
        var seconds = TimeSpan.FromSeconds(Math.Floor(elapsed.TotalSeconds));
        return string.Format(CultureInfo.InvariantCulture, "{0} of {1} done{2}; {3} running; {4:hh\\:mm\\:ss} elapsed", done, total, counts, running, seconds);
    }

    private static void AddCount(List<string> parts, int count, string label)
    {
        if (count > 0)
        {
            parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + label);
        }
    }
}
