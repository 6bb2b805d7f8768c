using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MlvFabric.Client;

namespace MlvFabric.ExecutionDefinitions;

/// <summary>The settings parameters New- and Set-MlvExecutionDefinition both declare.</summary>
internal interface IExecutionDefinitionSettingsParameters
{
    string? Description { get; }

    string? RefreshMode { get; }

    string[]? SelectedMlv { get; }

    Guid EnvironmentId { get; }

    Guid EnvironmentWorkspaceId { get; }

    string? ExtendedLineage { get; }

    MlvItemReference[]? ExtendedLineageLakehouse { get; }
}

/// <summary>
/// The settings New- and Set-MlvExecutionDefinition share: their checks (before any request) and the request body,
/// which carries only what was given: the API's PATCH keeps every property it is not sent.
/// </summary>
internal sealed class ExecutionDefinitionSettings
{
    // Fully qualified 'schema.view': two non-empty parts, no whitespace.
    private static readonly Regex MlvName = new Regex(@"^[^.\s]+\.[^.\s]+$", RegexOptions.CultureInvariant);

    private readonly IExecutionDefinitionSettingsParameters _given;
    private readonly ICollection<string> _bound;

    /// <param name="given">The cmdlet, with its settings parameters.</param>
    /// <param name="boundParameters">The names of the parameters bound (an environment id is only sent when given).</param>
    public ExecutionDefinitionSettings(IExecutionDefinitionSettingsParameters given, ICollection<string> boundParameters)
    {
        _given = given;
        _bound = boundParameters;
    }

    private string? Description => _given.Description;

    private string? RefreshMode => _given.RefreshMode;

    private string[]? SelectedMlv => _given.SelectedMlv;

    private Guid EnvironmentId => _given.EnvironmentId;

    private Guid EnvironmentWorkspaceId => _given.EnvironmentWorkspaceId;

    private string? ExtendedLineage => _given.ExtendedLineage;

    private MlvItemReference[]? ExtendedLineageLakehouse => _given.ExtendedLineageLakehouse;

    /// <summary>Whether any setting was given (an update with none has nothing to change).</summary>
    public bool AnyGiven => Description is not null || RefreshMode is not null || SelectedMlv is not null
        || IsBound(nameof(EnvironmentId)) || IsBound(nameof(EnvironmentWorkspaceId)) || ExtendedLineage is not null || ExtendedLineageLakehouse is not null;

    private bool IsBound(string parameterName) => _bound.Contains(parameterName);

    /// <summary>The first problem with the given settings, or null. Runs on the pipeline thread before any request.</summary>
    public ErrorRecord? Validate()
    {
        if (SelectedMlv is not null)
        {
            if (SelectedMlv.Length == 0)
            {
                return MlvErrors.EmptyMlvSelection();
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in SelectedMlv)
            {
                if (name is null || !MlvName.IsMatch(name))
                {
                    return MlvErrors.InvalidMlvName(name);
                }

                if (!seen.Add(name))
                {
                    return MlvErrors.DuplicateMlvName(name);
                }
            }
        }

        if (IsBound(nameof(EnvironmentId)) && EnvironmentId == Guid.Empty)
        {
            return MlvErrors.EmptyExecutionDefinitionGuid("-EnvironmentId", "the id of a Fabric environment item, or leave -EnvironmentId out to use the workspace's default");
        }

        if (IsBound(nameof(EnvironmentWorkspaceId)))
        {
            if (EnvironmentWorkspaceId == Guid.Empty)
            {
                return MlvErrors.EmptyExecutionDefinitionGuid("-EnvironmentWorkspaceId", "the id of the environment's workspace, or leave it out when the environment is in the lakehouse's workspace");
            }

            if (!IsBound(nameof(EnvironmentId)))
            {
                return MlvErrors.ExecutionDefinitionParameterConflict(
                    "-EnvironmentWorkspaceId needs -EnvironmentId: the service takes the environment as one reference (item and workspace). Pass both.",
                    EnvironmentWorkspaceId);
            }
        }

        var lakehousesGiven = ExtendedLineageLakehouse is { Length: > 0 };
        if (string.Equals(ExtendedLineage, MlvExecutionModes.All, StringComparison.OrdinalIgnoreCase) && lakehousesGiven)
        {
            return MlvErrors.ExecutionDefinitionParameterConflict(
                "-ExtendedLineage All covers every upstream lakehouse, so it takes no -ExtendedLineageLakehouse. Use -ExtendedLineage Selected (or leave it out) to name lakehouses.",
                ExtendedLineage);
        }

        if (string.Equals(ExtendedLineage, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase) && !lakehousesGiven)
        {
            return MlvErrors.ExecutionDefinitionParameterConflict(
                "-ExtendedLineage Selected needs -ExtendedLineageLakehouse: the upstream lakehouses to include (for example -ExtendedLineageLakehouse (Get-MlvLakehouse -WorkspaceName Sales -Name Silver)).",
                ExtendedLineage);
        }

        if (lakehousesGiven)
        {
            var twice = ExtendedLineageLakehouse!.GroupBy(r => r.IsById ? r.ItemId?.ToString() : r.VariableReference, StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Count() > 1).Select(g => g.First()).FirstOrDefault();
            if (twice is not null)
            {
                return MlvErrors.ExecutionDefinitionParameterConflict(
                    $"-ExtendedLineageLakehouse names lakehouse {(twice.IsById ? twice.ItemId?.ToString() : twice.VariableReference)} more than once. List each lakehouse once.",
                    twice);
            }
        }

        return null;
    }

