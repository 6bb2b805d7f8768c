using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Switches refresh schedules off, keeping their configuration.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class DisableMlvScheduleCommand : MlvLakehouseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Writes the schedule (as it is afterwards) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Only schedules: a piped lakehouse's or job's Id is no schedule id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvSchedule) };

    protected override bool PrepareRecord() => Passes(LakehouseSchedules.CheckIds(Id));

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        await Schedules.SwitchEachAsync(
            pipeline,
            lakehouse,
            Id,
            enable: false,
            _ => Task.FromResult<ErrorRecord?>(null),
            target => ShouldProcessAsync(pipeline, target, "Disable schedule"),
            PassThru,
            cancellationToken).ConfigureAwait(false);
    }
}
