using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Changes an MLV execution definition: only the settings given are sent, the service keeps the rest.</summary>
[Cmdlet(VerbsCommon.Set, "MlvExecutionDefinition", DefaultParameterSetName = IdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvExecutionDefinition))]
public sealed class SetMlvExecutionDefinitionCommand : MlvLakehouseCmdlet, IExecutionDefinitionSettingsParameters
{
    private const string IdSet = ExecutionDefinitionCalls.IdSet;
    private const string NameSet = "Name";

    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public Guid Id { get; set; }

    /// <summary>The definition's current name (a wildcard must match exactly one).</summary>
    [Parameter(ParameterSetName = NameSet, Mandatory = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Renames the definition.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? NewName { get; set; }

    /// <summary>Refresh every view of the lakehouse again (mode All), instead of a selection.</summary>
    [Parameter]
    public SwitchParameter AllMlvs { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }


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

    /// <summary>Where -Id names the definitions, only definitions may be piped; elsewhere piped objects bring their lakehouse.</summary>
    protected override Type[]? AcceptedPipedTypes => ParameterSetName == IdSet ? ExecutionDefinitionCalls.DefinitionsOnly : null;

    private object Reference => ParameterSetName == IdSet ? Id : Name!;

    protected override bool PrepareRecord()
    {
        if (!Passes(Validate()))
        {
            return false;
        }

        var changes = Settings.Describe();
        if (NewName is not null)
        {
            changes.Insert(0, $"name '{NewName}'");
        }

        if (AllMlvs)
        {
            changes.Add("all MLVs");
        }

        _action = "Set " + string.Join(", ", changes);
        return true;
    }

    private string _action = string.Empty;

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        await ExecutionDefinitionCalls.RunAsync(pipeline, lakehouse, Reference, async () =>
        {
            // Read first (the lakehouse's definitions, a GET), so -WhatIf reports an unknown id or name, or an ambiguous
            // wildcard, as the real run does, and the prompt names the real definition.
            var current = await Resolver.ResolveAsync(
                lakehouse,
                ParameterSetName == IdSet ? new ExecutionDefinitionReference(Id) : ExecutionDefinitionReference.ByName(Name!),
                cancellationToken).ConfigureAwait(false);
            var id = current.Id;
            if (!await ShouldProcessAsync(pipeline, $"execution definition '{current.DisplayName}' ({LakehouseLocation.ShortId(id)}) of {lakehouse.Describe()}", _action).ConfigureAwait(false))
            {
                return;
            }

            var request = Settings.BuildRequest(lakehouse, NewName);
            if (AllMlvs)
            {
                request.Mode = MlvExecutionModes.All;
            }

            var updated = await Client.UpdateExecutionDefinitionAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, request, cancellationToken).ConfigureAwait(false);
            Resolver.Forget(lakehouse);
            pipeline.WriteVerbose($"Updated execution definition '{updated.DisplayName}' ({updated.Id}) of lakehouse '{lakehouse}'.");
            if (PassThru)
            {
                pipeline.WriteObject(lakehouse.Label(updated));
            }
        }).ConfigureAwait(false);
    }

    private ErrorRecord? Validate()
    {
        if (ParameterSetName == IdSet && Id == Guid.Empty)
        {
            return MlvErrors.EmptyExecutionDefinitionGuid("-Id", "an execution definition id from Get-MlvExecutionDefinition, or pipe the definitions from Get-MlvExecutionDefinition");
        }

        if (NewName is not null && ExecutionDefinitionRules.NameProblem(NewName) is string nameProblem)
        {
            return MlvErrors.InvalidExecutionDefinitionName("-NewName", NewName, nameProblem);
        }

        if (AllMlvs && SelectedMlv is not null)
        {
            return MlvErrors.ExecutionDefinitionParameterConflict(
                "-AllMlvs and -SelectedMlv contradict each other: -AllMlvs refreshes every view of the lakehouse, -SelectedMlv only the views named. Pass one of them.",
                SelectedMlv);
        }

        var anyChange = NewName is not null || AllMlvs || Settings.AnyGiven;
        return anyChange ? Settings.Validate() : MlvErrors.ExecutionDefinitionNothingToChange();
    }
}
