#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, documents, packages and demonstrates MlvFabric.

.DESCRIPTION
    Runs on Windows PowerShell 5.1 and PowerShell 7. Needs the .NET SDK (see global.json / README); nothing else is
    required: Pester 5 and platyPS are used when present.

      Build    dotnet build: lays out the module in out/MlvFabric/<version>/ (MAML help included).
      Test     dotnet test (all suites, emulator in-process), then Invoke-Pester tests/Pester when Pester 5 is installed.
      Docs     MAML help from docs/: platyPS New-ExternalHelp when installed, else the bundled HelpBuilder.
      Package  A .nupkg of the built module that the PowerShell Gallery accepts, in out/.
      Demo     Starts the emulator and runs the README quickstart against it.
      Clean    Removes out/ and the build output.

.EXAMPLE
    ./build.ps1
    Builds and tests.

.EXAMPLE
    ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Clean')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [string] $EmulatorUrl = 'http://127.0.0.1:5080'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$ManifestSource = Join-Path -Path $RepoRoot -ChildPath 'MlvFabric.psd1'
$ModuleVersion = (Import-PowerShellDataFile -Path $ManifestSource).ModuleVersion
$ModuleOut = Join-Path -Path $RepoRoot -ChildPath "out/MlvFabric/$ModuleVersion"

function Invoke-Dotnet {
    param([Parameter(Mandatory = $true)][string[]] $Arguments)

    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Get-PowerShellExe {
    if ($PSVersionTable.PSEdition -eq 'Core') {
        return (Get-Process -Id $PID).Path
    }
    return (Join-Path -Path $PSHOME -ChildPath 'powershell.exe')
}

function Get-QuickstartScript {
    $readme = Get-Content -Path (Join-Path -Path $RepoRoot -ChildPath 'README.md') -Raw
    $match = [regex]::Match($readme, '(?s)<!-- quickstart:begin -->\s*```powershell\s*(.*?)```\s*<!-- quickstart:end -->')
    if (-not $match.Success) {
        throw 'README.md has no quickstart block between <!-- quickstart:begin --> and <!-- quickstart:end -->.'
    }
    return $match.Groups[1].Value
}

function Wait-Emulator {
    param([string] $Url, [System.Diagnostics.Process] $Process)

    $deadline = (Get-Date).AddMinutes(3)
    while ((Get-Date) -lt $deadline) {
        if ($Process.HasExited) {
            throw "The emulator exited with code $($Process.ExitCode) before it was ready."
        }
        try {
            $null = Invoke-RestMethod -Method Get -Uri "$Url/_emulator/clock" -TimeoutSec 2
            return
        }
        catch {
            Start-Sleep -Milliseconds 500
        }
    }
    throw "The emulator did not answer on $Url within 3 minutes."
}

function Invoke-Build {
    Invoke-Dotnet -Arguments @('build', (Join-Path -Path $RepoRoot -ChildPath 'src/MlvFabric/MlvFabric.csproj'), '-c', $Configuration)
    Write-Host "Module: $ModuleOut" -ForegroundColor Green
}

function Invoke-Docs {
    # The build (Invoke-Build, run before this task) already lays out help made by tools/MlvFabric.HelpBuilder.
    # Here platyPS 0.14 (New-ExternalHelp) replaces it when installed; otherwise the HelpBuilder runs again.
    $helpOut = Join-Path -Path $ModuleOut -ChildPath 'en-US'
    $binHelpOut = Join-Path -Path $ModuleOut -ChildPath (Join-Path -Path 'bin' -ChildPath 'en-US')
    $docs = Join-Path -Path $RepoRoot -ChildPath 'docs'
    # Only the 0.x line: later versions are Microsoft.PowerShell.PlatyPS with other cmdlets.
    $platyPS = Get-Module -ListAvailable -Name platyPS | Where-Object { $_.Version.Major -eq 0 } | Sort-Object -Property Version -Descending | Select-Object -First 1
    if ($platyPS) {
        Import-Module $platyPS -Force
        $null = New-ExternalHelp -Path $docs -OutputPath $helpOut -Force
        Write-Host "Help built with platyPS $($platyPS.Version): $helpOut" -ForegroundColor Green
    }
    else {
        $builder = Join-Path -Path $RepoRoot -ChildPath (Join-Path -Path 'tools' -ChildPath 'MlvFabric.HelpBuilder')
        Invoke-Dotnet -Arguments @('run', '--project', $builder, '-c', $Configuration, '--', $docs, $helpOut)
    }

    # Windows PowerShell 5.1 looks for a cmdlet's help beside the nested binary module (bin/); PowerShell 7 in both.
    $null = New-Item -Path $binHelpOut -ItemType Directory -Force
    Get-ChildItem -Path $helpOut -Filter '*.xml' | Copy-Item -Destination $binHelpOut -Force
}

function Invoke-Test {
    Invoke-Dotnet -Arguments @('test', (Join-Path -Path $RepoRoot -ChildPath 'MlvFabric.sln'), '-c', $Configuration)

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object -Property Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: skipping tests/Pester (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).'
        return
    }

    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path -Path $RepoRoot -ChildPath 'tests/Pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path -Path $RepoRoot -ChildPath 'out/TestResults/Pester.xml'
    $result = Invoke-Pester -Configuration $config
    if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') {
        throw "Pester: $($result.FailedCount) test(s) failed."
    }
}

