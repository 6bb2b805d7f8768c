# The built module (out/MlvFabric/<version>/) in a real PowerShell process: it imports, its commands are cmdlets with
# approved verbs, the README lists them, and a fresh process starts signed out. The manifest's own checks
# (Test-ModuleManifest, the exported set, the built manifest against the root one) are made once, by the xunit tests
# in tests/MlvFabric.Tests/ModuleLayoutTests.cs.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $script:Module = Import-MlvTestModule
    $script:SourceManifest = Import-PowerShellDataFile -Path (Join-Path -Path $MlvRepoRoot -ChildPath 'MlvFabric.psd1')
}

Describe 'The built MlvFabric module' {
    It 'imports from out/ with the version of the root manifest' {
        $Module | Should -Not -BeNullOrEmpty
        $Module.Version | Should -Be ([version] $SourceManifest.ModuleVersion)
        $Module.ModuleBase | Should -Be (Split-Path -Parent (Get-MlvTestManifestPath))
    }

    It 'exports every command as a compiled cmdlet, and no function or alias' {
        @(Get-Command -Module MlvFabric | Where-Object { $_.CommandType -ne 'Cmdlet' }) | Should -HaveCount 0
        $Module.ExportedFunctions.Count | Should -Be 0
        $Module.ExportedAliases.Count | Should -Be 0
    }

    It 'uses approved verbs only' {
        $approved = @(Get-Verb | ForEach-Object { $_.Verb })
        foreach ($command in Get-Command -Module MlvFabric) {
            $approved | Should -Contain $command.Verb -Because "$($command.Name) should use an approved verb"
        }
    }

    It 'is listed in the README''s cmdlet table, one row per exported cmdlet' {
        $readme = Get-Content -LiteralPath (Join-Path -Path $MlvRepoRoot -ChildPath 'README.md') -Raw
        foreach ($name in $SourceManifest.CmdletsToExport) {
            $readme | Should -Match ('(?m)^\| `' + [regex]::Escape($name) + '` \|') -Because "README.md's cmdlet table should have a row for $name"
        }
    }

    It 'answers Get-MlvContext with nothing before any sign-in' {
        # A fresh process: this session may be signed in by another test file.
        $script = Join-Path -Path $TestDrive -ChildPath 'context.ps1'
        Set-Content -LiteralPath $script -Value @'
$ErrorActionPreference = 'Stop'
Import-Module MlvFabric
$context = Get-MlvContext
if ($null -ne $context) { throw 'Expected no session.' }
'no session'
'@
        $run = Invoke-MlvScriptProcess -Path $script
        $run.Output | Should -Match 'no session'
        $run.ExitCode | Should -Be 0
    }
}
