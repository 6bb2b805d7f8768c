using System.Management.Automation;

namespace MlvFabric.Loading;

/// <summary>
/// What PowerShell runs when the module is removed from a runspace (Remove-Module, or Import-Module -Force before it
/// imports again): the runspace's session is disposed (its HTTP connections closed, its tokens forgotten), and on
/// Windows PowerShell 5.1 this import's registration of <see cref="DesktopDependencyResolver"/> is undone. The
/// assemblies stay loaded (.NET cannot unload them) and, on PowerShell 7, so does the load context: a later import
/// in this or another runspace uses them again.
/// </summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        MlvContextStore.DisposeCurrent();
        DesktopDependencyResolver.Unregister();
    }
}
