using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client.Http;

/// <summary>
/// Keeps requests of one kind under "N per window" as the job scheduler counts them (50 per minute per user).
/// It is a token bucket whose tokens come back one window after they were spent (a sliding-window log):
/// a burst of N goes out at once, and then one request each time one of the last N leaves the window. Unlike a
/// bucket that refills at N/window from the start, it can never put N+1 requests into any window, whether the
/// service counts in fixed or sliding windows. The service counts a request somewhere between when it leaves here
/// and when its answer arrives, so a slot's time is moved to the answer's arrival (<see cref="Grant.Restamp"/>): a
/// request that was slow to reach the service (a first call, a busy machine) never lets the next one in early. A
/// small margin covers clock granularity. A 429 from the service closes the gate until its Retry-After.
/// Thread-safe; shared by every session of the same identity against the same endpoint (the limit is per user)
/// that runs on the same clock.
/// </summary>
internal sealed class RateLimiter
{
    private static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<string, RateLimiter>> Shared =
        new ConditionalWeakTable<TimeProvider, ConcurrentDictionary<string, RateLimiter>>();

    private readonly object _lock = new object();
    private readonly List<Grant> _grants = new List<Grant>();
    private readonly TimeProvider _time;
    private readonly long _windowTicks;
    private long _blockedUntil;

    /// <param name="limit">Requests per window; 0 or less: no limit here (only the service's 429s close the gate).</param>
    /// <param name="window"></param>
    /// <param name="time">The clock its windows, blocks and waits run on (null: the system clock).</param>
    internal RateLimiter(int limit, TimeSpan window, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        IsUnlimited = limit <= 0;
        Limit = IsUnlimited ? int.MaxValue : limit;
        Window = window <= TimeSpan.Zero ? TimeSpan.FromMinutes(1) : window;
        var margin = TimeSpan.FromMilliseconds(Math.Min(500, Window.TotalMilliseconds / 100));
        _windowTicks = ToTimestampTicks(Window + margin);
    }

    /// <summary>Requests per window (<see cref="int.MaxValue"/> when <see cref="IsUnlimited"/>).</summary>
    internal int Limit { get; }

    /// <summary>No pacing: every request may go at once (a 429's Retry-After still closes the gate).</summary>
    internal bool IsUnlimited { get; }

    internal TimeSpan Window { get; }

    /// <summary>Why a wait happened, for the verbose log: "50 per 60 s", or the service's Retry-After.</summary>
    internal string Describe(string what) =>
        IsUnlimited
            ? $"the service's Retry-After for {what}"
            : $"{Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} {what} per {Window.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s";

    internal static RateLimiter GetShared(string key, int limit, TimeSpan window, TimeProvider time) =>
        Shared.GetValue(time, _ => new ConcurrentDictionary<string, RateLimiter>(StringComparer.OrdinalIgnoreCase))
            .GetOrAdd($"{key}|{limit}|{window.Ticks}", _ => new RateLimiter(limit, window, time));

    /// <summary>A slot taken: its time (a timestamp of the limiter's clock) counts from when it was taken, or from <see cref="Restamp"/>.</summary>
    internal sealed class Grant
    {
        private readonly RateLimiter _owner;

        internal Grant(RateLimiter owner, long at)
        {
            _owner = owner;
            At = at;
        }

        internal long At { get; private set; }

        /// <summary>The request's answer (or failure) has arrived: the service counted it no later than now.</summary>
        internal void Restamp()
        {
            var now = _owner._time.GetTimestamp();
            lock (_owner._lock)
            {
                if (now > At)
                {
                    At = now;
                }
            }
        }
    }

    /// <summary>Takes a slot now, or says how long until one frees up.</summary>
    internal bool TryAcquire(out TimeSpan wait) => TryAcquire(out wait, out _);

