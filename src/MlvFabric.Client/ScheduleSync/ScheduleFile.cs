using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlvFabric.Scheduling;

namespace MlvFabric.Client;

/// <summary>
/// A schedules-as-code file (Export-MlvSchedule writes it, Sync-MlvSchedule reads it): JSON, one entry per lakehouse
/// with its workspace and lakehouse names and ids, its execution definitions (by name) and its schedules
/// (configuration as the API takes it, time zones as given). Nothing volatile: no created dates, no owners.
/// </summary>
public sealed class ScheduleFile
{
    /// <summary>The format version written and understood.</summary>
    public const int FormatVersion = 1;

    public string Path { get; set; } = "";

    public IList<ScheduleFileLakehouse> Lakehouses { get; } = new List<ScheduleFileLakehouse>();
}

public sealed class ScheduleFileLakehouse
{
    /// <summary>"lakehouses[2]".</summary>
    public string Entry { get; set; } = "";

    public string? WorkspaceName { get; set; }
    public Guid? WorkspaceId { get; set; }
    public string? LakehouseName { get; set; }
    public Guid? LakehouseId { get; set; }

    public IList<ScheduleFileDefinition> ExecutionDefinitions { get; } = new List<ScheduleFileDefinition>();

    public IList<ScheduleFileSchedule> Schedules { get; } = new List<ScheduleFileSchedule>();

    /// <summary>"Sales/Gold" (names, else ids).</summary>
    public string Label => $"{WorkspaceName ?? WorkspaceId?.ToString() ?? "?"}/{LakehouseName ?? LakehouseId?.ToString() ?? "?"}";

    /// <summary>"lakehouses[2] (Sales/Gold)".</summary>
    public string Describe() => $"{Entry} ({Label})";
}

/// <summary>An execution definition as the file has it. Null properties are not managed by the file.</summary>
public sealed class ScheduleFileDefinition
{
    public string Entry { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? RefreshMode { get; set; }
    public string? Mode { get; set; }
    public IList<string>? SelectedMlvs { get; set; }
}

public sealed class ScheduleFileSchedule
{
    public string Entry { get; set; } = "";

    /// <summary>The schedule's id where it was exported (matched first; a missing id is not an error).</summary>
    public Guid? Id { get; set; }

    public bool Enabled { get; set; }

    /// <summary>The execution definition it runs, by display name; null: the whole lineage.</summary>
    public string? ExecutionDefinition { get; set; }

    public ScheduleConfiguration Configuration { get; set; } = new ScheduleConfiguration();

    /// <summary>"whole lineage" or "execution definition 'kpis'".</summary>
    public string Scope => ScheduleFileReader.ScopeText(ExecutionDefinition);
}

/// <summary>One problem of a schedule file: which file, which entry, what is wrong.</summary>
public sealed class ScheduleFileProblem
{
    public ScheduleFileProblem(string file, string entry, string problem)
    {
        File = file;
        Entry = entry;
        Problem = problem;
    }

    public string File { get; }
    public string Entry { get; }
    public string Problem { get; }

    public override string ToString() => string.IsNullOrEmpty(Entry) ? $"{File}: {Problem}" : $"{File}: {Entry}: {Problem}";
}

/// <summary>
/// Reads and checks a schedule file completely (every problem, not just the first) without any request: JSON syntax,
/// shape, unknown properties (typos), ids, execution definitions, each schedule's configuration (the API's rules),
/// two enabled schedules for one scope, more than 20 schedules for one lakehouse, a lakehouse listed twice.
/// </summary>
public static class ScheduleFileReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly string[] RootProperties = { "version", "lakehouses" };
    private static readonly string[] LakehouseProperties = { "workspace", "workspaceId", "lakehouse", "lakehouseId", "executionDefinitions", "schedules" };
    private static readonly string[] DefinitionProperties = { "name", "description", "refreshMode", "mode", "selectedMlvs" };
    private static readonly string[] ScheduleProperties = { "id", "enabled", "executionDefinition", "configuration" };
    private static readonly string[] ConfigurationProperties =
        { "type", "startDateTime", "endDateTime", "localTimeZoneId", "interval", "times", "weekdays", "recurrence", "occurrence" };
    private static readonly string[] OccurrenceProperties = { "occurrenceType", "dayOfMonth", "weekIndex", "weekday" };

