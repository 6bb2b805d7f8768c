#Requires -Modules MlvFabric

<#
.SYNOPSIS
    Exports the last week's MLV refresh job history of a workspace's lakehouses to a CSV file.

.DESCRIPTION
    Lists the refresh job instances (manual and scheduled) that started in the last -Days days, for every
    lakehouse of the workspace, and writes them to a CSV file, one row per job:

        Workspace, Lakehouse, JobInstanceId, Status, InvokeType, JobType, StartTimeUtc, EndTimeUtc,
        DurationSeconds, FailureCode, FailureMessage

    Times are UTC in ISO 8601 (2026-11-24T20:41:07Z); a running job has no end time and its duration so far.
    The file is UTF-8 and has a header row even when no job matched. The runbook writes the file's path and the
    number of rows to the output.

    Fabric keeps the 100 most recent finished job instances of each lakehouse: for a lakehouse refreshed every
    few minutes that is less than a week, so export more often (daily) to keep a complete history.

    In Azure Automation, the sandbox's temporary folder (the default -Path) is discarded after the job: copy the
    file somewhere durable, for example with Set-AzStorageBlobContent, at the end of the runbook.

    Rehearse it against the emulator:

        dotnet run --project src/MlvFabric.Emulator -- --urls http://127.0.0.1:5080
        $env:IDENTITY_ENDPOINT = 'http://127.0.0.1:5080/_emulator/identity/token'
        $env:IDENTITY_HEADER = 'mlvfabric-emulator'
        ./examples/Export-JobHistory.ps1 -WorkspaceName Sales -Path ./history.csv -Endpoint http://127.0.0.1:5080

.PARAMETER WorkspaceName
    The workspace(s) whose history is exported. Wildcards are allowed.

.PARAMETER LakehouseName
    Only the lakehouses with these names (wildcards allowed). All of them by default.

.PARAMETER Path
    The CSV file to write (replaced if it exists). Default: MlvJobHistory-<date>.csv in the temporary folder.

.PARAMETER Days
    How many days back to export. Default 7.

.PARAMETER Endpoint
    The Fabric API base URL: the public cloud by default. Give the emulator's URL to rehearse the runbook.

.PARAMETER ClientId
    The client id of a user-assigned managed identity. Leave it empty for the system-assigned identity.

.PARAMETER UseCurrentSession
    Use the session of an earlier Connect-MlvFabric instead of signing in with the managed identity.

.EXAMPLE
    ./Export-JobHistory.ps1 -WorkspaceName 'Sales' -Path 'C:\Reports\sales-mlv-history.csv'

.EXAMPLE
    ./Export-JobHistory.ps1 -WorkspaceName 'Sales*' -Days 1 -UseCurrentSession

    At the console, signed in as yourself: yesterday's refreshes of every Sales workspace.
#>
#Requires -Version 5.1
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string[]] $WorkspaceName,

    [string[]] $LakehouseName = @('*'),

    [string] $Path = (Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('MlvJobHistory-{0:yyyyMMdd}.csv' -f [DateTime]::UtcNow)),

    [ValidateRange(1, 365)]
    [int] $Days = 7,

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

$invariant = [System.Globalization.CultureInfo]::InvariantCulture
function ConvertTo-IsoUtc {
    param($Value)
    if ($null -eq $Value) {
        return ''
    }
    return ([DateTime] $Value).ToString('yyyy-MM-ddTHH:mm:ssZ', $invariant)
}

# --- Read the history --------------------------------------------------------------------------------------------
# -Since takes a UTC (or local) time; the list is filtered as it streams in, newest first.
$since = [DateTime]::UtcNow.AddDays(-$Days)
$lakehouses = @(Get-MlvLakehouse -WorkspaceName $WorkspaceName -Name $LakehouseName)
$rows = @(
    $lakehouses | Get-MlvJobInstance -Since $since | ForEach-Object {
        $failureCode = ''
        $failureMessage = ''
        if ($null -ne $_.FailureReason) {
            $failureCode = $_.FailureReason.ErrorCode
            $failureMessage = $_.FailureReason.Message
        }
        $durationSeconds = ''
        if ($null -ne $_.DurationSeconds) {
            $durationSeconds = $_.DurationSeconds
        }
        [pscustomobject]@{
            Workspace       = $_.WorkspaceName
            Lakehouse       = $_.LakehouseName
            JobInstanceId   = $_.Id
            Status          = $_.Status
            InvokeType      = $_.InvokeType
            JobType         = $_.JobType
            StartTimeUtc    = ConvertTo-IsoUtc $_.StartTimeUtc
            EndTimeUtc      = ConvertTo-IsoUtc $_.EndTimeUtc
            DurationSeconds = $durationSeconds
            FailureCode     = $failureCode
            FailureMessage  = $failureMessage
        }
    }
)

# --- Write the CSV -----------------------------------------------------------------------------------------------
if ($rows.Count -gt 0) {
    $rows | Export-Csv -LiteralPath $Path -NoTypeInformation -Encoding UTF8
}
else {
    # Export-Csv writes nothing for no rows: keep the header, so consumers always find the columns.
    Set-Content -LiteralPath $Path -Encoding UTF8 -Value '"Workspace","Lakehouse","JobInstanceId","Status","InvokeType","JobType","StartTimeUtc","EndTimeUtc","DurationSeconds","FailureCode","FailureMessage"'
}

'Exported {0} job instance(s) of {1} lakehouse(s) since {2} to {3}' -f $rows.Count, $lakehouses.Count, (ConvertTo-IsoUtc $since), (Resolve-Path -LiteralPath $Path).ProviderPath
