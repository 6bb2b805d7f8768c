# MlvFabric bootstrap. Loads the cmdlet assembly so that the module's Fabric client and its Azure.Core /
# Azure.Identity / MSAL copies never clash with another module's (Az.Accounts, Microsoft.Graph) in the same session.
#   PowerShell 7 : MlvFabric.Loader creates a private AssemblyLoadContext over bin/Dependencies and bridges only
#                  the name 'MlvFabric.Client' from the default context.
#   Windows PowerShell 5.1 : a resolver that answers only requests coming from the module's own assemblies.
# Creating MlvFabric.Loading.ModuleBootstrap (in the cmdlet assembly) sets up whichever applies and checks the
# PowerShell version, before PowerShell scans the cmdlet assembly, whose types reference MlvFabric.Client.
# No NestedModules/RequiredAssemblies in the manifest on purpose: they would load DLLs before this script runs.

# Only engine APIs here (no Join-Path etc.): the module must load in minimal hosts that lack the utility modules.
# Straight-line on purpose (import time): in a fresh process every language feature a script uses for the first time
# (if/-eq, property reads, -as [type], [version]) is JIT-compiled, and a type literal naming one of the module's types
# makes PowerShell search every loaded assembly. CreateInstanceFrom loads the assembly and runs the bootstrap by name.
# Stop: a failure below (e.g. an unsupported PowerShell version) ends the import with that one error.
$ErrorActionPreference = 'Stop'
$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$cmdletAssemblyPath = [System.IO.Path]::Combine($binPath, 'MlvFabric.dll')
$null = [System.Activator]::CreateInstanceFrom($cmdletAssemblyPath, 'MlvFabric.Loading.ModuleBootstrap')

# Module-qualified so that a proxy function named Import-Module can't intercept the load ($ErrorActionPreference above
# makes its errors terminating).
Microsoft.PowerShell.Core\Import-Module -Name $cmdletAssemblyPath
