using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Switches refresh schedules off, keeping their configuration.</summary>
[Cmdlet(VerbsLifecycle.Disable, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class DisableMlvScheduleCommand : MlvScheduleStateCmdlet
{
    protected override bool TargetState => false;
}
