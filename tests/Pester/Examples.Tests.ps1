# The runbooks in examples/: every one is well-formed for this PowerShell; those that need utility cmdlets
# (Export-Csv) or a real process exit code run here against an emulator started by this file. The others run
# in-process in tests/MlvFabric.Tests/ExampleRunbookTests.cs as well.

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $script:Runbooks = @(Get-ChildItem -LiteralPath (Join-Path -Path $MlvRepoRoot -ChildPath 'examples') -Filter '*.ps1' |
            Sort-Object -Property Name | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $null = Import-MlvTestModule
    $script:Examples = Join-Path -Path $MlvRepoRoot -ChildPath 'examples'
}

Describe 'Runbook <Name>' -ForEach $Runbooks {
    It 'parses in this PowerShell' {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $errors)
        $errors | Should -HaveCount 0
    }

    It 'has comment-based help with a synopsis and examples' {
        $help = Get-Help -Name $Path -Full
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        "$($help.Synopsis)" | Should -Not -Match '\.ps1'
        @($help.examples.example).Count | Should -BeGreaterOrEqual 1
    }

    It 'takes -Endpoint, defaulting to the public cloud, and stops on errors' {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $null, [ref] $null)
        $endpoint = @($ast.ParamBlock.Parameters | Where-Object { $_.Name.VariablePath.UserPath -eq 'Endpoint' })
        $endpoint | Should -HaveCount 1
        $endpoint[0].DefaultValue.Value | Should -Be 'https://api.fabric.microsoft.com'
        Get-Content -LiteralPath $Path -Raw | Should -Match "(?m)^\`$ErrorActionPreference = 'Stop'"
    }

    It 'is plain ASCII (Windows PowerShell 5.1 reads a file without BOM as ANSI)' {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        @($bytes | Where-Object { $_ -gt 127 }) | Should -HaveCount 0
    }
}

