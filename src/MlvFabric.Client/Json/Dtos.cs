using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlvFabric.Scheduling;

namespace MlvFabric.Client.Json;

// Wire shapes. Every field is optional here: what is essential is checked when mapping to the public models,
// so an unknown or missing field never crashes a list.

internal sealed class PageDto<T>
{
    public List<T>? Value { get; set; }
    public string? ContinuationToken { get; set; }
    public string? ContinuationUri { get; set; }
}

internal sealed class WorkspaceDto
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public string? Type { get; set; }
    public string? CapacityId { get; set; }
}

internal sealed class ItemDto
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public string? WorkspaceId { get; set; }
}

internal sealed class PrincipalDto
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Type { get; set; }
    public UserDetailsDto? UserDetails { get; set; }
    public ServicePrincipalDetailsDto? ServicePrincipalDetails { get; set; }
}

internal sealed class UserDetailsDto
{
    public string? UserPrincipalName { get; set; }
}

internal sealed class ServicePrincipalDetailsDto
{
    public string? AadAppId { get; set; }
}

internal sealed class ExecutionDataDto
{
    public string? MlvExecutionDefinitionId { get; set; }
}

internal sealed class ScheduleDto
{
    public string? Id { get; set; }
    public bool? Enabled { get; set; }
    public string? CreatedDateTime { get; set; }
    public ScheduleConfiguration? Configuration { get; set; }
    public PrincipalDto? Owner { get; set; }
    public ExecutionDataDto? ExecutionData { get; set; }
}

internal sealed class ScheduleRequestDto
{
    public bool Enabled { get; set; }
    public ScheduleConfiguration? Configuration { get; set; }
    public ExecutionDataDto? ExecutionData { get; set; }
}

/// <summary>The PATCH body: <c>enabled</c> and a complete configuration; <c>executionData</c> only when set (the spec allows no null).</summary>
internal sealed class ScheduleUpdateRequestDto
{
    public bool Enabled { get; set; }
    public ScheduleConfiguration? Configuration { get; set; }
    public ExecutionDataDto? ExecutionData { get; set; }
}

internal sealed class RunOnDemandRequestDto
{
    public ExecutionDataDto? ExecutionData { get; set; }
}

internal sealed class RelatedResourceDto
{
    public string? ResourceId { get; set; }
    public string? ResourceType { get; set; }
}

internal sealed class ErrorDetailDto
{
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public RelatedResourceDto? RelatedResource { get; set; }
}

internal sealed class ErrorDto
{
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public string? RequestId { get; set; }
    public bool? IsRetriable { get; set; }
    public List<ErrorDetailDto>? MoreDetails { get; set; }
    public RelatedResourceDto? RelatedResource { get; set; }
}

internal sealed class JobInstanceDto
{
    public string? Id { get; set; }
    public string? ItemId { get; set; }
    public string? JobType { get; set; }
    public string? InvokeType { get; set; }
    public string? Status { get; set; }
    public string? RootActivityId { get; set; }
    public string? StartTimeUtc { get; set; }
    public string? EndTimeUtc { get; set; }
    public ErrorDto? FailureReason { get; set; }
}

internal sealed class ItemReferenceDto
{
    public string? ReferenceType { get; set; }
    public string? ItemId { get; set; }
    public string? WorkspaceId { get; set; }
    public string? VariableReference { get; set; }
}

internal sealed class ExecutionSettingsDto
{
    public string? RefreshMode { get; set; }
    public ItemReferenceDto? Environment { get; set; }
}

internal sealed class CurrentLakehouseContextDto
{
    public string? Mode { get; set; }
    public List<string>? SelectedMlvs { get; set; }
}

internal sealed class ExtendedLineageContextDto
{
    public string? Mode { get; set; }
    public List<ItemReferenceDto>? SelectedLakehouses { get; set; }
}

internal sealed class ExecutionDefinitionDto
{
    public string? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public ExecutionSettingsDto? Settings { get; set; }
    public CurrentLakehouseContextDto? CurrentLakehouseExecutionContext { get; set; }
    public ExtendedLineageContextDto? ExtendedLineageExecutionContext { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PageDto<WorkspaceDto>))]
[JsonSerializable(typeof(PageDto<ItemDto>))]
[JsonSerializable(typeof(PageDto<ScheduleDto>))]
[JsonSerializable(typeof(PageDto<JobInstanceDto>))]
[JsonSerializable(typeof(PageDto<ExecutionDefinitionDto>))]
[JsonSerializable(typeof(WorkspaceDto))]
[JsonSerializable(typeof(ItemDto))]
[JsonSerializable(typeof(ScheduleDto))]
[JsonSerializable(typeof(ScheduleRequestDto))]
[JsonSerializable(typeof(ScheduleUpdateRequestDto))]
[JsonSerializable(typeof(RunOnDemandRequestDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(JobInstanceDto))]
[JsonSerializable(typeof(ExecutionDefinitionDto))]
[JsonSerializable(typeof(ScheduleConfiguration))]
internal sealed partial class FabricJsonContext : JsonSerializerContext
{
}
