using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace MlvFabric.Emulator.State;

/// <summary>A workspace and its items (items are added, never removed, so readers take a copy-on-write array).</summary>
internal sealed class Workspace
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<Guid, Item> _byId = new();
    private Item[] _items = Array.Empty<Item>();

    public Workspace(Guid id, string displayName, string description, Guid capacityId, long seq)
    {
        Id = id;
        DisplayName = displayName;
        Description = description;
        CapacityId = capacityId;
        Seq = seq;
    }

    public Guid Id { get; }
    public string DisplayName { get; }
    public string Description { get; }
    public Guid CapacityId { get; }
    public long Seq { get; }

    /// <summary>Items in creation order (ascending <see cref="Item.Seq"/>).</summary>
    public Item[] Items => _items;

    public Item? Find(Guid id) => _byId.TryGetValue(id, out var item) ? item : null;

    public Item? FindByName(string name) =>
        _items.FirstOrDefault(i => string.Equals(i.DisplayName, name, StringComparison.OrdinalIgnoreCase));

    public void Add(Item item)
    {
        lock (_gate)
        {
            if (!_byId.TryAdd(item.Id, item))
            {
                throw new ArgumentException($"Workspace '{DisplayName}' already has an item with id {item.Id}.");
            }

            _items = _items.Append(item).ToArray();
        }
    }

    public void AddRange(IReadOnlyCollection<Item> items)
    {
        lock (_gate)
        {
            foreach (var item in items)
            {
                if (!_byId.TryAdd(item.Id, item))
                {
                    throw new ArgumentException($"Workspace '{DisplayName}' already has an item with id {item.Id}.");
                }
            }

            _items = _items.Concat(items).ToArray();
        }
    }
}

/// <summary>Any Fabric item (only lakehouses run MLV jobs).</summary>
internal class Item
{
    public const string LakehouseType = "Lakehouse";

    public Item(Guid id, Workspace workspace, string type, string displayName, string description, long seq)
    {
        Id = id;
        Workspace = workspace;
        Type = type;
        DisplayName = displayName;
        Description = description;
        Seq = seq;
    }

    public Guid Id { get; }
    public Workspace Workspace { get; }
    public string Type { get; }
    public string DisplayName { get; }
    public string Description { get; }
    public long Seq { get; }

    public bool IsLakehouse => Type == LakehouseType;
}
