# Shared helpers of the Pester tests, dot-sourced by each *.Tests.ps1 (in BeforeDiscovery/BeforeAll).
# Windows PowerShell 5.1 and PowerShell 7.4+: no 7-only syntax, no $IsWindows (undefined on 5.1).

$script:MlvRepoRoot = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).ProviderPath

function Test-MlvWindows {
    return [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
}

# The built module's manifest: out/MlvFabric/<ModuleVersion>/MlvFabric.psd1 (version from the root manifest).
function Get-MlvTestManifestPath {
    $version = (Import-PowerShellDataFile -Path (Join-Path -Path $script:MlvRepoRoot -ChildPath 'MlvFabric.psd1')).ModuleVersion
    $manifest = Join-Path -Path $script:MlvRepoRoot -ChildPath "out/MlvFabric/$version/MlvFabric.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "The built module is missing at '$manifest'. Build it first: ./build.ps1 Build (or dotnet build src/MlvFabric)."
    }
    return (Resolve-Path -LiteralPath $manifest).ProviderPath
}

# Imports the built module once per session (a binary module cannot be unloaded; importing it again is pointless).
function Import-MlvTestModule {
    $manifest = Get-MlvTestManifestPath
    $loaded = Get-Module -Name MlvFabric
    if ($loaded -and $loaded.ModuleBase -ne (Split-Path -Parent $manifest)) {
        throw "Another MlvFabric is loaded in this session ($($loaded.ModuleBase)); run the tests in a new session."
    }
    if (-not $loaded) {
        Import-Module -Name $manifest -ErrorAction Stop
    }
    return Get-Module -Name MlvFabric
}

