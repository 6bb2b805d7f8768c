# MlvFabric bootstrap. Loads the cmdlet assembly so that the module's Fabric client and its Azure.Core /
# Azure.Identity / MSAL copies never clash with another module's (Az.Accounts, Microsoft.Graph) in the same session.
#   PowerShell 7 : MlvFabric.Loader creates a private AssemblyLoadContext over bin/Dependencies and bridges only
#                  the name 'MlvFabric.Client' from the default context.
#   Windows PowerShell 5.1 : a resolver that answers only requests coming from the module's own assemblies.
# No NestedModules/RequiredAssemblies in the manifest on purpose: they would load DLLs before this script runs.

# Only engine APIs here (no Join-Path etc.): the module must load in minimal hosts that lack the utility modules.
$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$dependencyPath = [System.IO.Path]::Combine($binPath, 'Dependencies')
$cmdletAssemblyPath = [System.IO.Path]::Combine($binPath, 'MlvFabric.dll')

if ($PSEdition -eq 'Core') {
    if ($PSVersionTable.PSVersion -lt [version]'7.4') {
        throw "MlvFabric requires PowerShell 7.4 or later on PowerShell Core (found $($PSVersionTable.PSVersion)), or Windows PowerShell 5.1. Update PowerShell: https://aka.ms/powershell"
    }
    if (-not ('MlvFabric.Loader.ModuleLoadContext' -as [type])) {
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($binPath, 'MlvFabric.Loader.dll'))
    }
    $null = [MlvFabric.Loader.ModuleLoadContext]::Initialize($dependencyPath)
}
else {
    if (-not ('MlvFabric.Infrastructure.DesktopDependencyResolver' -as [type])) {
        $null = [System.Reflection.Assembly]::LoadFrom($cmdletAssemblyPath)
    }
    [MlvFabric.Infrastructure.DesktopDependencyResolver]::Register($dependencyPath)
}

# Module-qualified so that a proxy function named Import-Module can't intercept the load.
Microsoft.PowerShell.Core\Import-Module -Name $cmdletAssemblyPath -ErrorAction Stop
