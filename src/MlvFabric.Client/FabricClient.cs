using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Json;

namespace MlvFabric.Client;

/// <summary>
/// One method per Fabric API operation the module uses. Thread-safe: one instance serves every parallel
/// pipeline of a session. Lists stream page by page; nothing is buffered beyond one page.
/// </summary>
public sealed partial class FabricClient : IDisposable
{
    /// <summary>The job type segment the client sends (matched case-insensitively by the service).</summary>
    internal const string JobTypeSegment = MlvJobTypes.RefreshMaterializedLakeViews;

    private static readonly HttpMethod Patch = new HttpMethod("PATCH");

    private readonly FabricHttp _http;

    internal FabricClient(FabricHttp http, RateLimiter statusReads, RateLimiter submissions)
    {
        _http = http;
        StatusReadLimiter = statusReads;
        SubmissionLimiter = submissions;
        Names = new NameCache(ListWorkspacesAsync, ListLakehousesAsync, () => http.Time.GetUtcNow().UtcDateTime);
    }

    /// <summary>The API base (ends in <c>/v1/</c>).</summary>
    public Uri Endpoint => _http.BaseUri;

    internal FabricHttp Http => _http;

    internal RateLimiter StatusReadLimiter { get; }

    internal RateLimiter SubmissionLimiter { get; }

    /// <summary>The session's workspace and lakehouse names: lists for name-to-id lookups, and every name read so far.</summary>
    public NameCache Names { get; }

    /// <summary>Name of a workspace this session has already seen (no request), or null.</summary>
    public string? GetCachedWorkspaceName(Guid workspaceId) => Names.WorkspaceName(workspaceId);

    /// <summary>Name of a lakehouse this session has already seen (no request), or null.</summary>
    public string? GetCachedLakehouseName(Guid lakehouseId) => Names.LakehouseName(lakehouseId);

    private LakehouseLocation Scope(Guid workspaceId, Guid lakehouseId) =>
        new LakehouseLocation(workspaceId, GetCachedWorkspaceName(workspaceId), lakehouseId, GetCachedLakehouseName(lakehouseId));

    private void Remember(MlvWorkspace w) => Names.Remember(w);

    private void Remember(MlvLakehouse l) => Names.Remember(l);

    // ---------------------------------------------------------------- lookups

    public FabricAsyncSequence<MlvWorkspace> ListWorkspacesAsync(CancellationToken ct = default) =>
        new FabricAsyncSequence<MlvWorkspace>(ListAsync(_http.Url("workspaces"), FabricJsonContext.Default.PageDtoWorkspaceDto, (dto, m, p) =>
        {
            var w = Mapper.ToWorkspace(dto, m, p);
            Remember(w);
            return w;
        }, ct));

