using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

/// <summary>
/// The session's one name cache (<see cref="FabricClient.Names"/>), for two uses.
/// <para>Names to ids: the workspace list and each workspace's lakehouse list, so a pipeline over hundreds of
/// lakehouses lists each workspace once. Concurrent callers share one in-flight request. Lists live
/// <see cref="Lifetime"/>; a lookup that finds no match in a list loaded before it reloads the list once (a workspace
/// or lakehouse created during the session is found without reconnecting).</para>
/// <para>Ids to names: every workspace and lakehouse the client reads (in a list or alone) is remembered, so results
/// that the service returns without names (schedules, jobs, definitions) are labelled without a request.</para>
/// </summary>
public sealed class NameCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly Func<CancellationToken, FabricAsyncSequence<MlvWorkspace>> _listWorkspaces;
    private readonly Func<Guid, CancellationToken, FabricAsyncSequence<MlvLakehouse>> _listLakehouses;
    private readonly Func<DateTime> _utcNow;
    private readonly Entry<MlvWorkspace> _workspaces;
    private readonly ConcurrentDictionary<Guid, Entry<MlvLakehouse>> _lakehouses = new ConcurrentDictionary<Guid, Entry<MlvLakehouse>>();
    private readonly ConcurrentDictionary<Guid, string> _workspaceNames = new ConcurrentDictionary<Guid, string>();
    private readonly ConcurrentDictionary<Guid, string> _lakehouseNames = new ConcurrentDictionary<Guid, string>();

    internal NameCache(
        Func<CancellationToken, FabricAsyncSequence<MlvWorkspace>> listWorkspaces,
        Func<Guid, CancellationToken, FabricAsyncSequence<MlvLakehouse>> listLakehouses,
        Func<DateTime>? utcNow = null)
    {
        _listWorkspaces = listWorkspaces;
        _listLakehouses = listLakehouses;
        _utcNow = utcNow ?? (() => DateTime.UtcNow);
        _workspaces = new Entry<MlvWorkspace>(this);
    }

    /// <summary>
    /// The workspaces; when <paramref name="satisfied"/> says a list loaded before this lookup lacks what the caller
    /// looks for, the list is read again (once).
    /// </summary>
    public Task<IReadOnlyList<MlvWorkspace>> GetWorkspacesAsync(CancellationToken cancellationToken,
        Func<IReadOnlyList<MlvWorkspace>, bool>? satisfied = null) =>
        _workspaces.GetAsync(() => _listWorkspaces(CancellationToken.None), satisfied, cancellationToken);

    /// <summary>The lakehouses of one workspace; reloaded once on a miss, as <see cref="GetWorkspacesAsync"/>.</summary>
    public Task<IReadOnlyList<MlvLakehouse>> GetLakehousesAsync(Guid workspaceId, CancellationToken cancellationToken,
        Func<IReadOnlyList<MlvLakehouse>, bool>? satisfied = null) =>
        _lakehouses.GetOrAdd(workspaceId, _ => new Entry<MlvLakehouse>(this))
            .GetAsync(() => _listLakehouses(workspaceId, CancellationToken.None), satisfied, cancellationToken);

    /// <summary>Name of a workspace this session has already read (no request), or null.</summary>
    public string? WorkspaceName(Guid workspaceId) => _workspaceNames.TryGetValue(workspaceId, out var n) ? n : null;

    /// <summary>Name of a lakehouse this session has already read (no request), or null.</summary>
    public string? LakehouseName(Guid lakehouseId) => _lakehouseNames.TryGetValue(lakehouseId, out var n) ? n : null;

    /// <summary>Forget everything (after a change that could rename or add items).</summary>
    public void Clear()
    {
        _workspaces.Clear();
        _lakehouses.Clear();
        _workspaceNames.Clear();
        _lakehouseNames.Clear();
    }

    internal void Remember(MlvWorkspace workspace)
    {
        if (workspace.DisplayName != null)
        {
            _workspaceNames[workspace.Id] = workspace.DisplayName;
        }
    }

    internal void Remember(MlvLakehouse lakehouse)
    {
        if (lakehouse.DisplayName != null)
        {
            _lakehouseNames[lakehouse.Id] = lakehouse.DisplayName;
        }
    }

    private sealed class Entry<T>
    {
        private readonly NameCache _owner;
        private readonly object _gate = new object();
        private Task<IReadOnlyList<T>>? _list;
        private DateTime _loadedUtc;

        public Entry(NameCache owner) => _owner = owner;

        public async Task<IReadOnlyList<T>> GetAsync(Func<FabricAsyncSequence<T>> load, Func<IReadOnlyList<T>, bool>? satisfied, CancellationToken cancellationToken)
        {
            var (current, loadedNow) = Current(load, previous: null);
            var list = await WaitAsync(current, cancellationToken).ConfigureAwait(false);
            if (loadedNow || satisfied == null || satisfied(list))
            {
                return list;
            }

            return await WaitAsync(Current(load, previous: current).Task, cancellationToken).ConfigureAwait(false);
        }

        public void Clear()
        {
            lock (_gate)
            {
                _list = null;
            }
        }

        // Reloads an entry that is missing, failed, past its lifetime, or (a miss) still the one the caller looked at.
        // The shared request must not die with the first caller's Ctrl+C: it runs without the caller's token.
        private (Task<IReadOnlyList<T>> Task, bool LoadedNow) Current(Func<FabricAsyncSequence<T>> load, Task<IReadOnlyList<T>>? previous)
        {
            lock (_gate)
            {
                var now = _owner._utcNow();
                var reload = _list == null || _list.IsFaulted || _list.IsCanceled
                              || (_list.IsCompleted && now - _loadedUtc > Lifetime)
                              || (previous != null && _list == previous);
                if (reload)
                {
                    _loadedUtc = now;
                    _list = CollectAsync(load());
                }

                return (_list!, reload);
            }
        }
    }

    private static async Task<IReadOnlyList<T>> CollectAsync<T>(FabricAsyncSequence<T> source) =>
        await source.ToListAsync().ConfigureAwait(false);

    // netstandard2.0 has no Task.WaitAsync: lets one caller stop waiting without cancelling the shared task.
    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || task.IsCompleted)
        {
            return await task.ConfigureAwait(false);
        }

        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        return await task.ConfigureAwait(false);
    }
}
