#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, documents, packages and demonstrates MlvFabric.

.DESCRIPTION
    Runs on Windows PowerShell 5.1 and PowerShell 7. Needs the .NET SDK 10 (see README); nothing else is
    required: Pester 5 and platyPS are used when present.

      Build    dotnet build: lays out the module in out/MlvFabric/<version>/ (MAML help included).
      Test     dotnet test (all suites, emulator in-process), then the Pester 5 tests in tests/Pester, in a new
               PowerShell process of the same edition (tests/Pester/Invoke-PesterTests.ps1), when Pester 5 is found:
               on the module path, in the NuGet package cache (dotnet restore tests/Pester/tools.csproj), or
               -PesterPath. -SkipDotnet runs only the Pester tests (module and emulator already built).
      Docs     MAML help from docs/: platyPS New-ExternalHelp when installed, else the bundled HelpBuilder.
      Package  A .nupkg of the built module that the PowerShell Gallery accepts, in out/.
      Demo     Starts the emulator and runs the README quickstart against it.
      Clean    Removes out/ and the build output.

.EXAMPLE
    ./build.ps1
    Builds and tests.

.EXAMPLE
    ./build.ps1 -Task Demo

.EXAMPLE
    ./build.ps1 Test -SkipDotnet -PesterPath ~/.nuget/packages/pester/5.7.1/tools/Pester.psd1
    Only the Pester tests, with the Pester from the NuGet package cache; fails when it is missing.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Demo', 'Clean')]
    [string[]] $Task = @('Build', 'Test'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    [string] $EmulatorUrl = 'http://127.0.0.1:5080',

    # Test: skip 'dotnet test' and run only the Pester tests.
    [switch] $SkipDotnet,

    # Test: the Pester.psd1 (5.x) to use. Without it, Pester is searched for and the tests are skipped if none is found.
    [string] $PesterPath
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

# The command line that starts a new PowerShell of this edition: the executable, then the arguments it needs before
# ours. A pwsh installed as a dotnet tool runs as 'dotnet <PSHOME>/pwsh.dll', so the process path alone would start
# dotnet, not PowerShell.
function Get-PowerShellCommand {
    if ($PSVersionTable.PSEdition -ne 'Core') {
        $command = @((Join-Path -Path $PSHOME -ChildPath 'powershell.exe'))
    }
    else {
        $processPath = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
            $command = @($processPath, (Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'))
        }
        else {
            $command = @($processPath)
        }
    }
    $command += @('-NoProfile', '-NonInteractive')
    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
        # Scripts of this repository run under any execution policy (5.1's default is Restricted).
        $command += @('-ExecutionPolicy', 'Bypass')
    }
    return $command
}

# Runs a new PowerShell (see Get-PowerShellCommand) with the given arguments; throws when it exits with non-zero.
function Invoke-PowerShell {
    param(
        [Parameter(Mandatory = $true)][string[]] $Arguments,
        [Parameter(Mandatory = $true)][string] $What
    )

    $command = @(Get-PowerShellCommand)
    $exe = $command[0]
    $allArguments = @($command | Select-Object -Skip 1) + $Arguments
    & $exe @allArguments
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE)."
    }
}

# Quotes an argument for Start-Process, which joins -ArgumentList with spaces (every version).
function ConvertTo-ProcessArgument {
    param([string] $Value)
    if ($Value -match '[\s"]') {
        return '"' + ($Value -replace '"', '\"') + '"'
    }
    return $Value
}

# Stops a process and its children: 'dotnet run' starts the program as a child process, which would outlive its parent.
function Stop-ProcessTree {
    param([System.Diagnostics.Process] $Process)

    if ($Process.HasExited) {
        return
    }
    try {
        if ($PSVersionTable.PSEdition -eq 'Core') {
            $Process.Kill($true)
        }
        else {
            # .NET Framework has no Kill(entireProcessTree).
            $null = & taskkill.exe /PID $Process.Id /T /F 2>&1
        }
    }
    catch {
        # It has exited meanwhile (or taskkill found nothing left to stop).
    }
    $null = $Process.WaitForExit(15000)
}

function Get-QuickstartScript {
    $readme = Get-Content -Path (Join-Path -Path $RepoRoot -ChildPath 'README.md') -Raw
    $match = [regex]::Match($readme, '(?s)<!-- quickstart:begin -->\s*```powershell\s*(.*?)```\s*<!-- quickstart:end -->')
    if (-not $match.Success) {
        throw 'README.md has no quickstart block between <!-- quickstart:begin --> and <!-- quickstart:end -->.'
    }
    return $match.Groups[1].Value
}

