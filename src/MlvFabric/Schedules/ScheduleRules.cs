using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Schedules;

/// <summary>
/// The service's schedule limits, checked before a request: at most 20 schedules per lakehouse, and (from the MLV
/// docs, which no error code enforces) one enabled refresh schedule per scope. A scope is the whole lineage (no
/// execution definition) or one execution definition; schedules of different scopes may be enabled side by side.
/// </summary>
internal static class ScheduleRules
{
    /// <summary>The enabled schedule of <paramref name="executionDefinitionId"/>'s scope other than <paramref name="except"/>, if any.</summary>
    public static MlvSchedule? EnabledInScope(IEnumerable<MlvSchedule> schedules, Guid? executionDefinitionId, Guid? except = null) =>
        schedules.FirstOrDefault(s => s.Enabled && s.ExecutionDefinitionId == executionDefinitionId && s.Id != except);

    /// <summary>Why a new schedule may not be added to a lakehouse that has <paramref name="existing"/>, or null.</summary>
    public static ErrorRecord? CheckCreate(IReadOnlyCollection<MlvSchedule> existing, LakehouseTarget lakehouse, bool enabled, Guid? executionDefinitionId, bool force)
    {
        if (existing.Count >= ScheduleLimits.MaxSchedulesPerItem)
        {
            return MlvErrors.ScheduleLimitReached(lakehouse, existing.Count);
        }

        var other = enabled && !force ? EnabledInScope(existing, executionDefinitionId) : null;
        return other is null
            ? null
            : MlvErrors.EnabledScheduleExists(lakehouse, other, "create another enabled schedule", "create this one with -Disabled");
    }

    /// <summary>
    /// Why <paramref name="schedule"/>, if enabled, may not move to <paramref name="executionDefinitionId"/>'s scope next to
    /// <paramref name="all"/>, or null.
    /// </summary>
    public static ErrorRecord? CheckScopeChange(IEnumerable<MlvSchedule> all, MlvSchedule schedule, Guid? executionDefinitionId, LakehouseTarget lakehouse)
    {
        var other = schedule.Enabled ? EnabledInScope(all, executionDefinitionId, schedule.Id) : null;
        return other is null
            ? null
            : MlvErrors.EnabledScheduleExists(
                lakehouse,
                other,
                $"move enabled schedule {schedule.Id} to {DescribeScope(executionDefinitionId)}",
                $"disable this one before moving it (Disable-MlvSchedule -Id {schedule.Id})");
    }

    /// <summary>"the whole lineage" or "execution definition {id}".</summary>
    public static string DescribeScope(Guid? executionDefinitionId) =>
        executionDefinitionId is Guid id ? $"execution definition {id}" : "the whole lineage";

    /// <summary>Why <paramref name="schedule"/> may not be enabled next to <paramref name="all"/>, or null.</summary>
    public static ErrorRecord? CheckEnable(IEnumerable<MlvSchedule> all, MlvSchedule schedule, LakehouseTarget lakehouse)
    {
        var other = EnabledInScope(all, schedule.ExecutionDefinitionId, schedule.Id);
        return other is null
            ? null
            : MlvErrors.EnabledScheduleExists(lakehouse, other, $"enable schedule {schedule.Id}", "remove it (Remove-MlvSchedule)");
    }
}
