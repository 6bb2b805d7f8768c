using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.ExecutionDefinitions;

/// <summary>
/// Turns <see cref="ExecutionDefinitionReference"/>s into execution definitions of a given lakehouse. Make one per cmdlet
/// invocation: it lists each lakehouse's definitions at most once (definitions change, so nothing is kept across
/// commands). A reference by id or by object costs no request; a name costs one list per lakehouse.
/// Failures are <see cref="MlvTerminatingException"/>s carrying the ErrorRecord (ExecutionDefinitionNotFound,
/// ExecutionDefinitionNameAmbiguous, ExecutionDefinitionInOtherLakehouse); a cmdlet that goes on with other records
/// catches it and writes the record instead. Service failures surface as the client's exceptions.
/// </summary>
/// <example>
/// <code>
/// var resolver = new ExecutionDefinitionResolver(Client);                 // in BeginProcessing
/// Guid? id = ExecutionDefinition is null ? null : await resolver.ResolveIdAsync(target, ExecutionDefinition, ct);
/// </code>
/// </example>
public sealed class ExecutionDefinitionResolver
{
    private readonly FabricClient _client;
    private readonly ConcurrentDictionary<Guid, Task<IReadOnlyList<MlvExecutionDefinition>>> _lists =
        new ConcurrentDictionary<Guid, Task<IReadOnlyList<MlvExecutionDefinition>>>();

    public ExecutionDefinitionResolver(FabricClient client)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <summary>The id to send for <paramref name="reference"/> in <paramref name="lakehouse"/>.</summary>
    public async Task<Guid> ResolveIdAsync(LakehouseLocation lakehouse, ExecutionDefinitionReference reference, CancellationToken cancellationToken)
    {
        CheckLakehouse(lakehouse, reference);
        if (reference.Id is Guid id)
        {
            return id;
        }

        return (await ResolveByNameAsync(lakehouse, reference.Name!, cancellationToken).ConfigureAwait(false)).Id;
    }

    /// <summary>The whole definition <paramref name="reference"/> names in <paramref name="lakehouse"/> (read from the lakehouse's list).</summary>
    public async Task<MlvExecutionDefinition> ResolveAsync(LakehouseLocation lakehouse, ExecutionDefinitionReference reference, CancellationToken cancellationToken)
    {
        CheckLakehouse(lakehouse, reference);
        if (reference.Id is Guid id)
        {
            var all = await ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
            return all.FirstOrDefault(d => d.Id == id)
                ?? throw new MlvTerminatingException(MlvErrors.ExecutionDefinitionNotFound(id, lakehouse, null));
        }

        return await ResolveByNameAsync(lakehouse, reference.Name!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The definitions of <paramref name="lakehouse"/> whose names match <paramref name="pattern"/> (wildcards; none is no error).</summary>
    public async Task<IReadOnlyList<MlvExecutionDefinition>> MatchAsync(LakehouseLocation lakehouse, string pattern, CancellationToken cancellationToken)
    {
        var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        var all = await ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
        return all.Where(d => d.DisplayName is string name && wildcard.IsMatch(name)).ToList();
    }

    /// <summary>Every definition of <paramref name="lakehouse"/>, labelled with its ids and names; listed once per resolver.</summary>
    public Task<IReadOnlyList<MlvExecutionDefinition>> ListAsync(LakehouseLocation lakehouse, CancellationToken cancellationToken) =>
        _lists.AddOrUpdate(
            lakehouse.LakehouseId,
            _ => CollectAsync(lakehouse, cancellationToken),
            (_, existing) => existing.IsFaulted || existing.IsCanceled ? CollectAsync(lakehouse, cancellationToken) : existing);

    /// <summary>Drops what is known of <paramref name="lakehouse"/> (after this command created, renamed or deleted a definition).</summary>
    public void Forget(LakehouseLocation lakehouse) => _lists.TryRemove(lakehouse.LakehouseId, out _);

    private async Task<MlvExecutionDefinition> ResolveByNameAsync(LakehouseLocation lakehouse, string name, CancellationToken cancellationToken)
    {
        var matches = await MatchAsync(lakehouse, name, cancellationToken).ConfigureAwait(false);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new MlvTerminatingException(MlvErrors.ExecutionDefinitionNotFound(name, lakehouse, null)),
            _ => throw new MlvTerminatingException(MlvErrors.ExecutionDefinitionNameAmbiguous(name, matches, lakehouse)),
        };
    }

    private static void CheckLakehouse(LakehouseLocation lakehouse, ExecutionDefinitionReference reference)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (reference.HasLakehouse && reference.LakehouseId != lakehouse.LakehouseId)
        {
            throw new MlvTerminatingException(MlvErrors.ExecutionDefinitionInOtherLakehouse(reference, lakehouse));
        }
    }

    private async Task<IReadOnlyList<MlvExecutionDefinition>> CollectAsync(LakehouseLocation lakehouse, CancellationToken cancellationToken)
    {
        var definitions = new List<MlvExecutionDefinition>();
        await foreach (var definition in _client.ListExecutionDefinitionsAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken).ConfigureAwait(false))
        {
            definitions.Add(lakehouse.Label(definition));
        }

        return definitions;
    }
}
