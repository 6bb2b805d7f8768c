using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Waits for job instances (given, or piped from Start-MlvRefresh -PassThru and Get-MlvJobInstance) to end, all at
/// once with one progress bar, and emits their final instances.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "MlvJobInstance")]
[OutputType(typeof(MlvJobInstance))]
public sealed class WaitMlvJobInstanceCommand : MlvLakehouseCmdlet
{
    /// <summary>Only job instances: a piped lakehouse's or schedule's Id is no job id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvJobInstance) };

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobInstanceId")]
    [ArgumentCompleter(typeof(JobInstanceIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; }

    [Parameter]
    public SwitchParameter CancelOnTimeout { get; set; }

    [Parameter]
    public SwitchParameter AttachIfRunning { get; set; }

    private JobWaitRunner? _runner;

    private TimeSpan? BoundTimeout => IsBound(nameof(Timeout)) ? Timeout : null;

    protected override void PrepareCommand() => ThrowIf(CommandJobWait.CheckParameters(BoundTimeout, CancelOnTimeout));

    protected override Task BeginProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        _runner = Attach(CommandJobWait.Start(Session, new JobWaitSettings
        {
            Timeout = BoundTimeout,
            CancelOnTimeout = CancelOnTimeout,
            AttachIfRunning = AttachIfRunning,
            Purpose = JobWaitPurpose.Refresh,
        }, Streams, pipeline, StopToken)).Runner;
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

        foreach (var id in Id)
        {
            _runner!.Add(new JobInstanceRef(target, id), target);
        }

        // Jobs piped from a bulk start arrive over minutes: show how the first ones are doing meanwhile.
        _runner!.Flush(pipeline);
    }
}