    public static string ScopeText(string? definition) => definition == null ? "whole lineage" : $"execution definition '{definition}'";

    /// <summary>Reads <paramref name="text"/> (the content of <paramref name="path"/>); the file is usable only when no problem was found.</summary>
    public static ScheduleFile Read(string path, string text, out IReadOnlyList<ScheduleFileProblem> problems)
    {
        var list = new List<ScheduleFileProblem>();
        problems = list;
        var file = new ScheduleFile { Path = path };
        var name = System.IO.Path.GetFileName(path);
        void Add(string entry, string problem) => list.Add(new ScheduleFileProblem(name, entry, problem));

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text ?? "", DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is long line ? $"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : "";
            Add(where, "is not valid JSON: " + FirstSentence(ex.Message));
            return file;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Add("", $"must be a JSON object with a \"lakehouses\" array (found {Kind(root)}). Create one with Export-MlvSchedule.");
                return file;
            }
            CheckProperties(root, RootProperties, "", Add);
            if (TryGet(root, "version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v) && v == ScheduleFile.FormatVersion))
            {
                Add("version", $"is {version.GetRawText()}; this module reads version {ScheduleFile.FormatVersion}.");
            }

            if (!TryGet(root, "lakehouses", out var lakehouses) || lakehouses.ValueKind != JsonValueKind.Array)
            {
                Add("lakehouses", "is missing or not an array. List one entry per lakehouse: { \"workspace\": \"Sales\", \"lakehouse\": \"Gold\", \"schedules\": [ … ] }.");
                return file;
            }
            var index = 0;
            foreach (var element in lakehouses.EnumerateArray())
            {
                var entry = $"lakehouses[{index++}]";
                var lakehouse = ReadLakehouse(element, entry, Add);
                if (lakehouse != null)
                {
                    file.Lakehouses.Add(lakehouse);
                }
            }
        }

        // A lakehouse listed twice (by the same name or the same id).
        var seen = new Dictionary<string, ScheduleFileLakehouse>(StringComparer.OrdinalIgnoreCase);
        foreach (var lakehouse in file.Lakehouses)
        {
            foreach (var key in Keys(lakehouse))
            {
                if (seen.TryGetValue(key, out var first) && !ReferenceEquals(first, lakehouse))
                {
                    Add(lakehouse.Describe(), $"lists the same lakehouse as {first.Describe()}. Keep one entry per lakehouse.");
                    break;
                }
                seen[key] = lakehouse;
            }
        }
        return file;
    }

    private static IEnumerable<string> Keys(ScheduleFileLakehouse l)
    {
        if (l.LakehouseId is Guid id)
        {
            yield return "id:" + id;
        }

        if (l.WorkspaceName != null && l.LakehouseName != null)
        {
            yield return "name:" + l.WorkspaceName + "/" + l.LakehouseName;
        }
    }

