# What users script against, with the utility cmdlets of a real PowerShell (Select-Object, Export-Csv,
# ConvertTo-Json, Out-String), which the in-process .NET tests cannot run: the columns of the default tables are
# properties, exports are flat, and the tables fit 80 columns.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $null = Import-MlvTestModule
    $script:Emulator = Start-MlvTestEmulator
    $script:SavedIdentity = Set-MlvIdentityEnvironment -Emulator $Emulator
    $null = Connect-MlvFabric -Identity -Endpoint $Emulator.Url
    $null = Invoke-MlvEmulatorControl -Emulator $Emulator -Method Post -Path "lakehouses/$(Get-MlvEmulatorLakehouseId -Emulator $Emulator -Lakehouse Gold)/jobs/history" -Body @{ count = 2; intervalMinutes = 60; durationSeconds = 3725; failureRate = 1.0; seed = 1 }
    $null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Weekly -DayOfWeek Monday, Friday -At '06:00', '18:00' -TimeZone 'Central Standard Time'
    $script:Csv = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ("mlvfabric-schedules-{0}.csv" -f [guid]::NewGuid())
}

AfterAll {
    Disconnect-MlvFabric -ErrorAction SilentlyContinue
    if ($Csv) {
        Remove-Item -LiteralPath $Csv -ErrorAction SilentlyContinue
    }
    Restore-MlvIdentityEnvironment -Saved $SavedIdentity
    Stop-MlvTestEmulator -Emulator $Emulator
}

Describe 'MlvFabric objects' {
    It 'select, filter and read the columns the tables show, under strict mode' {
        Set-StrictMode -Version Latest
        try {
            @(Get-MlvWorkspace | Select-Object -ExpandProperty Name) | Should -Be @('Sales', 'Finance')
            @(Get-MlvLakehouse -WorkspaceName Sales | Where-Object Name -like 'G*').Count | Should -Be 1
            (Get-MlvLakehouse -WorkspaceName Sales -Name Gold).Name | Should -Be 'Gold'
        }
        finally {
            Set-StrictMode -Off
        }
    }

    It 'export schedules to CSV as readable text' {
        Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold | Export-Csv -LiteralPath $Csv -NoTypeInformation
        $text = Get-Content -LiteralPath $Csv -Raw

        $text | Should -Not -Match 'System\.Collections|MlvFabric\.|Scheduling\.'
        $row = Import-Csv -LiteralPath $Csv
        $row.Configuration | Should -Be 'Mon, Fri at 06:00, 18:00 (Central Standard Time)'
        $row.Runs | Should -Be '(whole lineage)'
        $row.NextRunTimes | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\dZ, '
    }

    It 'convert jobs to JSON with a flat duration' {
        $json = Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -First 1 | ConvertTo-Json -Depth 2
        $job = $json | ConvertFrom-Json

        $json | Should -Not -Match '"Ticks"'
        $job.Duration | Should -Be '01:02:05'
        $job.DurationSeconds | Should -Be 3725
        $job.Failure | Should -Be 'JobInstanceStatusFailed'
    }

    It 'render tables that fit 80 columns and cut no value' {
        foreach ($objects in @((Get-MlvWorkspace), (Get-MlvLakehouse -WorkspaceName Sales), (Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold), (Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold))) {
            $text = $objects | Out-String -Width 80
            foreach ($line in ($text -split "`r?`n")) {
                $line.Length | Should -BeLessOrEqual 80
            }
            $text | Should -Not -Match ([regex]::Escape([string][char]0x2026))
        }
        (Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold | Out-String -Width 80) | Should -Match 'JobInstanceStatusFailed'
    }
}
