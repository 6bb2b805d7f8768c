using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

/// <summary>What a sync does, in the order it is applied within a lakehouse.</summary>
public enum MlvScheduleSyncAction
{
    CreateDefinition = 0,
    UpdateDefinition = 1,
    RemoveSchedule = 2,
    DisableSchedule = 3,
    UpdateSchedule = 4,
    CreateSchedule = 5,
    EnableSchedule = 6,
    RemoveDefinition = 7,
}

public enum MlvScheduleSyncStatus
{
    /// <summary>Planned, not sent (-WhatIf, or declined at -Confirm).</summary>
    Planned,
    Applied,
    Failed,

    /// <summary>Not tried because an earlier change of the same lakehouse failed; a rerun does it.</summary>
    NotAttempted,
}

/// <summary>One change of a schedule sync: what, on which object, before → after, and how it went.</summary>
public sealed class MlvScheduleSyncChange : ILakehouseItem
{
    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }

    public MlvScheduleSyncAction Action { get; set; }

    /// <summary>"Sales/Gold schedule 6f1c… (whole lineage)", "Sales/Gold execution definition 'kpis'".</summary>
    public string Target { get; set; } = "";

    /// <summary>The object now (null for a create).</summary>
    public string? Before { get; set; }

    /// <summary>The object after the change (null for a remove).</summary>
    public string? After { get; set; }

    /// <summary>"before → after" (or only one side).</summary>
    public string Change => Before != null && After != null ? $"{Before} → {After}" : After ?? Before ?? "";

    public MlvScheduleSyncStatus Status { get; set; } = MlvScheduleSyncStatus.Planned;

    /// <summary>Why the change failed.</summary>
    public string? Error { get; set; }

    /// <summary>The failure itself (for the error record).</summary>
    public Exception? Exception { get; set; }

    /// <summary>The schedule changed (after a create: the new one).</summary>
    public Guid? ScheduleId { get; set; }

    /// <summary>The execution definition changed, or the one the schedule runs.</summary>
    public Guid? ExecutionDefinitionId { get; set; }

    /// <summary>The file entry that asked for the change (null for -Prune removals).</summary>
    public string? Entry { get; set; }

    /// <summary>"Create schedule", "Disable schedule", "Remove execution definition".</summary>
    public string ActionText => ActionTexts[(int)Action];

    /// <summary>One line for -WhatIf and logs: action, target, before → after.</summary>
    public string Describe() => $"{ActionText} {Target}: {Change}";

    public override string ToString() => Describe();

    private static readonly string[] ActionTexts =
    {
        "Create execution definition", "Update execution definition", "Remove schedule", "Disable schedule",
        "Update schedule", "Create schedule", "Enable schedule", "Remove execution definition",
    };

    internal ScheduleRequest? ScheduleRequest { get; set; }
    internal string? DefinitionName { get; set; }
    internal ExecutionDefinitionRequest? DefinitionRequest { get; set; }
    internal ScheduleSyncLakehouse? Lakehouse { get; set; }
}

/// <summary>A lakehouse of the file, resolved, with what it has now.</summary>
public sealed class ScheduleSyncLakehouse
{
    public ScheduleSyncLakehouse(ScheduleFileLakehouse entry, Guid workspaceId, string? workspaceName, Guid lakehouseId, string? lakehouseName)
    {
        Entry = entry;
        WorkspaceId = workspaceId;
        WorkspaceName = workspaceName;
        LakehouseId = lakehouseId;
        LakehouseName = lakehouseName;
    }

    public ScheduleFileLakehouse Entry { get; }
    public Guid WorkspaceId { get; }
    public string? WorkspaceName { get; }
    public Guid LakehouseId { get; }
    public string? LakehouseName { get; }
    public IList<MlvSchedule> Schedules { get; set; } = new List<MlvSchedule>();
    public IList<MlvExecutionDefinition> ExecutionDefinitions { get; set; } = new List<MlvExecutionDefinition>();

