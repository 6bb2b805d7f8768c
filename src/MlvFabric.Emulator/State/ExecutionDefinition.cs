using System;
using System.Collections.Generic;

namespace MlvFabric.Emulator.State;

/// <summary><c>{ referenceType: "ById", itemId, workspaceId }</c>.</summary>
internal sealed record ItemReference(string ReferenceType, Guid ItemId, Guid WorkspaceId);

/// <summary>An MLV execution definition (subset refresh). Mutated only under the lakehouse lock.</summary>
internal sealed class ExecutionDefinition
{
    public ExecutionDefinition(Guid id, long seq)
    {
        Id = id;
        Seq = seq;
    }

    public Guid Id { get; }
    public long Seq { get; }
    public string DisplayName { get; set; } = "";
    public string? Description { get; set; }

    /// <summary><c>settings</c> present at all (it is omitted from output otherwise).</summary>
    public bool HasSettings { get; set; }
    public string? RefreshMode { get; set; }
    public ItemReference? Environment { get; set; }

    /// <summary><c>All</c> or <c>Selected</c>.</summary>
    public string Mode { get; set; } = "All";
    public List<string>? SelectedMlvs { get; set; }

    /// <summary><c>All</c>, <c>Selected</c>, or null when omitted.</summary>
    public string? ExtendedMode { get; set; }
    public List<ItemReference>? SelectedLakehouses { get; set; }
}
