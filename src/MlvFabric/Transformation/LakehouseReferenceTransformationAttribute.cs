using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Transformation;

/// <summary>
/// For parameters of type <see cref="MlvItemReference"/>[] that name lakehouses by id (-ExtendedLineageLakehouse): takes
/// lakehouse objects (Get-MlvLakehouse), anything else with WorkspaceId and LakehouseId (or ItemId) properties or keys
/// (hashtables, definitions' references), or '&lt;workspaceId&gt;/&lt;lakehouseId&gt;' text, and refuses the rest before any request.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LakehouseReferenceTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var bare = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (bare is null)
        {
            return null;
        }

        var references = new List<MlvItemReference>();
        if (bare is IEnumerable items && bare is not string && bare is not IDictionary)
        {
            foreach (var item in items)
            {
                references.Add(TransformOne(item));
            }
        }
        else
        {
            references.Add(TransformOne(inputData));
        }

        return references.ToArray();
    }

    private static MlvItemReference TransformOne(object? input)
    {
        var bare = input is PSObject wrapped ? wrapped.BaseObject : input;
        switch (bare)
        {
            case MlvItemReference reference when reference.IsById
                                                 ? reference.ItemId is Guid item && item != Guid.Empty && reference.WorkspaceId is Guid space && space != Guid.Empty
                                                 : !string.IsNullOrWhiteSpace(reference.VariableReference):
                // A reference by variable (from Get-MlvExecutionDefinition) is passed on as the service gave it.
                return reference;
            case MlvLakehouse lakehouse when lakehouse.Id != Guid.Empty && lakehouse.WorkspaceId != Guid.Empty:
                return new MlvItemReference { ItemId = lakehouse.Id, WorkspaceId = lakehouse.WorkspaceId };
            case string text:
                var parts = text.Split('/');
                if (parts.Length == 2 && Guid.TryParse(parts[0].Trim(), out var ws) && Guid.TryParse(parts[1].Trim(), out var lh) && ws != Guid.Empty && lh != Guid.Empty)
                {
                    return new MlvItemReference { WorkspaceId = ws, ItemId = lh };
                }

                break;
            default:
                var workspaceId = GuidOf(input, "WorkspaceId");
                var lakehouseId = GuidOf(input, "LakehouseId") ?? GuidOf(input, "ItemId");
                if (workspaceId is Guid w && lakehouseId is Guid l)
                {
                    return new MlvItemReference { WorkspaceId = w, ItemId = l };
                }

                break;
        }

        throw new ArgumentTransformationMetadataException(
            $"'{bare}' does not name a lakehouse. Pass lakehouses from Get-MlvLakehouse, objects or hashtables with WorkspaceId and LakehouseId, or '<workspaceId>/<lakehouseId>'.");
    }

    private static Guid? GuidOf(object? source, string name)
    {
        object? value = null;
        if (source is PSObject wrapped && wrapped.BaseObject is IDictionary wrappedDictionary)
        {
            source = wrappedDictionary;
        }

        if (source is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(entry.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    value = entry.Value;
                }
            }
        }
        else if (source is not null)
        {
            value = PSObject.AsPSObject(source).Properties[name]?.Value;
        }

        var bare = value is PSObject inner ? inner.BaseObject : value;
        return bare switch
        {
            Guid g when g != Guid.Empty => g,
            string s when Guid.TryParse(s, out var g) && g != Guid.Empty => g,
            _ => null,
        };
    }
}