function Invoke-Package {
    $repoName = 'MlvFabricLocal'
    $packageOut = Join-Path -Path $RepoRoot -ChildPath 'out'
    $psResourceGet = Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet | Select-Object -First 1
    if ($psResourceGet) {
        Import-Module $psResourceGet
        if (Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue) {
            Unregister-PSResourceRepository -Name $repoName
        }
        Register-PSResourceRepository -Name $repoName -Uri $packageOut -Trusted
        try {
            Publish-PSResource -Path $ModuleOut -Repository $repoName
        }
        finally {
            Unregister-PSResourceRepository -Name $repoName
        }
    }
    elseif (Get-Command -Name Publish-Module -ErrorAction SilentlyContinue) {
        if (Get-PSRepository -Name $repoName -ErrorAction SilentlyContinue) {
            Unregister-PSRepository -Name $repoName
        }
        Register-PSRepository -Name $repoName -SourceLocation $packageOut -PublishLocation $packageOut -InstallationPolicy Trusted
        try {
            Publish-Module -Path $ModuleOut -Repository $repoName
        }
        finally {
            Unregister-PSRepository -Name $repoName
        }
    }
    else {
        throw 'Packaging needs Microsoft.PowerShell.PSResourceGet or PowerShellGet (Install-Module Microsoft.PowerShell.PSResourceGet -Scope CurrentUser).'
    }
    Get-ChildItem -Path $packageOut -Filter "MlvFabric.$ModuleVersion.nupkg" | ForEach-Object { Write-Host "Package: $($_.FullName)" -ForegroundColor Green }
}

function Invoke-Demo {
    $emulatorArgs = @('run', '--project', (Join-Path -Path $RepoRoot -ChildPath 'src/MlvFabric.Emulator'), '-c', $Configuration, '--', '--urls', $EmulatorUrl)
    $emulator = Start-Process -FilePath 'dotnet' -ArgumentList $emulatorArgs -PassThru -NoNewWindow
    try {
        Wait-Emulator -Url $EmulatorUrl -Process $emulator
        $quickstart = (Get-QuickstartScript) -replace "\`$MlvEmulatorUrl\s*=\s*'[^']*'", "`$`$MlvEmulatorUrl = '$EmulatorUrl'"
        $script = "`$ErrorActionPreference = 'Stop'`nImport-Module '$ModuleOut/MlvFabric.psd1' -Force`n" + $quickstart
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        & (Get-PowerShellExe) -NoProfile -NonInteractive -EncodedCommand $encoded
        if ($LASTEXITCODE -ne 0) {
            throw "The quickstart failed with exit code $LASTEXITCODE."
        }
    }
    finally {
        if (-not $emulator.HasExited) {
            Stop-Process -Id $emulator.Id -Force
        }
    }
}

function Invoke-Clean {
    Remove-Item -Path (Join-Path -Path $RepoRoot -ChildPath 'out') -Recurse -Force -ErrorAction SilentlyContinue
    Invoke-Dotnet -Arguments @('clean', (Join-Path -Path $RepoRoot -ChildPath 'MlvFabric.sln'), '-c', $Configuration)
}

foreach ($name in $Task) {
    Write-Host "== $name ==" -ForegroundColor Yellow
    switch ($name) {
        'Build' { Invoke-Build }
        'Docs' { Invoke-Build; Invoke-Docs }
        'Test' { Invoke-Test }
        'Package' { Invoke-Build; Invoke-Package }
        'Demo' { Invoke-Build; Invoke-Demo }
        'Clean' { Invoke-Clean }
    }
}
