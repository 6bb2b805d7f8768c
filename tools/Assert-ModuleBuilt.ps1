# Run only when the manifest in the repository root is imported (the build leaves this line out of the module's own
# manifest): the module's files are not in the source tree, so say where the built module is, or how to build it.
# .NET calls only, so that it runs in any host, Windows PowerShell 5.1 included.
$root = [System.IO.Path]::GetDirectoryName($PSScriptRoot)
$text = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($root, 'MlvFabric.psd1'))
$version = [regex]::Match($text, "ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value
$built = [System.IO.Path]::Combine($root, 'out', 'MlvFabric', $version, 'MlvFabric.psd1')
if ([System.IO.File]::Exists($built)) {
    throw "This is MlvFabric's source folder, not the module. Import the built module instead: Import-Module '$built'"
}
throw "This is MlvFabric's source folder, not the module, and it has not been built yet. Build it first (./build.ps1 Build, or dotnet build src/MlvFabric), then: Import-Module '$built'"
