using System.Management.Automation;
using MlvFabric.Infrastructure;

namespace MlvFabric.Commands;

/// <summary>Ends the runspace's current Fabric session and forgets its tokens.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "MlvFabric", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectMlvFabricCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        MlvContext? context = MlvContextStore.Current;
        if (context is null)
        {
            WriteVerbose("Not connected: nothing to disconnect.");
            return;
        }

        if (ShouldProcess(context.ToString(), "Disconnect"))
        {
            MlvContextStore.Current = null;
            context.Dispose();
        }
    }
}
