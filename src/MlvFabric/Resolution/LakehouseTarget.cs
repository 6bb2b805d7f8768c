using System;
using MlvFabric.Client;

namespace MlvFabric.Resolution;

/// <summary>A resolved lakehouse: ids for the request, names for the output objects.</summary>
public sealed class LakehouseTarget
{
    public LakehouseTarget(Guid workspaceId, string? workspaceName, Guid lakehouseId, string? lakehouseName)
    {
        WorkspaceId = workspaceId;
        WorkspaceName = workspaceName;
        LakehouseId = lakehouseId;
        LakehouseName = lakehouseName;
    }

    public Guid WorkspaceId { get; }

    public string? WorkspaceName { get; }

    public Guid LakehouseId { get; }

    public string? LakehouseName { get; }

    /// <summary>Fills in this lakehouse's ids and names (the service returns neither), so the object pipes onward and displays well.</summary>
    internal T Label<T>(T item)
        where T : ILakehouseItem
    {
        item.WorkspaceId = WorkspaceId;
        item.WorkspaceName = WorkspaceName ?? item.WorkspaceName;
        item.LakehouseId = LakehouseId;
        item.LakehouseName = LakehouseName ?? item.LakehouseName;
        return item;
    }

    /// <summary>The real target, for confirmation prompts and -WhatIf: "Sales/Gold (b4713f96…)".</summary>
    public string Describe() => $"{this} ({ShortId(LakehouseId)})";

    /// <summary>The first 8 hex digits of an id and an ellipsis: enough to tell two names apart.</summary>
    internal static string ShortId(Guid id) => id.ToString().Substring(0, 8) + "\u2026";

    public override string ToString() =>
        $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}";
}
