using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MlvFabric.Client.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which of its timers are pending, so a test can move time exactly to
/// the client's next wait (<see cref="RunAsync{T}"/>) instead of sleeping. Starts at the current second, so tokens
/// minted by the emulator are as fresh on it as on the real clock.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private readonly object _lock = new object();
    private readonly List<TrackedTimer> _timers = new List<TrackedTimer>();
    private long _version;
    private long _shortVersion;

    public TestClock()
        : base(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))
    {
    }

    /// <summary>Waits further out than this are never jumped to by <see cref="RunAsync{T}"/> (HTTP timeouts).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time on this clock since it was made.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Start;

    /// <summary>Bumped whenever a timer is armed, changed, fired or disposed.</summary>
    internal long Version => Interlocked.Read(ref _version);

    /// <summary>Bumped whenever that happens to a timer within <see cref="Horizon"/> (a wait, not an HTTP timeout).</summary>
    internal long ShortVersion => Interlocked.Read(ref _shortVersion);

    /// <summary>How far ahead the earliest pending timer within <see cref="Horizon"/> is; null when none is.</summary>
    public TimeSpan? NextWait
    {
        get
        {
            var now = GetUtcNow();
            lock (_lock)
            {
                DateTimeOffset? next = null;
                foreach (var t in _timers)
                {
                    if (t.Due is DateTimeOffset due && due - now <= Horizon && (next == null || due < next))
                    {
                        next = due;
                    }
                }

                return next is DateTimeOffset n ? (n < now ? TimeSpan.Zero : n - now) : null;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Arm(dueTime, period);
        tracked.Inner = base.CreateTimer(s =>
        {
            tracked.Fired();
            callback(s);
        }, state, dueTime, period);
        return tracked;
    }

    /// <summary>
    /// Runs <paramref name="work"/> to its end: whenever the client waits on this clock, time moves to its next
    /// pending timer (and <paramref name="alsoAdvance"/> moves, say, the emulator's clock by as much, first). The
    /// client waits when no request is in flight (<paramref name="http"/>), nothing has changed for a moment, and,
    /// after a request ended, a wait has been armed, changed or dropped since: the flow that read the answer has
    /// moved on (a polling loop drops the wait it slept on while the read was out). Time moves only to a timer the
    /// client armed, never past one.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> work, HttpTracker? http = null, Action<TimeSpan>? alsoAdvance = null)
    {
        await RunAsync((Task)work, http, alsoAdvance);
        return await work;
    }

    public async Task RunAsync(Task work, HttpTracker? http = null, Action<TimeSpan>? alsoAdvance = null)
    {
        var lastChange = DateTime.UtcNow;
        var seen = (Version, http?.Version ?? 0);
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(5));
            if (work.IsCompleted)
            {
                break;
            }

            var state = (Version, http?.Version ?? 0);
            if (state != seen)
            {
                seen = state;
                lastChange = DateTime.UtcNow;
                continue;
            }

            if (http?.InFlight > 0)
            {
                continue;
            }

            // The fallback covers an answer read by a flow that arms no wait (it ended) while another flow waits.
            var movedOn = http == null || ShortVersion > http.ShortVersionAtLastEnd || DateTime.UtcNow - lastChange > TimeSpan.FromMilliseconds(200);
            if (movedOn && NextWait is TimeSpan wait)
            {
                alsoAdvance?.Invoke(wait);
                Advance(wait);
                continue;
            }

            // A hang guard (nothing pending, nothing in flight, nothing changing), not a measure of speed.
            if (DateTime.UtcNow - lastChange > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("The operation neither completed nor waited on the clock or the network for two minutes.");
            }
        }
    }

    /// <summary>
    /// Waits until the client waits on this clock (a timer within <see cref="Horizon"/> is pending) and returns how
    /// far ahead it is; fails when <paramref name="work"/> ends first.
    /// </summary>
    public async Task<TimeSpan> UntilWaitingAsync(Task work)
    {
        await Until(() => work.IsCompleted || NextWait != null, "the client to wait on the clock");
        Assert.False(work.IsCompleted, $"The operation ended ({work.Status}) instead of waiting on the clock.");
        return NextWait!.Value;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (a hang guard of two minutes, not a measure of speed).</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var started = DateTime.UtcNow;
        while (!condition())
        {
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            await Task.Delay(5);
        }
    }

    private void Changed(DateTimeOffset? before, DateTimeOffset? after)
    {
        Interlocked.Increment(ref _version);
        var limit = GetUtcNow() + Horizon;
        if (before <= limit || after <= limit)
        {
            Interlocked.Increment(ref _shortVersion);
        }
    }

    private sealed class TrackedTimer : ITimer
    {
        private readonly TestClock _clock;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        internal TrackedTimer(TestClock clock)
        {
            _clock = clock;
            lock (clock._lock)
            {
                clock._timers.Add(this);
            }
        }

        internal ITimer? Inner { get; set; }

        internal DateTimeOffset? Due { get; private set; }

        internal void Arm(TimeSpan dueTime, TimeSpan period)
        {
            DateTimeOffset? before, after;
            var now = _clock.GetUtcNow();
            lock (_clock._lock)
            {
                before = Due;
                _period = period;
                after = Due = dueTime == Timeout.InfiniteTimeSpan ? null : now + dueTime;
            }

            _clock.Changed(before, after);
        }

        internal void Fired()
        {
            DateTimeOffset? before, after;
            var now = _clock.GetUtcNow();
            lock (_clock._lock)
            {
                before = Due;
                after = Due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : now + _period;
            }

            _clock.Changed(before, after);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            DateTimeOffset? before;
            lock (_clock._lock)
            {
                before = Due;
                Due = null;
                _clock._timers.Remove(this);
            }

            _clock.Changed(before, null);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}

/// <summary>
/// The client's HTTP handler in clock tests: passes every request on to the network, notes when it was sent (on the
/// test's clock) and how it ended, and counts it in flight until the client has disposed of its answer.
/// </summary>
public sealed class HttpTracker : DelegatingHandler
{
    private readonly TestClock _clock;
    private long _version;
    private long _shortVersionAtLastEnd = -1;
    private int _inFlight;

    public HttpTracker(TestClock clock)
        : base(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        _clock = clock;
    }

    /// <summary>Every request, in the order sent.</summary>
    public ConcurrentQueue<SentRequest> Sent { get; } = new ConcurrentQueue<SentRequest>();

    public int InFlight => Volatile.Read(ref _inFlight);

    internal long Version => Interlocked.Read(ref _version);

    /// <summary>The clock's <see cref="TestClock.ShortVersion"/> when the last request ended (-1: none has).</summary>
    internal long ShortVersionAtLastEnd => Interlocked.Read(ref _shortVersionAtLastEnd);

    /// <summary>The requests whose path contains <paramref name="pathPart"/> (and of <paramref name="method"/>, when given).</summary>
    public List<SentRequest> To(string pathPart, string? method = null) =>
        Sent.Where(r => r.Path.Contains(pathPart, StringComparison.OrdinalIgnoreCase) && (method == null || r.Method == method)).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = new SentRequest(request.Method.Method, request.RequestUri!.AbsolutePath, _clock.Elapsed);
        Sent.Enqueue(sent);
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _version);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            sent.Status = (int)response.StatusCode;
            return new TrackedResponse(response, this);
        }
        catch (Exception ex)
        {
            sent.Failure = ex;
            Ended();
            throw;
        }
    }

    private void Ended()
    {
        Interlocked.Exchange(ref _shortVersionAtLastEnd, _clock.ShortVersion);
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _version);
    }

    /// <summary>The answer as the client sees it; disposing of it ends the request's time in flight.</summary>
    private sealed class TrackedResponse : HttpResponseMessage
    {
        private readonly HttpResponseMessage _inner;
        private HttpTracker? _tracker;

        internal TrackedResponse(HttpResponseMessage inner, HttpTracker tracker)
            : base(inner.StatusCode)
        {
            _inner = inner;
            _tracker = tracker;
            ReasonPhrase = inner.ReasonPhrase;
            Version = inner.Version;
            RequestMessage = inner.RequestMessage;
            Content = inner.Content;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _tracker, null) is HttpTracker tracker)
            {
                _inner.Dispose();
                tracker.Ended();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>One request the client sent: when (on the test's clock, from its start), and how it ended.</summary>
public sealed class SentRequest
{
    public SentRequest(string method, string path, TimeSpan at)
    {
        Method = method;
        Path = path;
        At = at;
    }

    public string Method { get; }
    public string Path { get; }
    public TimeSpan At { get; }
    public int? Status { get; set; }
    public Exception? Failure { get; set; }

    public override string ToString() => $"{Method} {Path} at {At} → {Status?.ToString() ?? Failure?.GetType().Name ?? "(in flight)"}";
}