    /// <summary>Takes a slot now (<paramref name="grant"/>: null when unlimited), or says how long until one frees up.</summary>
    internal bool TryAcquire(out TimeSpan wait, out Grant? grant)
    {
        grant = null;
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_blockedUntil > now)
            {
                wait = FromTimestampTicks(_blockedUntil - now);
                return false;
            }
            if (IsUnlimited)
            {
                wait = TimeSpan.Zero;
                return true;
            }
            _grants.RemoveAll(g => now - g.At >= _windowTicks);
            if (_grants.Count < Limit)
            {
                grant = new Grant(this, now);
                _grants.Add(grant);
                wait = TimeSpan.Zero;
                return true;
            }
            var oldest = long.MaxValue;
            foreach (var g in _grants)
            {
                if (g.At < oldest)
                {
                    oldest = g.At;
                }
            }

            wait = FromTimestampTicks(oldest + _windowTicks - now);
            if (wait <= TimeSpan.Zero)
            {
                wait = TimeSpan.FromMilliseconds(1);
            }

            return false;
        }
    }

    /// <summary>Waits for a slot (cancellable). Returns how long it waited.</summary>
    internal async Task<TimeSpan> WaitAsync(CancellationToken ct) => (await AcquireAsync(ct).ConfigureAwait(false)).Waited;

    /// <summary>Waits for a slot (cancellable). Returns how long it waited and the slot (null when unlimited).</summary>
    internal async Task<(TimeSpan Waited, Grant? Grant)> AcquireAsync(CancellationToken ct)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (TryAcquire(out var wait, out var grant))
            {
                return (waited, grant);
            }
            // Re-check at least every second so a freed slot or a lifted block is noticed quickly.
            var step = wait > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
            await _time.Delay(step, ct).ConfigureAwait(false);
            waited += step;
        }
    }

    /// <summary>The service said 429: nobody of this identity sends this kind of request before <paramref name="retryAfter"/> has passed.</summary>
    internal void Block(TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        var until = _time.GetTimestamp() + ToTimestampTicks(retryAfter);
        lock (_lock)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }

    /// <summary>
    /// How long until the last of <paramref name="count"/> more requests could go, if they were all asked for now
    /// (for progress: "the remaining reads take about …"). Each of the limit's slots frees one window after its
    /// last use; request j waits for slot j mod limit, (j div limit) windows later.
    /// </summary>
    internal TimeSpan EstimateWait(int count)
    {
        if (count <= 0)
        {
            return TimeSpan.Zero;
        }

        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var blocked = _blockedUntil > now ? _blockedUntil - now : 0;
            if (IsUnlimited)
            {
                return FromTimestampTicks(blocked);
            }

            var frees = new List<long>(Limit);
            foreach (var g in _grants)
            {
                if (now - g.At < _windowTicks)
                {
                    frees.Add(g.At + _windowTicks - now);
                }
            }

            while (frees.Count < Limit)
            {
                frees.Add(0);
            }

            frees.Sort();
            var last = count - 1;
            var ticks = frees[last % Limit] + (long)(last / Limit) * _windowTicks;
            return FromTimestampTicks(Math.Max(ticks, blocked));
        }
    }

    /// <summary>Slots free right now (for progress and tests).</summary>
    internal int Available
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_lock)
            {
                if (_blockedUntil > now)
                {
                    return 0;
                }

                if (IsUnlimited)
                {
                    return int.MaxValue;
                }

                var used = 0;
                foreach (var g in _grants)
                {
                    if (now - g.At < _windowTicks)
                    {
                        used++;
                    }
                }

                return Limit - used;
            }
        }
    }

    // Whole seconds and the rest apart: exact, and no overflow at a frequency of 10^9 per second.
    private long ToTimestampTicks(TimeSpan span)
    {
        var frequency = _time.TimestampFrequency;
        return span.Ticks / TimeSpan.TicksPerSecond * frequency + span.Ticks % TimeSpan.TicksPerSecond * frequency / TimeSpan.TicksPerSecond;
    }

    private TimeSpan FromTimestampTicks(long ticks)
    {
        var frequency = _time.TimestampFrequency;
        return TimeSpan.FromTicks(ticks / frequency * TimeSpan.TicksPerSecond + ticks % frequency * TimeSpan.TicksPerSecond / frequency);
    }
}