    private static ScheduleFileLakehouse? ReadLakehouse(JsonElement element, string entry, Action<string, string> add)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            add(entry, $"must be an object (found {Kind(element)}).");
            return null;
        }
        var lakehouse = new ScheduleFileLakehouse { Entry = entry };
        lakehouse.WorkspaceName = ReadString(element, "workspace", entry, add);
        lakehouse.WorkspaceId = ReadGuid(element, "workspaceId", entry, add);
        lakehouse.LakehouseName = ReadString(element, "lakehouse", entry, add);
        lakehouse.LakehouseId = ReadGuid(element, "lakehouseId", entry, add);
        var described = lakehouse.Describe();
        CheckProperties(element, LakehouseProperties, described, add);
        if (lakehouse.WorkspaceName == null && lakehouse.WorkspaceId == null)
        {
            add(described, "names no workspace: give \"workspace\" (its name) or \"workspaceId\".");
        }

        if (lakehouse.LakehouseName == null && lakehouse.LakehouseId == null)
        {
            add(described, "names no lakehouse: give \"lakehouse\" (its name) or \"lakehouseId\".");
        }

        if (TryGet(element, "executionDefinitions", out var definitions))
        {
            if (definitions.ValueKind != JsonValueKind.Array)
            {
                add(described + " executionDefinitions", $"must be an array (found {Kind(definitions)}).");
            }
            else
            {
                var i = 0;
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var d in definitions.EnumerateArray())
                {
                    var definition = ReadDefinition(d, $"{described} executionDefinitions[{i++}]", add);
                    if (definition == null)
                    {
                        continue;
                    }

                    if (!names.Add(definition.Name))
                    {
                        add(definition.Entry, $"repeats the execution definition name '{definition.Name}'. Names are unique per lakehouse.");
                    }

                    lakehouse.ExecutionDefinitions.Add(definition);
                }
            }
        }

        if (!TryGet(element, "schedules", out var schedules))
        {
            add(described, "has no \"schedules\" array (use [] for a lakehouse that should have none).");
        }
        else if (schedules.ValueKind != JsonValueKind.Array)
        {
            add(described + " schedules", $"must be an array (found {Kind(schedules)}).");
        }
        else
        {
            var i = 0;
            var ids = new HashSet<Guid>();
            foreach (var s in schedules.EnumerateArray())
            {
                var schedule = ReadSchedule(s, $"{described} schedules[{i++}]", add);
                if (schedule == null)
                {
                    continue;
                }

                if (schedule.Id is Guid id && !ids.Add(id))
                {
                    add(schedule.Entry, $"repeats the schedule id {id}.");
                }

                lakehouse.Schedules.Add(schedule);
            }
            if (i > ScheduleLimits.MaxSchedulesPerItem)
            {
                add(described, $"lists {i} schedules; a lakehouse can have at most {ScheduleLimits.MaxSchedulesPerItem}.");
            }

            foreach (var scope in lakehouse.Schedules.Where(x => x.Enabled).GroupBy(x => x.ExecutionDefinition ?? "", StringComparer.OrdinalIgnoreCase))
            {
                var enabled = scope.ToList();
                if (enabled.Count > 1)
                {
                    add(described, $"has {enabled.Count} enabled schedules for the {enabled[0].Scope} ({string.Join(", ", enabled.Select(x => x.Entry.Substring(described.Length + 1)))}); one scope may have only one enabled schedule. Disable or merge them (one schedule takes up to {ScheduleLimits.MaxTimes} times).");
                }
            }
        }
        return lakehouse;
    }

    private static ScheduleFileDefinition? ReadDefinition(JsonElement element, string entry, Action<string, string> add)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            add(entry, $"must be an object (found {Kind(element)}).");
            return null;
        }
        CheckProperties(element, DefinitionProperties, entry, add);
        var definition = new ScheduleFileDefinition { Entry = entry };
        var name = ReadString(element, "name", entry, add);
        if (string.IsNullOrWhiteSpace(name))
        {
            add(entry, "has no \"name\" (the execution definition's display name).");
            return null;
        }
        definition.Name = name!;
        definition.Entry = $"{entry} ('{name}')";
        definition.Description = ReadString(element, "description", entry, add);
        definition.RefreshMode = ReadEnum(element, "refreshMode", new[] { MlvRefreshModes.Optimal, MlvRefreshModes.Full }, definition.Entry, add);
        definition.Mode = ReadEnum(element, "mode", new[] { MlvExecutionModes.All, MlvExecutionModes.Selected }, definition.Entry, add);
        if (TryGet(element, "selectedMlvs", out var mlvs))
        {
            var list = ReadStrings(mlvs, definition.Entry + " selectedMlvs", add);
            if (list != null)
            {
                foreach (var mlv in list)
                {
                    if (mlv.Split('.').Length != 2 || mlv.Split('.').Any(p => p.Trim().Length == 0))
                    {
                        add(definition.Entry + " selectedMlvs", $"'{mlv}' is not a schema.view name.");
                    }
                }

                definition.SelectedMlvs = list;
            }
        }
        if (string.Equals(definition.Mode, MlvExecutionModes.Selected, StringComparison.Ordinal) && (definition.SelectedMlvs == null || definition.SelectedMlvs.Count == 0))
        {
            add(definition.Entry, "has mode Selected but no \"selectedMlvs\". List the MLVs (schema.view) to refresh, or use mode All.");
        }

        if (definition.Mode == null && definition.SelectedMlvs != null)
        {
            definition.Mode = definition.SelectedMlvs.Count > 0 ? MlvExecutionModes.Selected : MlvExecutionModes.All;
        }

        return definition;
    }

    private static ScheduleFileSchedule? ReadSchedule(JsonElement element, string entry, Action<string, string> add)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            add(entry, $"must be an object (found {Kind(element)}).");
            return null;
        }
        CheckProperties(element, ScheduleProperties, entry, add);
        var schedule = new ScheduleFileSchedule { Entry = entry, Id = ReadGuid(element, "id", entry, add) };
        if (!TryGet(element, "enabled", out var enabled) || (enabled.ValueKind != JsonValueKind.True && enabled.ValueKind != JsonValueKind.False))
        {
            add(entry, "needs \"enabled\": true or false.");
        }
        else
        {
            schedule.Enabled = enabled.ValueKind == JsonValueKind.True;
        }

        schedule.ExecutionDefinition = ReadString(element, "executionDefinition", entry, add);
        if (!TryGet(element, "configuration", out var configuration) || configuration.ValueKind != JsonValueKind.Object)
        {
            add(entry, "needs a \"configuration\" object ({ \"type\": \"Daily\", \"times\": [\"02:00\"], \"localTimeZoneId\": \"UTC\", \"startDateTime\": …, \"endDateTime\": … }).");
            return schedule;
        }
        schedule.Configuration = ReadConfiguration(configuration, entry, add);
        foreach (var error in ScheduleValidator.Validate(schedule.Configuration))
        {
            add(entry, error.Message);
        }

        return schedule;
    }

    private static ScheduleConfiguration ReadConfiguration(JsonElement element, string entry, Action<string, string> add)
    {
        var at = entry + " configuration";
        CheckProperties(element, ConfigurationProperties, at, add);
        var config = new ScheduleConfiguration
        {
            Type = ReadString(element, "type", at, add) ?? "",
            StartDateTime = ReadString(element, "startDateTime", at, add),
            EndDateTime = ReadString(element, "endDateTime", at, add),
            LocalTimeZoneId = ReadString(element, "localTimeZoneId", at, add),
            Interval = ReadInt(element, "interval", at, add),
            Recurrence = ReadInt(element, "recurrence", at, add),
        };
        if (TryGet(element, "times", out var times))
        {
            config.Times = ReadStrings(times, at + ".times", add)?.ToArray();
        }

        if (TryGet(element, "weekdays", out var weekdays))
        {
            config.Weekdays = ReadStrings(weekdays, at + ".weekdays", add)?.ToArray();
        }

        if (TryGet(element, "occurrence", out var occurrence))
        {
            if (occurrence.ValueKind != JsonValueKind.Object)
            {
                add(at + ".occurrence", $"must be an object (found {Kind(occurrence)}).");
            }
            else
            {
                CheckProperties(occurrence, OccurrenceProperties, at + ".occurrence", add);
                config.Occurrence = new MonthlyOccurrence
                {
                    OccurrenceType = ReadString(occurrence, "occurrenceType", at + ".occurrence", add) ?? "",
                    DayOfMonth = ReadInt(occurrence, "dayOfMonth", at + ".occurrence", add),
                    WeekIndex = ReadString(occurrence, "weekIndex", at + ".occurrence", add),
                    Weekday = ReadString(occurrence, "weekday", at + ".occurrence", add),
                };
            }
        }
        return config;
    }

    // ------------------------------------------------------------------ JSON helpers (case-insensitive names)

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return value.ValueKind != JsonValueKind.Null;
            }
        }
        value = default;
        return false;
    }

    private static void CheckProperties(JsonElement element, string[] known, string entry, Action<string, string> add)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (!known.Any(k => string.Equals(k, p.Name, StringComparison.OrdinalIgnoreCase)) && !p.Name.StartsWith("$", StringComparison.Ordinal))
            {
                add(entry, $"has an unknown property \"{p.Name}\" (known: {string.Join(", ", known)}).");
            }
        }
    }

    private static string? ReadString(JsonElement element, string name, string entry, Action<string, string> add)
    {
        if (!TryGet(element, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        add(entry, $"\"{name}\" must be a string (found {value.GetRawText()}).");
        return null;
    }

    private static Guid? ReadGuid(JsonElement element, string name, string entry, Action<string, string> add)
    {
        var text = ReadString(element, name, entry, add);
        if (text == null)
        {
            return null;
        }

        if (Guid.TryParse(text, out var id) && id != Guid.Empty)
        {
            return id;
        }

        add(entry, $"\"{name}\" '{text}' is not an id (a GUID such as 431bac27-08d0-5bc5-b47f-1186193a8774).");
        return null;
    }

    private static int? ReadInt(JsonElement element, string name, string entry, Action<string, string> add)
    {
        if (!TryGet(element, name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
        {
            return n;
        }

        add(entry, $"\"{name}\" must be a whole number (found {value.GetRawText()}).");
        return null;
    }

    private static string? ReadEnum(JsonElement element, string name, string[] allowed, string entry, Action<string, string> add)
    {
        var text = ReadString(element, name, entry, add);
        if (text == null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match == null)
        {
            add(entry, $"\"{name}\" '{text}' is not one of: {string.Join(", ", allowed)}.");
        }

        return match;
    }

    private static List<string>? ReadStrings(JsonElement value, string entry, Action<string, string> add)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            add(entry, $"must be an array of strings (found {Kind(value)}).");
            return null;
        }
        var list = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
            else
            {
                add($"{entry}[{i}]", $"must be a string (found {item.GetRawText()}).");
            }

            i++;
        }
        return list;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message.Substring(0, cut) : message;
    }
}

