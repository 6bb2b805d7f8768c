#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester 5 tests in tests/Pester against the built module and exits with 1 when any test fails.

.DESCRIPTION
    Used by ./build.ps1 Test (in a new PowerShell process, so the module's assemblies never load into the
    build's session) and by CI. Finds Pester 5 in this order: -PesterPath; the module path
    (Install-Module Pester -MinimumVersion 5.0); the NuGet package cache, where
    'dotnet restore tests/Pester/tools.csproj' puts Pester 5.7.1.

    Needs the module built (out/MlvFabric/<version>/) and the emulator built (src/MlvFabric.Emulator/bin/...):
    'dotnet test MlvFabric.sln' or './build.ps1 Build' plus 'dotnet build src/MlvFabric.Emulator' do both.

    Exit codes: 0 all passed; 1 a test, block or container failed (or none ran); 2 Pester 5 not found (0 with
    -SkipIfPesterMissing, after a warning).

.EXAMPLE
    ./tests/Pester/Invoke-PesterTests.ps1

.EXAMPLE
    pwsh -NoProfile -File tests/Pester/Invoke-PesterTests.ps1 -PesterPath ~/.nuget/packages/pester/5.7.1/tools/Pester.psd1
#>
[CmdletBinding()]
param(
    # A Pester.psd1 (5.x) to use instead of searching for one.
    [string] $PesterPath,

    # The build configuration whose emulator the tests start.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # NUnit XML results.
    [string] $ResultPath,

    # Test files or folders; tests/Pester by default.
    [string[]] $Path,

    # Warn and exit with 0 when Pester 5 is not found (./build.ps1 Test on a machine without Pester).
    [switch] $SkipIfPesterMissing
)

$ErrorActionPreference = 'Stop'
$repoRoot = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).ProviderPath
if (-not $ResultPath) {
    $ResultPath = Join-Path -Path $repoRoot -ChildPath 'out/TestResults/Pester.xml'
}
if (-not $Path) {
    $Path = @($PSScriptRoot)
}

function Find-Pester {
    if ($PesterPath) {
        if (-not (Test-Path -Path $PesterPath)) {
            throw "-PesterPath '$PesterPath' does not exist."
        }
        return (Resolve-Path -Path $PesterPath).ProviderPath
    }

    $installed = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version.Major -eq 5 } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if ($installed) {
        return $installed.Path
    }

    # The NuGet package cache: <root>/pester/<version>/tools/Pester.psd1.
    $roots = @()
    if ($env:NUGET_PACKAGES) {
        $roots += $env:NUGET_PACKAGES
    }
    $userHome = [Environment]::GetFolderPath('UserProfile')
    if ($userHome) {
        $roots += Join-Path -Path $userHome -ChildPath '.nuget/packages'
    }
    foreach ($root in $roots) {
        $packageDir = Join-Path -Path $root -ChildPath 'pester'
        if (-not (Test-Path -LiteralPath $packageDir)) {
            continue
        }
        $candidate = Get-ChildItem -LiteralPath $packageDir -Directory |
            Where-Object { $_.Name -match '^5\.\d+\.\d+$' -and (Test-Path -LiteralPath (Join-Path -Path $_.FullName -ChildPath 'tools/Pester.psd1')) } |
            Sort-Object -Property { [version] $_.Name } -Descending |
            Select-Object -First 1
        if ($candidate) {
            return Join-Path -Path $candidate.FullName -ChildPath 'tools/Pester.psd1'
        }
    }
    return $null
}

$pesterManifest = Find-Pester
if (-not $pesterManifest) {
    $message = 'Pester 5 was not found: install it (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser), or run ' +
        "'dotnet restore tests/Pester/tools.csproj' to put Pester 5.7.1 in the NuGet package cache, or pass -PesterPath."
    if ($SkipIfPesterMissing) {
        Write-Warning "$message Skipping tests/Pester."
        exit 0
    }
    Write-Error -Message $message -ErrorAction Continue
    exit 2
}

# Pester 3.4 ships with Windows PowerShell; make sure only the 5.x one is loaded.
Get-Module -Name Pester | Remove-Module -Force
$pester = Import-Module -Name $pesterManifest -PassThru -Force

$architecture = if ([Environment]::Is64BitProcess) { 'x64 process' } else { 'x86 process' }
Write-Host ('PowerShell {0} ({1}) on {2}, {3}; Pester {4} from {5}' -f $PSVersionTable.PSVersion, $PSVersionTable.PSEdition,
    [Environment]::OSVersion.VersionString, $architecture, $pester.Version, $pesterManifest)

# The tests start the emulator built in this configuration.
$env:MLVFABRIC_CONFIGURATION = $Configuration

$resultDir = Split-Path -Parent $ResultPath
if ($resultDir -and -not (Test-Path -LiteralPath $resultDir)) {
    $null = New-Item -Path $resultDir -ItemType Directory -Force
}

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ([Console]::IsOutputRedirected) {
    # Logs (CI) get plain text, not ANSI escapes.
    $config.Output.RenderMode = 'Plaintext'
}
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath

$result = Invoke-Pester -Configuration $config

$problems = @()
if ($result.FailedCount -gt 0) { $problems += "$($result.FailedCount) test(s) failed" }
if ($result.FailedBlocksCount -gt 0) { $problems += "$($result.FailedBlocksCount) block(s) failed in BeforeAll/AfterAll" }
if ($result.FailedContainersCount -gt 0) { $problems += "$($result.FailedContainersCount) file(s) failed to run" }
if ($result.PassedCount -eq 0) { $problems += 'no test passed' }
if ($result.Result -ne 'Passed' -and $problems.Count -eq 0) { $problems += "Pester reported '$($result.Result)'" }

if ($problems.Count -gt 0) {
    Write-Host ('Pester: ' + ($problems -join '; ') + '.') -ForegroundColor Red
    exit 1
}
Write-Host ('Pester: all {0} test(s) passed ({1} skipped). Results: {2}' -f $result.PassedCount, $result.SkippedCount, $ResultPath) -ForegroundColor Green
exit 0