function Test-EmulatorAnswers {
    param([string] $Url)
    try {
        $null = Invoke-RestMethod -Method Get -Uri "$Url/_emulator/health" -TimeoutSec 2 -UseBasicParsing
        return $true
    }
    catch {
        return $false
    }
}

function Wait-Emulator {
    param([string] $Url, [System.Diagnostics.Process] $Process, [string] $Log)

    $deadline = (Get-Date).AddMinutes(3)
    while ((Get-Date) -lt $deadline) {
        if ($Process.HasExited) {
            throw "The emulator exited before it was ready:`n" + (Get-Content -Path "$Log.out", "$Log.err" -ErrorAction SilentlyContinue | Out-String)
        }
        if (Test-EmulatorAnswers -Url $Url) {
            return
        }
        Start-Sleep -Milliseconds 500
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
    if (-not $SkipDotnet) {
        Invoke-Dotnet -Arguments @('test', (Join-Path -Path $RepoRoot -ChildPath 'MlvFabric.sln'), '-c', $Configuration)
    }

    # Pester runs in a new PowerShell process: the module's assemblies never load into this session (where they
    # would lock out/ for the next build on Windows), and this script's strict mode and preferences stay out of the tests.
    $runner = Join-Path -Path $RepoRoot -ChildPath 'tests/Pester/Invoke-PesterTests.ps1'
    $arguments = @('-File', $runner, '-Configuration', $Configuration)
    if ($PesterPath) {
        $arguments += @('-PesterPath', (Resolve-Path -Path $PesterPath).ProviderPath)
    }
    else {
        $arguments += '-SkipIfPesterMissing'
    }
    Write-Host "PowerShell $($arguments -join ' ')" -ForegroundColor Cyan
    Invoke-PowerShell -Arguments $arguments -What 'The Pester tests'
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
    $EmulatorUrl = $EmulatorUrl.TrimEnd('/')
    if (Test-EmulatorAnswers -Url $EmulatorUrl) {
        throw "An emulator already answers on $EmulatorUrl (one started for the quickstart?). Stop it, or pass another -EmulatorUrl such as http://127.0.0.1:5081."
    }

    $log = Join-Path -Path $RepoRoot -ChildPath 'out/demo-emulator'
    $null = New-Item -Path (Split-Path -Parent $log) -ItemType Directory -Force
    $emulatorArgs = @('run', '--project', (Join-Path -Path $RepoRoot -ChildPath 'src/MlvFabric.Emulator'), '-c', $Configuration, '--no-launch-profile', '--', '--urls', $EmulatorUrl)
    Write-Host "dotnet $($emulatorArgs -join ' ')" -ForegroundColor Cyan
    $emulator = Start-Process -FilePath 'dotnet' -ArgumentList ($emulatorArgs | ForEach-Object { ConvertTo-ProcessArgument $_ }) -PassThru -NoNewWindow `
        -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
    try {
        Wait-Emulator -Url $EmulatorUrl -Process $emulator -Log $log
        Write-Host "Emulator: $EmulatorUrl (log: $log.out)" -ForegroundColor Green
        $quickstart = (Get-QuickstartScript) -replace "\`$MlvEmulatorUrl\s*=\s*'[^']*'", "`$`$MlvEmulatorUrl = '$EmulatorUrl'"
        $manifest = (Join-Path -Path $ModuleOut -ChildPath 'MlvFabric.psd1') -replace "'", "''"
        # The quickstart runs in a new PowerShell, one top-level statement at a time as if typed at a prompt, so each
        # statement's output gets its own table (one pipeline would format every object like the first one).
        # A script file rather than -EncodedCommand, which makes pwsh write progress as CLIXML to a redirected stderr.
        $demoScript = Join-Path -Path $RepoRoot -ChildPath 'out/demo-quickstart.ps1'
        $lines = @(
            "`$ErrorActionPreference = 'Stop'"
            "Import-Module '$manifest'"
            '$quickstart = @'''
            $quickstart.TrimEnd()
            '''@'
            '$errors = $null'
            '$ast = [System.Management.Automation.Language.Parser]::ParseInput($quickstart, [ref] $null, [ref] $errors)'
            'if ($errors) { throw "The README quickstart does not parse: $($errors[0])" }'
            'foreach ($statement in $ast.EndBlock.Statements) {'
            '    Write-Host ("PS> " + ($statement.Extent.Text -replace "`n", "`n>> ")) -ForegroundColor Yellow'
            '    . ([scriptblock]::Create($statement.Extent.Text)) | Out-Default'
            '}'
            'Write-Host "Demo complete." -ForegroundColor Green'
        )
        Set-Content -Path $demoScript -Value $lines -Encoding UTF8
        Invoke-PowerShell -Arguments @('-File', $demoScript) -What 'The quickstart'
    }
    finally {
        Stop-ProcessTree -Process $emulator
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
