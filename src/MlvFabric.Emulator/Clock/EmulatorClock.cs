using System;
using System.Threading;

namespace MlvFabric.Emulator.Clock;

/// <summary>
/// The emulator's time: real UTC plus an offset. Job states and the scheduler read it; token expiry and throttle
/// windows use real time instead.
/// </summary>
internal sealed class EmulatorClock
{
    private long _offsetTicks;

    public DateTime UtcNow => new(DateTime.UtcNow.Ticks + Volatile.Read(ref _offsetTicks), DateTimeKind.Utc);

    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Moves the clock to <paramref name="utc"/> (earlier or later).</summary>
    public void Set(DateTime utc) => Volatile.Write(ref _offsetTicks, utc.ToUniversalTime().Ticks - DateTime.UtcNow.Ticks);

    public void Reset(DateTime? startUtc)
    {
        if (startUtc is { } start)
        {
            Set(DateTime.SpecifyKind(start, start.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : start.Kind));
        }
        else
        {
            Volatile.Write(ref _offsetTicks, 0);
        }
    }
}
