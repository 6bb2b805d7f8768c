using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Session;

/// <summary>
/// Per-context cache of the workspace and lakehouse lists used to turn names into ids, so a pipeline over
/// hundreds of lakehouses lists each workspace once. Concurrent callers share one in-flight request. Entries live
/// <see cref="Lifetime"/>; a lookup that finds no match in an entry loaded before it reloads the entry once (a
/// workspace or lakehouse created during the session is found without reconnecting).
/// </summary>
internal sealed class NameCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly Entry<MlvWorkspace> _workspaces = new Entry<MlvWorkspace>();
    private readonly ConcurrentDictionary<Guid, Entry<MlvLakehouse>> _lakehouses = new ConcurrentDictionary<Guid, Entry<MlvLakehouse>>();

    /// <summary>
    /// The workspaces; when <paramref name="satisfied"/> says a list loaded before this lookup lacks what the caller
    /// looks for, the list is read again (once).
    /// </summary>
    public Task<IReadOnlyList<MlvWorkspace>> GetWorkspacesAsync(FabricClient client, CancellationToken cancellationToken,
        Func<IReadOnlyList<MlvWorkspace>, bool>? satisfied = null) =>
        _workspaces.GetAsync(() => client.ListWorkspacesAsync(CancellationToken.None), satisfied, cancellationToken);

    public Task<IReadOnlyList<MlvLakehouse>> GetLakehousesAsync(FabricClient client, Guid workspaceId, CancellationToken cancellationToken,
        Func<IReadOnlyList<MlvLakehouse>, bool>? satisfied = null) =>
        _lakehouses.GetOrAdd(workspaceId, _ => new Entry<MlvLakehouse>())
            .GetAsync(() => client.ListLakehousesAsync(workspaceId, CancellationToken.None), satisfied, cancellationToken);

    /// <summary>Forget everything (after a change that could rename or add items).</summary>
    public void Clear()
    {
        _workspaces.Clear();
        _lakehouses.Clear();
    }

    private sealed class Entry<T>
    {
        private readonly object _gate = new object();
        private Task<IReadOnlyList<T>>? _list;
        private DateTime _loadedUtc;

        public async Task<IReadOnlyList<T>> GetAsync(Func<FabricAsyncSequence<T>> load, Func<IReadOnlyList<T>, bool>? satisfied, CancellationToken cancellationToken)
        {
            (var current, var loadedNow) = Current(load, previous: null);
            var list = await current.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (loadedNow || satisfied is null || satisfied(list))
            {
                return list;
            }

            return await Current(load, previous: current).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                var reload = _list is null || _list.IsFaulted || _list.IsCanceled
                              || (_list.IsCompleted && DateTime.UtcNow - _loadedUtc > Lifetime)
                              || (previous is not null && _list == previous);
                if (reload)
                {
                    _loadedUtc = DateTime.UtcNow;
                    _list = CollectAsync(load());
                }

                return (_list!, reload);
            }
        }
    }

    private static async Task<IReadOnlyList<T>> CollectAsync<T>(FabricAsyncSequence<T> source) =>
        await source.ToListAsync().ConfigureAwait(false);
}

internal static class TaskExtensions
{
    /// <summary>netstandard2.0 has no Task.WaitAsync: lets one caller stop waiting without cancelling the shared task.</summary>
    public static async Task<T> WaitAsync<T>(this Task<T> task, CancellationToken cancellationToken)
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
