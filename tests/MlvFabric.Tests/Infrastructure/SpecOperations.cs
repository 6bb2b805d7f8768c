using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>What a request body may be for an operation of the spec.</summary>
public enum BodyRule
{
    /// <summary>The operation declares no body: none may be sent.</summary>
    None,

    /// <summary>Optional run-on-demand body: an object whose <c>executionData</c>, when present, is an object.</summary>
    OptionalRunRequest,

    /// <summary>A schedule create or update: <c>enabled</c> (boolean) and a <c>configuration</c> object are required; <c>executionData</c>, when present, is an object.</summary>
    ScheduleRequest,

    /// <summary>An execution-definition create or update: a JSON object.</summary>
    JsonObject,
}

/// <summary>One operation of Microsoft's Fabric REST spec that the module may send.</summary>
public sealed record SpecOperation(string OperationId, string Method, string PathTemplate, string[] Query, BodyRule Body)
{
    private readonly Regex _path = new(
        "^/v1" + Regex.Replace(Regex.Escape(PathTemplate), @"\\\{[A-Za-z]+}", m => m.Value.Contains("jobType", StringComparison.Ordinal) ? "[^/]+" : "[0-9a-fA-F-]{36}") + "$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public bool Matches(string method, string path) =>
        string.Equals(method, Method, StringComparison.OrdinalIgnoreCase) && _path.IsMatch(path);
}

/// <summary>
/// The operations of Microsoft's Fabric REST API specification (github.com/microsoft/fabric-rest-api-specs:
/// <c>platform/swagger.json</c>, <c>lakehouse/swagger.json</c>) that MlvFabric may use, with their query parameters
/// and body rules: facts read from the spec, written down here independently of the emulator and of the client, so
/// that a request either of them invents is caught. <see cref="Violations"/> checks a request log against it.
/// </summary>
public static class SpecOperations
{
    private static readonly string[] NoQuery = Array.Empty<string>();
    private static readonly string[] Paging = { "continuationToken" };