    /// <summary>Definition ids by name, filled as definitions are created during the apply.</summary>
    internal Dictionary<string, Guid> DefinitionIds { get; } = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);

    public string Label => $"{WorkspaceName ?? WorkspaceId.ToString()}/{LakehouseName ?? LakehouseId.ToString()}";
}

/// <summary>
/// The diff between a schedule file and the estate: pure, no I/O. Schedules of the file are paired with existing
/// ones of the same scope (whole lineage or the same execution definition): by id first, then an equal
/// configuration, then any unpaired one of that scope (an edited schedule is updated, not duplicated). Unpaired
/// file schedules are created; unpaired existing ones are removed with -Prune and otherwise left alone.
/// </summary>
public static class SchedulePlanner
{
    public static List<MlvScheduleSyncChange> Plan(IEnumerable<ScheduleSyncLakehouse> lakehouses, bool prune, string fileName, List<ScheduleFileProblem> problems)
    {
        var changes = new List<MlvScheduleSyncChange>();
        foreach (var lakehouse in lakehouses)
        {
            changes.AddRange(PlanLakehouse(lakehouse, prune, fileName, problems));
        }

        return changes;
    }

    public static List<MlvScheduleSyncChange> PlanLakehouse(ScheduleSyncLakehouse lakehouse, bool prune, string fileName, List<ScheduleFileProblem> problems)
    {
        var entry = lakehouse.Entry;
        var changes = new List<MlvScheduleSyncChange>();
        void Problem(string at, string text) => problems.Add(new ScheduleFileProblem(fileName, at, text));

        MlvScheduleSyncChange New(MlvScheduleSyncAction action, string target, string? before, string? after, string? at) => new MlvScheduleSyncChange
        {
            WorkspaceId = lakehouse.WorkspaceId,
            WorkspaceName = lakehouse.WorkspaceName,
            LakehouseId = lakehouse.LakehouseId,
            LakehouseName = lakehouse.LakehouseName,
            Action = action,
            Target = target,
            Before = before,
            After = after,
            Entry = at,
            Lakehouse = lakehouse,
        };

        // ---- execution definitions
        var existingByName = new Dictionary<string, MlvExecutionDefinition>(StringComparer.OrdinalIgnoreCase);
        var nameById = new Dictionary<Guid, string>();
        foreach (var d in lakehouse.ExecutionDefinitions)
        {
            if (d.DisplayName != null && !existingByName.ContainsKey(d.DisplayName))
            {
                existingByName[d.DisplayName] = d;
            }

            nameById[d.Id] = d.DisplayName ?? d.Id.ToString();
            lakehouse.DefinitionIds[d.DisplayName ?? d.Id.ToString()] = d.Id;
        }
        var fileNames = new HashSet<string>(entry.ExecutionDefinitions.Select(d => d.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var fd in entry.ExecutionDefinitions)
        {
            var target = $"{lakehouse.Label} execution definition '{fd.Name}'";
            if (!existingByName.TryGetValue(fd.Name, out var ed))
            {
                changes.Add(New(MlvScheduleSyncAction.CreateDefinition, target, null, DescribeDefinition(fd.RefreshMode, fd.Mode, fd.SelectedMlvs), fd.Entry).With(c =>
                {
                    c.DefinitionName = fd.Name;
                    c.DefinitionRequest = new ExecutionDefinitionRequest
                    {
                        DisplayName = fd.Name,
                        Description = fd.Description,
                        RefreshMode = fd.RefreshMode,
                        Mode = fd.Mode,
                        SelectedMlvs = fd.SelectedMlvs?.ToList(),
                    };
                }));
                continue;
            }
            var request = new ExecutionDefinitionRequest();
            var changed = false;
            if (fd.Description != null && !string.Equals(fd.Description, ed.Description ?? "", StringComparison.Ordinal))
            {
                request.Description = fd.Description;
                changed = true;
            }
            if (fd.RefreshMode != null && !string.Equals(fd.RefreshMode, ed.RefreshMode ?? MlvRefreshModes.Optimal, StringComparison.OrdinalIgnoreCase))
            {
                request.RefreshMode = fd.RefreshMode;
                changed = true;
            }
            if (fd.Mode != null && !string.Equals(fd.Mode, ed.Mode ?? MlvExecutionModes.All, StringComparison.OrdinalIgnoreCase))
            {
                request.Mode = fd.Mode;
                changed = true;
            }
            if (fd.SelectedMlvs != null && !SameSet(fd.SelectedMlvs, ed.SelectedMlvs))
            {
                request.SelectedMlvs = fd.SelectedMlvs.ToList();
                request.Mode ??= fd.Mode;
                changed = true;
            }
            if (changed)
            {
                changes.Add(New(MlvScheduleSyncAction.UpdateDefinition, target,
                    DescribeDefinition(ed.RefreshMode, ed.Mode, ed.SelectedMlvs) + Description(ed.Description, fd.Description),
                    DescribeDefinition(fd.RefreshMode ?? ed.RefreshMode, fd.Mode ?? ed.Mode, fd.SelectedMlvs ?? ed.SelectedMlvs) + Description(fd.Description, ed.Description),
                    fd.Entry).With(c =>
                {
                    c.DefinitionName = fd.Name;
                    c.ExecutionDefinitionId = ed.Id;
                    c.DefinitionRequest = request;
                }));
            }
        }
        var pruned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (prune)
        {
            foreach (var ed in lakehouse.ExecutionDefinitions.Where(d => d.DisplayName == null || !fileNames.Contains(d.DisplayName)))
            {
                pruned.Add(ed.DisplayName ?? ed.Id.ToString());
                changes.Add(New(MlvScheduleSyncAction.RemoveDefinition, $"{lakehouse.Label} execution definition '{ed.DisplayName ?? ed.Id.ToString()}'",
                    DescribeDefinition(ed.RefreshMode, ed.Mode, ed.SelectedMlvs), null, null).With(c =>
                {
                    c.DefinitionName = ed.DisplayName;
                    c.ExecutionDefinitionId = ed.Id;
                }));
            }
        }

        // ---- schedules
        string ScopeOf(MlvSchedule s) => s.ExecutionDefinitionId is Guid id ? (nameById.TryGetValue(id, out var n) ? n : id.ToString()) : "";
        string ScopeOfFile(ScheduleFileSchedule s) => s.ExecutionDefinition ?? "";

        foreach (var fs in entry.Schedules.Where(s => s.ExecutionDefinition != null))
        {
            if (!fileNames.Contains(fs.ExecutionDefinition!) && !existingByName.ContainsKey(fs.ExecutionDefinition!))
            {
                Problem(fs.Entry, $"runs execution definition '{fs.ExecutionDefinition}', which {lakehouse.Label} does not have and the entry's \"executionDefinitions\" does not list. Add it there, or fix the name.");
            }
            else if (pruned.Contains(fs.ExecutionDefinition!))
            {
                Problem(fs.Entry, $"runs execution definition '{fs.ExecutionDefinition}', which -Prune would remove because the entry's \"executionDefinitions\" does not list it. List it there.");
            }
        }

        var unpaired = lakehouse.Schedules.OrderBy(s => s.Id).ToList();
        var pairs = new List<(ScheduleFileSchedule File, MlvSchedule? Existing)>();
        var pending = entry.Schedules.ToList();
        // 1: by id (same scope: the API cannot move a schedule to another definition).
        foreach (var fs in pending.ToList())
        {
            var match = fs.Id is Guid id ? unpaired.FirstOrDefault(s => s.Id == id && Same(ScopeOf(s), ScopeOfFile(fs))) : null;
            if (match != null)
            {
                pairs.Add((fs, match));
                unpaired.Remove(match);
                pending.Remove(fs);
            }
        }
        // 2: an equal configuration in the same scope; 3: any schedule of the same scope.
        foreach (var pass in new[] { 2, 3 })
        {
            foreach (var fs in pending.ToList())
            {
                var match = unpaired.FirstOrDefault(s => Same(ScopeOf(s), ScopeOfFile(fs))
                    && (pass == 3 || (s.Configuration != null && SameConfiguration(s.Configuration, fs.Configuration))));
                if (match != null)
                {
                    pairs.Add((fs, match));
                    unpaired.Remove(match);
                    pending.Remove(fs);
                }
            }
        }

        foreach (var (fs, es) in pairs)
        {
            var scopeText = fs.ExecutionDefinition == null ? "" : $" ({fs.Scope})";
            var target = $"{lakehouse.Label} schedule {es!.Id}{scopeText}";
            var sameConfig = es.Configuration != null && SameConfiguration(es.Configuration, fs.Configuration);
            if (sameConfig && fs.Enabled == es.Enabled)
            {
                continue;
            }

            var (before, after) = DescribePair(es.Configuration, es.Enabled, fs.Configuration, fs.Enabled);
            var action = sameConfig ? (fs.Enabled ? MlvScheduleSyncAction.EnableSchedule : MlvScheduleSyncAction.DisableSchedule) : MlvScheduleSyncAction.UpdateSchedule;
            changes.Add(New(action, target, before, after, fs.Entry).With(c =>
            {
                c.ScheduleId = es.Id;
                c.ExecutionDefinitionId = es.ExecutionDefinitionId;
                c.ScheduleRequest = new ScheduleRequest
                {
                    Enabled = fs.Enabled,
                    Configuration = (sameConfig ? es.Configuration! : fs.Configuration).Clone(),
                    ExecutionDefinitionId = es.ExecutionDefinitionId,
                };
            }));
        }
        foreach (var fs in pending)
        {
            var scopeText = fs.ExecutionDefinition == null ? " (whole lineage)" : $" ({fs.Scope})";
            changes.Add(New(MlvScheduleSyncAction.CreateSchedule, $"{lakehouse.Label} new schedule{scopeText}", null, Text(fs.Configuration, fs.Enabled, false), fs.Entry).With(c =>
            {
                c.DefinitionName = fs.ExecutionDefinition;
                c.ScheduleRequest = new ScheduleRequest { Enabled = fs.Enabled, Configuration = fs.Configuration.Clone() };
            }));
        }
        foreach (var es in unpaired)
        {
            var scope = ScopeOf(es);
            if (prune)
            {
                changes.Add(New(MlvScheduleSyncAction.RemoveSchedule, $"{lakehouse.Label} schedule {es.Id}{(scope.Length == 0 ? "" : $" (execution definition '{scope}')")}",
                    es.Configuration == null ? "(unreadable configuration)" : Text(es.Configuration, es.Enabled, false), null, null).With(c =>
                {
                    c.ScheduleId = es.Id;
                    c.ExecutionDefinitionId = es.ExecutionDefinitionId;
                }));
            }
        }

        // ---- what the lakehouse would look like afterwards
        var kept = prune ? new List<MlvSchedule>() : unpaired;
        var total = entry.Schedules.Count + kept.Count;
        if (total > ScheduleLimits.MaxSchedulesPerItem)
        {
            Problem(entry.Describe(), $"would have {total} schedules after the sync ({entry.Schedules.Count} from the file, {kept.Count} others it does not list); a lakehouse can have at most {ScheduleLimits.MaxSchedulesPerItem}. Use -Prune to remove the others, or list fewer.");
        }

        foreach (var scope in entry.Schedules.Where(s => s.Enabled).Select(s => ScopeOfFile(s)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var others = kept.Where(s => s.Enabled && Same(ScopeOf(s), scope)).ToList();
            if (others.Count > 0)
            {
                Problem(entry.Describe(), $"would have two enabled schedules for the {ScheduleFileReader.ScopeText(scope.Length == 0 ? null : scope)}: the file's and {string.Join(", ", others.Select(o => o.Id))}, which the file does not list. Use -Prune to remove it, or add it to the file (disabled).");
            }
        }

        return changes.OrderBy(c => c.Action).ToList(); // stable: file order within an action
    }

    /// <summary>Equal as the service runs them: type, time zone, start/end instants and the fields of the type (times and weekdays as sets).</summary>
    public static bool SameConfiguration(ScheduleConfiguration a, ScheduleConfiguration b)
    {
        if (!Same(a.Type, b.Type))
        {
            return false;
        }

        var zoneA = Zone(a.LocalTimeZoneId, out var idA);
        var zoneB = Zone(b.LocalTimeZoneId, out var idB);
        if (!Same(idA, idB))
        {
            return false;
        }

        if (!SameInstant(a.StartDateTime, zoneA, b.StartDateTime, zoneB) || !SameInstant(a.EndDateTime, zoneA, b.EndDateTime, zoneB))
        {
            return false;
        }

        var type = a.Type ?? "";
        if (Same(type, ScheduleTypes.Cron))
        {
            return a.Interval == b.Interval;
        }

        if (!SameSet(a.Times, b.Times))
        {
            return false;
        }

        if (Same(type, ScheduleTypes.Weekly))
        {
            return SameSet(a.Weekdays, b.Weekdays);
        }

        if (Same(type, ScheduleTypes.Monthly))
        {
            var oa = a.Occurrence;
            var ob = b.Occurrence;
            return (a.Recurrence ?? 1) == (b.Recurrence ?? 1) && (oa == null) == (ob == null)
                && (oa == null || (Same(oa.OccurrenceType, ob!.OccurrenceType) && oa.DayOfMonth == ob.DayOfMonth && Same(oa.WeekIndex, ob.WeekIndex) && Same(oa.Weekday, ob.Weekday)));
        }
        return true;
    }

    private static (string Before, string After) DescribePair(ScheduleConfiguration? before, bool beforeEnabled, ScheduleConfiguration after, bool afterEnabled)
    {
        if (before == null)
        {
            return ("(unreadable configuration)", Text(after, afterEnabled, false));
        }

        var withDates = ScheduleDescriber.Describe(before) == ScheduleDescriber.Describe(after);
        return (Text(before, beforeEnabled, withDates), Text(after, afterEnabled, withDates));
    }

    private static string Text(ScheduleConfiguration c, bool enabled, bool withDates) =>
        ScheduleDescriber.Describe(c) + (withDates ? $", {c.StartDateTime} to {c.EndDateTime}" : "") + (enabled ? ", enabled" : ", disabled");

    private static string DescribeDefinition(string? refreshMode, string? mode, IEnumerable<string>? selected) =>
        $"{refreshMode ?? MlvRefreshModes.Optimal}, " + (string.Equals(mode, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase)
            ? "selected: " + string.Join(", ", selected ?? Enumerable.Empty<string>())
            : "all MLVs");

    private static string Description(string? mine, string? other) =>
        mine != null && other != null && !string.Equals(mine, other, StringComparison.Ordinal) ? $", \"{mine}\"" : "";

    private static TimeZoneInfo Zone(string? id, out string canonical)
    {
        if (ScheduleTimeZones.TryResolve(id, out var windowsId, out var zone))
        {
            canonical = windowsId;
            return zone;
        }
        canonical = id ?? "";
        return TimeZoneInfo.Utc;
    }

    private static bool SameInstant(string? a, TimeZoneInfo zoneA, string? b, TimeZoneInfo zoneB)
    {
        if (a == null || b == null)
        {
            return a == b;
        }

        if (ScheduleDateTimes.TryParse(a, zoneA, out var ua) && ScheduleDateTimes.TryParse(b, zoneB, out var ub))
        {
            return ua == ub;
        }

        return string.Equals(a, b, StringComparison.Ordinal);
    }

    private static bool Same(string? a, string? b) => string.Equals(a ?? "", b ?? "", StringComparison.OrdinalIgnoreCase);

    private static bool SameSet(IEnumerable<string>? a, IEnumerable<string>? b)
    {
        var x = new HashSet<string>(a ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        var y = new HashSet<string>(b ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        return x.SetEquals(y);
    }

    private static MlvScheduleSyncChange With(this MlvScheduleSyncChange change, Action<MlvScheduleSyncChange> set)
    {
        set(change);
        return change;
    }
}
