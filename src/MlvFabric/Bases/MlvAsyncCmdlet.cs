using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of every MlvFabric cmdlet: runs an async body per pipeline stage on the thread pool while the pipeline
/// thread performs its writes, and turns Ctrl+C (StopProcessing) into cancellation of that body.
/// </summary>
public abstract class MlvAsyncCmdlet : PSCmdlet, IDisposable
{
    // How long a stopped pipeline waits for the body to notice before returning anyway (Ctrl+C ends waits within 1 s).
    private static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, PowerShell.Stop(), Select-Object -First).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    private StreamPreferences? _streams;

    /// <summary>Whether verbose and debug records of this invocation go anywhere (read once, on the pipeline thread).</summary>
    internal StreamPreferences Streams => _streams ??= StreamPreferences.Of(this);

    protected override void BeginProcessing() => Run(BeginProcessingAsync);

    protected override void ProcessRecord() => Run(ProcessRecordAsync);

    protected override void EndProcessing() => Run(EndProcessingAsync);

    protected virtual Task BeginProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void StopProcessing()
    {
        OnStopping();
        _stopping.Cancel();
    }

    /// <summary>
    /// Called on the async body, with the pipeline still open, when a Fabric failure is about to end the command (it
    /// becomes a terminating error right after): a last chance to report work already under way.
    /// </summary>
    protected virtual void OnBodyFailed(AsyncPipeline pipeline, Exception failure)
    {
    }

    /// <summary>Called on the stopping thread before cancellation; must not write to the pipeline.</summary>
    protected virtual void OnStopping()
    {
    }

    private void Run(Func<AsyncPipeline, CancellationToken, Task> body)
    {
        var pipeline = new AsyncPipeline(this, Streams, StopToken);
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
            ThrowTerminatingError(ex.ErrorRecord);
        }
        catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is ActionPreferenceStopException) && MlvErrors.IsFabricFailure(ex))
        {
            // Failures that end the whole cmdlet (not per-record ones, which the body writes itself).
            ThrowTerminatingError(MlvErrors.FromException(ex, null));
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
                    OnBodyFailed(pipeline, ex);
                    throw;
                }
            }
        }
        finally
        {
            pipeline.CompleteAdding();
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
