using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.ExecutionDefinitions;

/// <summary>
/// An execution definition as a user names it on a command line: a definition object (from Get-/New-MlvExecutionDefinition),
/// an id, or a display name. Turned into an id for one lakehouse by <see cref="ExecutionDefinitionResolver"/>.
/// PowerShell converts a string, a Guid or a definition to this type through the constructors; the
/// <see cref="ExecutionDefinitionTransformationAttribute"/> adds deserialized objects, arrays and clear errors.
/// </summary>
public sealed class ExecutionDefinitionReference
{
    private const string DeserializedTypeName = "Deserialized.MlvFabric.Client.MlvExecutionDefinition";

    /// <summary>By id, or by name when <paramref name="idOrName"/> is not a GUID.</summary>
    public ExecutionDefinitionReference(string idOrName)
    {
        if (string.IsNullOrWhiteSpace(idOrName))
        {
            throw new ArgumentException("An execution definition reference needs an id or a name; the value is empty.", nameof(idOrName));
        }

        if (Guid.TryParse(idOrName, out var id))
        {
            Id = RequireId(id);
        }
        else
        {
            Name = idOrName;
        }
    }

    public ExecutionDefinitionReference(Guid id)
    {
        Id = RequireId(id);
    }

    public ExecutionDefinitionReference(MlvExecutionDefinition definition)
    {
        if (definition is null)
        {
            throw new ArgumentNullException(nameof(definition));
        }

        Id = RequireId(definition.Id);
        DisplayName = definition.DisplayName;
        WorkspaceId = definition.WorkspaceId;
        LakehouseId = definition.LakehouseId;
        WorkspaceName = definition.WorkspaceName;
        LakehouseName = definition.LakehouseName;
        Definition = definition;
    }

    // By name only; the Guid parameter only tells this constructor apart from the public string one.
    private ExecutionDefinitionReference(Guid? noId, string name)
    {
        Id = noId;
        Name = !string.IsNullOrWhiteSpace(name) ? name : throw new ArgumentException("An execution definition name is empty.", nameof(name));
    }

    private ExecutionDefinitionReference(Guid id, string? displayName, Guid workspaceId, Guid lakehouseId, string? workspaceName, string? lakehouseName)
    {
        Id = RequireId(id);
        DisplayName = displayName;
        WorkspaceId = workspaceId;
        LakehouseId = lakehouseId;
        WorkspaceName = workspaceName;
        LakehouseName = lakehouseName;
    }

    /// <summary>A reference by name only (even when the name looks like a GUID), e.g. for a -Name parameter.</summary>
    public static ExecutionDefinitionReference ByName(string name) => new ExecutionDefinitionReference(noId: null, name);

    /// <summary>The definition's id; null for a reference by name.</summary>
    public Guid? Id { get; }

    /// <summary>The name to look up (wildcards allowed when they match one definition); null for a reference by id or object.</summary>
    public string? Name { get; }

    /// <summary>The display name carried by a definition object (for messages only).</summary>
    public string? DisplayName { get; }

    /// <summary>The lakehouse a definition object belongs to; <see cref="Guid.Empty"/> when unknown (an id or a name).</summary>
    public Guid LakehouseId { get; }

    public Guid WorkspaceId { get; }

    public string? WorkspaceName { get; }

    public string? LakehouseName { get; }

    /// <summary>The object given, when one was (a live definition, not a deserialized one).</summary>
    public MlvExecutionDefinition? Definition { get; }

    /// <summary>True when the reference came from a definition object, which knows its lakehouse.</summary>
    public bool HasLakehouse => LakehouseId != Guid.Empty;

    /// <summary>
    /// When <paramref name="cmdlet"/> names no lakehouse at all, binds the lakehouse of this definition object to it, so
    /// that <c>-ExecutionDefinition $definition</c> needs no -WorkspaceName/-LakehouseName. Call on the pipeline thread
    /// before the lakehouse parameters are checked. False when nothing was applied (a lakehouse was given, or this is an id
    /// or a name).
    /// </summary>
    public bool ApplyLakehouseTo(MlvLakehouseCmdlet cmdlet)
    {
        if (cmdlet is null)
        {
            throw new ArgumentNullException(nameof(cmdlet));
        }

        if (!HasLakehouse || WorkspaceId == Guid.Empty || cmdlet.WorkspaceId != Guid.Empty || cmdlet.LakehouseId != Guid.Empty
            || cmdlet.WorkspaceName is not null || cmdlet.LakehouseName is not null)
        {
            return false;
        }

        cmdlet.WorkspaceId = WorkspaceId;
        cmdlet.LakehouseId = LakehouseId;
        cmdlet.WorkspaceName = WorkspaceName;
        cmdlet.LakehouseName = LakehouseName;
        return true;
    }

