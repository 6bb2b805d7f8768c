# The README quickstart, exactly as written (only the emulator's URL changed), end to end against an emulator
# started here: 'dotnet run --project src/MlvFabric.Emulator --no-build' on a free loopback port.

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $null = Import-MlvTestModule
    $script:Emulator = Start-MlvTestEmulator
    $script:SavedIdentity = @{ IDENTITY_ENDPOINT = $env:IDENTITY_ENDPOINT; IDENTITY_HEADER = $env:IDENTITY_HEADER }

    $readme = Get-Content -LiteralPath (Join-Path -Path $MlvRepoRoot -ChildPath 'README.md') -Raw
    $match = [regex]::Match($readme, '(?s)<!-- quickstart:begin -->\s*```powershell\s*(.*?)```\s*<!-- quickstart:end -->')
    $script:Quickstart = $match.Groups[1].Value
    $script:QuickstartFound = $match.Success
}

AfterAll {
    Restore-MlvIdentityEnvironment -Saved $SavedIdentity
    Stop-MlvTestEmulator -Emulator $Emulator
}

Describe 'README quickstart' {
    It 'is in README.md between the quickstart markers and starts with $MlvEmulatorUrl' {
        $QuickstartFound | Should -BeTrue
        $Quickstart.TrimStart() | Should -Match "^\`$MlvEmulatorUrl = 'http://127\.0\.0\.1:5080'"
    }

    It 'parses' {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($Quickstart, [ref] $tokens, [ref] $errors)
        $errors | Should -HaveCount 0
    }

    It 'runs against the emulator without an error' {
        $script = $Quickstart -replace "\`$MlvEmulatorUrl\s*=\s*'[^']*'", "`$MlvEmulatorUrl = '$($Emulator.Url)'"
        $block = [scriptblock]::Create("`$ErrorActionPreference = 'Stop'`n" + $script)

        $script:Output = @(& $block)

        $Output.Count | Should -BeGreaterThan 0
    }

    It 'signed in with the managed identity the emulator serves' {
        $context = Get-MlvContext
        $context | Should -Not -BeNullOrEmpty
        "$($context.AuthMethod)" | Should -Be 'ManagedIdentity'
        "$($context.Endpoint)" | Should -BeLike "$($Emulator.Url)/*"
    }

    It 'listed the seeded workspaces and lakehouses' {
        $names = @($Output | ForEach-Object { "$($_.DisplayName)" })
        $names | Should -Contain 'Sales'
        $names | Should -Contain 'Finance'
        $names | Should -Contain 'Bronze'
        $names | Should -Contain 'Silver'
        $names | Should -Contain 'Gold'
    }

    It 'refreshed the Sales lakehouses when it starts refreshes' {
        if ($Quickstart -notmatch 'Start-MlvRefresh') {
            Set-ItResult -Skipped -Because 'the quickstart starts no refresh'
            return
        }
        $jobs = @($Output | Where-Object { $null -ne $_.PSObject.Properties['InvokeType'] -and "$($_.InvokeType)" -eq 'Manual' })
        $jobs.Count | Should -BeGreaterThan 0
        foreach ($job in $jobs) {
            "$($job.Status)" | Should -Be 'Completed'
        }
    }

    It 'renders through the module''s format views' {
        $text = $Output | Out-String -Width 200
        $text | Should -Match 'Sales'
        $text | Should -Match 'Bronze'
    }
}
