using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Deletes MLV execution definitions. Fabric also deletes every schedule that runs a deleted definition, so the
/// confirmation (and -WhatIf) names those schedules: the cmdlet reads the lakehouse's schedules before it asks.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "MlvExecutionDefinition", DefaultParameterSetName = IdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMlvExecutionDefinitionCommand : MlvLakehouseCmdlet
{
    private const string IdSet = ExecutionDefinitionCalls.IdSet;
    private const string NameSet = "Name";

    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    [Parameter(ParameterSetName = NameSet, Mandatory = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Where -Id names the definitions, only definitions may be piped; elsewhere piped objects bring their lakehouse.</summary>
    protected override Type[]? AcceptedPipedTypes => ParameterSetName == IdSet ? ExecutionDefinitionCalls.DefinitionsOnly : null;

    protected override bool PrepareRecord() => Passes(ParameterSetName == IdSet && Id.Contains(Guid.Empty)
        ? MlvErrors.EmptyExecutionDefinitionGuid("-Id", "an execution definition id from Get-MlvExecutionDefinition, or pipe the definitions from Get-MlvExecutionDefinition")
        : null);

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        var doomed = await FindAsync(pipeline, lakehouse, cancellationToken).ConfigureAwait(false);
        if (doomed.Count == 0)
        {
            return;
        }

        var schedules = new List<MlvSchedule>();
        await foreach (var schedule in Client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken))
        {
            schedules.Add(schedule);
        }

        foreach (var definition in doomed)
        {
            var linked = schedules.Where(s => s.ExecutionDefinitionId == definition.Id).ToList();
            (var description, var question) = Describe(definition, linked, lakehouse);
            if (!await pipeline.Invoke(() => ShouldProcess(description, question, "Remove execution definition")).ConfigureAwait(false))
            {
                continue;
            }

            await ExecutionDefinitionCalls.RunAsync(pipeline, lakehouse, definition.Id, async () =>
            {
                await Client.DeleteExecutionDefinitionAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, definition.Id, cancellationToken).ConfigureAwait(false);
                pipeline.WriteVerbose($"Removed execution definition '{definition.DisplayName}' ({definition.Id}) of lakehouse '{lakehouse}'" +
                    (linked.Count == 0 ? "." : $" and with it {Count(linked.Count, "schedule")}: {string.Join(", ", linked.Select(s => s.Id))}."));
            }).ConfigureAwait(false);
        }

        Resolver.Forget(lakehouse);
    }

    /// <summary>The definitions named by -Id or -Name that the lakehouse has; the others are ExecutionDefinitionNotFound errors.</summary>
    private async Task<List<MlvExecutionDefinition>> FindAsync(AsyncPipeline pipeline, LakehouseLocation lakehouse, CancellationToken cancellationToken)
    {
        var all = await Resolver.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
        var found = new List<MlvExecutionDefinition>();
        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id.Distinct())
            {
                var definition = all.FirstOrDefault(d => d.Id == id);
                if (definition is null)
                {
                    pipeline.WriteError(MlvErrors.ExecutionDefinitionNotFound(id, lakehouse, null));
                }
                else
                {
                    found.Add(definition);
                }
            }

            return found;
        }

        foreach (var name in Name)
        {
            var matches = await Resolver.MatchAsync(lakehouse, name, cancellationToken).ConfigureAwait(false);
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                pipeline.WriteError(MlvErrors.ExecutionDefinitionNotFound(name, lakehouse, null));
            }

            found.AddRange(matches.Where(m => !found.Contains(m)));
        }

        return found;
    }

    /// <summary>The -WhatIf/verbose line and the confirmation question, both naming the schedules Fabric deletes too.</summary>
    private static (string Description, string Question) Describe(MlvExecutionDefinition definition, List<MlvSchedule> linked, LakehouseLocation lakehouse)
    {
        var subject = $"execution definition '{definition.DisplayName}' ({definition.Id}) of lakehouse '{lakehouse}'";
        if (linked.Count == 0)
        {
            return ($"Removing {subject}. No schedule runs it.", $"Remove {subject}? No schedule runs it.");
        }

        var schedules = string.Join("; ", linked.Select(s => $"{s.Id} ({s.Summary}, {(s.Enabled ? "enabled" : "disabled")})"));
        var also = $"Fabric also deletes the {Count(linked.Count, "schedule")} that run{(linked.Count == 1 ? "s" : "")} it: {schedules}.";
        return ($"Removing {subject}. {also}", $"Remove {subject}? {also}");
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
