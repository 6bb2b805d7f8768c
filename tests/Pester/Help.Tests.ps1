# Help completeness, read through Get-Help from the MAML the build lays out (en-US/ and bin/en-US/): every exported
# cmdlet has a description, at least three examples, and a description for every parameter. That Get-Help shows each
# help file's synopsis and examples, and that the documented parameters are the cmdlet's, is checked once, by the xunit
# tests in tests/MlvFabric.Tests/HelpTests.cs.

BeforeDiscovery {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $null = Import-MlvTestModule
    $script:Cmdlets = @(Get-Command -Module MlvFabric | Sort-Object -Property Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath 'Common.ps1')
    $null = Import-MlvTestModule

    # Parameters every cmdlet gets from PowerShell (-Verbose, -ErrorAction, ...). -WhatIf and -Confirm are not in
    # this list: the module documents them like its own.
    $script:CommonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters)

    function Get-HelpText {
        param($Node)
        return (@($Node) | Where-Object { $null -ne $_ } | ForEach-Object { $_.Text }) -join "`n"
    }
}

Describe 'Help of <Name>' -ForEach $Cmdlets {
    BeforeAll {
        $script:Help = Get-Help -Name $Name -Full
        $script:Command = Get-Command -Name $Name -Module MlvFabric
        # A cmdlet without parameters of its own has no parameter entries at all.
        $script:DocumentedParameters = @($Help.parameters.parameter | Where-Object { $null -ne $_ })
    }

    It 'has a description' {
        Get-HelpText $Help.description | Should -Not -BeNullOrEmpty
    }

    It 'has at least three examples' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 3
    }

    It 'gives every parameter a description' {
        foreach ($parameter in $Command.Parameters.Keys) {
            if ($CommonParameters -contains $parameter) {
                continue
            }
            # Hidden parameters (DontShow, such as the piped InputObject) are not part of the documented surface.
            $attributes = @($Command.Parameters[$parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            if (@($attributes | Where-Object { -not $_.DontShow }).Count -eq 0) {
                continue
            }
            $entry = @($DocumentedParameters | Where-Object { $_.name -eq $parameter })
            $entry.Count | Should -Be 1 -Because "-$parameter of $Name should be documented once"
            Get-HelpText $entry[0].description | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }
}
