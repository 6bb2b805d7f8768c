using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

/// <summary>
/// Per-context cache of the workspace and lakehouse lists used to turn names into ids, so a pipeline over
/// hundreds of lakehouses lists each workspace once. Concurrent callers share one in-flight request.
/// </summary>
internal sealed class NameCache
{
    private readonly object _gate = new object();
    private Task<IReadOnlyList<MlvWorkspace>>? _workspaces;
    private readonly ConcurrentDictionary<Guid, Task<IReadOnlyList<MlvLakehouse>>> _lakehouses =
        new ConcurrentDictionary<Guid, Task<IReadOnlyList<MlvLakehouse>>>();

    public Task<IReadOnlyList<MlvWorkspace>> GetWorkspacesAsync(FabricClient client, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_workspaces is null || _workspaces.IsFaulted || _workspaces.IsCanceled)
            {
                // The shared request must not die with the first caller's Ctrl+C.
                _workspaces = CollectAsync(client.ListWorkspacesAsync(CancellationToken.None));
            }

            return _workspaces.WaitAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<MlvLakehouse>> GetLakehousesAsync(FabricClient client, Guid workspaceId, CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<MlvLakehouse>> task = _lakehouses.AddOrUpdate(
            workspaceId,
            id => CollectAsync(client.ListLakehousesAsync(id, CancellationToken.None)),
            (id, existing) => existing.IsFaulted || existing.IsCanceled ? CollectAsync(client.ListLakehousesAsync(id, CancellationToken.None)) : existing);
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>Forget everything (after a change that could rename or add items).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _workspaces = null;
        }

        _lakehouses.Clear();
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
