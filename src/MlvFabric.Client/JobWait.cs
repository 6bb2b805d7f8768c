using System;
using System.Collections.Generic;

namespace MlvFabric.Client;

/// <summary>A job to wait for: its lakehouse (a <see cref="LakehouseLocation"/>) and its id.</summary>
public sealed class JobInstanceRef
{
    public JobInstanceRef(LakehouseLocation lakehouse, Guid jobInstanceId)
    {
        Lakehouse = lakehouse ?? throw new ArgumentNullException(nameof(lakehouse));
        JobInstanceId = jobInstanceId;
    }

    public JobInstanceRef(Guid workspaceId, Guid lakehouseId, Guid jobInstanceId)
        : this(new LakehouseLocation(workspaceId, null, lakehouseId, null), jobInstanceId)
    {
    }

    /// <summary>Where the job runs; the names are filled in when they become known.</summary>
    public LakehouseLocation Lakehouse { get; set; }

    public Guid JobInstanceId { get; }

    public Guid WorkspaceId => Lakehouse.WorkspaceId;
    public Guid LakehouseId => Lakehouse.LakehouseId;
    public string? WorkspaceName => Lakehouse.WorkspaceName;
    public string? LakehouseName => Lakehouse.LakehouseName;

    /// <summary>The job instance URL from the 202 (polled when it is on the endpoint's host).</summary>
    public Uri? Location { get; set; }

    /// <summary>When the job was submitted (UTC); with <see cref="RetryAfter"/> it sets the earliest first poll.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The 202's Retry-After: the first status read is not sent before <see cref="SubmittedAt"/> + this.</summary>
    public TimeSpan? RetryAfter { get; set; }

    public static JobInstanceRef From(JobSubmission submission)
    {
        if (submission == null)
        {
            throw new ArgumentNullException(nameof(submission));
        }

        return new JobInstanceRef(submission.WorkspaceId, submission.LakehouseId, submission.JobInstanceId)
        {
            Location = submission.Location,
            SubmittedAt = submission.SubmittedAt,
            RetryAfter = submission.RetryAfter,
        };
    }

    public static JobInstanceRef From(MlvJobInstance instance)
    {
        if (instance == null)
        {
            throw new ArgumentNullException(nameof(instance));
        }

        return new JobInstanceRef(LakehouseLocation.Of(instance), instance.Id);
    }

    public override string ToString() => JobInstanceId.ToString();
}

public sealed class JobWaitOptions
{
    /// <summary>Longest wait, counted from the start of the wait; null: until every job ends.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Shortest interval between two reads of one job, whatever Retry-After says. Default 1 s.</summary>
    public TimeSpan? PollFloor { get; set; }

    /// <summary>Interval between reads of one job when the service sends no Retry-After. Default 15 s.</summary>
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Status reads in flight at once. Default 4.</summary>
    public int MaxConcurrentPolls { get; set; } = 4;

    /// <summary>Least time between two progress reports (a report also follows the last change). Default 250 ms.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

public enum JobWaitState
{
    /// <summary>Still NotStarted/InProgress (or not read yet).</summary>
    Waiting,

    /// <summary>Reached Completed, Failed, Cancelled or Deduped.</summary>
    Finished,

    /// <summary>Reported a status this client does not know; the wait stopped for it (see the instance's Status).</summary>
    UnknownStatus,

    /// <summary>Its status could not be read (see the error).</summary>
    Error,
}

/// <summary>One job in a progress snapshot (immutable).</summary>
public sealed class JobWaitEntry
{
    internal JobWaitEntry(JobInstanceRef job, MlvJobInstance? instance, JobWaitState state, int polls, string? error)
    {
        Job = job;
        Instance = instance;
        State = state;
        Polls = polls;
        Error = error;
    }

    public JobInstanceRef Job { get; }

    /// <summary>The last instance read (null before the first read).</summary>
    public MlvJobInstance? Instance { get; }

    /// <summary>The last status read; null before the first read.</summary>
    public string? Status => Instance?.Status;

