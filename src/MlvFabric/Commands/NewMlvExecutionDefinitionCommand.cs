using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Creates an MLV execution definition: a named subset of a lakehouse's views to refresh, with its settings.</summary>
[Cmdlet(VerbsCommon.New, "MlvExecutionDefinition", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvExecutionDefinition))]
public sealed class NewMlvExecutionDefinitionCommand : MlvExecutionDefinitionSettingsCmdlet
{
    /// <summary>The display name, unique in the lakehouse.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("DisplayName")]
    [AllowEmptyString]
    public string Name { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        if (!ValidateLakehouseParameters())
        {
            return;
        }

        var nameProblem = ExecutionDefinitionRules.NameProblem(Name);
        var problem = nameProblem is not null ? MlvErrors.InvalidExecutionDefinitionName("-Name", Name, nameProblem) : ValidateSettings();
        if (problem is not null)
        {
            WriteError(problem);
            return;
        }

        var settings = DescribeSettings();
        if (SelectedMlv is null)
        {
            settings.Insert(0, "all MLVs");
        }

        _action = $"Create execution definition '{Name}' ({string.Join(", ", settings)})";
        base.ProcessRecord();
    }

    private string _action = string.Empty;

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        // Resolved first (read-only requests): -WhatIf reports a wrong name or id as the real run does, and names the real lakehouse.
        var lakehouse = await ResolveLakehouseAsync(cancellationToken).ConfigureAwait(false);
        if (!await ShouldProcessAsync(pipeline, "lakehouse " + lakehouse.Describe(), _action).ConfigureAwait(false))
        {
            return;
        }

        await RunForDefinitionAsync(pipeline, lakehouse, Name, async () =>
        {
            var created = await Client.CreateExecutionDefinitionAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, BuildRequest(lakehouse, Name), cancellationToken).ConfigureAwait(false);
            pipeline.WriteObject(lakehouse.Label(created));
        }).ConfigureAwait(false);
    }
}