    /// <summary>The request with the given settings only (null = not sent, so an update keeps the current value).</summary>
    public ExecutionDefinitionRequest BuildRequest(LakehouseLocation lakehouse, string? displayName)
    {
        var request = new ExecutionDefinitionRequest
        {
            DisplayName = displayName,
            Description = Description,
            RefreshMode = RefreshMode is null ? null : CanonicalRefreshMode(RefreshMode),
        };
        if (SelectedMlv is not null)
        {
            request.Mode = MlvExecutionModes.Selected;
            request.SelectedMlvs = SelectedMlv.ToList();
        }

        if (IsBound(nameof(EnvironmentId)))
        {
            request.Environment = new MlvItemReference
            {
                ItemId = EnvironmentId,
                WorkspaceId = IsBound(nameof(EnvironmentWorkspaceId)) ? EnvironmentWorkspaceId : lakehouse.WorkspaceId,
            };
        }

        if (ExtendedLineageLakehouse is { Length: > 0 })
        {
            request.ExtendedLineageMode = MlvExecutionModes.Selected;
            request.ExtendedLineageLakehouses = ExtendedLineageLakehouse.ToList();
        }
        else if (ExtendedLineage is not null)
        {
            request.ExtendedLineageMode = MlvExecutionModes.All;
        }

        return request;
    }

    /// <summary>The given settings in words, for ShouldProcess ("refresh mode Full, 2 MLVs: gold.a, gold.b").</summary>
    public List<string> Describe()
    {
        var parts = new List<string>();
        if (SelectedMlv is not null)
        {
            parts.Add($"{SelectedMlv.Length} MLV{(SelectedMlv.Length == 1 ? "" : "s")}: {string.Join(", ", SelectedMlv)}");
        }

        if (RefreshMode is not null)
        {
            parts.Add("refresh mode " + CanonicalRefreshMode(RefreshMode));
        }

        if (Description is not null)
        {
            parts.Add("description '" + Description + "'");
        }

        if (IsBound(nameof(EnvironmentId)))
        {
            parts.Add("environment " + EnvironmentId);
        }

        if (ExtendedLineageLakehouse is { Length: > 0 })
        {
            parts.Add($"extended lineage: {ExtendedLineageLakehouse.Length} lakehouse{(ExtendedLineageLakehouse.Length == 1 ? "" : "s")}");
        }
        else if (ExtendedLineage is not null)
        {
            parts.Add("extended lineage: all upstream lakehouses");
        }

        return parts;
    }

    private static string CanonicalRefreshMode(string mode) =>
        string.Equals(mode, MlvRefreshModes.Full, StringComparison.OrdinalIgnoreCase) ? MlvRefreshModes.Full : MlvRefreshModes.Optimal;
}