/// <summary>What Export-MlvSchedule writes for one lakehouse.</summary>
public sealed class ScheduleExport
{
    public Guid WorkspaceId { get; set; }
    public string? WorkspaceName { get; set; }
    public Guid LakehouseId { get; set; }
    public string? LakehouseName { get; set; }
    public IList<MlvSchedule> Schedules { get; set; } = new List<MlvSchedule>();
    public IList<MlvExecutionDefinition> ExecutionDefinitions { get; set; } = new List<MlvExecutionDefinition>();
}

/// <summary>Writes schedule files: stable order (workspace, lakehouse, scope, id), indented, readable in a diff.</summary>
public static class ScheduleFileWriter
{
    private static readonly JsonWriterOptions Options = new JsonWriterOptions
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // names and time zones stay readable in a review
    };

    public static string Write(IEnumerable<ScheduleExport> lakehouses)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("version", ScheduleFile.FormatVersion);
            w.WriteStartArray("lakehouses");
            foreach (var l in lakehouses.OrderBy(x => x.WorkspaceName ?? x.WorkspaceId.ToString(), StringComparer.OrdinalIgnoreCase)
                                        .ThenBy(x => x.LakehouseName ?? x.LakehouseId.ToString(), StringComparer.OrdinalIgnoreCase))
            {
                WriteLakehouse(w, l);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    private static void WriteLakehouse(Utf8JsonWriter w, ScheduleExport l)
    {
        var names = l.ExecutionDefinitions.Where(d => d.DisplayName != null).GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.First().DisplayName!);
        w.WriteStartObject();
        if (l.WorkspaceName != null)
        {
            w.WriteString("workspace", l.WorkspaceName);
        }

        w.WriteString("workspaceId", l.WorkspaceId.ToString());
        if (l.LakehouseName != null)
        {
            w.WriteString("lakehouse", l.LakehouseName);
        }

        w.WriteString("lakehouseId", l.LakehouseId.ToString());
        if (l.ExecutionDefinitions.Count > 0)
        {
            w.WriteStartArray("executionDefinitions");
            foreach (var d in l.ExecutionDefinitions.OrderBy(d => d.DisplayName, StringComparer.OrdinalIgnoreCase))
            {
                w.WriteStartObject();
                w.WriteString("name", d.DisplayName);
                if (!string.IsNullOrEmpty(d.Description))
                {
                    w.WriteString("description", d.Description);
                }

                w.WriteString("refreshMode", d.RefreshMode ?? MlvRefreshModes.Optimal);
                w.WriteString("mode", d.Mode ?? MlvExecutionModes.All);
                if (string.Equals(d.Mode, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase))
                {
                    w.WriteStartArray("selectedMlvs");
                    foreach (var m in d.SelectedMlvs)
                    {
                        w.WriteStringValue(m);
                    }

                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("schedules");
        foreach (var s in l.Schedules
                     .OrderBy(s => s.ExecutionDefinitionId is Guid d && names.TryGetValue(d, out var n) ? n : s.ExecutionDefinitionId?.ToString() ?? "", StringComparer.OrdinalIgnoreCase)
                     .ThenBy(s => s.Id))
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id.ToString());
            w.WriteBoolean("enabled", s.Enabled);
            if (s.ExecutionDefinitionId is Guid definitionId)
            {
                w.WriteString("executionDefinition", names.TryGetValue(definitionId, out var name) ? name : definitionId.ToString());
            }

            w.WritePropertyName("configuration");
            WriteConfiguration(w, s.Configuration ?? new ScheduleConfiguration());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteConfiguration(Utf8JsonWriter w, ScheduleConfiguration c)
    {
        w.WriteStartObject();
        w.WriteString("type", c.Type);
        if (c.Interval is int interval)
        {
            w.WriteNumber("interval", interval);
        }

        WriteArray(w, "weekdays", c.Weekdays);
        if (c.Recurrence is int recurrence)
        {
            w.WriteNumber("recurrence", recurrence);
        }

        if (c.Occurrence != null)
        {
            w.WriteStartObject("occurrence");
            w.WriteString("occurrenceType", c.Occurrence.OccurrenceType);
            if (c.Occurrence.DayOfMonth is int day)
            {
                w.WriteNumber("dayOfMonth", day);
            }

            if (c.Occurrence.WeekIndex != null)
            {
                w.WriteString("weekIndex", c.Occurrence.WeekIndex);
            }

            if (c.Occurrence.Weekday != null)
            {
                w.WriteString("weekday", c.Occurrence.Weekday);
            }

            w.WriteEndObject();
        }
        WriteArray(w, "times", c.Times);
        if (c.LocalTimeZoneId != null)
        {
            w.WriteString("localTimeZoneId", c.LocalTimeZoneId);
        }

        if (c.StartDateTime != null)
        {
            w.WriteString("startDateTime", c.StartDateTime);
        }

        if (c.EndDateTime != null)
        {
            w.WriteString("endDateTime", c.EndDateTime);
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, string[]? values)
    {
        if (values == null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