    public static readonly IReadOnlyList<SpecOperation> All = new[]
    {
        new SpecOperation("Workspaces_ListWorkspaces", "GET", "/workspaces", new[] { "continuationToken", "roles", "preferWorkspaceSpecificEndpoints" }, BodyRule.None),
        new SpecOperation("Workspaces_GetWorkspace", "GET", "/workspaces/{workspaceId}", new[] { "preferWorkspaceSpecificEndpoints" }, BodyRule.None),
        new SpecOperation("Items_ListItems", "GET", "/workspaces/{workspaceId}/items", new[] { "type", "recursive", "rootFolderId", "continuationToken", "include" }, BodyRule.None),
        new SpecOperation("Items_ListLakehouses", "GET", "/workspaces/{workspaceId}/lakehouses", new[] { "recursive", "rootFolderId", "continuationToken" }, BodyRule.None),
        new SpecOperation("Items_GetLakehouse", "GET", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}", NoQuery, BodyRule.None),

        new SpecOperation("JobScheduler_RunOnDemandItemJob", "POST", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/instances", NoQuery, BodyRule.OptionalRunRequest),
        new SpecOperation("BackgroundJobs_RunOnDemandRefreshMaterializedLakeViews", "POST", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/jobs/refreshMaterializedLakeViews/instances", NoQuery, BodyRule.None),
        new SpecOperation("JobScheduler_ListItemJobInstances", "GET", "/workspaces/{workspaceId}/items/{itemId}/jobs/instances", Paging, BodyRule.None),
        new SpecOperation("JobScheduler_GetItemJobInstance", "GET", "/workspaces/{workspaceId}/items/{itemId}/jobs/instances/{jobInstanceId}", NoQuery, BodyRule.None),
        new SpecOperation("JobScheduler_CancelItemJobInstance", "POST", "/workspaces/{workspaceId}/items/{itemId}/jobs/instances/{jobInstanceId}/cancel", NoQuery, BodyRule.None),

        new SpecOperation("JobScheduler_ListItemSchedules", "GET", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/schedules", Paging, BodyRule.None),
        new SpecOperation("JobScheduler_CreateItemSchedule", "POST", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/schedules", NoQuery, BodyRule.ScheduleRequest),
        new SpecOperation("JobScheduler_GetItemSchedule", "GET", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/schedules/{scheduleId}", NoQuery, BodyRule.None),
        new SpecOperation("JobScheduler_UpdateItemSchedule", "PATCH", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/schedules/{scheduleId}", NoQuery, BodyRule.ScheduleRequest),
        new SpecOperation("JobScheduler_DeleteItemSchedule", "DELETE", "/workspaces/{workspaceId}/items/{itemId}/jobs/{jobType}/schedules/{scheduleId}", NoQuery, BodyRule.None),
        new SpecOperation("BackgroundJobs_CreateRefreshMaterializedLakeViewsSchedule", "POST", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/jobs/refreshMaterializedLakeViews/schedules", NoQuery, BodyRule.ScheduleRequest),
        new SpecOperation("BackgroundJobs_UpdateRefreshMaterializedLakeViewsSchedule", "PATCH", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/jobs/refreshMaterializedLakeViews/schedules/{scheduleId}", NoQuery, BodyRule.ScheduleRequest),
        new SpecOperation("BackgroundJobs_DeleteRefreshMaterializedLakeViewsSchedule", "DELETE", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/jobs/refreshMaterializedLakeViews/schedules/{scheduleId}", NoQuery, BodyRule.None),

        new SpecOperation("MaterializedLakeViews_CreateMlvExecutionDefinition", "POST", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/mlvexecutiondefinitions", NoQuery, BodyRule.JsonObject),
        new SpecOperation("MaterializedLakeViews_ListMlvExecutionDefinitions", "GET", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/mlvexecutiondefinitions", Paging, BodyRule.None),
        new SpecOperation("MaterializedLakeViews_GetMlvExecutionDefinition", "GET", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/mlvexecutiondefinitions/{mlvExecutionDefinitionId}", NoQuery, BodyRule.None),
        new SpecOperation("MaterializedLakeViews_UpdateMlvExecutionDefinition", "PATCH", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/mlvexecutiondefinitions/{mlvExecutionDefinitionId}", NoQuery, BodyRule.JsonObject),
        new SpecOperation("MaterializedLakeViews_DeleteMlvExecutionDefinition", "DELETE", "/workspaces/{workspaceId}/lakehouses/{lakehouseId}/mlvexecutiondefinitions/{mlvExecutionDefinitionId}", NoQuery, BodyRule.None),
    };

    /// <summary>Why the request is not an operation of the spec as the spec defines it, or null when it is.</summary>
    public static string? Violation(string method, string path, string? query, string? body)
    {
        if (!path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase) && !string.Equals(path, "/v1", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var operation = All.FirstOrDefault(o => o.Matches(method, path));
        if (operation is null)
        {
            return $"{method} {path}: not an operation of the Fabric REST spec";
        }

        foreach (var name in QueryNames(query))
        {
            if (!operation.Query.Contains(name, StringComparer.Ordinal))
            {
                return $"{method} {path}{query}: {operation.OperationId} has no query parameter '{name}'";
            }
        }

        var problem = BodyProblem(operation.Body, body);
        return problem is null ? null : $"{method} {path}: {operation.OperationId}: {problem}";
    }

    public static List<string> Violations(IEnumerable<(string Method, string Path, string? Query, string? Body)> requests) =>
        requests.Select(r => Violation(r.Method, r.Path, r.Query, r.Body)).Where(v => v is not null).Select(v => v!).Distinct().ToList();

    private static IEnumerable<string> QueryNames(string? query) =>
        (query ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Uri.UnescapeDataString(p.Split('=')[0]));

    private static string? BodyProblem(BodyRule rule, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return rule is BodyRule.None or BodyRule.OptionalRunRequest ? null : "the operation needs a body";
        }

        if (rule == BodyRule.None)
        {
            return "the operation takes no body";
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return "the body is not JSON: " + ex.Message;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "the body is not a JSON object";
        }

        switch (rule)
        {
            case BodyRule.OptionalRunRequest:
                return ObjectWhenPresent(root, "executionData");
            case BodyRule.ScheduleRequest:
                if (!root.TryGetProperty("enabled", out var enabled) || enabled.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return "'enabled' (boolean) is required";
                }

                if (!root.TryGetProperty("configuration", out var configuration) || configuration.ValueKind != JsonValueKind.Object)
                {
                    return "'configuration' (object) is required";
                }

                return ObjectWhenPresent(root, "executionData");
            default:
                return null;
        }
    }

    private static string? ObjectWhenPresent(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Object
            ? $"'{name}' must be an object when present (got {value.ValueKind})"
            : null;
}
