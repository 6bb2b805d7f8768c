using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Jobs;

/// <summary>
/// Creates, cancels and prunes job instances. Every method expects the caller to hold the lakehouse's lock.
/// </summary>
internal sealed class JobEngine
{
    private readonly EmulatorContext _emu;

    public JobEngine(EmulatorContext emu) => _emu = emu;

    /// <summary>
    /// A refresh of <paramref name="lh"/> submitted at <paramref name="at"/> (now for manual runs, the occurrence for
    /// scheduled ones): the whole lineage, or the definition's selection and what it needs upstream. Skipped
    /// (Deduped, or Cancelled by setting) when a run active at that instant refreshes any of the same views.
    /// </summary>
    public JobInstance Run(Lakehouse lh, string invokeType, DateTime at, ExecutionDefinition? definition,
        Guid? scheduleId = null, DateTime? occurrence = null, string? callerOid = null)
    {
        var settings = lh.Settings;
        var whole = definition is null || definition.Mode == "All";
        string[] mlvs;
        var missing = Array.Empty<string>();
        if (whole)
        {
            mlvs = lh.Lineage.All();
        }
        else
        {
            mlvs = lh.Lineage.Expand(definition!.SelectedMlvs ?? new List<string>(), out missing);
        }

        var runStart = at + Seconds(settings.QueueSeconds);
        var outcome = JobStatus.Completed;
        FailureReason? failure = null;
        string? superseded = null;
        Guid? supersededBy = null;
        var duration = TimeSpan.Zero;

        if (missing.Length > 0)
        {
            outcome = JobStatus.Failed;
            failure = new FailureReason(ErrorCodes.MlvSelectedNotFound,
                $"One or more selected materialized lake views [{string.Join(", ", missing)}] do not exist in the Lakehouse.",
                Guid.NewGuid());
            mlvs = Array.Empty<string>();
        }
        else if (FindOverlappingActive(lh, at, whole, mlvs) is { } active)
        {
            superseded = _emu.Settings.DedupeStatus == JobStatus.Cancelled ? JobStatus.Cancelled : JobStatus.Deduped;
            supersededBy = active.Id;
            runStart = at;
        }
        else
        {
            var total = Math.Max(1, lh.Lineage.Count);
            duration = Seconds(settings.DurationSeconds * (whole ? 1.0 : (double)mlvs.Length / total));
            if (settings.FailureRate > 0 && lh.Random.NextDouble() < settings.FailureRate)
            {
                outcome = JobStatus.Failed;
                failure = new FailureReason(settings.FailureCode, settings.FailureMessage, Guid.NewGuid());
            }
        }

        // A status outside the contract (lakehouse setting, else emulator-wide) for a while or until cancelled; the
        // run then goes on as usual and ends no earlier than that. Skipped runs end at once and are left alone.
        string? unknown = null;
        DateTime? unknownUntil = null;
        var end = runStart + duration;
        var unknownSetting = settings.UnknownStatus ?? _emu.Settings.UnknownJobStatus;
        if (superseded is null && !string.IsNullOrEmpty(unknownSetting))
        {
            unknown = unknownSetting;
            var seconds = settings.UnknownStatus != null ? settings.UnknownStatusSeconds : _emu.Settings.UnknownJobStatusSeconds;
            if (seconds > 0)
            {
                unknownUntil = at + Seconds(seconds);
                if (unknownUntil > end)
                {
                    end = unknownUntil.Value;
                }
            }
            else
            {
                end = DateTime.MaxValue;
            }
        }

        var job = new JobInstance
        {
            Id = Guid.NewGuid(),
            Seq = lh.NextJobSeq(),
            ItemId = lh.Id,
            WorkspaceId = lh.Workspace.Id,
            JobType = JobInstance.MlvJobType,
            InvokeType = invokeType,
            RootActivityId = Guid.NewGuid(),
            StartUtc = at,
            RunStartUtc = runStart,
            EndUtc = end,
            Outcome = outcome,
            Failure = failure,
            SupersededStatus = superseded,
            SupersededBy = supersededBy,
            UnknownStatus = unknown,
            UnknownStatusUntilUtc = unknownUntil,
            Mlvs = mlvs,
            WholeLineage = whole && missing.Length == 0,
            ExecutionDefinitionId = definition?.Id,
            ScheduleId = scheduleId,
            ScheduledOccurrenceUtc = occurrence,
            CallerOid = callerOid,
        };
        lh.Jobs.Add(job);
        lh.JobsById[job.Id] = job;
        Prune(lh, at > _emu.Clock.UtcNow ? at : _emu.Clock.UtcNow);
        return job;
    }

