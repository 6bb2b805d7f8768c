using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Json;

namespace MlvFabric.Client;

public sealed partial class FabricClient
{
    private Uri DefinitionsUrl(Guid ws, Guid lh) => _http.Url($"workspaces/{ws}/lakehouses/{lh}/mlvExecutionDefinitions");

    private Uri DefinitionUrl(Guid ws, Guid lh, Guid id) => _http.Url($"workspaces/{ws}/lakehouses/{lh}/mlvExecutionDefinitions/{id}");

    public FabricAsyncSequence<MlvExecutionDefinition> ListExecutionDefinitionsAsync(Guid workspaceId, Guid lakehouseId, CancellationToken ct = default)
    {
        var scope = Scope(workspaceId, lakehouseId);
        return new FabricAsyncSequence<MlvExecutionDefinition>(ListAsync(DefinitionsUrl(workspaceId, lakehouseId), FabricJsonContext.Default.PageDtoExecutionDefinitionDto,
            (dto, m, p) => Mapper.ToExecutionDefinition(dto, scope, m, p), ct));
    }

    public Task<MlvExecutionDefinition> GetExecutionDefinitionAsync(Guid workspaceId, Guid lakehouseId, Guid definitionId, CancellationToken ct = default)
    {
        var scope = Scope(workspaceId, lakehouseId);
        return GetAsync(DefinitionUrl(workspaceId, lakehouseId, definitionId), FabricJsonContext.Default.ExecutionDefinitionDto,
            (dto, m, p) => Mapper.ToExecutionDefinition(dto, scope, m, p), ct);
    }

    /// <summary>
    /// Creates an execution definition. Not idempotent: reconciled like <see cref="CreateScheduleAsync"/> (a new
    /// definition with the same display name, not listed before the POST, is the one a lost answer created).
    /// </summary>
    public async Task<MlvExecutionDefinition> CreateExecutionDefinitionAsync(Guid workspaceId, Guid lakehouseId, ExecutionDefinitionRequest request, CancellationToken ct = default)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.DisplayName))
        {
            throw new ArgumentException("An execution definition needs a display name.", nameof(request));
        }

        var scope = Scope(workspaceId, lakehouseId);
        var body = Serialize(Mapper.FromExecutionDefinitionRequest(request, create: true), FabricJsonContext.Default.ExecutionDefinitionDto);

        var before = new HashSet<Guid>();
        await foreach (var d in ListExecutionDefinitionsAsync(workspaceId, lakehouseId, ct).ConfigureAwait(false))
        {
            before.Add(d.Id);
        }

        var budget = new RetryBudget(_http.Time);
        while (true)
        {
            var post = new FabricRequest(HttpMethod.Post, DefinitionsUrl(workspaceId, lakehouseId), SendMode.NotIdempotent) { Body = body };
            try
            {
                var created = await _http.SendAsync(post, async (r, t) =>
                {
                    var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.ExecutionDefinitionDto, t).ConfigureAwait(false);
                    return Mapper.ToExecutionDefinition(dto, scope, "POST", post.Path);
                }, budget, ct).ConfigureAwait(false);
                TryClaim(created.Id);
                return created;
            }
            catch (AmbiguousOutcomeException ambiguous)
            {
                FabricLog.Verbose($"The answer to POST {post.Path} was lost ({ambiguous.Message}); checking the execution definitions instead of sending it again.");
                var found = await ReconcileAsync(
                    () => ListExecutionDefinitionsAsync(workspaceId, lakehouseId, ct),
                    d => !before.Contains(d.Id) && string.Equals(d.DisplayName, request.DisplayName, StringComparison.OrdinalIgnoreCase),
                    d => d.Id, "execution definition", post, ambiguous, ct).ConfigureAwait(false);
                if (found != null)
                {
                    return found;
                }

                EnsureCanResend(post, budget, ambiguous, "execution definition");
            }
        }
    }

    /// <summary>Partial update: only the properties set on <paramref name="request"/> are sent; the service keeps the rest.</summary>
    public Task<MlvExecutionDefinition> UpdateExecutionDefinitionAsync(Guid workspaceId, Guid lakehouseId, Guid definitionId, ExecutionDefinitionRequest request, CancellationToken ct = default)
    {
        if (request == null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var scope = Scope(workspaceId, lakehouseId);
        var patch = new FabricRequest(Patch, DefinitionUrl(workspaceId, lakehouseId, definitionId), SendMode.Idempotent)
        {
            Body = Serialize(Mapper.FromExecutionDefinitionRequest(request, create: false), FabricJsonContext.Default.ExecutionDefinitionDto),
        };
        return _http.SendAsync(patch, async (r, t) =>
        {
            var dto = await FabricHttp.ReadJsonAsync(r, FabricJsonContext.Default.ExecutionDefinitionDto, t).ConfigureAwait(false);
            return Mapper.ToExecutionDefinition(dto, scope, "PATCH", patch.Path);
        }, ct);
    }

    /// <summary>Deletes the definition (the service also deletes the schedules that run it).</summary>
    public Task DeleteExecutionDefinitionAsync(Guid workspaceId, Guid lakehouseId, Guid definitionId, CancellationToken ct = default) =>
        DeleteAsync(DefinitionUrl(workspaceId, lakehouseId, definitionId), false, ct);
}
