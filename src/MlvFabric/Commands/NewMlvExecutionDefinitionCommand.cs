using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Creates an MLV execution definition: a named subset of a lakehouse's views to refresh, with its settings.</summary>
[Cmdlet(VerbsCommon.New, "MlvExecutionDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvExecutionDefinition))]
public sealed class NewMlvExecutionDefinitionCommand : MlvLakehouseCmdlet, IExecutionDefinitionSettingsParameters
{
    /// <summary>The display name, unique in the lakehouse.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("DisplayName")]
    [AllowEmptyString]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNull]
    public string? Description { get; set; }

    /// <summary>Optimal (the service's default: incremental, full or no refresh per view) or Full (recompute everything).</summary>
    [Parameter]
    [ValidateSet(MlvRefreshModes.Optimal, MlvRefreshModes.Full)]
    public string? RefreshMode { get; set; }

    /// <summary>The views to refresh, 'schema.view'; with what they depend on. Omitted on New: all views.</summary>
    [Parameter]
    [Alias("Mlv")]
    [ValidateNotNull]
    public string[]? SelectedMlv { get; set; }

    /// <summary>The Spark environment item the refresh runs in.</summary>
    [Parameter]
    public Guid EnvironmentId { get; set; }

    /// <summary>The environment's workspace; the lakehouse's workspace by default.</summary>
    [Parameter]
    public Guid EnvironmentWorkspaceId { get; set; }

    /// <summary>All or Selected: which upstream lakehouses of the lineage (outside this one) the refresh covers.</summary>
    [Parameter]
    [ValidateSet(MlvExecutionModes.All, MlvExecutionModes.Selected)]
    public string? ExtendedLineage { get; set; }

    /// <summary>The upstream lakehouses to include (implies -ExtendedLineage Selected).</summary>
    [Parameter]
    [LakehouseReferenceTransformation]
    [ValidateNotNullOrEmpty]
    public MlvItemReference[]? ExtendedLineageLakehouse { get; set; }

    private ExecutionDefinitionSettings Settings => new ExecutionDefinitionSettings(this, MyInvocation.BoundParameters.Keys);

    protected override bool PrepareRecord()
    {
        var nameProblem = ExecutionDefinitionRules.NameProblem(Name);
        if (!Passes(nameProblem is not null ? MlvErrors.InvalidExecutionDefinitionName("-Name", Name, nameProblem) : Settings.Validate()))
        {
            return false;
        }

        var settings = Settings.Describe();
        if (SelectedMlv is null)
        {
            settings.Insert(0, "all MLVs");
        }

        _action = $"Create execution definition '{Name}' ({string.Join(", ", settings)})";
        return true;
    }

    private string _action = string.Empty;

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        // Resolved first (read-only requests): -WhatIf reports a wrong name or id as the real run does, and names the real lakehouse.
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        if (!await ShouldProcessAsync(pipeline, "lakehouse " + lakehouse.Describe(), _action).ConfigureAwait(false))
        {
            return;
        }

        await ExecutionDefinitionCalls.RunAsync(pipeline, lakehouse, Name, async () =>
        {
            var created = await Client.CreateExecutionDefinitionAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, Settings.BuildRequest(lakehouse, Name), cancellationToken).ConfigureAwait(false);
            pipeline.WriteObject(lakehouse.Label(created));
        }).ConfigureAwait(false);
    }
}
