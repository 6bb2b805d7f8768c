using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>The module's own object types as users know them, for the refusal of an object piped to the wrong cmdlet.</summary>
internal static class PipedObjects
{
    private static readonly Dictionary<Type, (string Kind, string Plural, string Source)> Kinds = new Dictionary<Type, (string, string, string)>
    {
        [typeof(MlvWorkspace)] = ("a workspace", "workspaces", "Get-MlvWorkspace"),
        [typeof(MlvLakehouse)] = ("a lakehouse", "lakehouses", "Get-MlvLakehouse"),
        [typeof(MlvSchedule)] = ("a schedule", "schedules", "Get-MlvSchedule"),
        [typeof(MlvJobInstance)] = ("a job instance", "job instances", "Get-MlvJobInstance"),
        [typeof(MlvExecutionDefinition)] = ("an execution definition", "execution definitions", "Get-MlvExecutionDefinition"),
        [typeof(MlvContext)] = ("a session (MlvContext)", "sessions", "Get-MlvContext"),
    };

    /// <summary>True for the module's own output types (those a cmdlet may refuse).</summary>
    public static bool IsModuleObject(object? value) => value is not null && Kinds.ContainsKey(value.GetType());

    /// <summary>"a lakehouse (Sales/Gold)".</summary>
    public static string Describe(object value)
    {
        var kind = Kinds.TryGetValue(value.GetType(), out var k) ? k.Kind : "a " + value.GetType().Name;
        var name = value switch
        {
            ILakehouseItem item when value is MlvSchedule || value is MlvJobInstance => $"{item.WorkspaceName ?? item.WorkspaceId.ToString()}/{item.LakehouseName ?? item.LakehouseId.ToString()}, id {IdOf(value)}",
            MlvExecutionDefinition definition => $"'{definition.DisplayName}' of {definition.WorkspaceName ?? definition.WorkspaceId.ToString()}/{definition.LakehouseName ?? definition.LakehouseId.ToString()}",
            MlvLakehouse lakehouse => $"{lakehouse.WorkspaceName ?? lakehouse.WorkspaceId.ToString()}/{lakehouse.DisplayName ?? lakehouse.Id.ToString()}",
            MlvWorkspace workspace => workspace.DisplayName ?? workspace.Id.ToString(),
            _ => null,
        };
        return name is null ? kind : $"{kind} ({name})";
    }

    /// <summary>"schedules (Get-MlvSchedule)" or "job instances (Get-MlvJobInstance) or lakehouses (Get-MlvLakehouse)".</summary>
    public static string Accepted(IEnumerable<Type> types) =>
        string.Join(" or ", types.Select(t => $"{Kinds[t].Plural} ({Kinds[t].Source})"));

    private static Guid IdOf(object value) => value switch
    {
        MlvSchedule schedule => schedule.Id,
        MlvJobInstance job => job.Id,
        _ => Guid.Empty,
    };
}
