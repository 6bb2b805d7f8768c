using System;

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

    public override string ToString() =>
        $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}";
}
