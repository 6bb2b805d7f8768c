#Requires -Modules MlvFabric

<#
.SYNOPSIS
    Refreshes the materialized lake views of every lakehouse in a workspace, waits for all of them, prints a
    summary and fails the job when any refresh did not complete.

.DESCRIPTION
    An Azure Automation runbook (PowerShell 5.1 or 7.4+ runtime) for a nightly MLV refresh:

      1. signs in with the Automation account's managed identity (system-assigned, or user-assigned with -ClientId);
      2. lists the lakehouses of the workspace (optionally filtered by name);
      3. starts one refresh per lakehouse and waits for all of them at once (Start-MlvRefresh -Wait). A lakehouse
         whose lineage is already refreshing (a scheduled run, say) is not refreshed twice: -AttachIfRunning waits
         for the refresh that was running and reports its outcome;
      4. prints a summary: counts by status, then every refresh that did not complete with its failure reason;
      5. throws at the end when any refresh failed, timed out or could not be started, so the Automation job ends
         as Failed (and `pwsh -File` exits with code 1) and your alerting sees it.

    Completed and Deduped (skipped because another refresh of the same views had just run) count as success.
    Failed, Cancelled, timed out and not started count as failures.

    Requirements: the MlvFabric module imported into the Automation account (PowerShell 7.4+ or 5.1 runtime), a
    managed identity enabled on the account, and that identity added to the workspace as a Contributor (or
    higher). Some tenants accept only user identities on the MLV job APIs; the refresh then fails with an error
    saying so (see the README's troubleshooting section).

    Rehearse it locally against the emulator (no tenant needed):

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Invoke-NightlyRefresh.ps1 -WorkspaceName Sales -Endpoint http://127.0.0.1:5080

.PARAMETER WorkspaceName
    The workspace whose lakehouses are refreshed. Wildcards are allowed ('Sales*').

.PARAMETER LakehouseName
    Only the lakehouses with these names (wildcards allowed). All of them by default.

.PARAMETER TimeoutMinutes
    How long to wait for the refreshes, in minutes. Refreshes still running then are reported as failures and keep
    running in Fabric (unless -CancelOnTimeout). The default, 150, leaves room under Azure Automation's three-hour
    fair-share limit for cloud jobs.

.PARAMETER CancelOnTimeout
    Cancel the refreshes still running when -TimeoutMinutes is over.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric in this PowerShell session instead of signing in with the
    managed identity (for a rehearsal at the console).

.EXAMPLE
    ./Invoke-NightlyRefresh.ps1 -WorkspaceName 'Sales'

    In an Automation account: schedule the runbook nightly with WorkspaceName = Sales.

.EXAMPLE
    Connect-MlvFabric; ./Invoke-NightlyRefresh.ps1 -WorkspaceName 'Sales*' -LakehouseName 'Gold' -UseCurrentSession

    From a console, signed in as yourself: refresh the Gold lakehouse of every Sales workspace.
#>
#Requires -Version 5.1
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $WorkspaceName,

    [string[]] $LakehouseName = @('*'),

    [ValidateRange(1, 1440)]
    [int] $TimeoutMinutes = 150,

    [switch] $CancelOnTimeout,

    [string] $Endpoint = 'https://api.fabric.microsoft.com',

    [string] $ClientId,

    [switch] $UseCurrentSession
)

$ErrorActionPreference = 'Stop'

# --- Sign in -----------------------------------------------------------------------------------------------------
# Azure Automation sets IDENTITY_ENDPOINT and IDENTITY_HEADER for the account's managed identity; the emulator
# serves the same endpoint, so the runbook signs in the same way there.
if (-not $UseCurrentSession) {
    $connect = @{ Identity = $true; Endpoint = $Endpoint }
    if ($ClientId) {
        $connect.ClientId = $ClientId
    }
    $null = Connect-MlvFabric @connect
}

# --- Find the lakehouses -----------------------------------------------------------------------------------------
$lakehouses = @(Get-MlvLakehouse -WorkspaceName $WorkspaceName -Name $LakehouseName)
if ($lakehouses.Count -eq 0) {
    throw "No lakehouse matches '$($LakehouseName -join "', '")' in workspace '$($WorkspaceName -join "', '")'."
}

