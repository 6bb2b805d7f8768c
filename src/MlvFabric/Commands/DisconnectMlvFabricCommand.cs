using System.Management.Automation;

namespace MlvFabric.Commands;

/// <summary>Ends the runspace's current Fabric session and forgets its tokens.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "MlvFabric", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class DisconnectMlvFabricCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var context = MlvContextStore.Current;
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
