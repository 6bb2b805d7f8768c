using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Runs a cmdlet's async body per pipeline stage on the thread pool while the pipeline thread performs its writes
/// (<see cref="AsyncPipeline"/>), and turns Ctrl+C into cancellation of that body. <see cref="MlvCmdlet"/> owns one;
/// Connect-MlvFabric, which has no session yet, uses one directly.
/// </summary>
internal sealed class AsyncBridge : IDisposable
{
    // How long a stopped pipeline waits for the body to notice before returning anyway (Ctrl+C ends waits within 1 s).
    private static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(500);

    private readonly PSCmdlet _cmdlet;
    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
    private StreamPreferences? _streams;

    public AsyncBridge(PSCmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, PowerShell.Stop(), Select-Object -First).</summary>
    public CancellationToken StopToken => _stopping.Token;

    /// <summary>Whether verbose and debug records of this invocation go anywhere (read once, on the pipeline thread).</summary>
    public StreamPreferences Streams => _streams ??= StreamPreferences.Of(_cmdlet);

    /// <summary>Called on the async body, with the pipeline still open, when a Fabric failure is about to end the command.</summary>
    public Action<AsyncPipeline, Exception>? BodyFailed { get; set; }

    /// <summary>From StopProcessing: cancels the body.</summary>
    public void Stop() => _stopping.Cancel();

    /// <summary>Runs <paramref name="body"/> to its end, performing its writes on this (the pipeline) thread.</summary>
    public void Run(Func<AsyncPipeline, CancellationToken, Task> body)
    {
        var pipeline = new AsyncPipeline(_cmdlet, Streams, StopToken);
        // Started on the pipeline thread: until its first await that does not complete at once, the body writes
        // directly (no thread hop, which is most of the cost of a quick call); from there on its continuations run
        // on the thread pool and its writes queue for the Drain below.
        var task = RunBodyAsync(body, pipeline);

        pipeline.Drain(StopGrace);

        if (StopToken.IsCancellationRequested)
        {
            // The body may still be unwinding; its outcome no longer matters to this pipeline.
            task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            throw new PipelineStoppedException();
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (MlvTerminatingException ex)
        {
            _cmdlet.ThrowTerminatingError(ex.ErrorRecord);
        }
        catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is ActionPreferenceStopException) && MlvErrors.IsFabricFailure(ex))
        {
            // Failures that end the whole cmdlet (not per-record ones, which the body writes itself).
            _cmdlet.ThrowTerminatingError(MlvErrors.FromException(ex, null));
        }
    }

    private async Task RunBodyAsync(Func<AsyncPipeline, CancellationToken, Task> body, AsyncPipeline pipeline)
    {
        try
        {
            using (FabricLog.Use(pipeline.LogSink))
            {
                try
                {
                    await body(pipeline, StopToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (MlvErrors.IsFabricFailure(ex) && !StopToken.IsCancellationRequested)
                {
                    BodyFailed?.Invoke(pipeline, ex);
                    throw;
                }
            }
        }
        finally
        {
            pipeline.CompleteAdding();
        }
    }

    public void Dispose() => _stopping.Dispose();
}
