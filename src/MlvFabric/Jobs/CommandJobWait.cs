using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Jobs;

/// <summary>
/// The job wait of one command (Start-MlvRefresh -Wait, Wait-MlvJobInstance, Stop-MlvJobInstance -Wait): the checks of
/// its parameters, and the <see cref="JobWaitRunner"/> as a part of the command, so that the cmdlet base finishes it
/// after the last record, names the refreshes under way when a failure ends the command, shows the Ctrl+C notice that
/// they go on, and disposes it.
/// </summary>
internal sealed class CommandJobWait : ICommandPart
{
    // Timers take at most int.MaxValue milliseconds (24.8 days); an MLV run fails after 24 hours anyway.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    // Without -Timeout a wait lasts as long as the runs (minutes, often): a token about to expire is worth a warning.
    private static readonly TimeSpan ShortTokenLife = TimeSpan.FromMinutes(10);

    private CommandJobWait(JobWaitRunner runner) => Runner = runner;

    public JobWaitRunner Runner { get; }

    /// <summary>A zero, negative or overlong -Timeout, or -CancelOnTimeout without -Timeout; null when the values are fine.</summary>
    public static ErrorRecord? CheckParameters(TimeSpan? timeout, bool cancelOnTimeout)
    {
        if (timeout is TimeSpan value && (value <= TimeSpan.Zero || value > MaxTimeout))
        {
            return MlvErrors.InvalidTimeout(value, MaxTimeout);
        }

        return cancelOnTimeout && timeout is null ? MlvErrors.CancelOnTimeoutWithoutTimeout() : null;
    }

    /// <summary>
    /// Starts the wait. A session whose token cannot be renewed (-AccessToken) and expires before the wait can end gets
    /// a warning now, not a failure later.
    /// </summary>
    public static CommandJobWait Start(MlvContext session, JobWaitSettings settings, StreamPreferences streams, AsyncPipeline pipeline, CancellationToken stopToken)
    {
        if (!session.Session.CanRenewToken)
        {
            var longest = settings.Timeout ?? ShortTokenLife;
            var expires = session.TokenExpiresOn;
            if (expires < DateTimeOffset.UtcNow + longest)
            {
                var left = expires - DateTimeOffset.UtcNow;
                pipeline.WriteWarning($"The access token this session was connected with (Connect-MlvFabric -AccessToken) expires at {expires.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC " +
                                      $"(in {Math.Max(0, (int)left.TotalMinutes)} min) and cannot be renewed" +
                                      (settings.Timeout is null ? "" : ", which is before -Timeout") +
                                      ". If the refreshes run longer, the wait stops there and they go on in Fabric. Connect with a sign-in that renews its token (-Identity, -ServicePrincipal, -UseAzPowerShell, interactive), or give a shorter -Timeout.");
            }
        }

        return new CommandJobWait(new JobWaitRunner(session.Client, settings, streams, stopToken));
    }

    public Task FinishAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Runner.FinishAsync(pipeline, cancellationToken);

    /// <summary>Whatever ends the command, the refreshes it started or waited for are named, and said to go on.</summary>
    public void OnCommandFailed(AsyncPipeline pipeline, Exception failure) => Runner.ReportInterrupted(pipeline, failure);

    /// <summary>Tells the user the refreshes were not cancelled and how to find them.</summary>
    public string? StopNotice() => Runner.StopNotice();

    public void Dispose() => Runner.Dispose();
}
