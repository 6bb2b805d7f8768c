using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

/// <summary>
/// The service's schedule limits, checked before a request: at most 20 schedules per lakehouse, and (from the MLV
/// docs, which no error code enforces) one enabled refresh schedule per scope. A scope is the whole lineage (no
/// execution definition) or one execution definition; schedules of different scopes may be enabled side by side.
/// The <c>lakehouse</c> parameters are the lakehouse as the user knows it ("Sales/Gold"), for the messages.
/// </summary>
public static class ScheduleRules
{
    public const string LimitExceededCode = "ScheduleLimitExceeded";
    public const string EnabledScheduleExistsCode = "EnabledScheduleExists";

    /// <summary>The enabled schedule of <paramref name="executionDefinitionId"/>'s scope other than <paramref name="except"/>, if any.</summary>
    public static MlvSchedule? EnabledInScope(IEnumerable<MlvSchedule> schedules, Guid? executionDefinitionId, Guid? except = null) =>
        schedules.FirstOrDefault(s => s.Enabled && s.ExecutionDefinitionId == executionDefinitionId && s.Id != except);

    /// <summary>
    /// Why a new schedule may not be added to a lakehouse that has <paramref name="existing"/>, or null. With
    /// <paramref name="force"/> a second enabled schedule in one scope is allowed; the limit stands.
    /// </summary>
    public static ScheduleProblem? CheckCreate(IReadOnlyCollection<MlvSchedule> existing, string lakehouse, bool enabled, Guid? executionDefinitionId, bool force)
    {
        if (existing.Count >= ScheduleLimits.MaxSchedulesPerItem)
        {
            return new ScheduleProblem(
                ScheduleProblemKind.LimitExceeded,
                LimitExceededCode,
                $"Lakehouse '{lakehouse}' already has {existing.Count} schedules, the most Fabric allows ({ScheduleLimits.MaxSchedulesPerItem}). Remove one with Remove-MlvSchedule, or change an existing one with Set-MlvSchedule.",
                lakehouse);
        }

        var other = enabled && !force ? EnabledInScope(existing, executionDefinitionId) : null;
        return other is null
            ? null
            : EnabledScheduleExists(lakehouse, other, "create another enabled schedule", "create this one with -Disabled");
    }

    /// <summary>
    /// Why <paramref name="schedule"/>, if enabled, may not move to <paramref name="executionDefinitionId"/>'s scope next to
    /// <paramref name="all"/>, or null.
    /// </summary>
    public static ScheduleProblem? CheckScopeChange(IEnumerable<MlvSchedule> all, MlvSchedule schedule, Guid? executionDefinitionId, string lakehouse)
    {
        var other = schedule.Enabled ? EnabledInScope(all, executionDefinitionId, schedule.Id) : null;
        return other is null
            ? null
            : EnabledScheduleExists(
                lakehouse,
                other,
                $"move enabled schedule {schedule.Id} to {DescribeScope(executionDefinitionId)}",
                $"disable this one before moving it (Disable-MlvSchedule -Id {schedule.Id})");
    }

    /// <summary>Why <paramref name="schedule"/> may not be enabled next to <paramref name="all"/>, or null.</summary>
    public static ScheduleProblem? CheckEnable(IEnumerable<MlvSchedule> all, MlvSchedule schedule, string lakehouse)
    {
        var other = EnabledInScope(all, schedule.ExecutionDefinitionId, schedule.Id);
        return other is null
            ? null
            : EnabledScheduleExists(lakehouse, other, $"enable schedule {schedule.Id}", "remove it (Remove-MlvSchedule)");
    }

    /// <summary>"the whole lineage" or "execution definition {id}".</summary>
    public static string DescribeScope(Guid? executionDefinitionId) =>
        executionDefinitionId is Guid id ? $"execution definition {id}" : "the whole lineage";

    // Fabric runs one active refresh schedule per lineage. The value is the schedule that is already enabled.
    private static ScheduleProblem EnabledScheduleExists(string lakehouse, MlvSchedule enabled, string attempt, string alternatives) => new ScheduleProblem(
        ScheduleProblemKind.InvalidOperation,
        EnabledScheduleExistsCode,
        $"Cannot {attempt}: lakehouse '{lakehouse}' already has an enabled refresh schedule for {DescribeScope(enabled.ExecutionDefinitionId)}, {enabled.Id} ({enabled.Summary}). " +
        $"Fabric supports one active refresh schedule per lineage. Disable that one first (Disable-MlvSchedule -Id {enabled.Id}), {alternatives}, or use -Force to have both.",
        enabled);
}