    public JobWaitState State { get; }
    public int Polls { get; }
    public string? Error { get; }
}

/// <summary>A snapshot of a wait, handed to the progress callback from the polling loop (not the caller's thread).</summary>
public sealed class JobWaitProgress
{
    internal JobWaitProgress(IReadOnlyList<JobWaitEntry> jobs, TimeSpan elapsed, int polls)
    {
        Jobs = jobs;
        Elapsed = elapsed;
        Polls = polls;
        foreach (var j in jobs)
        {
            switch (j.State)
            {
                case JobWaitState.Error:
                    Errors++;
                    break;
                case JobWaitState.UnknownStatus:
                    Unknown++;
                    break;
                case JobWaitState.Finished:
                    if (JobStatus.Is(j.Status, JobStatus.Completed))
                    {
                        Completed++;
                    }
                    else if (JobStatus.Is(j.Status, JobStatus.Failed))
                    {
                        Failed++;
                    }
                    else if (JobStatus.Is(j.Status, JobStatus.Cancelled))
                    {
                        Cancelled++;
                    }
                    else
                    {
                        Deduped++;
                    }

                    break;
                default:
                    if (JobStatus.Is(j.Status, JobStatus.InProgress))
                    {
                        InProgress++;
                    }
                    else
                    {
                        NotStarted++;
                    }

                    break;
            }
        }
    }

    public IReadOnlyList<JobWaitEntry> Jobs { get; }
    public int Total => Jobs.Count;

    /// <summary>Not started yet, or not read yet.</summary>
    public int NotStarted { get; }
    public int InProgress { get; }
    public int Completed { get; }
    public int Failed { get; }
    public int Cancelled { get; }
    public int Deduped { get; }
    public int Unknown { get; }
    public int Errors { get; }
    public int Running => NotStarted + InProgress;
    public int Done => Total - Running;
    public TimeSpan Elapsed { get; }

    /// <summary>Status reads sent so far.</summary>
    public int Polls { get; }

    /// <summary>0–100 by job count.</summary>
    public int PercentComplete => Total == 0 ? 100 : (int)(100L * Done / Total);
}

public sealed class JobWaitOutcome
{
    internal JobWaitOutcome(JobInstanceRef job, MlvJobInstance? instance, JobWaitState state, FabricException? error, int polls)
    {
        Job = job;
        Instance = instance;
        State = state;
        Error = error;
        Polls = polls;
    }

    public JobInstanceRef Job { get; }

    /// <summary>The final (or, for jobs still running, the last) instance read.</summary>
    public MlvJobInstance? Instance { get; }

    public JobWaitState State { get; }
    public FabricException? Error { get; }
    public int Polls { get; }
}

public sealed class JobWaitResult
{
    internal JobWaitResult(IReadOnlyList<JobWaitOutcome> jobs, bool timedOut, TimeSpan elapsed, int polls)
    {
        Jobs = jobs;
        TimedOut = timedOut;
        Elapsed = elapsed;
        Polls = polls;
        var instances = new List<MlvJobInstance>();
        var running = new List<JobInstanceRef>();
        var errors = new List<JobWaitOutcome>();
        foreach (var j in jobs)
        {
            if ((j.State == JobWaitState.Finished || j.State == JobWaitState.UnknownStatus) && j.Instance != null)
            {
                instances.Add(j.Instance);
            }
            else if (j.State == JobWaitState.Waiting)
            {
                running.Add(j.Job);
            }
            else if (j.State == JobWaitState.Error)
            {
                errors.Add(j);
            }
        }
        Instances = instances;
        StillRunning = running;
        Errors = errors;
    }

    /// <summary>Every job, in the order they were added.</summary>
    public IReadOnlyList<JobWaitOutcome> Jobs { get; }

    /// <summary>Final instances of the jobs that ended (and of those with a status this client does not know).</summary>
    public IReadOnlyList<MlvJobInstance> Instances { get; }

    /// <summary>Jobs still running when the wait timed out (the refreshes themselves go on).</summary>
    public IReadOnlyList<JobInstanceRef> StillRunning { get; }

    /// <summary>Jobs whose status could not be read.</summary>
    public IReadOnlyList<JobWaitOutcome> Errors { get; }

    public bool TimedOut { get; }
    public TimeSpan Elapsed { get; }
    public int Polls { get; }
}
