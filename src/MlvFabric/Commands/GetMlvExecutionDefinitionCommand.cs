using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Lists MLV execution definitions, by name (wildcards) or id, of one lakehouse, of the lakehouses piped in, or of every
/// lakehouse in scope when the lakehouse (or the workspace) is left out or given with wildcards.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MlvExecutionDefinition", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MlvExecutionDefinition))]
public sealed class GetMlvExecutionDefinitionCommand : MlvLakehouseCmdlet
{
    private const string NameSet = "Name";
    private const string IdSet = ExecutionDefinitionCalls.IdSet;
    private const string ReferenceSet = "ExecutionDefinition";

    private NameFilter? _filter;
    private int _lakehousesSearched;

    // Not bound from the pipeline: a piped lakehouse's DisplayName is no definition name.
    [Parameter(ParameterSetName = NameSet, Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    // Not bound from the pipeline: a piped lakehouse's Id is no definition id.
    [Parameter(ParameterSetName = IdSet, Mandatory = true)]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public Guid[]? Id { get; set; }

    /// <summary>
    /// Definitions as objects, ids or names; binds ExecutionDefinitionId from piped schedules (the definition each runs;
    /// null for a whole-lineage schedule, which returns nothing) and from piped definitions (read again).
    /// </summary>
    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [AllowNull]
    [ExecutionDefinitionTransformation]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public ExecutionDefinitionReference[]? ExecutionDefinition { get; set; }

    private IEnumerable<ExecutionDefinitionReference> References => ExecutionDefinition?.Where(r => r is not null) ?? Enumerable.Empty<ExecutionDefinitionReference>();

    /// <summary>Where -Id names the definitions, only definitions may be piped; elsewhere piped objects bring their lakehouse.</summary>
    protected override Type[]? AcceptedPipedTypes => ParameterSetName == IdSet ? ExecutionDefinitionCalls.DefinitionsOnly : null;

    // By -ExecutionDefinition, one lakehouse is needed: a definition object knows its own; ids and names need one given
    // (or bound from a piped schedule). By -Name or -Id, the lakehouse may be left out: every lakehouse in scope.
    protected override bool RequiresLakehouse => ParameterSetName == ReferenceSet && References.Any();

    protected override ExecutionDefinitionReference? LakehouseFromDefinition =>
        ParameterSetName == ReferenceSet ? References.FirstOrDefault(r => r.HasLakehouse) : null;

    protected override void PrepareCommand() => _filter = new NameFilter(Name);

    // A piped whole-lineage schedule binds no definition: nothing to get for it.
    protected override bool PrepareRecord() => ParameterSetName == ReferenceSet ? References.Any() : Passes(ValidateIds());

    // Here the lakehouse may be left out (every lakehouse in scope), but an id given must not be the empty GUID.
    private ErrorRecord? ValidateIds()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(WorkspaceId)) && WorkspaceId == Guid.Empty)
        {
            return MlvErrors.InvalidArgument("InvalidWorkspaceId", "-WorkspaceId is the empty GUID. Pass a workspace id from Get-MlvWorkspace, or use -WorkspaceName.", Guid.Empty);
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(LakehouseId)) && LakehouseId == Guid.Empty)
        {
            return MlvErrors.InvalidArgument("InvalidLakehouseId", "-LakehouseId is the empty GUID. Pass a lakehouse id from Get-MlvLakehouse, or use -LakehouseName.", Guid.Empty);
        }

        return Id is not null && Id.Contains(Guid.Empty)
            ? MlvErrors.EmptyExecutionDefinitionGuid("-Id", "an execution definition id from Get-MlvExecutionDefinition, or use -Name")
            : null;
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (ParameterSetName == ReferenceSet)
        {
            var target = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return;
            }

            foreach (var reference in References)
            {
                await ExecutionDefinitionCalls.RunAsync(pipeline, target, reference, async () =>
                    pipeline.WriteObject(await Resolver.ResolveAsync(target, reference, cancellationToken).ConfigureAwait(false))).ConfigureAwait(false);
            }

            return;
        }

        var lakehouses = await LakehousesInScopeAsync(pipeline, cancellationToken).ConfigureAwait(false);
        _lakehousesSearched += lakehouses.Count;
        if (ParameterSetName == IdSet && lakehouses.Count == 1)
        {
            var lakehouse = lakehouses[0];
            foreach (var id in Id!.Distinct())
            {
                await ExecutionDefinitionCalls.RunAsync(pipeline, lakehouse, id, async () =>
                    pipeline.WriteObject(lakehouse.Label(
                        await Client.GetExecutionDefinitionAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
            }

            return;
        }

        var wanted = new HashSet<Guid>(Id ?? Array.Empty<Guid>());
        var found = new HashSet<Guid>();
        foreach (var lakehouse in lakehouses)
        {
            try
            {
                await foreach (var definition in Client.ListExecutionDefinitionsAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, cancellationToken))
                {
                    var match = ParameterSetName == IdSet ? wanted.Contains(definition.Id) : _filter!.IsMatch(definition.DisplayName);
                    if (match)
                    {
                        found.Add(definition.Id);
                        pipeline.WriteObject(lakehouse.Label(definition));
                    }
                }
            }
            catch (FabricApiException ex)
            {
                pipeline.WriteError(MlvErrors.FromException(ex, lakehouse.ToString()));
            }
        }

        foreach (var missing in wanted.Where(id => !found.Contains(id)))
        {
            pipeline.WriteError(MlvErrors.NotFound(
                "ExecutionDefinitionNotFound",
                $"No execution definition with id '{missing}' was found in the {lakehouses.Count} lakehouse(s) searched. Check the id, or name its lakehouse with -WorkspaceName and -LakehouseName.",
                missing));
        }
    }

    protected override Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        foreach (var missing in _filter?.UnmatchedLiterals() ?? Enumerable.Empty<string>())
        {
            pipeline.WriteError(MlvErrors.ExecutionDefinitionNameNotFound(missing, _lakehousesSearched));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The lakehouse given (ids, or literal names: one lakehouse), else every lakehouse that matches the workspace and
    /// lakehouse given, with wildcards (each part left out matches everything).
    /// </summary>
    private async Task<IReadOnlyList<LakehouseLocation>> LakehousesInScopeAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var oneWorkspace = WorkspaceId != Guid.Empty || (WorkspaceName is not null && !WildcardPattern.ContainsWildcardCharacters(WorkspaceName));
        var oneLakehouse = LakehouseId != Guid.Empty || (LakehouseName is not null && !WildcardPattern.ContainsWildcardCharacters(LakehouseName));
        if (oneWorkspace && oneLakehouse)
        {
            var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
            return lakehouse is null ? Array.Empty<LakehouseLocation>() : new[] { lakehouse };
        }

        var targets = new List<LakehouseLocation>();
        var search = new LakehouseSearch(
            WorkspaceId != Guid.Empty ? new[] { WorkspaceId } : null,
            WorkspaceName is null ? null : new[] { WorkspaceName },
            LakehouseId != Guid.Empty ? new[] { LakehouseId } : null,
            LakehouseName is null ? null : new[] { LakehouseName });
        await search.FindAsync(Client, pipeline, (location, _) => targets.Add(location), cancellationToken).ConfigureAwait(false);
        return targets;
    }
}
