using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Parameter base of the cmdlets that act on one lakehouse per record. The lakehouse is given by
/// -WorkspaceId/-LakehouseId or -WorkspaceName/-LakehouseName (mixable), or bound by property name from piped objects
/// (lakehouses, schedules, job instances, execution definitions all carry WorkspaceId/WorkspaceName/LakehouseId/
/// LakehouseName). Before PrepareRecord the base checks that one was given (LakehouseNotSpecified); the cmdlet
/// resolves it with <see cref="TryResolveLakehouseAsync"/>, which writes a name or id that matches nothing as a
/// non-terminating error for that record. Names go through the session's cache; an id wins over a name.
/// </summary>
public abstract class MlvLakehouseCmdlet : MlvCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public Guid WorkspaceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(WorkspaceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? WorkspaceName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ItemId")]
    public Guid LakehouseId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LakehouseNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? LakehouseName { get; set; }

    /// <summary>Whether this record must name a lakehouse (checked before PrepareRecord). True unless a cmdlet says otherwise.</summary>
    protected virtual bool RequiresLakehouse => true;

    /// <summary>
    /// An execution definition object (from -ExecutionDefinition) whose lakehouse this record uses when it names none,
    /// so that <c>-ExecutionDefinition $definition</c> needs no -WorkspaceName/-LakehouseName.
    /// </summary>
    protected virtual ExecutionDefinitionReference? LakehouseFromDefinition => null;

    private LakehouseSchedules? _schedules;

    /// <summary>Schedule reads and writes for a resolved lakehouse, output labelled with its names and its definitions' names.</summary>
    private protected LakehouseSchedules Schedules => _schedules ??= new LakehouseSchedules(Client, Resolver);

    private protected sealed override bool CheckRecordParameters()
    {
        LakehouseFromDefinition?.ApplyLakehouseTo(this);
        return !RequiresLakehouse || ValidateLakehouseParameters();
    }

    /// <summary>
    /// Resolves the bound lakehouse; a name or id that matches nothing (or a name that matches several), or a service
    /// failure for it, is a non-terminating error for this record (null), so the next record still runs.
    /// </summary>
    protected async Task<LakehouseLocation?> TryResolveLakehouseAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        try
        {
            return await ResolveLakehouseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MlvTerminatingException ex)
        {
            pipeline.WriteError(ex.ErrorRecord);
            return null;
        }
        catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
        {
            pipeline.WriteError(MlvErrors.FromException(ex, DescribeBoundLakehouse()));
            return null;
        }
    }

    private ExecutionDefinitionResolver? _resolver;

    /// <summary>Execution definitions by id, object or name; lists each lakehouse's definitions at most once per command.</summary>
    protected ExecutionDefinitionResolver Resolver => _resolver ??= new ExecutionDefinitionResolver(Client);

    /// <summary>
    /// The bound lakehouse as the user named it (names when given, else ids), for errors raised before it is resolved.
    /// </summary>
    protected string DescribeBoundLakehouse() => new LakehouseLocation(WorkspaceId, WorkspaceName, LakehouseId, LakehouseName).ToString();

    /// <summary>
    /// Refuses <c>-ExecutionDefinition $null</c> given on the command line: an empty variable must not quietly mean the
    /// whole lineage. (A null bound from a piped whole-lineage schedule is fine.) Call from PrepareCommand, where only
    /// command-line parameters are bound.
    /// </summary>
    protected void ValidateExecutionDefinitionArgument(string wholeLineageHint)
    {
        if (MyInvocation.BoundParameters.TryGetValue("ExecutionDefinition", out var value) && value is null)
        {
            ThrowTerminatingError(MlvErrors.ExecutionDefinitionNull(wholeLineageHint));
        }
    }

    /// <summary>
    /// The execution definition id to send for an -ExecutionDefinition parameter (Start-MlvRefresh, New-/Set-MlvSchedule)
    /// in <paramref name="lakehouse"/>: null when <paramref name="reference"/> is null (the whole lineage). A name that
    /// matches no definition or several, or a definition object of another lakehouse, is a non-terminating error for
    /// this record: Resolved is false and the error has been written.
    /// </summary>
    protected async Task<(bool Resolved, Guid? Id)> TryResolveExecutionDefinitionAsync(
        AsyncPipeline pipeline, LakehouseLocation lakehouse, ExecutionDefinitionReference? reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return (true, null);
        }

        try
        {
            // A bare id (typed, or a piped schedule's) is checked against the lakehouse's definitions, so an unknown id is
            // the same ExecutionDefinitionNotFound under -WhatIf as in the real run; a definition object needs no check.
            return reference.Id is Guid && !reference.HasLakehouse
                ? (true, (await Resolver.ResolveAsync(lakehouse, reference, cancellationToken).ConfigureAwait(false)).Id)
                : (true, await Resolver.ResolveIdAsync(lakehouse, reference, cancellationToken).ConfigureAwait(false));
        }
        catch (MlvTerminatingException ex)
        {
            pipeline.WriteError(ex.ErrorRecord);
        }
        catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
        {
            pipeline.WriteError(MlvErrors.FromException(ex, lakehouse.ToString()));
        }

        return (false, null);
    }

    // On the pipeline thread and before any request: a workspace and a lakehouse were given, and no empty GUID.
    private bool ValidateLakehouseParameters()
    {
        string? problem = null;
        if (IsBound(nameof(WorkspaceId)) && WorkspaceId == Guid.Empty)
        {
            problem = "-WorkspaceId is the empty GUID. Pass the workspace's id (Get-MlvWorkspace) or use -WorkspaceName.";
        }
        else if (IsBound(nameof(LakehouseId)) && LakehouseId == Guid.Empty)
        {
            problem = "-LakehouseId is the empty GUID. Pass the lakehouse's id (Get-MlvLakehouse) or use -LakehouseName.";
        }
        else if (WorkspaceId == Guid.Empty && string.IsNullOrEmpty(WorkspaceName))
        {
            problem = "No workspace given. Use -WorkspaceId or -WorkspaceName, or pipe objects from Get-MlvLakehouse.";
        }
        else if (LakehouseId == Guid.Empty && string.IsNullOrEmpty(LakehouseName))
        {
            problem = "No lakehouse given. Use -LakehouseId or -LakehouseName, or pipe objects from Get-MlvLakehouse.";
        }

        if (problem is null)
        {
            return true;
        }

        WriteError(MlvErrors.InvalidArgument("LakehouseNotSpecified", problem, null));
        return false;
    }

    /// <summary>Resolves the bound workspace and lakehouse to ids (and names, for output); not found: MlvTerminatingException.</summary>
    private async Task<LakehouseLocation> ResolveLakehouseAsync(CancellationToken cancellationToken)
    {
        (var workspaceId, var workspaceName) = await ResolveWorkspaceAsync(cancellationToken).ConfigureAwait(false);
        if (LakehouseId != Guid.Empty)
        {
            var name = LakehouseName;
            if (name is null || WildcardPattern.ContainsWildcardCharacters(name))
            {
                var known = await Client.Names.GetLakehousesAsync(workspaceId, cancellationToken).ConfigureAwait(false);
                name = known.FirstOrDefault(l => l.Id == LakehouseId)?.DisplayName
                    ?? (await GetOrNotFoundAsync(
                        () => Client.GetLakehouseAsync(workspaceId, LakehouseId, cancellationToken),
                        "LakehouseNotFound",
                        $"No lakehouse with id '{LakehouseId}' was found in workspace '{workspaceName ?? workspaceId.ToString()}'. Run Get-MlvLakehouse to see the lakehouses and their ids.",
                        LakehouseId).ConfigureAwait(false)).DisplayName;
            }

            return new LakehouseLocation(workspaceId, workspaceName, LakehouseId, name);
        }

        var lakehouses = await Client.Names.GetLakehousesAsync(workspaceId, cancellationToken, list => AnyMatch(list, l => l.DisplayName, LakehouseName!)).ConfigureAwait(false);
        var lakehouse = SingleMatch(lakehouses, l => l.DisplayName, LakehouseName!, "Lakehouse", $" in workspace '{workspaceName ?? workspaceId.ToString()}'", "Get-MlvLakehouse");
        return new LakehouseLocation(workspaceId, workspaceName, lakehouse.Id, lakehouse.DisplayName);
    }

    /// <summary>Resolves the bound workspace to its id and name.</summary>
    private async Task<(Guid Id, string? Name)> ResolveWorkspaceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<MlvWorkspace>? workspaces = null;
        if (WorkspaceId != Guid.Empty)
        {
            var name = WorkspaceName;
            if (name is null || WildcardPattern.ContainsWildcardCharacters(name))
            {
                workspaces = await Client.Names.GetWorkspacesAsync(cancellationToken).ConfigureAwait(false);
                name = workspaces.FirstOrDefault(w => w.Id == WorkspaceId)?.DisplayName
                    ?? (await GetOrNotFoundAsync(
                        () => Client.GetWorkspaceAsync(WorkspaceId, cancellationToken),
                        "WorkspaceNotFound",
                        $"No workspace with id '{WorkspaceId}' was found. Run Get-MlvWorkspace to see the workspaces you can use and their ids.",
                        WorkspaceId).ConfigureAwait(false)).DisplayName;
            }

            return (WorkspaceId, name);
        }

        workspaces = await Client.Names.GetWorkspacesAsync(cancellationToken, list => AnyMatch(list, w => w.DisplayName, WorkspaceName!)).ConfigureAwait(false);
        var workspace = SingleMatch(workspaces, w => w.DisplayName, WorkspaceName!, "Workspace", string.Empty, "Get-MlvWorkspace");
        return (workspace.Id, workspace.DisplayName);
    }

    // An id the cached list does not have (unknown, or created since the list was read): read the item itself (a GET
    // the spec defines, so -WhatIf may send it); a 404 is the same NotFound error whether or not -WhatIf is given.
    private static async Task<T> GetOrNotFoundAsync<T>(Func<Task<T>> get, string errorId, string message, Guid id)
    {
        try
        {
            return await get().ConfigureAwait(false);
        }
        catch (FabricApiException ex) when (ex.Status == 404)
        {
            throw new MlvTerminatingException(MlvErrors.NotFound(errorId, message, id));
        }
    }

    private static bool AnyMatch<T>(IReadOnlyList<T> candidates, Func<T, string?> nameOf, string name)
    {
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        return candidates.Any(c => nameOf(c) is string n && pattern.IsMatch(n));
    }

    // One required: none → ObjectNotFound; several (a wildcard, or duplicate display names) → InvalidArgument.
    private static T SingleMatch<T>(IReadOnlyList<T> candidates, Func<T, string?> nameOf, string name, string kind, string scope, string listCommand)
    {
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        var matches = candidates.Where(c => nameOf(c) is string n && pattern.IsMatch(n)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count == 0)
        {
            throw new MlvTerminatingException(MlvErrors.NotFound(
                kind + "NotFound",
                $"No {kind.ToLowerInvariant()} named '{name}' was found{scope}. Run {listCommand} to see the names you can use.",
                name));
        }

        var names = string.Join(", ", matches.Select(m => "'" + nameOf(m) + "'").Take(10));
        throw new MlvTerminatingException(MlvErrors.InvalidArgument(
            kind + "NameAmbiguous",
            $"'{name}' matches {matches.Count} {kind.ToLowerInvariant()}s{scope} ({names}); this command needs exactly one. Use a more specific name or the id, or pipe the objects from {listCommand}.",
            name));
    }
}