    /// <summary>How long a table maintenance run takes: short, so tests see it finish.</summary>
    public static readonly TimeSpan TableMaintenanceDuration = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A <c>TableMaintenance</c> run: in progress from <paramref name="at"/> for <see cref="TableMaintenanceDuration"/>,
    /// then Completed. It is no MLV run: it neither dedupes nor is deduped, ignores the failure rate and the unknown
    /// status settings, and only shares the job list (and its <c>MaxCompletedJobs</c> cap) with MLV runs.
    /// </summary>
    public JobInstance RunTableMaintenance(Lakehouse lh, string invokeType, DateTime at, string? callerOid = null)
    {
        var job = new JobInstance
        {
            Id = Guid.NewGuid(),
            Seq = lh.NextJobSeq(),
            ItemId = lh.Id,
            WorkspaceId = lh.Workspace.Id,
            JobType = JobInstance.TableMaintenanceJobType,
            InvokeType = invokeType,
            RootActivityId = Guid.NewGuid(),
            StartUtc = at,
            RunStartUtc = at,
            EndUtc = at + TableMaintenanceDuration,
            Outcome = JobStatus.Completed,
            CallerOid = callerOid,
        };
        lh.Jobs.Add(job);
        lh.JobsById[job.Id] = job;
        Prune(lh, at > _emu.Clock.UtcNow ? at : _emu.Clock.UtcNow);
        return job;
    }

