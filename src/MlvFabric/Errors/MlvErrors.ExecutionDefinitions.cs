using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Errors;

/// <summary>The execution-definition cmdlets' errors (and those of -ExecutionDefinition on other cmdlets).</summary>
public static partial class MlvErrors
{
    /// <summary>A blank -Name / -NewName.</summary>
    public static ErrorRecord InvalidExecutionDefinitionName(string parameter, string? value, string problem)
    {
        var shown = value is null ? "(null)" : value.Length > 60 ? "'" + value.Substring(0, 60) + "…'" : "'" + value + "'";
        return WithAdvice(
            InvalidArgument(
                "InvalidExecutionDefinitionName",
                $"{parameter} {shown} {problem}. An execution definition needs a display name of 1 to {ExecutionDefinitionRules.MaxNameLength} printable characters, unique in its lakehouse, such as 'gold_nightly'.",
                value),
            $"Give {parameter} a name of 1 to {ExecutionDefinitionRules.MaxNameLength} characters without control characters.");
    }

    /// <summary>A -SelectedMlv value that is not a fully qualified 'schema.view' name.</summary>
    public static ErrorRecord InvalidMlvName(string? value) => InvalidArgument(
        "InvalidMlvName",
        $"'{value}' is not a materialized lake view name: -SelectedMlv takes fully qualified names 'schema.view' without spaces, such as 'gold.sales_daily'.",
        value);

    /// <summary>A -SelectedMlv value listed twice (names compare case-insensitively).</summary>
    public static ErrorRecord DuplicateMlvName(string value) => InvalidArgument(
        "DuplicateMlvName",
        $"-SelectedMlv names '{value}' more than once. List each materialized lake view once.",
        value);

    /// <summary>-SelectedMlv given as an empty list.</summary>
    public static ErrorRecord EmptyMlvSelection() => InvalidArgument(
        "MlvSelectionEmpty",
        "-SelectedMlv is an empty list. Name at least one materialized lake view ('schema.view'), or leave -SelectedMlv out to refresh all of the lakehouse's views" +
        " (Set-MlvExecutionDefinition: -AllMlvs).",
        null);

    /// <summary>Execution-definition parameters that contradict each other.</summary>
    public static ErrorRecord ExecutionDefinitionParameterConflict(string message, object? value) =>
        InvalidArgument("ExecutionDefinitionParameterConflict", message, value);

    /// <summary>The empty GUID where an id is needed (-Id, -EnvironmentId, -EnvironmentWorkspaceId).</summary>
    public static ErrorRecord EmptyExecutionDefinitionGuid(string parameter, string what) => InvalidArgument(
        parameter == "-Id" ? "InvalidExecutionDefinitionId" : "InvalidEnvironmentId",
        $"{parameter} is the empty GUID. Pass {what}.",
        Guid.Empty);

    /// <summary>Set-MlvExecutionDefinition without anything to set.</summary>
    public static ErrorRecord ExecutionDefinitionNothingToChange() => InvalidArgument(
        "ExecutionDefinitionNothingToChange",
        "Set-MlvExecutionDefinition needs at least one setting to change: -NewName, -Description, -RefreshMode, -SelectedMlv, -AllMlvs, -EnvironmentId, -ExtendedLineage or -ExtendedLineageLakehouse.",
        null);

    /// <summary>An id or name that the lakehouse's execution definitions do not have.</summary>
    public static ErrorRecord ExecutionDefinitionNotFound(object reference, LakehouseLocation lakehouse, FabricApiException? cause)
    {
        var what = reference is string name ? $"named '{name}'" : $"with id '{reference}'";
        var service = cause is null ? string.Empty : $" (the service answered {cause.Status} {cause.ErrorCode})";
        var message =
            $"No execution definition {what} was found in lakehouse '{lakehouse}'{service}. " +
            $"Run Get-MlvExecutionDefinition -WorkspaceId {lakehouse.WorkspaceId} -LakehouseId {lakehouse.LakehouseId} to list its execution definitions.";
        return new ErrorRecord(new ItemNotFoundException(message, cause), "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound, reference);
    }

    /// <summary><c>-ExecutionDefinition $null</c> on the command line (an empty variable, most likely).</summary>
    public static ErrorRecord ExecutionDefinitionNull(string wholeLineageHint) => InvalidArgument(
        "ExecutionDefinitionNull",
        $"-ExecutionDefinition is $null (an empty variable?). Pass a definition from Get-MlvExecutionDefinition, its id or its name; {wholeLineageHint}.",
        null);

    /// <summary>
    /// A failed request that may name an execution definition (one of its own, or a run or schedule carrying one;
    /// <paramref name="reference"/> null: none): a 404 about the definition is ExecutionDefinitionNotFound; one about the
    /// workspace, lakehouse or schedule, and any other failure, is reported as <see cref="FromException"/> does, with
    /// <paramref name="target"/>.
    /// </summary>
    public static ErrorRecord FromDefinitionRequest(Exception ex, object? reference, LakehouseLocation lakehouse, object? target) =>
        reference is not null && ex is FabricApiException api && IsDefinitionMissing(api)
            ? ExecutionDefinitionNotFound(reference, lakehouse, api)
            : FromException(ex, target);

    // A 404 about the workspace, the lakehouse or a schedule is no verdict on the definition.
    private static bool IsDefinitionMissing(FabricApiException ex) =>
        ex.Status == 404
        && !string.Equals(ex.ErrorCode, "WorkspaceNotFound", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(ex.ErrorCode, "ItemNotFound", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(ex.Error?.RelatedResource?.ResourceType, "Schedule", StringComparison.OrdinalIgnoreCase);

    /// <summary>A literal -Name that matched no definition in any of the lakehouses searched.</summary>
    public static ErrorRecord ExecutionDefinitionNameNotFound(string name, int lakehouses) => NotFound(
        "ExecutionDefinitionNotFound",
        $"No execution definition named '{name}' was found in the {lakehouses} lakehouse{(lakehouses == 1 ? "" : "s")} searched. " +
        "Run Get-MlvExecutionDefinition without -Name to list the execution definitions, or use a wildcard such as '*nightly*'.",
        name);

    /// <summary>A name pattern that matches several definitions where one is needed.</summary>
    public static ErrorRecord ExecutionDefinitionNameAmbiguous(string name, IReadOnlyList<MlvExecutionDefinition> matches, LakehouseLocation lakehouse)
    {
        var names = string.Join(", ", matches.Take(10).Select(d => "'" + d.DisplayName + "'"));
        return InvalidArgument(
            "ExecutionDefinitionNameAmbiguous",
            $"'{name}' matches {matches.Count} execution definitions in lakehouse '{lakehouse}' ({names}); this command needs exactly one. Use the full name or the id (Get-MlvExecutionDefinition lists them).",
            name);
    }

    /// <summary>A definition object (or its id) from another lakehouse than the one the command acts on.</summary>
    public static ErrorRecord ExecutionDefinitionInOtherLakehouse(ExecutionDefinitionReference reference, LakehouseLocation lakehouse) => InvalidArgument(
        "ExecutionDefinitionInOtherLakehouse",
        $"Execution definition {reference} belongs to lakehouse {reference.LakehouseLabel}, not to '{lakehouse}'. An execution definition only runs in its own lakehouse: " +
        "pipe the definition itself (its WorkspaceId and LakehouseId bind the lakehouse), or give its name to -ExecutionDefinition to look it up in each lakehouse.",
        reference);
}