    public async Task<MlvWorkspace> GetWorkspaceAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var w = await GetAsync(_http.Url($"workspaces/{workspaceId}"), FabricJsonContext.Default.WorkspaceDto,
            (dto, m, p) => Mapper.ToWorkspace(dto, m, p), ct).ConfigureAwait(false);
        Remember(w);
        return w;
    }

    public FabricAsyncSequence<MlvLakehouse> ListLakehousesAsync(Guid workspaceId, CancellationToken ct = default) =>
        new FabricAsyncSequence<MlvLakehouse>(ListAsync(_http.Url($"workspaces/{workspaceId}/lakehouses"), FabricJsonContext.Default.PageDtoItemDto, (dto, m, p) =>
        {
            var l = Mapper.ToLakehouse(dto, workspaceId, GetCachedWorkspaceName(workspaceId), m, p);
            Remember(l);
            return l;
        }, ct));

    public async Task<MlvLakehouse> GetLakehouseAsync(Guid workspaceId, Guid lakehouseId, CancellationToken ct = default)
    {
        var l = await GetAsync(_http.Url($"workspaces/{workspaceId}/lakehouses/{lakehouseId}"), FabricJsonContext.Default.ItemDto,
            (dto, m, p) => Mapper.ToLakehouse(dto, workspaceId, GetCachedWorkspaceName(workspaceId), m, p), ct).ConfigureAwait(false);
        Remember(l);
        return l;
    }

    // ---------------------------------------------------------------- plumbing

    private async Task<TModel> GetAsync<TDto, TModel>(Uri uri, JsonTypeInfo<TDto> type, Func<TDto, string, string, TModel> map, CancellationToken ct)
        where TDto : class
    {
        var request = new FabricRequest(HttpMethod.Get, uri, SendMode.Idempotent);
        var dto = await _http.SendAsync(request, (r, t) => FabricHttp.ReadJsonAsync(r, type, t), ct).ConfigureAwait(false);
        return map(dto, "GET", request.Path);
    }

    /// <summary>
    /// Streams a paged list: requests the next page only when the consumer has taken every item of the current
    /// one. The next page is always the spec's own request, the first URL with <c>continuationToken</c>, sent to the
    /// connected endpoint: a <c>continuationUri</c> only carries the token (it may name a regional or private-link
    /// host; the bearer token never goes there).
    /// </summary>
    private async IAsyncEnumerable<TModel> ListAsync<TDto, TModel>(Uri first, JsonTypeInfo<PageDto<TDto>> type,
        Func<TDto, string, string, TModel> map, [EnumeratorCancellation] CancellationToken ct, RateLimiter? limiter = null, bool isJobCall = false)
        where TDto : class
    {
        var uri = first;
        string? previousToken = null;
        while (true)
        {
            var request = new FabricRequest(HttpMethod.Get, uri, SendMode.Idempotent) { Limiter = limiter, WaitForLimiter = limiter != null, IsJobCall = isJobCall };
            var page = await _http.SendAsync(request, (r, t) => FabricHttp.ReadJsonAsync(r, type, t), ct).ConfigureAwait(false);
            var path = request.Path;
            var items = page.Value;
            page.Value = null; // let the page go while the consumer works through its items
            if (items != null)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    var dto = items[i];
                    items[i] = null!;
                    if (dto != null)
                    {
                        yield return map(dto, "GET", path);
                    }
                }
            }
            var token = ContinuationTokenOf(page, path);
            if (token == null)
            {
                yield break;
            }

            if (token == previousToken)
            {
                throw new FabricProtocolException("The service returned the same continuation twice; stopping the list instead of looping.", "GET", path);
            }

            previousToken = token;
            uri = WithContinuationToken(first, token);
        }
    }

    /// <summary>The page's continuation token (escaped as it goes into a query), from the token or else from the URI's query; null on the last page.</summary>
    private static string? ContinuationTokenOf<TDto>(PageDto<TDto> page, string path)
    {
        if (!string.IsNullOrWhiteSpace(page.ContinuationToken))
        {
            var token = page.ContinuationToken!.Trim();
            // The service writes the token already percent-encoded; encode only what is not.
            return token.IndexOf('%') >= 0 ? token : Uri.EscapeDataString(token);
        }
        if (string.IsNullOrWhiteSpace(page.ContinuationUri))
        {
            return null;
        }

        var text = page.ContinuationUri!.Trim().Split('#')[0];
        var q = text.IndexOf('?');
        if (q >= 0)
        {
            foreach (var part in text.Substring(q + 1).Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith("continuationToken=", StringComparison.OrdinalIgnoreCase) && part.Length > "continuationToken=".Length)
                {
                    return part.Substring("continuationToken=".Length);
                }
            }
        }
        throw new FabricProtocolException("The service returned a continuationUri that carries no continuationToken, so the rest of the list cannot be read.", "GET", path);
    }

    private static Uri WithContinuationToken(Uri first, string escapedToken)
    {
        var kept = new List<string>();
        foreach (var part in first.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("continuationToken=", StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(part);
            }
        }

        kept.Add("continuationToken=" + escapedToken);
        return new Uri(first.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", kept));
    }

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    public void Dispose() => _http.Dispose();

    public override string ToString() => $"FabricClient({Endpoint})";
}