    /// <summary>
    /// The finished scheduled <c>TableMaintenance</c> runs a seed gives each lakehouse (<c>tableMaintenanceRuns</c>),
    /// before <paramref name="before"/> (the emulator's start): ids from <see cref="StableIds"/>, times from a generator
    /// seeded per lakehouse (not the lakehouse's outcome generator, so MLV outcomes stay as they were).
    /// </summary>
    public static void SeedTableMaintenance(EmulatorState state, DateTime before)
    {
        foreach (var lh in state.Lakehouses)
        {
            var count = lh.SeedTableMaintenanceRuns;
            if (count <= 0)
            {
                continue;
            }

            var random = new Random(unchecked(state.RandomSeed * 7919 ^ lh.Id.GetHashCode()));
            var list = new List<JobInstance>(count);
            lock (lh.Gate)
            {
                var seq = lh.HistorySeqFloor;
                for (var i = 0; i < count; i++)
                {
                    // Nightly-ish runs: one per day back from the start, at a seeded minute of the early morning.
                    var start = before.Date.AddDays(-(i + 1)).AddHours(2).AddMinutes(random.Next(0, 120)).AddSeconds(random.Next(0, 60));
                    var names = new[] { lh.Workspace.DisplayName, lh.DisplayName, JobInstance.TableMaintenanceJobType, i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    list.Add(new JobInstance
                    {
                        Id = StableIds.Of("job", names),
                        Seq = --seq,
                        ItemId = lh.Id,
                        WorkspaceId = lh.Workspace.Id,
                        JobType = JobInstance.TableMaintenanceJobType,
                        InvokeType = "Scheduled",
                        RootActivityId = StableIds.Of("activity", names),
                        StartUtc = start,
                        RunStartUtc = start,
                        EndUtc = start + TimeSpan.FromSeconds(random.Next(30, 600)),
                        Outcome = JobStatus.Completed,
                        IsHistory = true,
                    });
                }
                lh.HistorySeqFloor = seq;
                list.Reverse();
                lh.Jobs.InsertRange(0, list);
                foreach (var j in list)
                {
                    lh.JobsById[j.Id] = j;
                }
            }
        }
    }

    private static JobInstance? FindOverlappingActive(Lakehouse lh, DateTime at, bool whole, string[] mlvs)
    {
        for (var i = lh.Jobs.Count - 1; i >= 0; i--)
        {
            var j = lh.Jobs[i];
            if (j.IsHistory)
            {
                break;
            }

            if (!j.IsMlv || !j.IsActiveAt(at))
            {
                continue;
            }

            if (whole || j.WholeLineage || j.Mlvs.Intersect(mlvs, StringComparer.OrdinalIgnoreCase).Any())
            {
                return j;
            }
        }
        return null;
    }

    /// <summary>Cancels an unfinished run at <paramref name="now"/>; 400 (or the configured status) <c>JobAlreadyCompleted</c> otherwise.</summary>
    public void Cancel(JobInstance job, DateTime now)
    {
        if (JobStatus.IsTerminal(job.StatusAt(now)))
        {
            throw new ApiException(_emu.Settings.JobAlreadyCompletedStatus, ErrorCodes.JobAlreadyCompleted,
                "Requested cancellation can not be processed as job instance run has completed.");
        }

        job.CancelledUtc = now;
    }

    /// <summary>Drops the oldest finished instances beyond the cap (active ones always stay).</summary>
    public void Prune(Lakehouse lh, DateTime now)
    {
        var cap = lh.Settings.MaxCompletedJobs ?? _emu.Settings.MaxCompletedJobs;
        if (lh.Jobs.Count <= cap)
        {
            return;
        }

        var finished = 0;
        HashSet<JobInstance>? drop = null;
        for (var i = lh.Jobs.Count - 1; i >= 0; i--)
        {
            var j = lh.Jobs[i];
            if (!JobStatus.IsTerminal(j.StatusAt(now)))
            {
                continue;
            }

            if (++finished > cap)
            {
                (drop ??= new HashSet<JobInstance>()).Add(j);
            }
        }
        if (drop is null)
        {
            return;
        }

        lh.Jobs.RemoveAll(drop.Contains);
        foreach (var j in drop)
        {
            lh.JobsById.Remove(j.Id);
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> finished instances older than every existing one (for paging and streaming
    /// benchmarks), newest first every <paramref name="spacing"/> back from <paramref name="before"/>.
    /// </summary>
    public void GenerateHistory(Lakehouse lh, int count, DateTime before, TimeSpan spacing, TimeSpan duration,
        double failureRate, int otherJobTypeEvery, string otherJobType, Random random)
    {
        var list = new List<JobInstance>(count);
        var seq = lh.HistorySeqFloor;
        for (var i = 0; i < count; i++)
        {
            var start = before - spacing * (i + 1);
            var other = otherJobTypeEvery > 0 && (i + 1) % otherJobTypeEvery == 0;
            var failed = failureRate > 0 && random.NextDouble() < failureRate;
            list.Add(new JobInstance
            {
                Id = Guid.NewGuid(),
                Seq = --seq,
                ItemId = lh.Id,
                WorkspaceId = lh.Workspace.Id,
                JobType = other ? otherJobType : JobInstance.MlvJobType,
                InvokeType = i % 3 == 0 ? "Manual" : "Scheduled",
                RootActivityId = Guid.NewGuid(),
                StartUtc = start,
                RunStartUtc = start,
                EndUtc = start + duration,
                Outcome = failed ? JobStatus.Failed : JobStatus.Completed,
                Failure = failed ? new FailureReason(lh.Settings.FailureCode, lh.Settings.FailureMessage, Guid.NewGuid()) : null,
                WholeLineage = true,
                IsHistory = true,
            });
        }
        lh.HistorySeqFloor = seq;
        list.Reverse(); // ascending Seq: the oldest first
        lh.Jobs.InsertRange(0, list);
        foreach (var j in list)
        {
            lh.JobsById[j.Id] = j;
        }
    }

    /// <summary>
    /// A value for the <c>unknownStatus</c> settings: null or empty = off; otherwise a status the contract does not
    /// define (a defined one would not test anything and would contradict the run's own course).
    /// </summary>
    public static string? CheckUnknownStatus(string? status, string name)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        status = status.Trim();
        if (JobStatus.IsDefined(status))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"'{name}' must be a status the contract does not define (for example \"Paused\"), or \"\" to turn it off; got '{status}'.");
        }

        return status;
    }

    private static TimeSpan Seconds(double s) => TimeSpan.FromTicks((long)(Math.Max(0, s) * TimeSpan.TicksPerSecond));
}
