using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MlvFabric.Client.Json;

/// <summary>Wire → public models. Tolerant of unknown and missing fields; strict only about ids.</summary>
internal static class Mapper
{
    internal static Guid RequireId(string? id, string what, string method, string path)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new FabricProtocolException($"The service returned a {what} without an id.", method, path);
        }

        if (!Guid.TryParse(id, out var guid))
        {
            throw new FabricProtocolException($"The service returned a {what} whose id '{Truncate(id!, 64)}' is not a GUID.", method, path);
        }

        return guid;
    }

    internal static Guid? OptionalGuid(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Guid.TryParse(text, out var g) ? g : (Guid?)null;

    private static readonly string[] UtcFormats =
    {
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    };

    /// <summary>The service's date-times: 7 fractional digits and no Z, meaning UTC. Unreadable → null.</summary>
    internal static DateTime? ParseUtc(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        // The service's usual shape (7 digits) first: "O" has a fast parser on .NET Core; the format list below compares
        // its literals culture-aware, which costs more than the rest of mapping a job instance.
        if (DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var roundTrip))
        {
            return roundTrip.UtcDateTime;
        }

        if (DateTimeOffset.TryParseExact(text!.Trim(), UtcFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            return exact.UtcDateTime;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose))
        {
            return loose.UtcDateTime;
        }

        return null;
    }

    internal static FabricError? ToError(ErrorDto? dto)
    {
        if (dto == null)
        {
            return null;
        }

        return new FabricError
        {
            ErrorCode = dto.ErrorCode,
            Message = dto.Message,
            RequestId = dto.RequestId,
            IsRetriable = dto.IsRetriable ?? false,
            MoreDetails = dto.MoreDetails?.Where(d => d != null).Select(d => new FabricErrorDetail
            {
                ErrorCode = d.ErrorCode,
                Message = d.Message,
                RelatedResource = ToResource(d.RelatedResource),
            }).ToArray() ?? Array.Empty<FabricErrorDetail>(),
            RelatedResource = ToResource(dto.RelatedResource),
        };
    }

    private static FabricRelatedResource? ToResource(RelatedResourceDto? dto) =>
        dto == null ? null : new FabricRelatedResource { ResourceId = dto.ResourceId, ResourceType = dto.ResourceType };

    internal static MlvWorkspace ToWorkspace(WorkspaceDto dto, string method, string path) => new MlvWorkspace
    {
        Id = RequireId(dto.Id, "workspace", method, path),
        DisplayName = dto.DisplayName,
        Description = dto.Description,
        Type = dto.Type,
        CapacityId = OptionalGuid(dto.CapacityId),
    };

    internal static MlvLakehouse ToLakehouse(ItemDto dto, Guid workspaceId, string? workspaceName, string method, string path) => new MlvLakehouse
    {
        Id = RequireId(dto.Id, "lakehouse", method, path),
        DisplayName = dto.DisplayName,
        Description = dto.Description,
        WorkspaceId = OptionalGuid(dto.WorkspaceId) ?? workspaceId,
        WorkspaceName = workspaceName,
    };

    internal static MlvSchedule ToSchedule(ScheduleDto dto, LakehouseLocation scope, string method, string path) => new MlvSchedule
    {
        Id = RequireId(dto.Id, "schedule", method, path),
        Enabled = dto.Enabled ?? false,
        CreatedDateTime = ParseUtc(dto.CreatedDateTime),
        Configuration = dto.Configuration,
        Owner = dto.Owner == null ? null : new MlvPrincipal
        {
            Id = dto.Owner.Id,
            DisplayName = dto.Owner.DisplayName,
            Type = dto.Owner.Type,
            UserPrincipalName = dto.Owner.UserDetails?.UserPrincipalName,
            AppId = dto.Owner.ServicePrincipalDetails?.AadAppId,
        },
        ExecutionDefinitionId = OptionalGuid(dto.ExecutionData?.MlvExecutionDefinitionId),
        WorkspaceId = scope.WorkspaceId,
        WorkspaceName = scope.WorkspaceName,
        LakehouseId = scope.LakehouseId,
        LakehouseName = scope.LakehouseName,
    };

    internal static MlvJobInstance ToJobInstance(JobInstanceDto dto, LakehouseLocation scope, string method, string path) => new MlvJobInstance
    {
        Id = RequireId(dto.Id, "job instance", method, path),
        ItemId = OptionalGuid(dto.ItemId),
        JobType = dto.JobType,
        InvokeType = dto.InvokeType,
        Status = JobStatus.Normalize(dto.Status),
        RootActivityId = dto.RootActivityId,
        StartTimeUtc = ParseUtc(dto.StartTimeUtc),
        EndTimeUtc = ParseUtc(dto.EndTimeUtc),
        FailureReason = ToError(dto.FailureReason),
        WorkspaceId = scope.WorkspaceId,
        WorkspaceName = scope.WorkspaceName,
        LakehouseId = scope.LakehouseId,
        LakehouseName = scope.LakehouseName,
    };

    internal static MlvItemReference? ToReference(ItemReferenceDto? dto)
    {
        if (dto == null)
        {
            return null;
        }

        return new MlvItemReference
        {
            ReferenceType = string.IsNullOrEmpty(dto.ReferenceType) ? MlvItemReferenceTypes.ById : dto.ReferenceType!,
            ItemId = OptionalGuid(dto.ItemId),
            WorkspaceId = OptionalGuid(dto.WorkspaceId),
            VariableReference = dto.VariableReference,
        };
    }

    internal static ItemReferenceDto FromReference(MlvItemReference r) => new ItemReferenceDto
    {
        ReferenceType = string.IsNullOrEmpty(r.ReferenceType) ? MlvItemReferenceTypes.ById : r.ReferenceType,
        ItemId = r.ItemId?.ToString(),
        WorkspaceId = r.WorkspaceId?.ToString(),
        VariableReference = r.VariableReference,
    };

    internal static MlvExecutionDefinition ToExecutionDefinition(ExecutionDefinitionDto dto, LakehouseLocation scope, string method, string path) => new MlvExecutionDefinition
    {
        Id = RequireId(dto.Id, "execution definition", method, path),
        DisplayName = dto.DisplayName,
        Description = dto.Description,
        RefreshMode = dto.Settings?.RefreshMode,
        Environment = ToReference(dto.Settings?.Environment),
        Mode = dto.CurrentLakehouseExecutionContext?.Mode,
        SelectedMlvs = dto.CurrentLakehouseExecutionContext?.SelectedMlvs?.Where(s => s != null).ToList() ?? new List<string>(),
        ExtendedLineageMode = dto.ExtendedLineageExecutionContext?.Mode,
        ExtendedLineageLakehouses = dto.ExtendedLineageExecutionContext?.SelectedLakehouses?
            .Select(ToReference).Where(r => r != null).Select(r => r!).ToList() ?? new List<MlvItemReference>(),
        WorkspaceId = scope.WorkspaceId,
        WorkspaceName = scope.WorkspaceName,
        LakehouseId = scope.LakehouseId,
        LakehouseName = scope.LakehouseName,
    };

    internal static ExecutionDefinitionDto FromExecutionDefinitionRequest(ExecutionDefinitionRequest r, bool create)
    {
        var dto = new ExecutionDefinitionDto
        {
            DisplayName = r.DisplayName,
            Description = r.Description,
        };
        if (r.RefreshMode != null || r.Environment != null)
        {
            dto.Settings = new ExecutionSettingsDto
            {
                RefreshMode = r.RefreshMode,
                Environment = r.Environment == null ? null : FromReference(r.Environment),
            };
        }

        if (r.Mode != null || r.SelectedMlvs != null || create)
        {
            var mode = r.Mode ?? (r.SelectedMlvs != null && r.SelectedMlvs.Count > 0 ? MlvExecutionModes.Selected : MlvExecutionModes.All);
            dto.CurrentLakehouseExecutionContext = new CurrentLakehouseContextDto
            {
                Mode = mode,
                SelectedMlvs = string.Equals(mode, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase) ? r.SelectedMlvs?.ToList() ?? new List<string>() : null,
            };
        }
        if (r.ExtendedLineageMode != null || r.ExtendedLineageLakehouses != null)
        {
            var mode = r.ExtendedLineageMode ?? (r.ExtendedLineageLakehouses != null && r.ExtendedLineageLakehouses.Count > 0 ? MlvExecutionModes.Selected : MlvExecutionModes.All);
            dto.ExtendedLineageExecutionContext = new ExtendedLineageContextDto
            {
                Mode = mode,
                SelectedLakehouses = string.Equals(mode, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase)
                    ? r.ExtendedLineageLakehouses?.Select(FromReference).ToList() ?? new List<ItemReferenceDto>()
                    : null,
            };
        }
        return dto;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s.Substring(0, max) + "…";
}
