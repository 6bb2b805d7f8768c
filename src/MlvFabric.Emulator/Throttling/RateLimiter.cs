using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace MlvFabric.Emulator.Throttling;

/// <summary>The per-caller budgets the emulator enforces.</summary>
internal enum ThrottleBucket
{
    /// <summary>Every /v1 call (off by default).</summary>
    AllRequests,
    /// <summary>On-demand job submissions: 429 <c>TooManyRequestsForJobs</c>.</summary>
    JobSubmissions,
    /// <summary>Job instance reads (get, list): 429 <c>RequestBlocked</c>.</summary>
    JobStatusReads,
}

/// <summary>Current limits (requests per 60 s per caller; 0 = unlimited).</summary>
internal sealed class ThrottleLimits
{
    public int JobSubmissionsPerMinute { get; set; }
    public int JobStatusReadsPerMinute { get; set; }
    public int RequestsPerMinute { get; set; }

    public int For(ThrottleBucket bucket) => bucket switch
    {
        ThrottleBucket.JobSubmissions => JobSubmissionsPerMinute,
        ThrottleBucket.JobStatusReads => JobStatusReadsPerMinute,
        _ => RequestsPerMinute,
    };

    public ThrottleLimits Clone() => (ThrottleLimits)MemberwiseClone();
}

/// <summary>
/// Sliding 60-second windows (<see cref="EmulatorOptions.ThrottleWindowSeconds"/>) per (caller oid, bucket), in real
/// time. A refused request does not use a slot; Retry-After is the whole seconds until the oldest slot frees (at least 1).
/// </summary>
internal sealed class RateLimiter
{
    private readonly long _window;

    public RateLimiter() : this(TimeSpan.FromSeconds(60)) { }

    public RateLimiter(TimeSpan window) => _window = window.Ticks;

    private readonly ConcurrentDictionary<(string Oid, ThrottleBucket Bucket), Queue<long>> _windows = new();

    /// <summary>True when the request may go; otherwise <paramref name="retryAfterSeconds"/> says when to come back.</summary>
    public bool TryAcquire(string oid, ThrottleBucket bucket, int limit, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (limit <= 0)
        {
            return true;
        }

        var stamps = _windows.GetOrAdd((oid, bucket), _ => new Queue<long>());
        var now = DateTime.UtcNow.Ticks;
        lock (stamps)
        {
            while (stamps.Count > 0 && stamps.Peek() <= now - _window)
            {
                stamps.Dequeue();
            }

            if (stamps.Count < limit)
            {
                stamps.Enqueue(now);
                return true;
            }
            // The slot that frees first is the (count - limit + 1)-th oldest; with count == limit, the oldest.
            var frees = stamps.ElementAt(stamps.Count - limit) + _window;
            retryAfterSeconds = (int)Math.Max(1, Math.Ceiling((frees - now) / (double)TimeSpan.TicksPerSecond));
            return false;
        }
    }

    public void Clear() => _windows.Clear();
}
