using System;

namespace MlvFabric.Client;

/// <summary>
/// Where an item lives: a lakehouse in a workspace, by ids (always) and names (when known). The one location type of
/// the client and the cmdlets: requests take its ids, output objects get its names (<see cref="Label{T}"/>), and a
/// <see cref="JobInstanceRef"/> is one of these plus a job id.
/// </summary>
public sealed class LakehouseLocation
{
    public LakehouseLocation(Guid workspaceId, string? workspaceName, Guid lakehouseId, string? lakehouseName)
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

    /// <summary>The location of <paramref name="item"/> as the item itself says it.</summary>
    public static LakehouseLocation Of(ILakehouseItem item)
    {
        if (item == null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        return new LakehouseLocation(item.WorkspaceId, item.WorkspaceName, item.LakehouseId, item.LakehouseName);
    }

    /// <summary>This location with the names it lacks taken from <paramref name="workspaceName"/> and <paramref name="lakehouseName"/>.</summary>
    public LakehouseLocation WithNames(string? workspaceName, string? lakehouseName) =>
        (WorkspaceName != null || workspaceName == null) && (LakehouseName != null || lakehouseName == null)
            ? this
            : new LakehouseLocation(WorkspaceId, WorkspaceName ?? workspaceName, LakehouseId, LakehouseName ?? lakehouseName);

    /// <summary>Fills in this lakehouse's ids and names (the service returns neither), so the object pipes onward and displays well.</summary>
    public T Label<T>(T item)
        where T : ILakehouseItem
    {
        if (item == null)
        {
            throw new ArgumentNullException(nameof(item));
        }

        item.WorkspaceId = WorkspaceId;
        item.WorkspaceName = WorkspaceName ?? item.WorkspaceName;
        item.LakehouseId = LakehouseId;
        item.LakehouseName = LakehouseName ?? item.LakehouseName;
        return item;
    }

    /// <summary>The real target, for confirmation prompts and -WhatIf: "Sales/Gold (b4713f96…)".</summary>
    public string Describe() => $"{this} ({ShortId(LakehouseId)})";

    /// <summary>The first 8 hex digits of an id and an ellipsis: enough to tell two names apart.</summary>
    public static string ShortId(Guid id) => id.ToString().Substring(0, 8) + "\u2026";

    public override string ToString() =>
        $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}";
}