# --- Refresh them all and wait -----------------------------------------------------------------------------------
# Start-MlvRefresh paces the submissions under Fabric's limit (50 job submissions per minute per identity) and
# polls under the status-read limit, so hundreds of lakehouses take longer but never fail for throttling.
# A failed refresh is a non-terminating error (ErrorId MlvRefreshFailed, the job instance as its target object):
# collect those errors here instead of stopping at the first one.
$refreshParams = @{
    Wait            = $true
    AttachIfRunning = $true
    Timeout         = [TimeSpan]::FromMinutes($TimeoutMinutes)
    CancelOnTimeout = $CancelOnTimeout
}
$started = [DateTime]::UtcNow
$refreshErrors = $null
$jobs = @($lakehouses | Start-MlvRefresh @refreshParams -ErrorAction SilentlyContinue -ErrorVariable refreshErrors)
$elapsed = [DateTime]::UtcNow - $started

# --- One row per lakehouse ---------------------------------------------------------------------------------------
$rows = @()
foreach ($job in $jobs) {
    $rows += [pscustomobject]@{
        Lakehouse = '{0}/{1}' -f $job.WorkspaceName, $job.LakehouseName
        Status    = [string] $job.Status
        Duration  = $job.Duration
        JobId     = $job.Id
        Failure   = ''
    }
}
foreach ($record in @($refreshErrors)) {
    $target = $record.TargetObject
    $errorId = ([string] $record.FullyQualifiedErrorId).Split(',')[0]
    $row = [pscustomobject]@{
        Lakehouse = [string] $target
        Status    = 'NotStarted'
        Duration  = $null
        JobId     = $null
        Failure   = $record.Exception.Message
    }
    if ($null -ne $target -and $null -ne $target.PSObject.Properties['LakehouseName']) {
        # A job instance: the refresh ran (or was still running when the wait ended).
        $row.Lakehouse = '{0}/{1}' -f $target.WorkspaceName, $target.LakehouseName
        $row.Status = [string] $target.Status
        $row.Duration = $target.Duration
        $row.JobId = $target.Id
        if ($null -ne $target.FailureReason) {
            # The service's failureReason: error code and message.
            $row.Failure = '{0}: {1}' -f $target.FailureReason.ErrorCode, $target.FailureReason.Message
        }
    }
    if ($errorId -eq 'MlvJobWaitTimeout') {
        $row.Status = 'TimedOut'
    }
    elseif ($errorId -ne 'MlvRefreshFailed') {
        # Not submitted, or its status could not be read: name the error.
        $row.Status = 'Error'
        $row.Failure = '{0}: {1}' -f $errorId, $record.Exception.Message
    }
    $rows += $row
}

# --- Summary -----------------------------------------------------------------------------------------------------
$counts = [ordered]@{}
foreach ($row in $rows) {
    if ($counts.Contains($row.Status)) {
        $counts[$row.Status] += 1
    }
    else {
        $counts[$row.Status] = 1
    }
}
$failures = @($rows | Where-Object { $_.Status -ne 'Completed' -and $_.Status -ne 'Deduped' })

'MLV refresh of {0} lakehouse(s) in {1:hh\:mm\:ss}' -f $lakehouses.Count, $elapsed
''
'{0,-12} {1,5}' -f 'Status', 'Count'
'{0,-12} {1,5}' -f '------', '-----'
foreach ($status in $counts.Keys) {
    '{0,-12} {1,5}' -f $status, $counts[$status]
}
''
'{0,-40} {1,-12} {2,-10} {3}' -f 'Lakehouse', 'Status', 'Duration', 'Job'
'{0,-40} {1,-12} {2,-10} {3}' -f '---------', '------', '--------', '---'
foreach ($row in $rows) {
    # Duration is text already (hours:minutes:seconds).
    '{0,-40} {1,-12} {2,-10} {3}' -f $row.Lakehouse, $row.Status, $row.Duration, $row.JobId
}

if ($failures.Count -gt 0) {
    ''
    'Failures:'
    foreach ($row in $failures) {
        '  {0} ({1}): {2}' -f $row.Lakehouse, $row.Status, $row.Failure
    }
    # Fail the Automation job (and exit 1 under pwsh -File) so the failure is alerted on.
    throw ('{0} of {1} MLV refresh(es) did not complete: {2}' -f $failures.Count, $rows.Count, (($failures | ForEach-Object { '{0} ({1})' -f $_.Lakehouse, $_.Status }) -join ', '))
}
