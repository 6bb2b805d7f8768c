using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>Job instance conveniences shared by the job cmdlets: labels, objects built from a 202, filters.</summary>
internal static class JobInstances
{
    /// <summary>Fills the workspace and lakehouse ids and names the service does not return.</summary>
    public static MlvJobInstance Label(MlvJobInstance instance, LakehouseLocation target)
    {
        instance.Status = JobStatus.Normalize(instance.Status);
        return target.Label(instance);
    }

    /// <summary>
    /// The instance a start just created, from the 202 alone: no status read is spent on it (the job scheduler allows
    /// 50 reads per minute per user, and a bulk start would spend them all).
    /// </summary>
    public static MlvJobInstance FromSubmission(JobSubmission submission, LakehouseLocation target) => Label(
        new MlvJobInstance
        {
            Id = submission.JobInstanceId,
            ItemId = target.LakehouseId,
            JobType = MlvJobTypes.RefreshMaterializedLakeViews,
            InvokeType = JobInvokeType.Manual,
            Status = JobStatus.NotStarted,
        },
        target);

    /// <summary>A job not read yet (e.g. still running at a timeout before its first read): ids and names, no status.</summary>
    public static MlvJobInstance Unread(Guid jobInstanceId, LakehouseLocation target) => Label(
        new MlvJobInstance
        {
            Id = jobInstanceId,
            ItemId = target.LakehouseId,
            JobType = MlvJobTypes.RefreshMaterializedLakeViews,
        },
        target);

    /// <summary>The canonical spellings of <paramref name="values"/>, or the first value that is not one of <paramref name="allowed"/>.</summary>
    public static bool TryCanonicalize(IEnumerable<string>? values, IReadOnlyList<string> allowed, out HashSet<string> canonical, out string? invalid)
    {
        canonical = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        invalid = null;
        foreach (var value in values ?? Enumerable.Empty<string>())
        {
            var match = allowed.FirstOrDefault(a => string.Equals(a, value?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                invalid = value ?? string.Empty;
                return false;
            }

            canonical.Add(match);
        }

        return true;
    }

    public static readonly IReadOnlyList<string> InvokeTypes = new[] { JobInvokeType.Manual, JobInvokeType.Scheduled };
}
