using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Switches refresh schedules on; refuses a second enabled schedule for one scope unless -Force.</summary>
[Cmdlet(VerbsLifecycle.Enable, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class EnableMlvScheduleCommand : MlvScheduleStateCmdlet
{
    /// <summary>Enables the schedule even when another enabled schedule covers the same scope.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool TargetState => true;

    protected override async Task<ErrorRecord?> CheckAsync(LakehouseTarget lakehouse, MlvSchedule schedule, CancellationToken cancellationToken)
    {
        if (Force)
        {
            return null;
        }

        var all = await ListSchedulesAsync(lakehouse, cancellationToken).ConfigureAwait(false);
        var refusal = ScheduleRules.CheckEnable(all, schedule, lakehouse.ToString());
        return refusal is null ? null : MlvErrors.FromProblem(refusal);
    }
}
