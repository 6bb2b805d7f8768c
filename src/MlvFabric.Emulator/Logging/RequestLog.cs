using System;
using System.Collections.Generic;
using System.Threading;

namespace MlvFabric.Emulator.Logging;

/// <summary>One /v1 request as the emulator saw it (never the Authorization header).</summary>
internal sealed class RequestLogEntry
{
    public long Sequence { get; set; }
    public DateTime TimeUtc { get; set; }
    public DateTime EmulatorTimeUtc { get; set; }
    public string Method { get; set; } = "";
    /// <summary>The Host the client addressed (host and port), e.g. to show that no request went to another host name.</summary>
    public string Host { get; set; } = "";
    public string? UserAgent { get; set; }
    public string Path { get; set; } = "";
    public string Query { get; set; } = "";
    /// <summary>What the client got; 0 when the connection was dropped.</summary>
    public int Status { get; set; }
    /// <summary>What the handler produced (differs from <see cref="Status"/> when a fault replaced or dropped it).</summary>
    public int? HandlerStatus { get; set; }
    public string? CallerOid { get; set; }
    public string? Fault { get; set; }
    public string? ErrorCode { get; set; }
    public string? Body { get; set; }
    public string RequestId { get; set; } = "";
    public double DurationMs { get; set; }
}

/// <summary>A bounded ring buffer of the latest requests.</summary>
internal sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly RequestLogEntry?[] _ring;
    private long _next;
    private long _sequence;

    public RequestLog(int capacity) => _ring = new RequestLogEntry?[Math.Max(16, capacity)];

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            _ring[_next % _ring.Length] = entry;
            _next++;
        }
    }

    /// <summary>Entries with a sequence above <paramref name="since"/>, oldest first, in sequence order.</summary>
    public List<RequestLogEntry> Snapshot(long since = 0)
    {
        var list = new List<RequestLogEntry>();
        lock (_gate)
        {
            var count = Math.Min(_next, _ring.Length);
            for (var i = _next - count; i < _next; i++)
            {
                var e = _ring[i % _ring.Length];
                if (e != null && e.Sequence > since)
                {
                    list.Add(e);
                }
            }
        }
        list.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return list;
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _next = 0;
        }
    }
}
