using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Infrastructure;

/// <summary>
/// Base of every cmdlet that calls Fabric: adds -Context and resolves the session (the explicit one, else the
/// runspace's current one) on the pipeline thread before any async work starts.
/// </summary>
public abstract class MlvSessionCmdlet : MlvAsyncCmdlet
{
    /// <summary>The session to use instead of the current one (from Connect-MlvFabric or Get-MlvContext).</summary>
    [Parameter]
    [ValidateNotNull]
    public MlvContext? Context { get; set; }

    private MlvContext? _context;

    /// <summary>The resolved session; available from BeginProcessingAsync on.</summary>
    protected MlvContext Session => _context!;

    protected FabricClient Client => _context!.Client;

    protected override void BeginProcessing()
    {
        _context = Context ?? MlvContextStore.Current;
        if (_context is null)
        {
            ThrowTerminatingError(MlvErrors.NotConnected());
        }

        base.BeginProcessing();
    }
}