    internal string LakehouseLabel => new LakehouseLocation(WorkspaceId, WorkspaceName, LakehouseId, LakehouseName).ToString();

    /// <summary>
    /// Reads what a user passed: a definition (live or deserialized), a Guid, or a string (GUID text = id, else a name).
    /// Returns null and a message for anything else.
    /// </summary>
    public static ExecutionDefinitionReference? TryCreate(object? input, out string? problem)
    {
        problem = null;
        var bare = input is PSObject wrapped ? wrapped.BaseObject : input;
        switch (bare)
        {
            case ExecutionDefinitionReference reference:
                return reference;
            case MlvExecutionDefinition definition when definition.Id != Guid.Empty:
                return new ExecutionDefinitionReference(definition);
            case Guid id when id != Guid.Empty:
                return new ExecutionDefinitionReference(id);
            case string text when !string.IsNullOrWhiteSpace(text):
                return new ExecutionDefinitionReference(text.Trim());
        }

        if (input is PSObject deserialized && deserialized.TypeNames.Contains(DeserializedTypeName) && TryGuid(deserialized, "Id") is Guid deserializedId)
        {
            return new ExecutionDefinitionReference(
                deserializedId,
                deserialized.Properties["DisplayName"]?.Value as string,
                TryGuid(deserialized, "WorkspaceId") ?? Guid.Empty,
                TryGuid(deserialized, "LakehouseId") ?? Guid.Empty,
                deserialized.Properties["WorkspaceName"]?.Value as string,
                deserialized.Properties["LakehouseName"]?.Value as string);
        }

        problem = bare switch
        {
            Guid => "The empty GUID is not an execution definition id.",
            string => "The execution definition's name is empty.",
            _ => $"'{bare}' ({bare?.GetType().Name ?? "null"}) is not an execution definition.",
        };
        problem += " Pass a definition from Get-MlvExecutionDefinition, its id, or its name.";
        return null;
    }

    /// <summary>"the whole lineage" for null, else "execution definition 'gold_nightly'": for ShouldProcess and messages (no request).</summary>
    public static string DescribeScope(ExecutionDefinitionReference? reference) =>
        reference is null ? "the whole lineage" : "execution definition " + reference;

    public override string ToString()
    {
        if (Name is not null)
        {
            return "'" + Name + "'";
        }

        return DisplayName is null ? Id.ToString()! : $"'{DisplayName}' ({Id})";
    }

    private static Guid RequireId(Guid id) =>
        id == Guid.Empty ? throw new ArgumentException("The empty GUID is not an execution definition id.", nameof(id)) : id;

    private static Guid? TryGuid(PSObject source, string property) => source.Properties[property]?.Value switch
    {
        Guid g when g != Guid.Empty => g,
        string s when Guid.TryParse(s, out var g) && g != Guid.Empty => g,
        _ => null,
    };
}

/// <summary>
/// For <c>-ExecutionDefinition</c> parameters (type <see cref="ExecutionDefinitionReference"/> or an array of it): accepts a
/// definition object (live or deserialized), an id (Guid or GUID text) or a name, and refuses anything else before any
/// request with a message that says what to pass. <c>$null</c> stays <c>$null</c> (a piped schedule without a definition
/// binds its null <c>ExecutionDefinitionId</c>: the whole lineage).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ExecutionDefinitionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var bare = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (bare is null)
        {
            return null;
        }

        if (bare is IEnumerable items && bare is not string && bare is not IDictionary)
        {
            var references = new List<ExecutionDefinitionReference>();
            foreach (var item in items)
            {
                references.Add(TransformOne(item));
            }

            return references.ToArray();
        }

        return TransformOne(inputData);
    }

    private static ExecutionDefinitionReference TransformOne(object? input) =>
        ExecutionDefinitionReference.TryCreate(input, out var problem) ?? throw new ArgumentTransformationMetadataException(problem);
}
