using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Switches refresh schedules on; refuses a second enabled schedule for one scope unless -Force.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class EnableMlvScheduleCommand : MlvLakehouseCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Writes the schedule (as it is afterwards) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Enables the schedule even when another enabled schedule covers the same scope.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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
            enable: true,
            schedule => CheckAsync(lakehouse, schedule, cancellationToken),
            target => ShouldProcessAsync(pipeline, target, "Enable schedule"),
            PassThru,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<ErrorRecord?> CheckAsync(LakehouseLocation lakehouse, MlvSchedule schedule, CancellationToken cancellationToken)
    {
        if (Force)
        {
            return null;
        }

        var all = await Schedules.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
        var refusal = ScheduleRules.CheckEnable(all, schedule, lakehouse.ToString());
        return refusal is null ? null : MlvErrors.FromProblem(refusal);
    }
}
