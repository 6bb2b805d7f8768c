<#
.SYNOPSIS
    The morning health check of MLV refreshes: lists every lakehouse that is not healthy, with the verdict and the
    reason, and fails the job when there is any.

.DESCRIPTION
    An Azure Automation runbook (PowerShell 5.1 or 7.4+ runtime) to schedule every morning:

      1. signs in with the Automation account's managed identity (system-assigned, or user-assigned with -ClientId);
      2. reads the refresh health of the chosen lakehouses with Get-MlvRefreshStatus: enabled schedules, last run,
         last success, failures in a row, and a verdict (Failing, Stale, NeverRun, NoSchedule, Running, Healthy)
         with its reason. The reads are paced under Fabric's job-read limit (50 per minute per identity), so 300
         lakehouses take about five minutes;
      3. prints counts by verdict, then one line per lakehouse whose verdict is not allowed (worst first);
      4. throws at the end when any lakehouse is unhealthy, so the Automation job ends as Failed (and
         `pwsh -File` exits with code 1) and your alerting sees it.

    Rehearse it locally against the emulator (no tenant needed):

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Test-RefreshHealth.ps1 -WorkspaceName Sales -Endpoint http://127.0.0.1:5080

    (The emulator's lakehouses start without schedules, so the check fails with NoSchedule until you add some.)

.PARAMETER WorkspaceName
    The workspaces to check (wildcards allowed, 'Sales*'). All of them by default.

.PARAMETER LakehouseName
    Only the lakehouses with these names (wildcards allowed). All of them by default.

.PARAMETER StaleAfterHours
    No successful refresh for this many hours counts as Stale. 0 (the default): derived from each lakehouse's
    schedules (twice the interval, 25 hours for daily schedules).

.PARAMETER AllowedVerdict
    The verdicts that do not fail the job. Healthy and Running by default; add NoSchedule where lakehouses without
    a schedule are expected.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric in this PowerShell session instead of signing in with the
    managed identity (for a rehearsal at the console).

.EXAMPLE
    ./Test-RefreshHealth.ps1 -WorkspaceName 'Sales*'

    In an Automation account: schedule the runbook every morning with WorkspaceName = Sales*.

.EXAMPLE
    Connect-MlvFabric; ./Test-RefreshHealth.ps1 -WorkspaceName 'Finance' -StaleAfterHours 6 -AllowedVerdict Healthy, Running, NoSchedule -UseCurrentSession

    From a console: Finance is unhealthy when a lakehouse has not refreshed successfully for six hours.
#>
#Requires -Version 5.1
[CmdletBinding()]
param(
    [string[]] $WorkspaceName = @('*'),

    [string[]] $LakehouseName = @('*'),

    [ValidateRange(0, 8760)]
    [double] $StaleAfterHours = 0,

    [ValidateSet('Failing', 'Stale', 'NeverRun', 'NoSchedule', 'Running', 'Healthy')]
    [string[]] $AllowedVerdict = @('Healthy', 'Running'),

    [string] $Endpoint = 'https://api.fabric.microsoft.com',

    [string] $ClientId,

    [switch] $UseCurrentSession
)

$ErrorActionPreference = 'Stop'

# --- Sign in -----------------------------------------------------------------------------------------------------
if (-not $UseCurrentSession) {
    $connect = @{ Identity = $true; Endpoint = $Endpoint }
    if ($ClientId) {
        $connect.ClientId = $ClientId
    }
    $null = Connect-MlvFabric @connect
}

# --- Read the health of every lakehouse (worst first) ------------------------------------------------------------
$statusParams = @{ WorkspaceName = $WorkspaceName; LakehouseName = $LakehouseName }
if ($StaleAfterHours -gt 0) {
    $statusParams.StaleAfter = [TimeSpan]::FromHours($StaleAfterHours)
}
$started = [DateTime]::UtcNow
$status = @(Get-MlvRefreshStatus @statusParams)
$elapsed = [DateTime]::UtcNow - $started
if ($status.Count -eq 0) {
    throw "No lakehouse matches '$($LakehouseName -join "', '")' in workspace '$($WorkspaceName -join "', '")'."
}

$unhealthy = @($status | Where-Object { $AllowedVerdict -notcontains [string] $_.Verdict })

# --- Summary -----------------------------------------------------------------------------------------------------
$counts = [ordered]@{}
foreach ($s in $status) {
    $verdict = [string] $s.Verdict
    if ($counts.Contains($verdict)) {
        $counts[$verdict] += 1
    }
    else {
        $counts[$verdict] = 1
    }
}

'MLV refresh health of {0} lakehouse(s), read in {1:hh\:mm\:ss}' -f $status.Count, $elapsed
''
'{0,-12} {1,5}' -f 'Verdict', 'Count'
'{0,-12} {1,5}' -f '-------', '-----'
foreach ($verdict in $counts.Keys) {
    '{0,-12} {1,5}' -f $verdict, $counts[$verdict]
}

if ($unhealthy.Count -gt 0) {
    ''
    'Unhealthy:'
    foreach ($s in $unhealthy) {
        '  {0,-10} {1}/{2}: {3}' -f $s.Verdict, $s.WorkspaceName, $s.LakehouseName, $s.Reason
    }
    # Fail the Automation job (and exit 1 under pwsh -File) so the problem is alerted on.
    throw ('{0} of {1} lakehouse(s) are unhealthy: {2}' -f $unhealthy.Count, $status.Count, (($unhealthy | ForEach-Object { '{0}/{1} ({2})' -f $_.WorkspaceName, $_.LakehouseName, $_.Verdict }) -join ', '))
}

''
'All {0} lakehouse(s) are healthy.' -f $status.Count
