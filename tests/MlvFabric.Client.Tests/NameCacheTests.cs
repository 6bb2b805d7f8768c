using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>The session's name cache: lists shared and kept for their lifetime, one reload on a miss, names remembered.</summary>
public sealed class NameCacheTests
{
    private static readonly Guid Sales = Guid.NewGuid();

    private readonly List<MlvWorkspace> _workspaces = new List<MlvWorkspace> { new MlvWorkspace { Id = Sales, DisplayName = "Sales" } };
    private DateTime _now = new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);
    private int _workspaceLoads;
    private int _lakehouseLoads;
    private TaskCompletionSource<bool>? _gate;

    private NameCache NewCache() => new NameCache(ListWorkspaces, ListLakehouses, () => _now);

    [Fact]
    public async Task ConcurrentLookupsShareOneListAndLaterOnesReuseIt()
    {
        var cache = NewCache();
        _gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = cache.GetWorkspacesAsync(CancellationToken.None);
        var second = cache.GetWorkspacesAsync(CancellationToken.None);
        _gate.SetResult(true);
        await Task.WhenAll(first, second);
        var third = await cache.GetWorkspacesAsync(CancellationToken.None);

        Assert.Equal(1, _workspaceLoads);
        Assert.Same(await first, third);
    }

    [Fact]
    public async Task AListOlderThanItsLifetimeIsReadAgain()
    {
        var cache = NewCache();
        await cache.GetLakehousesAsync(Sales, CancellationToken.None);

        _now += NameCache.Lifetime;
        await cache.GetLakehousesAsync(Sales, CancellationToken.None);
        Assert.Equal(1, _lakehouseLoads);

        _now += TimeSpan.FromSeconds(1);
        await cache.GetLakehousesAsync(Sales, CancellationToken.None);
        Assert.Equal(2, _lakehouseLoads);
    }

    [Fact]
    public async Task AMissReloadsOnceAndFindsAWorkspaceCreatedSinceTheListWasRead()
    {
        var cache = NewCache();
        await cache.GetWorkspacesAsync(CancellationToken.None);
        _workspaces.Add(new MlvWorkspace { Id = Guid.NewGuid(), DisplayName = "Marketing" });

        var found = await cache.GetWorkspacesAsync(CancellationToken.None, list => list.Any(w => w.DisplayName == "Marketing"));
        var stillMissing = await cache.GetWorkspacesAsync(CancellationToken.None, list => list.Any(w => w.DisplayName == "Nowhere"));

        Assert.Contains(found, w => w.DisplayName == "Marketing");
        Assert.DoesNotContain(stillMissing, w => w.DisplayName == "Nowhere");
        // One load, one reload for the miss, one reload for the second miss: never a loop.
        Assert.Equal(3, _workspaceLoads);
    }

    [Fact]
    public async Task AFirstLoadIsNotReadAgainForAMiss()
    {
        var cache = NewCache();

        await cache.GetWorkspacesAsync(CancellationToken.None, _ => false);

        Assert.Equal(1, _workspaceLoads);
    }

    [Fact]
    public async Task ACallerThatStopsWaitingDoesNotCancelTheSharedList()
    {
        var cache = NewCache();
        _gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();

        var abandoned = cache.GetWorkspacesAsync(cts.Token);
        var patient = cache.GetWorkspacesAsync(CancellationToken.None);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        _gate.SetResult(true);

        Assert.Single(await patient);
        Assert.Equal(1, _workspaceLoads);
    }

    [Fact]
    public void NamesReadAreRememberedUntilCleared()
    {
        var cache = NewCache();
        var lakehouse = Guid.NewGuid();
        cache.Remember(new MlvWorkspace { Id = Sales, DisplayName = "Sales" });
        cache.Remember(new MlvLakehouse { Id = lakehouse, DisplayName = "Gold" });
        cache.Remember(new MlvLakehouse { Id = Guid.NewGuid(), DisplayName = null });

        Assert.Equal("Sales", cache.WorkspaceName(Sales));
        Assert.Equal("Gold", cache.LakehouseName(lakehouse));
        Assert.Null(cache.WorkspaceName(Guid.NewGuid()));

        cache.Clear();
        Assert.Null(cache.WorkspaceName(Sales));
        Assert.Null(cache.LakehouseName(lakehouse));
    }

    private FabricAsyncSequence<MlvWorkspace> ListWorkspaces(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _workspaceLoads);
        return new FabricAsyncSequence<MlvWorkspace>(Items(_workspaces.ToList(), _gate?.Task));
    }

    private FabricAsyncSequence<MlvLakehouse> ListLakehouses(Guid workspaceId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lakehouseLoads);
        return new FabricAsyncSequence<MlvLakehouse>(Items(new List<MlvLakehouse> { new MlvLakehouse { Id = Guid.NewGuid(), DisplayName = "Gold", WorkspaceId = workspaceId } }, null));
    }

    private static async IAsyncEnumerable<T> Items<T>(List<T> items, Task? gate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (gate is not null)
        {
            await gate.ConfigureAwait(false);
        }

        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }
}
