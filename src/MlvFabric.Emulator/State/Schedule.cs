using System;
using System.Collections.Generic;
using MlvFabric.Emulator.Auth;
using MlvFabric.Scheduling;

namespace MlvFabric.Emulator.State;

/// <summary>A job schedule of a lakehouse. Mutated only under the lakehouse lock.</summary>
internal sealed class Schedule
{
    public Schedule(Guid id, long seq, DateTime createdUtc)
    {
        Id = id;
        Seq = seq;
        CreatedUtc = createdUtc;
    }

    public Guid Id { get; }
    public long Seq { get; }
    public DateTime CreatedUtc { get; }
    public bool Enabled { get; set; }
    public ScheduleConfiguration Configuration { get; set; } = new();
    public CallerIdentity Owner { get; set; } = null!;
    public Guid? ExecutionDefinitionId { get; set; }

    // Scheduler state: the lazy sequence of fire instants after the moment it was (re)armed.
    public IEnumerator<DateTime>? Pending { get; set; }
    public DateTime? NextFireUtc { get; set; }
}