Describe 'Runbooks against the emulator' {
    BeforeAll {
        $script:Emulator = Start-MlvTestEmulator
        $script:SavedIdentity = Set-MlvIdentityEnvironment -Emulator $Emulator
    }

    AfterAll {
        Restore-MlvIdentityEnvironment -Saved $SavedIdentity
        Stop-MlvTestEmulator -Emulator $Emulator
    }

    BeforeEach {
        $null = Invoke-MlvEmulatorControl -Emulator $Emulator -Method Post -Path 'reset'
        foreach ($lakehouse in @('Bronze', 'Silver', 'Gold')) {
            $id = Get-MlvEmulatorLakehouseId -Emulator $Emulator -Lakehouse $lakehouse
            $null = Invoke-MlvEmulatorControl -Emulator $Emulator -Method Put -Path "lakehouses/$id/settings" -Body @{ durationSeconds = 1; queueSeconds = 0.5 }
        }
    }

    Context 'Export-JobHistory.ps1' {
        BeforeEach {
            # Finished history of Bronze: 30 runs 10 hours apart (12.5 days), a third of them failed.
            $bronze = Get-MlvEmulatorLakehouseId -Emulator $Emulator -Lakehouse 'Bronze'
            $null = Invoke-MlvEmulatorControl -Emulator $Emulator -Method Post -Path "lakehouses/$bronze/jobs/history" `
                -Body @{ count = 30; intervalMinutes = 600; durationSeconds = 60; failureRate = 0.34; seed = 7 }
        }

        It 'exports the last week of every lakehouse to CSV, failures with their reason' {
            $csv = Join-Path -Path $TestDrive -ChildPath 'history.csv'
            $output = @(& (Join-Path -Path $Examples -ChildPath 'Export-JobHistory.ps1') -WorkspaceName 'Sales' -Path $csv -Endpoint $Emulator.Url)

            $output[-1] | Should -Match '^Exported \d+ job instance\(s\) of 3 lakehouse\(s\)'
            $rows = @(Import-Csv -LiteralPath $csv)
            $rows.Count | Should -BeGreaterThan 0
            $rows.Count | Should -BeLessThan 30
            @($rows[0].PSObject.Properties | ForEach-Object { $_.Name }) | Should -Be @(
                'Workspace', 'Lakehouse', 'JobInstanceId', 'Status', 'InvokeType', 'JobType', 'StartTimeUtc', 'EndTimeUtc',
                'DurationSeconds', 'FailureCode', 'FailureMessage')
            $weekAgo = [DateTime]::UtcNow.AddDays(-7).AddMinutes(-5)
            foreach ($row in $rows) {
                $row.Workspace | Should -Be 'Sales'
                $row.Lakehouse | Should -Be 'Bronze'
                $start = [DateTime]::Parse($row.StartTimeUtc, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal)
                $start | Should -BeGreaterThan $weekAgo
                $row.DurationSeconds | Should -Be '60'
            }
            $failed = @($rows | Where-Object { $_.Status -eq 'Failed' })
            $failed.Count | Should -BeGreaterThan 0
            foreach ($row in $failed) {
                $row.FailureCode | Should -Not -BeNullOrEmpty
            }
        }

        It 'exports fewer days when asked' {
            $week = Join-Path -Path $TestDrive -ChildPath 'week.csv'
            $day = Join-Path -Path $TestDrive -ChildPath 'day.csv'
            $null = & (Join-Path -Path $Examples -ChildPath 'Export-JobHistory.ps1') -WorkspaceName 'Sales' -LakehouseName 'Bronze' -Path $week -Endpoint $Emulator.Url
            $null = & (Join-Path -Path $Examples -ChildPath 'Export-JobHistory.ps1') -WorkspaceName 'Sales' -LakehouseName 'Bronze' -Days 1 -Path $day -Endpoint $Emulator.Url

            @(Import-Csv -LiteralPath $day).Count | Should -BeLessThan @(Import-Csv -LiteralPath $week).Count
        }

        It 'writes the header row when no job matched' {
            $csv = Join-Path -Path $TestDrive -ChildPath 'empty.csv'
            $output = @(& (Join-Path -Path $Examples -ChildPath 'Export-JobHistory.ps1') -WorkspaceName 'Finance' -Path $csv -Endpoint $Emulator.Url)

            $output[-1] | Should -Match '^Exported 0 job instance\(s\) of 1 lakehouse\(s\)'
            @(Get-Content -LiteralPath $csv) | Should -HaveCount 1
            (Get-Content -LiteralPath $csv -TotalCount 1) | Should -Match '^"Workspace","Lakehouse","JobInstanceId"'
        }
    }

    Context 'Invoke-NightlyRefresh.ps1 as Azure Automation runs it (a new process, module from PSModulePath)' {
        It 'exits with 0 and prints the summary when every refresh completes' {
            $run = Invoke-MlvScriptProcess -Path (Join-Path -Path $Examples -ChildPath 'Invoke-NightlyRefresh.ps1') -ArgumentList @('-WorkspaceName', 'Sales', '-Endpoint', $Emulator.Url)

            $run.Output | Should -Match 'MLV refresh of 3 lakehouse\(s\)'
            $run.Output | Should -Match 'Completed\s+3'
            $run.ExitCode | Should -Be 0
        }

        It 'exits non-zero and names the failure reason when a refresh fails' {
            $gold = Get-MlvEmulatorLakehouseId -Emulator $Emulator -Lakehouse 'Gold'
            $null = Invoke-MlvEmulatorControl -Emulator $Emulator -Method Put -Path "lakehouses/$gold/settings" `
                -Body @{ failureRate = 1; failureCode = 'MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED'; failureMessage = 'The capacity is paused.' }

            $run = Invoke-MlvScriptProcess -Path (Join-Path -Path $Examples -ChildPath 'Invoke-NightlyRefresh.ps1') -ArgumentList @('-WorkspaceName', 'Sales', '-Endpoint', $Emulator.Url)

            $run.Output | Should -Match 'Completed\s+2'
            $run.Output | Should -Match 'Failed\s+1'
            $run.Output | Should -Match 'Sales/Gold \(Failed\): MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED: The capacity is paused\.'
            $run.Output | Should -Match '1 of 3 MLV refresh\(es\) did not complete'
            $run.ExitCode | Should -Not -Be 0
        }
    }
}
