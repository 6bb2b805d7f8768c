using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace MlvFabric.Session;

/// <summary>
/// The current context of each runspace. Keyed on the runspace object so that two runspaces never share a
/// session and a closed runspace's session is collected with it. Call only on a pipeline thread.
/// </summary>
internal static class MlvContextStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> Contexts = new ConditionalWeakTable<Runspace, Holder>();

    public static MlvContext? Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            return runspace is not null && Contexts.TryGetValue(runspace, out var holder) ? holder.Context : null;
        }

        set
        {
            var runspace = Runspace.DefaultRunspace;
            if (runspace is not null)
            {
                Contexts.GetValue(runspace, _ => new Holder()).Context = value;
            }
        }
    }

    /// <summary>
    /// Takes the calling runspace's context out of the store and disposes it: the module is being removed from that
    /// runspace. A context passed to other runspaces with -Context is the same object, so they lose it too.
    /// </summary>
    public static void DisposeCurrent()
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace is null || !Contexts.TryGetValue(runspace, out var holder))
        {
            return;
        }

        var context = holder.Context;
        holder.Context = null;
        context?.Dispose();
    }

    private sealed class Holder
    {
        public MlvContext? Context { get; set; }
    }
}
