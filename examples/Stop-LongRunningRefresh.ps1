#Requires -Modules MlvFabric

<#
.SYNOPSIS
    Cancels the MLV refreshes that have been running longer than a given number of minutes.

.DESCRIPTION
    A clean-up runbook: it lists the running refreshes (status InProgress or NotStarted) of every lakehouse in a
    workspace, and cancels those that started more than -MaxRunMinutes ago. A refresh still queued (NotStarted)
    after that long is stuck as well, so it counts too. A job's age is the time since the service started it
    (its Duration).

    It cancels without asking, as a runbook must. -WhatIf lists what would be cancelled and sends no cancellation;
    -Confirm asks for each job. With -Wait it waits until each cancellation has taken effect (Fabric cancels
    asynchronously); a refresh that ended on its own in the meantime is reported with a warning.

    The cancelled job instances are written to the output (the module's job table), followed by a one-line count.

    Rehearse it against the emulator:

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Stop-LongRunningRefresh.ps1 -WorkspaceName Sales -MaxRunMinutes 1 -Endpoint http://127.0.0.1:5080 -WhatIf

.PARAMETER WorkspaceName
    The workspace(s) to check. Wildcards are allowed.

.PARAMETER LakehouseName
    Only the lakehouses with these names (wildcards allowed). All of them by default.

.PARAMETER MaxRunMinutes
    Refreshes running longer than this many minutes are cancelled. Default 120.

.PARAMETER Wait
    Wait until each cancellation has taken effect, and write the final job instances.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric instead of signing in with the managed identity.

.EXAMPLE
    ./Stop-LongRunningRefresh.ps1 -WorkspaceName 'Sales' -MaxRunMinutes 90 -Wait

    As an Automation runbook every 30 minutes: no refresh of the Sales lakehouses runs longer than 90 minutes.

.EXAMPLE
    ./Stop-LongRunningRefresh.ps1 -WorkspaceName 'Sales*' -MaxRunMinutes 60 -UseCurrentSession -WhatIf

    At the console, signed in as yourself: which refreshes would be cancelled?
#>
#Requires -Version 5.1
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $WorkspaceName,

    [string[]] $LakehouseName = @('*'),

    [ValidateRange(1, 10080)]
    [int] $MaxRunMinutes = 120,

    [switch] $Wait,

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

# --- Find the refreshes running too long -------------------------------------------------------------------------
# Lakehouses pipe into Get-MlvJobInstance by property name; -Status filters as the list streams in.
$limitSeconds = $MaxRunMinutes * 60
$tooLong = @(
    Get-MlvLakehouse -WorkspaceName $WorkspaceName -Name $LakehouseName |
        Get-MlvJobInstance -Status InProgress, NotStarted |
        Where-Object { $null -ne $_.DurationSeconds -and $_.DurationSeconds -gt $limitSeconds }
)

# --- Cancel them -------------------------------------------------------------------------------------------------
if ($tooLong.Count -gt 0) {
    # Stop-MlvJobInstance has ConfirmImpact High: it would prompt, which a runbook cannot answer. Cancel without a
    # prompt unless the caller asked for one with -Confirm. -WhatIf passes through ($WhatIfPreference).
    $stopParams = @{}
    if (-not $PSBoundParameters.ContainsKey('Confirm')) {
        $stopParams.Confirm = $false
    }
    if ($Wait) {
        $stopParams.Wait = $true
    }
    else {
        $stopParams.PassThru = $true
    }
    # Job instances bind to Stop-MlvJobInstance by property name (Id, WorkspaceId, LakehouseId).
    $tooLong | Stop-MlvJobInstance @stopParams
}

if ($WhatIfPreference) {
    '{0} MLV refresh(es) running longer than {1} minute(s) would be cancelled.' -f $tooLong.Count, $MaxRunMinutes
}
else {
    '{0} MLV refresh(es) running longer than {1} minute(s) cancelled.' -f $tooLong.Count, $MaxRunMinutes
}
