using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace MlvFabric.Emulator.State;

/// <summary>
/// The tenant: workspaces, their items, and (inside each lakehouse) schedules, definitions and jobs. Reset swaps
/// the whole object, so nothing here needs to be cleared in place.
/// </summary>
internal sealed class EmulatorState
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<Guid, Workspace> _byId = new();
    private Workspace[] _workspaces = Array.Empty<Workspace>();
    private Lakehouse[] _lakehouses = Array.Empty<Lakehouse>();
    private long _seq;

    public EmulatorState(Guid tenantId, int randomSeed)
    {
        TenantId = tenantId;
        RandomSeed = randomSeed;
    }

    public Guid TenantId { get; }
    public int RandomSeed { get; }

    /// <summary>Workspaces in creation order (ascending Seq).</summary>
    public Workspace[] Workspaces => _workspaces;

    /// <summary>Every lakehouse of every workspace (for the scheduler).</summary>
    public Lakehouse[] Lakehouses => _lakehouses;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public Workspace? FindWorkspace(Guid id) => _byId.TryGetValue(id, out var ws) ? ws : null;

    public Workspace? FindWorkspace(string name) =>
        _workspaces.FirstOrDefault(w => string.Equals(w.DisplayName, name, StringComparison.OrdinalIgnoreCase));

    public Lakehouse? FindLakehouse(Guid id)
    {
        foreach (var lh in _lakehouses)
        {
            if (lh.Id == id)
            {
                return lh;
            }
        }

        return null;
    }

    public Workspace AddWorkspace(string name, Guid? id = null, string? description = null, Guid? capacityId = null)
    {
        lock (_gate)
        {
            var ws = new Workspace(id ?? StableIds.Workspace(name), name, description ?? "",
                capacityId ?? StableIds.Capacity("F64"), NextSeq());
            if (!_byId.TryAdd(ws.Id, ws))
            {
                throw new ArgumentException($"A workspace with id {ws.Id} already exists.");
            }

            _workspaces = _workspaces.Append(ws).ToArray();
            return ws;
        }
    }

    public Lakehouse AddLakehouse(Workspace ws, SeedLakehouse seed)
    {
        var lh = CreateLakehouse(ws, seed);
        AddItems(ws, new Item[] { lh });
        return lh;
    }

    public Lakehouse CreateLakehouse(Workspace ws, SeedLakehouse seed)
    {
        if (string.IsNullOrWhiteSpace(seed.Name))
        {
            throw new ArgumentException("A lakehouse needs a name.");
        }

        var settings = new LakehouseSettings();
        if (seed.DurationSeconds is { } d)
        {
            settings.DurationSeconds = d;
        }

        if (seed.QueueSeconds is { } q)
        {
            settings.QueueSeconds = q;
        }

        if (seed.FailureRate is { } f)
        {
            settings.FailureRate = f;
        }

        if (seed.FailureCode != null)
        {
            settings.FailureCode = seed.FailureCode;
        }

        if (seed.FailureMessage != null)
        {
            settings.FailureMessage = seed.FailureMessage;
        }

        var lineage = new Lineage(seed.Mlvs.Select(m => new MlvNode(m.Name, m.DependsOn)));
        var id = seed.Id != null ? Guid.Parse(seed.Id) : StableIds.Lakehouse(ws.DisplayName, seed.Name);
        return new Lakehouse(id, ws, seed.Name, seed.Description ?? "", NextSeq(), lineage, settings, RandomSeed)
        {
            SeedTableMaintenanceRuns = seed.TableMaintenanceRuns is { } n and >= 0 and <= 10_000 ? n
                : seed.TableMaintenanceRuns is null ? 0
                : throw new ArgumentException($"Lakehouse '{seed.Name}': tableMaintenanceRuns must be 0 to 10000."),
        };
    }

    public void AddItems(Workspace ws, IReadOnlyCollection<Item> items)
    {
        lock (_gate)
        {
            ws.AddRange(items);
            var added = items.OfType<Lakehouse>().ToArray();
            if (added.Length > 0)
            {
                _lakehouses = _lakehouses.Concat(added).ToArray();
            }
        }
    }

    /// <summary>Builds a tenant from a seed document.</summary>
    public static EmulatorState Build(SeedDocument seed, int randomSeed)
    {
        var tenantId = seed.TenantId != null ? Guid.Parse(seed.TenantId) : StableIds.Tenant(seed.TenantName ?? "Contoso");
        var state = new EmulatorState(tenantId, randomSeed);
        foreach (var sw in seed.Workspaces)
        {
            if (string.IsNullOrWhiteSpace(sw.Name))
            {
                throw new ArgumentException("Every seed workspace needs a name.");
            }

            var ws = state.AddWorkspace(sw.Name, sw.Id is null ? null : Guid.Parse(sw.Id), sw.Description,
                sw.CapacityId is null ? null : Guid.Parse(sw.CapacityId));
            var items = new List<Item>();
            foreach (var sl in sw.Lakehouses)
            {
                items.Add(state.CreateLakehouse(ws, sl));
            }

            foreach (var si in sw.Items)
            {
                var id = si.Id != null ? Guid.Parse(si.Id) : StableIds.Item(sw.Name, si.Name);
                items.Add(new Item(id, ws, si.Type, si.Name, si.Description ?? "", state.NextSeq()));
            }
            state.AddItems(ws, items);
        }
        return state;
    }
}
