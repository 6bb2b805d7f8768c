using System;
using System.Collections.Generic;
using System.Threading;
using MlvFabric.Emulator.Jobs;

namespace MlvFabric.Emulator.State;

/// <summary>
/// A lakehouse: its MLV lineage, run settings, schedules, execution definitions and job instances.
/// Everything mutable here is guarded by <see cref="Gate"/> (one lock per lakehouse: requests on different
/// lakehouses never contend).
/// </summary>
internal sealed class Lakehouse : Item
{
    private long _nextJobSeq;

    public Lakehouse(Guid id, Workspace workspace, string displayName, string description, long seq,
        Lineage lineage, LakehouseSettings settings, int randomSeed)
        : base(id, workspace, LakehouseType, displayName, description, seq)
    {
        Lineage = lineage;
        Settings = settings;
        Random = new Random(unchecked(randomSeed * 397 ^ id.GetHashCode()));
    }

    public Lock Gate { get; } = new();
    public Lineage Lineage { get; }
    public LakehouseSettings Settings { get; set; }

    /// <summary>Outcome draws (failure rate), deterministic per lakehouse from the emulator's random seed.</summary>
    public Random Random { get; }

    /// <summary>Ascending <see cref="Schedule.Seq"/>.</summary>
    public List<Schedule> Schedules { get; } = new();

    /// <summary>Ascending <see cref="ExecutionDefinition.Seq"/>.</summary>
    public List<ExecutionDefinition> Definitions { get; } = new();

    /// <summary>Ascending <see cref="JobInstance.Seq"/> (creation order); history instances first.</summary>
    public List<JobInstance> Jobs { get; } = new();
    public Dictionary<Guid, JobInstance> JobsById { get; } = new();

    /// <summary>Jobs sequence numbers: history uses negative ones so it sorts before every live run.</summary>
    public long NextJobSeq() => Interlocked.Increment(ref _nextJobSeq);

    public long HistorySeqFloor { get; set; }

    /// <summary>Finished <c>TableMaintenance</c> runs the seed puts in the history at start and reset.</summary>
    public int SeedTableMaintenanceRuns { get; init; }

    public Schedule? FindSchedule(Guid id) => Schedules.Find(s => s.Id == id);

    public ExecutionDefinition? FindDefinition(Guid id) => Definitions.Find(d => d.Id == id);
}
