using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace MlvFabric.Infrastructure;

/// <summary>
/// The current context of each runspace. Keyed on the runspace object so that two runspaces never share a
/// session and a closed runspace's session is collected with it. Call only on a pipeline thread.
/// </summary>
internal static class MlvContextStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> s_contexts = new ConditionalWeakTable<Runspace, Holder>();

    public static MlvContext? Current
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            return runspace is not null && s_contexts.TryGetValue(runspace, out Holder? holder) ? holder.Context : null;
        }

        set
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace is not null)
            {
                s_contexts.GetValue(runspace, _ => new Holder()).Context = value;
            }
        }
    }

    private sealed class Holder
    {
        public MlvContext? Context { get; set; }
    }
}
