using System;
using System.Collections.Generic;
using System.Linq;

namespace MlvFabric.Emulator.State;

/// <summary>One materialized lake view: <c>schema.name</c> and the views of the same lakehouse it reads.</summary>
internal sealed class MlvNode
{
    public MlvNode(string name, IEnumerable<string>? dependsOn)
    {
        Name = name;
        DependsOn = dependsOn?.ToList() ?? new List<string>();
    }

    public string Name { get; }
    public List<string> DependsOn { get; }
}

/// <summary>
/// The MLV lineage of a lakehouse (a DAG). Names compare case-insensitively. Guarded by the owning lakehouse's lock.
/// </summary>
internal sealed class Lineage
{
    private readonly List<MlvNode> _nodes = new();

    public Lineage(IEnumerable<MlvNode> nodes)
    {
        foreach (var n in nodes)
        {
            Add(n);
        }
    }

    public IReadOnlyList<MlvNode> Nodes => _nodes;

    public int Count => _nodes.Count;

    public MlvNode? Find(string name) =>
        _nodes.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    public void Add(MlvNode node)
    {
        if (Find(node.Name) != null)
        {
            throw new ArgumentException($"The lineage already has an MLV named '{node.Name}'.");
        }

        _nodes.Add(node);
    }

    /// <summary>Removes a view and every edge to it; false when there is none.</summary>
    public bool Remove(string name)
    {
        var node = Find(name);
        if (node is null)
        {
            return false;
        }

        _nodes.Remove(node);
        foreach (var n in _nodes)
        {
            n.DependsOn.RemoveAll(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase));
        }

        return true;
    }

    /// <summary>Every view, upstream before downstream.</summary>
    public string[] All() => Order(_nodes.Select(n => n.Name));

    /// <summary>
    /// The views a run of <paramref name="selected"/> refreshes: the selected ones and everything upstream of them
    /// (what they need), upstream first; <paramref name="missing"/> gets selected names the lineage lacks.
    /// </summary>
    public string[] Expand(IEnumerable<string> selected, out string[] missing)
    {
        var miss = new List<string>();
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stack = new Stack<string>();
        foreach (var s in selected)
        {
            var node = Find(s);
            if (node is null)
            {
                miss.Add(s);
            }
            else
            {
                stack.Push(node.Name);
            }
        }
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (!set.Add(name))
            {
                continue;
            }

            foreach (var up in Find(name)?.DependsOn ?? new List<string>())
            {
                if (Find(up) is { } upNode)
                {
                    stack.Push(upNode.Name);
                }
            }
        }
        missing = miss.ToArray();
        return Order(set);
    }

    /// <summary>Topological order (upstream first) of the given names; ties keep lineage order.</summary>
    private string[] Order(IEnumerable<string> names)
    {
        var wanted = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        void Visit(MlvNode n, int depth)
        {
            if (done.Contains(n.Name) || depth > _nodes.Count)
            {
                return;
            }

            foreach (var up in n.DependsOn)
            {
                if (Find(up) is { } u)
                {
                    Visit(u, depth + 1);
                }
            }

            if (done.Add(n.Name) && wanted.Contains(n.Name))
            {
                result.Add(n.Name);
            }
        }
        foreach (var n in _nodes)
        {
            Visit(n, 0);
        }

        return result.ToArray();
    }
}
