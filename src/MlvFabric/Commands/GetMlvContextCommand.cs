using System.Management.Automation;

namespace MlvFabric.Commands;

/// <summary>Shows the runspace's current Fabric session: account, tenant, endpoint, sign-in method and token expiry.</summary>
[Cmdlet(VerbsCommon.Get, "MlvContext")]
[OutputType(typeof(MlvContext))]
public sealed class GetMlvContextCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var context = MlvContextStore.Current;
        if (context is not null)
        {
            WriteObject(context);
        }
    }
}
