#Requires -Modules MlvFabric

<#
.SYNOPSIS
    Makes sure each lakehouse of a workspace has exactly one enabled MLV refresh schedule.

.DESCRIPTION
    Fabric supports one active refresh schedule per materialized lake view lineage. This runbook enforces that
    across a workspace, and can run as often as you like (it changes nothing once every lakehouse is in order):

      - a lakehouse with no enabled schedule gets a new default one: daily at -At, in -TimeZone;
      - a lakehouse with several enabled schedules keeps the oldest (the first created) and has the others
        disabled (not removed: their configuration stays, and Enable-MlvSchedule brings one back);
      - a lakehouse with exactly one enabled schedule is left alone.

    Only whole-lineage schedules count. A schedule that runs an MLV execution definition (a subset of the
    lineage) is its own scope for Fabric and is left as it is.

    -WhatIf shows what would be created and disabled, and sends no change to Fabric (the schedules are still
    read). -WhatIf and -Confirm pass through to New-MlvSchedule and Disable-MlvSchedule.

    One object per lakehouse is written: Workspace, Lakehouse, Action (Unchanged, Created, Disabled, Failed; under
    -WhatIf WouldCreate, WouldDisable), EnabledScheduleId, DisabledScheduleIds and Detail. A lakehouse that could
    not be put in order (the 20-schedule limit, a permission error) does not stop the others; the runbook throws
    at the end, so the Automation job ends as Failed.

    Rehearse it against the emulator:

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Set-SingleEnabledSchedule.ps1 -WorkspaceName Sales -Endpoint http://127.0.0.1:5080 -WhatIf

.PARAMETER WorkspaceName
    The workspace(s) to check. Wildcards are allowed.

.PARAMETER LakehouseName
    Only the lakehouses with these names (wildcards allowed). All of them by default.

.PARAMETER At
    Times of day (HH:mm) of the default schedule created where a lakehouse has none. Default 02:00.

.PARAMETER TimeZone
    Time zone of the default schedule: a Windows time-zone id or an IANA name. Default UTC.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric instead of signing in with the managed identity.

.EXAMPLE
    ./Set-SingleEnabledSchedule.ps1 -WorkspaceName 'Sales' -WhatIf

    Shows what would change.

.EXAMPLE
    ./Set-SingleEnabledSchedule.ps1 -WorkspaceName 'Sales', 'Finance' -At '01:30' -TimeZone 'W. Europe Standard Time'

    As an Automation runbook: lakehouses without a schedule get one at 01:30 Amsterdam/Berlin time.
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $WorkspaceName,

    [string[]] $LakehouseName = @('*'),

    [string[]] $At = @('02:00'),

    [string] $TimeZone = 'UTC',

    [string] $Endpoint = 'https://api.fabric.microsoft.com',

    [string] $ClientId,

    [switch] $UseCurrentSession
)

$ErrorActionPreference = 'Stop'

# --- Sign in (managed identity in Azure Automation; the emulator serves the same endpoint) -----------------------
if (-not $UseCurrentSession) {
    $connect = @{ Identity = $true; Endpoint = $Endpoint }
    if ($ClientId) {
        $connect.ClientId = $ClientId
    }
    $null = Connect-MlvFabric @connect
}

# $WhatIfPreference is $true under -WhatIf; the module's cmdlets inherit it (and $ConfirmPreference for -Confirm).
$whatIf = [bool] $WhatIfPreference
$failed = 0

foreach ($lakehouse in @(Get-MlvLakehouse -WorkspaceName $WorkspaceName -Name $LakehouseName)) {
    $result = [pscustomobject]@{
        Workspace           = $lakehouse.WorkspaceName
        Lakehouse           = $lakehouse.DisplayName
        Action              = 'Unchanged'
        EnabledScheduleId   = $null
        DisabledScheduleIds = @()
        Detail              = ''
    }

    try {
        # Whole-lineage schedules only (ExecutionDefinitionId $null); an execution definition's schedule is its own scope.
        $enabled = @($lakehouse | Get-MlvSchedule | Where-Object { $_.Enabled -and $null -eq $_.ExecutionDefinitionId })

        if ($enabled.Count -eq 0) {
            # None: create the default schedule (enabled).
            $created = $lakehouse | New-MlvSchedule -Daily -At $At -TimeZone $TimeZone
            if ($whatIf) {
                $result.Action = 'WouldCreate'
            }
            else {
                $result.Action = 'Created'
                $result.EnabledScheduleId = $created.Id
                $result.Detail = $created.Summary
            }
        }
        else {
            # Keep the oldest enabled schedule (the list order breaks ties).
            $keep = $enabled[0]
            foreach ($schedule in $enabled) {
                if ($null -ne $schedule.CreatedDateTime -and ($null -eq $keep.CreatedDateTime -or $schedule.CreatedDateTime -lt $keep.CreatedDateTime)) {
                    $keep = $schedule
                }
            }
            $result.EnabledScheduleId = $keep.Id
            $result.Detail = $keep.Summary

            $extras = @($enabled | Where-Object { $_.Id -ne $keep.Id })
            if ($extras.Count -gt 0) {
                # Schedules bind to Disable-MlvSchedule by property name (Id, WorkspaceId, LakehouseId).
                $extras | Disable-MlvSchedule
                $result.DisabledScheduleIds = @($extras | ForEach-Object { $_.Id })
                if ($whatIf) {
                    $result.Action = 'WouldDisable'
                }
                else {
                    $result.Action = 'Disabled'
                }
            }
        }
    }
    catch {
        # Report this lakehouse and go on with the others; the runbook fails at the end.
        $failed++
        $result.Action = 'Failed'
        $result.Detail = $_.Exception.Message
    }

    $result
}

if ($failed -gt 0) {
    throw "$failed lakehouse(s) could not be given exactly one enabled schedule; see the Failed rows above."
}
