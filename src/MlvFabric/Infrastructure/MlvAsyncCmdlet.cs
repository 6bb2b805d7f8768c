using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

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

    /// <summary>Called on the stopping thread before cancellation; must not write to the pipeline.</summary>
    protected virtual void OnStopping()
    {
    }

    private void Run(Func<AsyncPipeline, CancellationToken, Task> body)
    {
        var pipeline = new AsyncPipeline(this, StopToken);
        Task task = Task.Run(async () =>
        {
            try
            {
                using (FabricLog.Use(pipeline))
                {
                    await body(pipeline, StopToken).ConfigureAwait(false);
                }
            }
            finally
            {
                pipeline.CompleteAdding();
            }
        });

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

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
