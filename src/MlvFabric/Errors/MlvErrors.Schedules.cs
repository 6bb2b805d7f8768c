using System;
using System.Management.Automation;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Errors;

/// <summary>The schedule cmdlets' errors.</summary>
public static partial class MlvErrors
{
    /// <summary>
    /// A schedule rule's refusal (<see cref="ScheduleSpec"/>, <see cref="ScheduleRules"/>), refused before any request:
    /// its code is the ErrorId, its value the target; the recommended action is the problem's, else the message's own.
    /// </summary>
    public static ErrorRecord FromProblem(ScheduleProblem problem)
    {
        var record = problem.Kind switch
        {
            ScheduleProblemKind.InvalidArgument => InvalidArgument(problem.Code, problem.Message, problem.Value),
            ScheduleProblemKind.InvalidOperation => InvalidOperation(problem.Code, problem.Message, problem.Value),
            _ => new ErrorRecord(new InvalidOperationException(problem.Message), problem.Code, ErrorCategory.LimitsExceeded, problem.Value),
        };
        return problem.RecommendedAction is null ? record : WithAdvice(record, problem.RecommendedAction);
    }

    /// <summary>Set-MlvSchedule without anything to set.</summary>
    public static ErrorRecord ScheduleNothingToChange() => InvalidArgument(
        "ScheduleNothingToChange",
        "Set-MlvSchedule needs at least one setting to change: -IntervalMinutes, -Daily, -Weekly, -Monthly, -At, -DayOfWeek, -DayOfMonth, -WeekIndex, -RecurrenceMonths, -StartDateTime, -EndDateTime, -TimeZone, -ExecutionDefinition or -WholeLineage. To switch a schedule on or off, use Enable-MlvSchedule or Disable-MlvSchedule.",
        null);

    /// <summary>-ExecutionDefinition together with -WholeLineage.</summary>
    public static ErrorRecord ScheduleScopeConflict(object? definition) => InvalidArgument(
        "ScheduleScopeConflict",
        $"-ExecutionDefinition ({definition}) and -WholeLineage contradict each other: a schedule runs either one execution definition or the whole lineage. Give one of them.",
        definition);

    /// <summary>
    /// Set-MlvSchedule -WholeLineage on a schedule that runs an execution definition: the API's update has no way to
    /// unlink a definition (its <c>executionData</c> may be left out, which keeps the link, but never null).
    /// </summary>
    public static ErrorRecord ScheduleDefinitionCannotBeUnlinked(MlvSchedule schedule, LakehouseLocation lakehouse)
    {
        return WithAdvice(
            InvalidOperation(
                "ScheduleDefinitionCannotBeUnlinked",
                $"Schedule {schedule.Id} of lakehouse '{lakehouse}' runs execution definition {schedule.ExecutionDefinitionId}, and the Fabric API cannot change a schedule back to the whole lineage. " +
                "The schedule was not changed.",
                schedule),
            $"Create a whole-lineage schedule with the settings you want (New-MlvSchedule -WorkspaceId {lakehouse.WorkspaceId} -LakehouseId {lakehouse.LakehouseId} …), " +
            $"then remove this one (Remove-MlvSchedule -WorkspaceId {lakehouse.WorkspaceId} -LakehouseId {lakehouse.LakehouseId} -Id {schedule.Id}).");
    }

    /// <summary>An execution definition piped into Set-MlvSchedule without -Id: its Id would be taken for a schedule id.</summary>
    public static ErrorRecord ScheduleIdFromDefinition(Guid definitionId) => InvalidArgument(
        "ScheduleIdMissing",
        $"An execution definition ({definitionId}) was piped into Set-MlvSchedule without -Id, so its own id would be read as the schedule's. " +
        "Name the schedule to change with -Id (Get-MlvSchedule lists them), or pipe the schedules and pass the definition with -ExecutionDefinition.",
        definitionId);

    /// <summary>The empty GUID as a schedule id.</summary>
    public static ErrorRecord InvalidScheduleId(Guid id) => InvalidArgument(
        "InvalidScheduleId",
        "-Id contains the empty GUID. Pass a schedule id from Get-MlvSchedule, or pipe the schedules from Get-MlvSchedule.",
        id);

    /// <summary>A schedule id the lakehouse does not have (a 404 from the service, or absent from its list).</summary>
    public static ErrorRecord ScheduleNotFound(Guid id, LakehouseLocation lakehouse, FabricApiException? cause)
    {
        var service = cause is null ? string.Empty : $" (the service answered {cause.Status} {cause.ErrorCode}: {cause.ServiceMessage ?? cause.Message})";
        var message = $"No schedule with id '{id}' was found in lakehouse '{lakehouse}'{service}. Run Get-MlvSchedule -WorkspaceId {lakehouse.WorkspaceId} -LakehouseId {lakehouse.LakehouseId} to list its schedules.";
        return new ErrorRecord(new ItemNotFoundException(message, cause), "ScheduleNotFound", ErrorCategory.ObjectNotFound, id);
    }
}
