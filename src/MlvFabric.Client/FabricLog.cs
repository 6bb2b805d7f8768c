using System;
using System.Threading;

namespace MlvFabric.Client;

/// <summary>
/// Where the client's diagnostics go. Implementations must be thread-safe and quick: they are called from
/// thread-pool threads in the middle of requests (a cmdlet queues the lines to its pipeline thread).
/// Nothing the client writes here contains a token, a secret or a request/response body.
/// </summary>
public interface IFabricLogSink
{
    /// <summary>One line per request (method, path, status, duration, request id) and per retry.</summary>
    void Verbose(string message);

    /// <summary>Request and response headers, with <c>Authorization</c> redacted.</summary>
    void Debug(string message);

    /// <summary>Things the user should know about although the operation goes on (reconciliation, unknown statuses).</summary>
    void Warning(string message);

    /// <summary>Whether <see cref="Verbose"/> lines are wanted; when not, the client does not even build them.</summary>
    bool VerboseEnabled { get; }

    /// <summary>Whether <see cref="Debug"/> lines are wanted (they carry headers, which cost to format).</summary>
    bool DebugEnabled { get; }
}

/// <summary>
/// A sink that can also show a wait of the client's own while it lasts (a retry after a refused connection, a
/// throttled request, a pacing pause): a cmdlet shows it as a progress record. Optional: a plain
/// <see cref="IFabricLogSink"/> still gets the verbose line.
/// </summary>
public interface IFabricWaitSink
{
    /// <summary>A wait of <paramref name="duration"/> starts now; <paramref name="reason"/> says why.</summary>
    void WaitStarted(string activity, string reason, TimeSpan duration);

    /// <summary>The wait announced last is over.</summary>
    void WaitEnded();
}

/// <summary>The ambient log sink of the current async flow.</summary>
public static class FabricLog
{
    private static readonly AsyncLocal<IFabricLogSink?> CurrentSink = new AsyncLocal<IFabricLogSink?>();

    /// <summary>
    /// Makes <paramref name="sink"/> the sink of this async flow (and of every task it starts) until the returned
    /// object is disposed, which restores the previous sink. Set it before starting the async work, since
    /// <see cref="AsyncLocal{T}"/> values flow into tasks, not out of them.
    /// </summary>
    public static IDisposable Use(IFabricLogSink? sink)
    {
        var previous = CurrentSink.Value;
        CurrentSink.Value = sink;
        return new Restore(previous);
    }

    internal static IFabricLogSink? Current => CurrentSink.Value;

    internal static void Verbose(string message)
    {
        if (IsVerboseEnabled)
        {
            Safe(s => s.Verbose(message));
        }
    }

    internal static void Debug(string message)
    {
        if (IsDebugEnabled)
        {
            Safe(s => s.Debug(message));
        }
    }

    internal static void Warning(string message) => Safe(s => s.Warning(message));

    /// <summary>Announces a wait of the client's own: a verbose line (always, before the wait) and, where the sink shows them, progress.</summary>
    internal static IDisposable Waiting(string activity, string reason, TimeSpan duration)
    {
        Verbose($"{reason}: waiting {ErrorText.Seconds(duration)}.");
        if (!(CurrentSink.Value is IFabricWaitSink))
        {
            return NoWait.Instance;
        }

        Safe(s => ((IFabricWaitSink)s).WaitStarted(activity, reason, duration));
        return new EndWait();
    }

    private sealed class EndWait : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Safe(s => (s as IFabricWaitSink)?.WaitEnded());
            }
        }
    }

    private sealed class NoWait : IDisposable
    {
        internal static readonly NoWait Instance = new NoWait();

        public void Dispose()
        {
        }
    }

    internal static bool IsVerboseEnabled => CurrentSink.Value?.VerboseEnabled == true;

    internal static bool IsDebugEnabled => CurrentSink.Value?.DebugEnabled == true;

    private static void Safe(Action<IFabricLogSink> write)
    {
        var sink = CurrentSink.Value;
        if (sink == null)
        {
            return;
        }

        try
        {
            write(sink);
        }
        catch (Exception)
        {
            // A sink that throws (for example a pipeline that has stopped) must not break the request.
        }
    }

    private sealed class Restore : IDisposable
    {
        private readonly IFabricLogSink? _previous;
        private int _disposed;

        public Restore(IFabricLogSink? previous) => _previous = previous;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                CurrentSink.Value = _previous;
            }
        }
    }
}
