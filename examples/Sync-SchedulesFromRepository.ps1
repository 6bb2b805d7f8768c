<#
.SYNOPSIS
    Deploys the refresh schedules kept in a repository: makes the lakehouses match the schedule files, prints each
    change, and fails the job when a change failed.

.DESCRIPTION
    A runbook for a release pipeline or Azure Automation (PowerShell 5.1 or 7.4+), run after the schedule files
    (written by Export-MlvSchedule, edited and reviewed in pull requests) are merged:

      1. signs in with the managed identity (system-assigned, or user-assigned with -ClientId);
      2. hands the files to Sync-MlvSchedule, which checks each file completely (a bad file stops the deployment
         before any request is sent), computes the whole plan (reads only) and applies it; with -Prune it also
         removes the schedules and execution definitions of the listed lakehouses that the files do not list;
      3. prints one line per change: status, action, target, before -> after;
      4. throws at the end when a change failed. The other changes stay applied; running the runbook again plans
         only what is still missing and finishes the job.

    With -WhatIf nothing is written: the plan is printed and each change is listed as Planned (a pull-request check).

    Rehearse it locally against the emulator:

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Sync-SchedulesFromRepository.ps1 -Path ./schedules/*.json -Endpoint http://127.0.0.1:5080 -WhatIf

.PARAMETER Path
    The schedule files (wildcards allowed: './schedules/*.json').

.PARAMETER Prune
    Also remove, in the lakehouses the files list, what the files do not list.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric in this PowerShell session instead of signing in with the
    managed identity.

.EXAMPLE
    ./Sync-SchedulesFromRepository.ps1 -Path ./schedules/*.json -Prune -WhatIf

    A pull-request check: prints what the merge would change, changes nothing.

.EXAMPLE
    ./Sync-SchedulesFromRepository.ps1 -Path ./schedules/*.json -Prune

    After the merge: deploys the schedules.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $Path,

    [switch] $Prune,

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

# --- The files ---------------------------------------------------------------------------------------------------
$files = @(foreach ($p in $Path) { $ExecutionContext.SessionState.Path.GetResolvedProviderPathFromPSPath($p, [ref] $null) })
if ($files.Count -eq 0) {
    throw "No schedule file matches '$($Path -join "', '")'."
}

# --- Sync --------------------------------------------------------------------------------------------------------
# A bad file is a terminating error (ScheduleFileInvalid, one line per problem): nothing is sent and the job fails.
# A change the service refuses is a non-terminating error: collect them, let the other changes go on.
$syncErrors = $null
$changes = @($files | Sync-MlvSchedule -Prune:$Prune -ErrorAction SilentlyContinue -ErrorVariable syncErrors)

'{0} change(s) from {1} file(s){2}' -f $changes.Count, $files.Count, $(if ($WhatIfPreference) { ' (WhatIf: nothing was changed)' } else { '' })
if ($changes.Count -gt 0) {
    ''
    '{0,-12} {1,-16} {2}' -f 'Status', 'Action', 'Change'
    '{0,-12} {1,-16} {2}' -f '------', '------', '------'
    foreach ($change in $changes) {
        $line = '{0,-12} {1,-16} {2}: {3}' -f $change.Status, $change.Action, $change.Target, $change.Change
        if ($change.Error) {
            $line += ' -- ' + $change.Error
        }
        $line
    }
}

if (@($syncErrors).Count -gt 0) {
    $failed = @($changes | Where-Object { [string] $_.Status -eq 'Failed' }).Count
    $notAttempted = @($changes | Where-Object { [string] $_.Status -eq 'NotAttempted' }).Count
    throw ('{0} change(s) failed and {1} were not attempted; run the deployment again to finish. First error: {2}' -f $failed, $notAttempted, $syncErrors[0].Exception.Message)
}
