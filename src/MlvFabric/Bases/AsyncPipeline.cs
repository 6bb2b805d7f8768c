using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// The async body's only way to reach the pipeline. Every call queues work that the pipeline thread performs
/// (PowerShell allows Write*/ShouldProcess only there); calls that need an answer await it.
/// Also the client's log sink (<see cref="LogSink"/>), so request lines from worker threads become verbose/debug records.
/// </summary>
public sealed class AsyncPipeline
{
    // Bounded: a producer streaming 100,000 items waits for the pipeline instead of buffering them all.
    private const int Capacity = 256;

    private readonly PSCmdlet _cmdlet;
    private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>(Capacity);
    private readonly CancellationToken _stopToken;
    private readonly StreamPreferences _streams;
    private readonly int _pipelineThreadId = Environment.CurrentManagedThreadId;

    /// <summary>Created on the pipeline thread, which it remembers: work posted from that thread is done at once.</summary>
    internal AsyncPipeline(PSCmdlet cmdlet, StreamPreferences streams, CancellationToken stopToken)
    {
        _cmdlet = cmdlet;
        _streams = streams;
        _stopToken = stopToken;
    }

    public void WriteObject(object? value) => Post(() => _cmdlet.WriteObject(value));

    public void WriteError(ErrorRecord record) => Post(() => _cmdlet.WriteError(record));

    public void WriteWarning(string message) => Post(() => _cmdlet.WriteWarning(message));

    public void WriteVerbose(string message)
    {
        if (_streams.Verbose)
        {
            Post(() => _cmdlet.WriteVerbose(message));
        }
    }

    public void WriteDebug(string message)
    {
        if (_streams.Debug)
        {
            Post(() => _cmdlet.WriteDebug(message));
        }
    }

    public void WriteProgress(ProgressRecord record) => Post(() => _cmdlet.WriteProgress(record));

    /// <summary>ShouldProcess on the pipeline thread; the answer comes back to the async body.</summary>
    public Task<bool> ShouldProcessAsync(string target, string action) =>
        Invoke(() => _cmdlet.ShouldProcess(target, action));

    /// <summary>Runs <paramref name="func"/> on the pipeline thread and returns its result.</summary>
    public Task<T> Invoke<T>(Func<T> func)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A stopping pipeline skips queued work: the waiter must not wait forever for it.
        _stopToken.Register(() => completion.TrySetCanceled());
        Post(() =>
        {
            try
            {
                completion.TrySetResult(func());
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
                throw;
            }
        });
        return completion.Task;
    }

    /// <summary>The client's log sink for this pipeline (an adapter: the sink is no part of the cmdlets' public surface).</summary>
    internal IFabricLogSink LogSink => new Sink(this);

    private sealed class Sink : IFabricLogSink, IFabricWaitSink
    {
        // The client's own waits (retry, throttling, pacing) get a progress bar of their own, apart from job waits'.
        private const int WaitActivityId = 90;
        private static readonly TimeSpan ShownFrom = TimeSpan.FromSeconds(2);

        private readonly AsyncPipeline _pipeline;
        private ProgressRecord? _shown;

        public Sink(AsyncPipeline pipeline) => _pipeline = pipeline;

        public void WaitStarted(string activity, string reason, TimeSpan duration)
        {
            if (duration < ShownFrom)
            {
                return;
            }

            var record = new ProgressRecord(WaitActivityId, activity, reason)
            {
                SecondsRemaining = (int)Math.Ceiling(duration.TotalSeconds),
            };
            _shown = record;
            _pipeline.WriteProgress(record);
        }

        public void WaitEnded()
        {
            var shown = _shown;
            if (shown is null)
            {
                return;
            }

            _shown = null;
            _pipeline.WriteProgress(new ProgressRecord(WaitActivityId, shown.Activity, shown.StatusDescription) { RecordType = ProgressRecordType.Completed });
        }

        public bool VerboseEnabled => _pipeline._streams.Verbose;

        public bool DebugEnabled => _pipeline._streams.Debug;

        public void Verbose(string message) => _pipeline.WriteVerbose(message);

        public void Debug(string message) => _pipeline.WriteDebug(message);

        public void Warning(string message) => _pipeline.WriteWarning(message);
    }

    private void Post(Action action)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId)
        {
            // The body is still in its synchronous part, on the pipeline thread: no need (and, with a full queue,
            // no way) to hand the work over.
            _stopToken.ThrowIfCancellationRequested();
            action();
            return;
        }

        try
        {
            _queue.Add(action, _stopToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is ObjectDisposedException)
        {
            // The cmdlet has finished draining (stopped or completed): nobody will perform this write.
            throw new OperationCanceledException("The pipeline has stopped.");
        }
    }

    internal void CompleteAdding() => _queue.CompleteAdding();

    /// <summary>
    /// Performs queued work on the calling (pipeline) thread until the producer completes. When the pipeline is
    /// stopping, returns at most <paramref name="stopGrace"/> after the stop even if the body has not yet noticed.
    /// </summary>
    internal void Drain(TimeSpan stopGrace)
    {
        DateTime? stopDeadline = null;
        while (!_queue.IsCompleted)
        {
            if (_stopToken.IsCancellationRequested)
            {
                stopDeadline ??= DateTime.UtcNow + stopGrace;
                if (DateTime.UtcNow >= stopDeadline)
                {
                    return;
                }
            }

            if (_queue.TryTake(out var action, 50))
            {
                if (!_stopToken.IsCancellationRequested)
                {
                    action();
                }
            }
        }
    }
}
