using System;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

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

    public override string ToString() =>
        $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}";
}
