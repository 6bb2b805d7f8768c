using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// The settings New- and Set-MlvExecutionDefinition share, their checks (before any request) and the request body,
/// which carries only what was given: the API's PATCH keeps every property it is not sent.
/// </summary>
public abstract class MlvExecutionDefinitionSettingsCmdlet : MlvExecutionDefinitionCmdlet
{
    // Fully qualified 'schema.view': two non-empty parts, no whitespace.
    private static readonly Regex MlvName = new Regex(@"^[^.\s]+\.[^.\s]+$", RegexOptions.CultureInvariant);

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

    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>The first problem with the given settings, or null. Runs on the pipeline thread before any request.</summary>
    protected ErrorRecord? ValidateSettings()
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
    protected ExecutionDefinitionRequest BuildRequest(LakehouseTarget lakehouse, string? displayName)
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
    protected List<string> DescribeSettings()
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
