using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Cancels running refresh jobs. With -Wait, waits until each is really Cancelled (the service cancels
/// asynchronously). A job that has already ended is a warning, not an error: there is nothing left to cancel.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "MlvJobInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NoWaitSet)]
[OutputType(typeof(MlvJobInstance))]
public sealed class StopMlvJobInstanceCommand : MlvLakehouseCmdlet
{
    private const string NoWaitSet = "NoWait";
    private const string WaitSet = "Wait";

    /// <summary>Only job instances: a piped lakehouse's or schedule's Id is no job id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvJobInstance) };

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobInstanceId")]
    [ArgumentCompleter(typeof(JobInstanceIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    [Parameter(ParameterSetName = WaitSet, Mandatory = true)]
    public SwitchParameter Wait { get; set; }

    [Parameter(ParameterSetName = WaitSet)]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; }

    [Parameter(ParameterSetName = NoWaitSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Cancels without asking (ConfirmImpact is High); -WhatIf and an explicit -Confirm still apply.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private JobWaitRunner? _runner;

    private TimeSpan? BoundTimeout => IsBound(nameof(Timeout)) ? Timeout : null;

    protected override void PrepareCommand() => ThrowIf(CommandJobWait.CheckParameters(BoundTimeout, cancelOnTimeout: false));

    protected override Task BeginProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (Wait)
        {
            _runner = Attach(CommandJobWait.Start(Session, new JobWaitSettings { Timeout = BoundTimeout, Purpose = JobWaitPurpose.Cancel }, Streams, pipeline, StopToken)).Runner;
        }

        return Task.CompletedTask;
    }

    protected override bool PrepareRecord() => Passes(Id.Contains(Guid.Empty) ? MlvErrors.InvalidJobInstanceId() : null);

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var target = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return;
        }

        foreach (var id in Id.Distinct())
        {
            try
            {
                // A dry run reads the job (a GET), so an unknown id is the same JobInstanceNotFound as in the real run,
                // whose cancel request answers 404. The real run does not read first: job reads count against the
                // service's 50 job-status reads per minute.
                if (WhatIfRequested)
                {
                    await Client.GetJobInstanceAsync(target.WorkspaceId, target.LakehouseId, id, cancellationToken).ConfigureAwait(false);
                }

                if (!await ShouldProcessAsync(pipeline, $"job instance {id} of {target.Describe()}", "Cancel MLV refresh", Force).ConfigureAwait(false))
                {
                    continue;
                }

                var cancel = await Client.CancelJobInstanceAsync(target.WorkspaceId, target.LakehouseId, id, cancellationToken).ConfigureAwait(false);
                pipeline.WriteVerbose($"Requested the cancellation of job instance {id} of {target}.");
                if (_runner is not null)
                {
                    _runner.Add(JobInstanceRef.From(cancel), target);
                }
                else if (PassThru)
                {
                    await WriteCurrentAsync(pipeline, target, id, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (FabricApiException ex) when (string.Equals(ex.ErrorCode, MlvErrors.JobAlreadyCompletedCode, StringComparison.OrdinalIgnoreCase))
            {
                pipeline.WriteWarning($"Job instance {id} of {target} has already ended; there is nothing to cancel. Get-MlvJobInstance -Id {id} shows how it ended.");
                if (Wait || PassThru)
                {
                    await WriteCurrentAsync(pipeline, target, id, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (FabricApiException ex) when (ex.Status == 404)
            {
                pipeline.WriteError(MlvErrors.JobInstanceNotFound(id, target, ex));
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                pipeline.WriteError(MlvErrors.FromException(ex, id));
            }
        }
    }

    private async Task WriteCurrentAsync(AsyncPipeline pipeline, LakehouseLocation target, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var instance = await Client.GetJobInstanceAsync(target.WorkspaceId, target.LakehouseId, id, cancellationToken).ConfigureAwait(false);
            pipeline.WriteObject(JobInstances.Label(instance, target));
        }
        catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
        {
            pipeline.WriteError(MlvErrors.FromException(ex, id));
        }
    }
}
