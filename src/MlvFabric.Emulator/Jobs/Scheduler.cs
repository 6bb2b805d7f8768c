using System;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator.State;
using MlvFabric.Scheduling;

namespace MlvFabric.Emulator.Jobs;

/// <summary>
/// Fires schedules: every occurrence in (armed, now] of every enabled schedule becomes a <c>Scheduled</c> job
/// instance whose startTimeUtc is the occurrence (dedupe judged at that instant). Runs from a background loop and,
/// synchronously, after every control-clock change. Passes are serialized by <see cref="Gate"/>.
/// </summary>
internal sealed class Scheduler
{
    private readonly EmulatorContext _emu;

    public Scheduler(EmulatorContext emu) => _emu = emu;

    public object Gate { get; } = new();

    /// <summary>(Re)arms a schedule to fire at its occurrences strictly after <paramref name="fromUtc"/>. Caller holds the lakehouse lock.</summary>
    public static void Arm(Schedule schedule, DateTime fromUtc)
    {
        schedule.Pending?.Dispose();
        schedule.Pending = ScheduleCalculator.Occurrences(schedule.Configuration, fromUtc).GetEnumerator();
        schedule.NextFireUtc = schedule.Pending.MoveNext() ? schedule.Pending.Current : null;
    }

    /// <summary>One pass at the current emulator time; returns the number of instances created.</summary>
    public int Tick()
    {
        lock (Gate)
        {
            var now = _emu.Clock.UtcNow;
            var fired = 0;
            foreach (var lh in _emu.State.Lakehouses)
            {
                if (lh.Schedules.Count == 0)
                {
                    continue;
                }

                lock (lh.Gate)
                {
                    foreach (var s in lh.Schedules)
                    {
                        fired += Fire(lh, s, now);
                    }
                }
            }
            return fired;
        }
    }

    /// <summary>After the clock moved backwards: re-arm every schedule from the new now.</summary>
    public void RearmAll()
    {
        lock (Gate)
        {
            var now = _emu.Clock.UtcNow;
            foreach (var lh in _emu.State.Lakehouses)
            {
                lock (lh.Gate)
                {
                    foreach (var s in lh.Schedules)
                    {
                        Arm(s, now);
                    }
                }
            }
        }
    }

    private int Fire(Lakehouse lh, Schedule s, DateTime now)
    {
        var fired = 0;
        if (!s.Enabled)
        {
            return 0;
        }

        var max = _emu.Settings.MaxFiresPerSchedulePass;
        while (s.NextFireUtc is { } at && at <= now)
        {
            if (fired < max)
            {
                var def = s.ExecutionDefinitionId is { } id ? lh.FindDefinition(id) : null;
                if (s.ExecutionDefinitionId is null || def != null)
                {
                    _emu.Jobs.Run(lh, "Scheduled", at, def, s.Id, at, s.Owner.Oid);
                    fired++;
                }
            }
            s.NextFireUtc = s.Pending!.MoveNext() ? s.Pending.Current : null;
        }
        return fired;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(10, _emu.StartupOptions.SchedulerTickMilliseconds));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    Tick();
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine("MlvFabric emulator: scheduler pass failed: " + e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
