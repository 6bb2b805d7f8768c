using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Errors;

/// <summary>The schedule cmdlets' errors.</summary>
public static partial class MlvErrors
{
    // The API's configuration fields, named as the parameters that set them (most specific first).
    private static readonly KeyValuePair<string, string>[] ScheduleParameters =
    {
        new("configuration.occurrence.occurrenceType", "-DayOfMonth or -WeekIndex"),
        new("configuration.occurrence.dayOfMonth", "-DayOfMonth"),
        new("configuration.occurrence.weekIndex", "-WeekIndex"),
        new("configuration.occurrence.weekday", "-DayOfWeek"),
        new("configuration.occurrence", "-DayOfMonth or -WeekIndex"),
        new("configuration.localTimeZoneId", "-TimeZone"),
        new("configuration.startDateTime", "-StartDateTime"),
        new("configuration.endDateTime", "-EndDateTime"),
        new("configuration.interval", "-IntervalMinutes"),
        new("configuration.times", "-At"),
        new("configuration.weekdays", "-DayOfWeek"),
        new("configuration.recurrence", "-RecurrenceMonths"),
        new("configuration.type", "The schedule type"),
    };

    private static readonly Regex FieldPath = new Regex(@"configuration(\.[A-Za-z]+)*(\[\d+\])?", RegexOptions.CultureInvariant);

    /// <summary>
    /// A schedule configuration that breaks the API's rules (<see cref="ScheduleValidator"/>), refused before any
    /// request. One record: its message states every broken rule in terms of the cmdlet's parameters; the target is
    /// the first offending value.
    /// </summary>
    public static ErrorRecord InvalidScheduleConfiguration(IReadOnlyList<ScheduleValidationError> errors)
    {
        if (errors is null || errors.Count == 0)
        {
            throw new ArgumentException("At least one validation error is needed.", nameof(errors));
        }

        var message = string.Join(" ", errors.Select(ScheduleMessage));
        return InvalidArgument("InvalidScheduleConfiguration", message, errors[0].Value);
    }

    /// <summary>Parameters that contradict each other or do not fit the schedule's type.</summary>
    public static ErrorRecord ScheduleParameterConflict(string message, object? value) =>
        InvalidArgument("ScheduleParameterConflict", message, value);

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
    public static ErrorRecord ScheduleDefinitionCannotBeUnlinked(MlvSchedule schedule, LakehouseTarget lakehouse)
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

    /// <summary>An enabled schedule whose end has already passed: it would never run.</summary>
    public static ErrorRecord ScheduleEndInPast(string? endDateTime, string subject)
    {
        return WithAdvice(
            InvalidArgument(
                "ScheduleEndInPast",
                $"{subject} ends at {endDateTime}, which has already passed: an enabled schedule that has ended never runs.",
                endDateTime),
            "Give a later -EndDateTime (or leave it out), or create the schedule switched off with -Disabled.");
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
    public static ErrorRecord ScheduleNotFound(Guid id, LakehouseTarget lakehouse, FabricApiException? cause)
    {
        var service = cause is null ? string.Empty : $" (the service answered {cause.Status} {cause.ErrorCode}: {cause.ServiceMessage ?? cause.Message})";
        var message = $"No schedule with id '{id}' was found in lakehouse '{lakehouse}'{service}. Run Get-MlvSchedule -WorkspaceId {lakehouse.WorkspaceId} -LakehouseId {lakehouse.LakehouseId} to list its schedules.";
        return new ErrorRecord(new ItemNotFoundException(message, cause), "ScheduleNotFound", ErrorCategory.ObjectNotFound, id);
    }

    /// <summary>The lakehouse already has the most schedules the service allows.</summary>
    public static ErrorRecord ScheduleLimitReached(LakehouseTarget lakehouse, int count) => new ErrorRecord(
        new InvalidOperationException(
            $"Lakehouse '{lakehouse}' already has {count} schedules, the most Fabric allows ({ScheduleLimits.MaxSchedulesPerItem}). Remove one with Remove-MlvSchedule, or change an existing one with Set-MlvSchedule."),
        "ScheduleLimitExceeded",
        ErrorCategory.LimitsExceeded,
        lakehouse.ToString());

    /// <summary>
    /// A second enabled schedule for one scope (the whole lineage, or one execution definition): Fabric runs one
    /// active refresh schedule per lineage. The target is the schedule that is already enabled.
    /// </summary>
    public static ErrorRecord EnabledScheduleExists(LakehouseTarget lakehouse, MlvSchedule enabled, string attempt, string alternatives)
    {
        var message =
            $"Cannot {attempt}: lakehouse '{lakehouse}' already has an enabled refresh schedule for {ScheduleRules.DescribeScope(enabled.ExecutionDefinitionId)}, {enabled.Id} ({enabled.Summary}). " +
            $"Fabric supports one active refresh schedule per lineage. Disable that one first (Disable-MlvSchedule -Id {enabled.Id}), {alternatives}, or use -Force to have both.";
        return InvalidOperation("EnabledScheduleExists", message, enabled);
    }

    private static string ScheduleMessage(ScheduleValidationError error)
    {
        if (error.Field == "configuration.localTimeZoneId" && error.Value is not null && !ScheduleTimeZones.IsWindowsId(error.Value))
        {
            return $"-TimeZone '{error.Value}' is not a known time zone: use a Windows time-zone id such as 'UTC', 'Central Standard Time' or 'W. Europe Standard Time' (press Tab after -TimeZone to list them), or an IANA name such as 'Europe/Berlin'.";
        }

        if (error.Field == "configuration.occurrence")
        {
            return "A monthly schedule needs -DayOfMonth, or -WeekIndex with -DayOfWeek.";
        }

        if (error.Field == "configuration.type")
        {
            return $"The schedule's type '{error.Value}' is not one this module can edit: give -IntervalMinutes, -Daily, -Weekly or -Monthly to replace it.";
        }

        var message = FieldPath.Replace(error.Message, m => ParameterFor(m.Value));
        return message.Replace(" startDateTime '", " -StartDateTime '");
    }

    private static string ParameterFor(string fieldPath)
    {
        var index = fieldPath.IndexOf('[');
        var field = index < 0 ? fieldPath : fieldPath.Substring(0, index);
        foreach (var pair in ScheduleParameters)
        {
            if (pair.Key == field)
            {
                return pair.Value;
            }
        }

        return fieldPath;
    }
}
