@{
    RootModule           = 'MlvFabric.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f4c7e-9a53-4b8e-8f0e-3c1d6a2e7b41'
    Author               = 'MlvFabric contributors'
    CompanyName          = 'MlvFabric'
    Copyright            = '(c) MlvFabric contributors. MIT License.'
    Description          = 'Manage and refresh Microsoft Fabric materialized lake views (MLV): refresh schedules, on-demand refreshes, job instances and MLV execution definitions, from the console, runbooks and scripts.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    # This is the manifest's source: the build (dotnet build src/MlvFabric) writes the module's manifest into
    # out/MlvFabric/<version>/ with the lines marked for the built module switched on and the check below left out.
    # Imported from the repository root, where the type and format files are not, it only says to build first.
    #built TypesToProcess       = @('MlvFabric.types.ps1xml')
    #built FormatsToProcess     = @(
    #built     'MlvFabric.format.ps1xml'
    #built     'MlvFabric.Schedules.format.ps1xml'
    #built     'MlvFabric.Jobs.format.ps1xml'
    #built     'MlvFabric.ExecutionDefinitions.format.ps1xml'
    #built     'MlvFabric.RefreshStatus.format.ps1xml'
    #built )
    ScriptsToProcess     = @('tools/Assert-ModuleBuilt.ps1') #source
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-MlvFabric'
        'Disconnect-MlvFabric'
        'Get-MlvContext'
        'Get-MlvWorkspace'
        'Get-MlvLakehouse'
        'New-MlvSchedule'
        'Get-MlvSchedule'
        'Set-MlvSchedule'
        'Enable-MlvSchedule'
        'Disable-MlvSchedule'
        'Remove-MlvSchedule'
        'Start-MlvRefresh'
        'Get-MlvJobInstance'
        'Wait-MlvJobInstance'
        'Stop-MlvJobInstance'
        'New-MlvExecutionDefinition'
        'Get-MlvExecutionDefinition'
        'Set-MlvExecutionDefinition'
        'Remove-MlvExecutionDefinition'
        'Get-MlvRefreshStatus'
        'Export-MlvSchedule'
        'Sync-MlvSchedule'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Fabric', 'MicrosoftFabric', 'Lakehouse', 'MaterializedLakeViews', 'MLV', 'DataEngineering', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/mlvfabric/MlvFabric/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/mlvfabric/MlvFabric'
            ReleaseNotes = 'See https://github.com/mlvfabric/MlvFabric/blob/main/CHANGELOG.md'
        }
    }
}
