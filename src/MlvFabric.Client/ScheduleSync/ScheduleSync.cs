using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

/// <summary>The whole plan of a sync, or the problems that stop it (then nothing is sent).</summary>
public sealed class ScheduleSyncPlan
{
    public IReadOnlyList<ScheduleSyncLakehouse> Lakehouses { get; internal set; } = Array.Empty<ScheduleSyncLakehouse>();
    public IReadOnlyList<MlvScheduleSyncChange> Changes { get; internal set; } = Array.Empty<MlvScheduleSyncChange>();
    public IReadOnlyList<ScheduleFileProblem> Problems { get; internal set; } = Array.Empty<ScheduleFileProblem>();
}

/// <summary>
/// Sync-MlvSchedule's engine: resolves the file's lakehouses, reads their schedules and execution definitions (reads
/// only), plans every change, then applies them lakehouse by lakehouse. A failed change stops the rest of its
/// lakehouse (they are NotAttempted: their order matters) and the other lakehouses go on; a rerun plans what is left.
/// </summary>
public static class ScheduleSync
{
    /// <summary>Reads the estate for <paramref name="file"/> and plans. Sends no write.</summary>
    /// <param name="client"></param>
    /// <param name="file"></param>
    /// <param name="prune"></param>
    /// <param name="workspaces">The workspaces the caller can see (a cached list is fine).</param>
    /// <param name="lakehouses">A workspace's lakehouses (a cached list is fine).</param>
    /// <param name="ct"></param>
    public static async Task<ScheduleSyncPlan> PlanAsync(FabricClient client, ScheduleFile file, bool prune,
        Func<CancellationToken, Task<IReadOnlyList<MlvWorkspace>>> workspaces,
        Func<Guid, CancellationToken, Task<IReadOnlyList<MlvLakehouse>>> lakehouses,
        CancellationToken ct)
    {
        var name = System.IO.Path.GetFileName(file.Path);
        var problems = new List<ScheduleFileProblem>();
        var resolved = new List<ScheduleSyncLakehouse>();
        var allWorkspaces = file.Lakehouses.Count == 0 ? Array.Empty<MlvWorkspace>() : await workspaces(ct).ConfigureAwait(false);
        foreach (var entry in file.Lakehouses)
        {
            var ws = Find(allWorkspaces, entry.WorkspaceId, entry.WorkspaceName, w => w.Id, w => w.DisplayName);
            if (ws == null)
            {
                problems.Add(new ScheduleFileProblem(name, entry.Describe(),
                    $"workspace {Named(entry.WorkspaceName, entry.WorkspaceId)} was not found. Check the name (Get-MlvWorkspace) and that you can see it."));
                continue;
            }
            var items = await lakehouses(ws.Id, ct).ConfigureAwait(false);
            var lh = Find(items, entry.LakehouseId, entry.LakehouseName, l => l.Id, l => l.DisplayName);
            if (lh == null)
            {
                problems.Add(new ScheduleFileProblem(name, entry.Describe(),
                    $"lakehouse {Named(entry.LakehouseName, entry.LakehouseId)} was not found in workspace '{ws.DisplayName}'. Check the name (Get-MlvLakehouse -WorkspaceName '{ws.DisplayName}')."));
                continue;
            }
            var twin = resolved.FirstOrDefault(r => r.LakehouseId == lh.Id);
            if (twin != null)
            {
                problems.Add(new ScheduleFileProblem(name, entry.Describe(), $"is the same lakehouse as {twin.Entry.Describe()}. Keep one entry per lakehouse."));
                continue;
            }
            resolved.Add(new ScheduleSyncLakehouse(entry, ws.Id, ws.DisplayName, lh.Id, lh.DisplayName));
        }
        if (problems.Count > 0)
        {
            return new ScheduleSyncPlan { Problems = problems };
        }

        foreach (var lakehouse in resolved)
        {
            lakehouse.Schedules = await client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, ct).ToListAsync(ct).ConfigureAwait(false);
            lakehouse.ExecutionDefinitions = await client.ListExecutionDefinitionsAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, ct).ToListAsync(ct).ConfigureAwait(false);
        }
        var changes = SchedulePlanner.Plan(resolved, prune, name, problems);
        return problems.Count > 0
            ? new ScheduleSyncPlan { Lakehouses = resolved, Problems = problems }
            : new ScheduleSyncPlan { Lakehouses = resolved, Changes = changes };
    }

    /// <summary>
    /// Applies the plan in order. <paramref name="confirm"/> is asked before each change (false: it stays Planned);
    /// <paramref name="done"/> hears about each change once its status is final.
    /// </summary>
    public static async Task ApplyAsync(FabricClient client, ScheduleSyncPlan plan, Func<MlvScheduleSyncChange, Task<bool>> confirm,
        Action<MlvScheduleSyncChange> done, CancellationToken ct)
    {
        foreach (var group in plan.Changes.GroupBy(c => c.LakehouseId))
        {
            var failed = false;
            foreach (var change in group)
            {
                if (failed)
                {
                    change.Status = MlvScheduleSyncStatus.NotAttempted;
                    done(change);
                    continue;
                }
                if (!await confirm(change).ConfigureAwait(false))
                {
                    done(change);
                    continue;
                }
                try
                {
                    await ApplyOneAsync(client, change, ct).ConfigureAwait(false);
                    change.Status = MlvScheduleSyncStatus.Applied;
                }
                catch (Exception ex) when (ex is FabricException || ex is TimeoutException || ex is InvalidOperationException)
                {
                    change.Status = MlvScheduleSyncStatus.Failed;
                    change.Error = ex.Message;
                    change.Exception = ex;
                    failed = true;
                }
                done(change);
            }
        }
    }

    private static async Task ApplyOneAsync(FabricClient client, MlvScheduleSyncChange c, CancellationToken ct)
    {
        var lakehouse = c.Lakehouse!;
        var ws = c.WorkspaceId;
        var lh = c.LakehouseId;
        switch (c.Action)
        {
            case MlvScheduleSyncAction.CreateDefinition:
                var created = await client.CreateExecutionDefinitionAsync(ws, lh, c.DefinitionRequest!, ct).ConfigureAwait(false);
                c.ExecutionDefinitionId = created.Id;
                lakehouse.DefinitionIds[c.DefinitionName!] = created.Id;
                break;
            case MlvScheduleSyncAction.UpdateDefinition:
                await client.UpdateExecutionDefinitionAsync(ws, lh, c.ExecutionDefinitionId!.Value, c.DefinitionRequest!, ct).ConfigureAwait(false);
                break;
            case MlvScheduleSyncAction.RemoveDefinition:
                await client.DeleteExecutionDefinitionAsync(ws, lh, c.ExecutionDefinitionId!.Value, ct).ConfigureAwait(false);
                break;
            case MlvScheduleSyncAction.RemoveSchedule:
                await client.DeleteScheduleAsync(ws, lh, c.ScheduleId!.Value, ct).ConfigureAwait(false);
                break;
            case MlvScheduleSyncAction.CreateSchedule:
                if (c.DefinitionName != null)
                {
                    if (!lakehouse.DefinitionIds.TryGetValue(c.DefinitionName, out var definitionId))
                    {
                        throw new InvalidOperationException($"Execution definition '{c.DefinitionName}' of {lakehouse.Label} does not exist (its creation did not happen).");
                    }

                    c.ScheduleRequest!.ExecutionDefinitionId = definitionId;
                    c.ExecutionDefinitionId = definitionId;
                }
                var schedule = await client.CreateScheduleAsync(ws, lh, c.ScheduleRequest!, ct).ConfigureAwait(false);
                c.ScheduleId = schedule.Id;
                break;
            default: // Update, Enable, Disable: the API replaces the whole schedule
                await client.UpdateScheduleAsync(ws, lh, c.ScheduleId!.Value, c.ScheduleRequest!, ct).ConfigureAwait(false);
                break;
        }
    }

    private static T? Find<T>(IReadOnlyList<T> items, Guid? id, string? name, Func<T, Guid> idOf, Func<T, string?> nameOf)
        where T : class
    {
        if (id is Guid wanted)
        {
            var byId = items.FirstOrDefault(i => idOf(i) == wanted);
            if (byId != null)
            {
                return byId;
            }
        }
        // An id from another environment (a file promoted from test to production) falls back to the name.
        if (name == null)
        {
            return null;
        }

        var byName = items.Where(i => string.Equals(nameOf(i), name, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count == 1 ? byName[0] : null;
    }

    private static string Named(string? name, Guid? id) =>
        name != null && id != null ? $"'{name}' ({id})" : name != null ? $"'{name}'" : $"{id}";
}
