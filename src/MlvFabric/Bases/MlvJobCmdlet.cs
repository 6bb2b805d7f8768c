using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Bases;

/// <summary>
/// Base of the cmdlets that start, wait for or cancel refresh jobs: -Timeout validation, the shared wait
/// (<see cref="JobWaitRunner"/>), and the Ctrl+C notice that the refreshes themselves go on.
/// </summary>
public abstract class MlvJobCmdlet : MlvLakehouseCmdlet, IDisposable
{
    // Timers take at most int.MaxValue milliseconds (24.8 days); an MLV run fails after 24 hours anyway.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    internal JobWaitRunner? Runner { get; private set; }

    /// <summary>
    /// Refuses a zero, negative or overlong -Timeout, and -CancelOnTimeout without -Timeout. Call from BeginProcessing
    /// (the values are not bound from the pipeline), before base.BeginProcessing.
    /// </summary>
    protected void ValidateWaitParameters(TimeSpan? timeout, bool cancelOnTimeout)
    {
        if (timeout is TimeSpan value && (value <= TimeSpan.Zero || value > MaxTimeout))
        {
            ThrowTerminatingError(MlvErrors.InvalidTimeout(value, MaxTimeout));
        }

        if (cancelOnTimeout && timeout is null)
        {
            ThrowTerminatingError(MlvErrors.CancelOnTimeoutWithoutTimeout());
        }
    }

    /// <summary>The bound -Timeout, or null when the parameter was not given.</summary>
    protected TimeSpan? BoundTimeout(TimeSpan value) => MyInvocation.BoundParameters.ContainsKey("Timeout") ? value : null;

    // Without -Timeout a wait lasts as long as the runs (minutes, often): a token about to expire is worth a warning.
    private static readonly TimeSpan ShortTokenLife = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Starts the wait (call after base.BeginProcessing). A session whose token cannot be renewed (-AccessToken) and
    /// expires before the wait can end gets a warning now, not a failure later.
    /// </summary>
    internal JobWaitRunner StartWait(JobWaitSettings settings)
    {
        if (!Session.Session.CanRenewToken)
        {
            var longest = settings.Timeout ?? ShortTokenLife;
            var expires = Session.TokenExpiresOn;
            if (expires < DateTimeOffset.UtcNow + longest)
            {
                var left = expires - DateTimeOffset.UtcNow;
                WriteWarning($"The access token this session was connected with (Connect-MlvFabric -AccessToken) expires at {expires.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC " +
                             $"(in {Math.Max(0, (int)left.TotalMinutes)} min) and cannot be renewed" +
                             (settings.Timeout is null ? "" : ", which is before -Timeout") +
                             ". If the refreshes run longer, the wait stops there and they go on in Fabric. Connect with a sign-in that renews its token (-Identity, -ServicePrincipal, -UseAzPowerShell, interactive), or give a shorter -Timeout.");
            }
        }

        return Runner = new JobWaitRunner(Client, settings, Streams, StopToken);
    }

    /// <summary>
    /// Resolves the bound lakehouse; a name that matches nothing (or several) is a non-terminating error for this
    /// record, so the other lakehouses of a pipeline still get their refresh.
    /// </summary>
    protected async Task<LakehouseTarget?> TryResolveLakehouseAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        try
        {
            return await ResolveLakehouseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MlvTerminatingException ex)
        {
            pipeline.WriteError(ex.ErrorRecord);
            return null;
        }
        catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
        {
            pipeline.WriteError(MlvErrors.FromException(ex, DescribeBoundLakehouse()));
            return null;
        }
    }

    protected override Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) =>
        Runner?.FinishAsync(pipeline, cancellationToken) ?? Task.CompletedTask;

    /// <summary>Whatever ends the command, the refreshes it started or waited for are named, and said to go on.</summary>
    protected override void OnBodyFailed(AsyncPipeline pipeline, Exception failure) => Runner?.ReportInterrupted(pipeline, failure);

    /// <summary>
    /// Ctrl+C: the pipeline is stopping, so nothing can be written to it any more; the host still shows a line, which
    /// tells the user the refreshes were not cancelled and how to find them.
    /// </summary>
    protected override void OnStopping()
    {
        var notice = Runner?.StopNotice();
        if (notice is null)
        {
            return;
        }

        try
        {
            Host?.UI?.WriteWarningLine(notice);
        }
        catch (Exception ex) when (ex is NotImplementedException || ex is InvalidOperationException || ex is PipelineStoppedException)
        {
            // A host without a UI (or one that refuses writes while stopping) simply does not show it.
        }
    }

    // Re-implemented so the polling loop ends with the cmdlet even when the pipeline fails without a stop
    // (MlvAsyncCmdlet.Dispose is not virtual).
    void IDisposable.Dispose()
    {
        Runner?.Dispose();
        Dispose();
    }
}