# The PowerShell running the tests, as a command line prefix: the executable and the arguments before ours.
# A pwsh installed as a dotnet tool runs as 'dotnet <PSHOME>/pwsh.dll', so the process path alone is not enough.
function Get-MlvPowerShellCommand {
    if ($PSVersionTable.PSEdition -ne 'Core') {
        return @((Join-Path -Path $PSHOME -ChildPath 'powershell.exe'))
    }
    $processPath = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $name = [System.IO.Path]::GetFileNameWithoutExtension($processPath)
    if ($name -eq 'dotnet') {
        return @($processPath, (Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'))
    }
    return @($processPath)
}

# Runs a script file in a new PowerShell process (the same edition as this one) and returns its exit code and
# output. The module is found through PSModulePath (out/ first), as an installed module would be.
function Invoke-MlvScriptProcess {
    param(
        [Parameter(Mandatory = $true)][string] $Path,
        [string[]] $ArgumentList = @()
    )

    $command = @(Get-MlvPowerShellCommand)
    $exe = $command[0]
    $arguments = @()
    if ($command.Count -gt 1) {
        $arguments += $command[1..($command.Count - 1)]
    }
    $arguments += @('-NoProfile', '-NonInteractive')
    if (Test-MlvWindows) {
        $arguments += @('-ExecutionPolicy', 'Bypass')
    }
    $arguments += @('-File', $Path)
    $arguments += $ArgumentList

    # Native stderr lines become error records under 2>&1; on 5.1 they would throw under 'Stop'.
    $ErrorActionPreference = 'Continue'
    $outDir = Join-Path -Path $script:MlvRepoRoot -ChildPath 'out'
    $savedModulePath = $env:PSModulePath
    $env:PSModulePath = $outDir + [System.IO.Path]::PathSeparator + $env:PSModulePath
    try {
        $output = & $exe @arguments 2>&1 | ForEach-Object { "$_" }
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:PSModulePath = $savedModulePath
    }
    return [pscustomobject]@{ ExitCode = $exitCode; Output = ($output -join [Environment]::NewLine) }
}

function Get-MlvFreeTcpPort {
    $listener = New-Object -TypeName System.Net.Sockets.TcpListener -ArgumentList ([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try {
        return $listener.LocalEndpoint.Port
    }
    finally {
        $listener.Stop()
    }
}

# Quotes an argument for Start-Process, which joins -ArgumentList with spaces on every version.
function ConvertTo-MlvProcessArgument {
    param([string] $Value)
    if ($Value -match '[\s"]') {
        return '"' + ($Value -replace '"', '\"') + '"'
    }
    return $Value
}

# Starts the emulator program ('dotnet run --no-build', so it must be built: dotnet test or dotnet build does it)
# on a free loopback port and waits until it answers. Returns { Url, Process, Log }.
function Start-MlvTestEmulator {
    param([string[]] $ExtraArguments = @())

    $project = Join-Path -Path $script:MlvRepoRoot -ChildPath 'src/MlvFabric.Emulator'
    $configurations = @('Debug', 'Release')
    if ($env:MLVFABRIC_CONFIGURATION) {
        $configurations = @($env:MLVFABRIC_CONFIGURATION)
    }
    $configuration = $null
    foreach ($candidate in $configurations) {
        $binDir = Join-Path -Path $project -ChildPath "bin/$candidate"
        if ((Test-Path -LiteralPath $binDir) -and (Get-ChildItem -LiteralPath $binDir -Recurse -Filter 'MlvFabric.Emulator.dll' | Select-Object -First 1)) {
            $configuration = $candidate
            break
        }
    }
    if (-not $configuration) {
        throw "The emulator is not built ($($configurations -join ' or ')). Build it first: dotnet build src/MlvFabric.Emulator (dotnet test MlvFabric.sln builds it too)."
    }

    $lastError = $null
    foreach ($attempt in 1..3) {
        $url = 'http://127.0.0.1:{0}' -f (Get-MlvFreeTcpPort)
        $log = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('mlvfabric-emulator-{0}' -f [guid]::NewGuid().ToString('N'))
        $arguments = @('run', '--project', $project, '--no-build', '--no-launch-profile', '-c', $configuration, '--', '--urls', $url, '--retry-after', '1') + $ExtraArguments
        $process = Start-Process -FilePath 'dotnet' -ArgumentList ($arguments | ForEach-Object { ConvertTo-MlvProcessArgument $_ }) `
            -NoNewWindow -PassThru -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err"
        $emulator = [pscustomobject]@{ Url = $url; Process = $process; Log = $log }
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while ([DateTime]::UtcNow -lt $deadline -and -not $process.HasExited) {
            try {
                $health = Invoke-RestMethod -Method Get -Uri "$url/_emulator/health" -TimeoutSec 2 -UseBasicParsing
                if ($health.status -eq 'ok') {
                    return $emulator
                }
            }
            catch {
                Start-Sleep -Milliseconds 250
            }
        }
        $lastError = "The emulator did not start on $url (attempt $attempt): " + (Get-MlvTestEmulatorLog -Emulator $emulator)
        Stop-MlvTestEmulator -Emulator $emulator
    }
    throw $lastError
}

function Get-MlvTestEmulatorLog {
    param([Parameter(Mandatory = $true)] $Emulator)
    $text = ''
    foreach ($file in @("$($Emulator.Log).out", "$($Emulator.Log).err")) {
        try {
            if (Test-Path -LiteralPath $file) {
                $text += (Get-Content -LiteralPath $file -Raw) + "`n"
            }
        }
        catch {
            $text += "($file could not be read: $($_.Exception.Message))`n"
        }
    }
    return $text
}

# Stops the emulator: 'dotnet run' starts the emulator as a child process, so the whole tree is stopped.
function Stop-MlvTestEmulator {
    param($Emulator)
    if (-not $Emulator) {
        return
    }
    $ErrorActionPreference = 'Continue'
    $process = $Emulator.Process
    if (-not $process.HasExited) {
        try {
            if ($PSVersionTable.PSEdition -eq 'Core') {
                $process.Kill($true)
            }
            else {
                # .NET Framework has no Kill(entireProcessTree).
                $null = & taskkill.exe /PID $process.Id /T /F 2>&1
            }
        }
        catch {
            # It exited meanwhile (or taskkill found nothing left to stop).
        }
        $null = $process.WaitForExit(15000)
    }
    Remove-Item -LiteralPath "$($Emulator.Log).out", "$($Emulator.Log).err" -Force -ErrorAction SilentlyContinue
}

# Calls the emulator's control surface (/_emulator/...), which needs no token.
function Invoke-MlvEmulatorControl {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [string] $Method = 'Get',
        [Parameter(Mandatory = $true)][string] $Path,
        $Body
    )
    $request = @{ Method = $Method; Uri = "$($Emulator.Url)/_emulator/$Path"; UseBasicParsing = $true }
    if ($null -ne $Body) {
        $request.Body = ConvertTo-Json -InputObject $Body -Depth 5
        $request.ContentType = 'application/json'
    }
    return Invoke-RestMethod @request
}

# The id of a seeded lakehouse (GET /_emulator/tenant).
function Get-MlvEmulatorLakehouseId {
    param([Parameter(Mandatory = $true)] $Emulator, [string] $Workspace = 'Sales', [Parameter(Mandatory = $true)][string] $Lakehouse)
    $tenant = Invoke-MlvEmulatorControl -Emulator $Emulator -Path 'tenant'
    foreach ($ws in $tenant.workspaces) {
        if ($ws.displayName -eq $Workspace) {
            foreach ($item in $ws.items) {
                if ($item.displayName -eq $Lakehouse) {
                    return $item.id
                }
            }
        }
    }
    throw "No lakehouse $Workspace/$Lakehouse in the emulator."
}

# Points Azure.Identity's managed identity sign-in (IDENTITY_ENDPOINT/IDENTITY_HEADER, as in Azure Automation) at
# the emulator; returns the previous values for Restore-MlvIdentityEnvironment.
function Set-MlvIdentityEnvironment {
    param([Parameter(Mandatory = $true)] $Emulator)
    $saved = @{ IDENTITY_ENDPOINT = $env:IDENTITY_ENDPOINT; IDENTITY_HEADER = $env:IDENTITY_HEADER }
    $env:IDENTITY_ENDPOINT = "$($Emulator.Url)/_emulator/identity/token"
    $env:IDENTITY_HEADER = 'mlvfabric-emulator'
    return $saved
}

function Restore-MlvIdentityEnvironment {
    param($Saved)
    if ($Saved) {
        foreach ($name in @('IDENTITY_ENDPOINT', 'IDENTITY_HEADER')) {
            [System.Environment]::SetEnvironmentVariable($name, $Saved[$name])
        }
    }
}
