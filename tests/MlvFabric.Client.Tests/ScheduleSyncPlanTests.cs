using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Scheduling;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Schedule files (write, read, check) and sync plans (pairing, changes, problems): pure, no emulator.</summary>
public sealed class ScheduleSyncPlanTests
{
    private static readonly Guid Ws = Guid.Parse("431bac27-08d0-5bc5-b47f-1186193a8774");
    private static readonly Guid Lh = Guid.Parse("b4713f96-0f9a-5140-8e72-846a63d3b6a7");
    private static readonly Guid DefId = Guid.Parse("0d5f0c8e-1b2a-4c3d-9e8f-7a6b5c4d3e2f");

    private static ScheduleConfiguration Daily(string time, string zone = "UTC") => new ScheduleConfiguration
    {
        Type = ScheduleTypes.Daily,
        Times = new[] { time },
        LocalTimeZoneId = zone,
        StartDateTime = "2026-01-01T00:00:00Z",
        EndDateTime = "2027-01-01T00:00:00Z",
    };

    private static MlvSchedule Existing(string time, bool enabled = true, Guid? definition = null) =>
        new MlvSchedule { Id = Guid.NewGuid(), Enabled = enabled, Configuration = Daily(time), ExecutionDefinitionId = definition, CreatedDateTime = DateTime.UtcNow, Owner = new MlvPrincipal { Id = "x", Type = "User" } };

    private static MlvExecutionDefinition Definition(string name = "kpis") => new MlvExecutionDefinition
    {
        Id = DefId,
        DisplayName = name,
        RefreshMode = "Optimal",
        Mode = "Selected",
        SelectedMlvs = new List<string> { "gold.kpi_summary" },
    };

    private static ScheduleFile RoundTrip(IList<MlvSchedule> schedules, IList<MlvExecutionDefinition> definitions, out string text)
    {
        text = ScheduleFileWriter.Write(new[]
        {
            new ScheduleExport { WorkspaceId = Ws, WorkspaceName = "Sales", LakehouseId = Lh, LakehouseName = "Gold", Schedules = schedules, ExecutionDefinitions = definitions },
        });
        var file = ScheduleFileReader.Read("/repo/schedules.json", text, out var problems);
        Assert.Empty(problems);
        return file;
    }

    private static List<MlvScheduleSyncChange> Plan(ScheduleFile file, IList<MlvSchedule> schedules, IList<MlvExecutionDefinition> definitions, bool prune, out List<ScheduleFileProblem> problems)
    {
        problems = new List<ScheduleFileProblem>();
        var lakehouse = new ScheduleSyncLakehouse(file.Lakehouses[0], Ws, "Sales", Lh, "Gold") { Schedules = schedules, ExecutionDefinitions = definitions };
        return SchedulePlanner.Plan(new[] { lakehouse }, prune, "schedules.json", problems);
    }

    [Fact]
    public void AnExportReadsBackAndPlansNothing()
    {
        var schedules = new List<MlvSchedule> { Existing("02:00"), Existing("03:00", enabled: false), Existing("04:00", definition: DefId) };
        var definitions = new List<MlvExecutionDefinition> { Definition() };
        var file = RoundTrip(schedules, definitions, out var text);

        Assert.DoesNotContain("createdDateTime", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("owner", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"executionDefinition\": \"kpis\"", text);
        Assert.Equal(3, file.Lakehouses[0].Schedules.Count);
        Assert.Equal("kpis", Assert.Single(file.Lakehouses[0].ExecutionDefinitions).Name);

        Assert.Empty(Plan(file, schedules, definitions, prune: true, out var problems));
        Assert.Empty(problems);
        // The same export twice is the same text (stable order).
        RoundTrip(schedules.AsEnumerable().Reverse().ToList(), definitions, out var again);
        Assert.Equal(text, again);
    }

    [Fact]
    public void ChangesArePairedByIdThenConfigurationThenScopeAndOrderedForApplying()
    {
        var a = Existing("02:00");
        var b = Existing("05:00", enabled: false);
        var file = RoundTrip(new List<MlvSchedule> { a, b }, new List<MlvExecutionDefinition>(), out _);
        var entry = file.Lakehouses[0];
        // a: retimed (by id); b: enabled, id dropped (paired by its equal configuration); a new one for a definition.
        entry.Schedules.Single(s => s.Id == a.Id).Configuration = Daily("06:30");
        entry.Schedules.Single(s => s.Id == b.Id).Enabled = true;
        entry.Schedules.Single(s => s.Id == b.Id).Id = null;
        entry.Schedules.Single(s => s.Id == a.Id).Enabled = false;
        entry.ExecutionDefinitions.Add(new ScheduleFileDefinition { Name = "kpis", Mode = "Selected", SelectedMlvs = new List<string> { "gold.kpi_summary" }, Entry = "x" });
        entry.Schedules.Add(new ScheduleFileSchedule { Entry = "new", Enabled = true, ExecutionDefinition = "kpis", Configuration = new ScheduleConfiguration { Type = "Cron", Interval = 30, LocalTimeZoneId = "UTC", StartDateTime = "2026-01-01T00:00:00Z", EndDateTime = "2027-01-01T00:00:00Z" } });

        var changes = Plan(file, new List<MlvSchedule> { a, b }, new List<MlvExecutionDefinition>(), prune: false, out var problems);

        Assert.Empty(problems);
        Assert.Equal(new[] { MlvScheduleSyncAction.CreateDefinition, MlvScheduleSyncAction.UpdateSchedule, MlvScheduleSyncAction.CreateSchedule, MlvScheduleSyncAction.EnableSchedule }, changes.Select(c => c.Action).ToArray());
        var update = changes[1];
        Assert.Equal(a.Id, update.ScheduleId);
        Assert.Equal($"Sales/Gold schedule {a.Id}", update.Target);
        Assert.Equal("Every day at 02:00 (UTC), enabled → Every day at 06:30 (UTC), disabled", update.Change);
        Assert.Equal($"Update schedule Sales/Gold schedule {a.Id}: Every day at 02:00 (UTC), enabled → Every day at 06:30 (UTC), disabled", update.Describe());
        Assert.Equal(b.Id, changes[3].ScheduleId);
        Assert.Equal("Sales/Gold new schedule (execution definition 'kpis')", changes[2].Target);
        Assert.All(changes, c => Assert.Equal(MlvScheduleSyncStatus.Planned, c.Status));
    }

    [Fact]
    public void PruneRemovesUnlistedSchedulesAndDefinitionsOnlyWhenAsked()
    {
        var kept = Existing("02:00");
        var file = RoundTrip(new List<MlvSchedule> { kept }, new List<MlvExecutionDefinition>(), out _);
        var extra = Existing("09:00", enabled: false, definition: DefId);
        var estate = new List<MlvSchedule> { kept, extra };
        var definitions = new List<MlvExecutionDefinition> { Definition("adhoc") };

        Assert.Empty(Plan(file, estate, definitions, prune: false, out var none));
        Assert.Empty(none);

        var pruned = Plan(file, estate, definitions, prune: true, out var problems);
        Assert.Empty(problems);
        Assert.Equal(new[] { MlvScheduleSyncAction.RemoveSchedule, MlvScheduleSyncAction.RemoveDefinition }, pruned.Select(c => c.Action).ToArray());
        Assert.Equal(extra.Id, pruned[0].ScheduleId);
        Assert.Equal("Sales/Gold execution definition 'adhoc'", pruned[1].Target);
    }

    [Fact]
    public void ProblemsOnlyTheEstateShowsAreFound()
    {
        var a = Existing("02:00");
        var file = RoundTrip(new List<MlvSchedule> { a }, new List<MlvExecutionDefinition>(), out _);
        file.Lakehouses[0].Schedules.Add(new ScheduleFileSchedule { Entry = "lakehouses[0] (Sales/Gold) schedules[1]", Enabled = false, ExecutionDefinition = "missing", Configuration = Daily("01:00") });
        var other = Existing("07:00"); // enabled, whole lineage, not in the file
        var many = Enumerable.Range(0, 19).Select(i => Existing("10:00", enabled: false, definition: Guid.NewGuid())).ToList();

        Plan(file, new List<MlvSchedule> { a, other }.Concat(many).ToList(), new List<MlvExecutionDefinition>(), prune: false, out var problems);

        var all = string.Join("\n", problems);
        Assert.Contains("schedules.json: lakehouses[0] (Sales/Gold) schedules[1]: runs execution definition 'missing', which Sales/Gold does not have", all);
        Assert.Contains("would have 22 schedules after the sync (2 from the file, 20 others it does not list)", all);
        Assert.Contains($"would have two enabled schedules for the whole lineage: the file's and {other.Id}", all);
    }

    [Fact]
    public void TheReaderReportsEveryProblemWithFileAndEntry()
    {
        var text = """
            {
              // comments are fine
              "version": 1,
              "lakehouses": [
                { "workspace": "Sales", "lakehouse": "Gold",
                  "executionDefinitions": [ { "name": "k", "mode": "Selected" }, { "name": "K", "refreshMode": "Fastest" } ],
                  "schedules": [
                    { "enabled": true, "configuration": { "type": "Daily", "times": ["9:00"], "localTimeZoneId": "UTC", "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2027-01-01T00:00:00Z" } },
                    { "enabled": true, "configuration": { "type": "Daily", "times": ["10:00"], "localTimeZoneId": "Mars/Olympus", "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2027-01-01T00:00:00Z" } },
                    { "id": "not-a-guid", "enabled": "yes", "configuration": { "type": "Cron", "interval": 0 } },
                  ] },
                { "workspace": "Sales", "lakehouse": "gold", "schedules": [] },
                { "lakehouseId": "b4713f96-0f9a-5140-8e72-846a63d3b6a7", "extra": 1, "schedules": [] }
              ]
            }
            """;
        ScheduleFileReader.Read("/repo/sales.json", text, out var problems);
        var all = string.Join("\n", problems);

        Assert.All(problems, p => Assert.Equal("sales.json", p.File));
        Assert.Contains("sales.json: lakehouses[0] (Sales/Gold) executionDefinitions[0] ('k'): has mode Selected but no \"selectedMlvs\"", all);
        Assert.Contains("repeats the execution definition name 'K'", all);
        Assert.Contains("\"refreshMode\" 'Fastest' is not one of: Optimal, Full.", all);
        Assert.Contains("sales.json: lakehouses[0] (Sales/Gold) schedules[0]: configuration.times[0] '9:00'", all);
        Assert.Contains("sales.json: lakehouses[0] (Sales/Gold) schedules[1]: ", all);
        Assert.Contains("Mars/Olympus", all);
        Assert.Contains("\"id\" 'not-a-guid' is not an id", all);
        Assert.Contains("sales.json: lakehouses[0] (Sales/Gold) schedules[2]: needs \"enabled\": true or false.", all);
        Assert.Contains("has 2 enabled schedules for the whole lineage (schedules[0], schedules[1])", all);
        Assert.Contains("sales.json: lakehouses[1] (Sales/gold): lists the same lakehouse as lakehouses[0] (Sales/Gold).", all);
        Assert.Contains("sales.json: lakehouses[2] (?/b4713f96-0f9a-5140-8e72-846a63d3b6a7): has an unknown property \"extra\"", all);
        Assert.Contains("sales.json: lakehouses[2] (?/b4713f96-0f9a-5140-8e72-846a63d3b6a7): names no workspace", all);

        ScheduleFileReader.Read("/repo/bad.json", "{ \"lakehouses\": [ }", out var syntax);
        Assert.StartsWith("bad.json: line 1, position ", Assert.Single(syntax).ToString());
        ScheduleFileReader.Read("/repo/list.json", "[]", out var shape);
        Assert.Equal("list.json: must be a JSON object with a \"lakehouses\" array (found an array). Create one with Export-MlvSchedule.", Assert.Single(shape).ToString());
    }

    [Fact]
    public void ConfigurationsCompareAsTheServiceRunsThem()
    {
        var a = Daily("02:00", "W. Europe Standard Time");
        var b = a.Clone();
        b.Times = new[] { "02:00" };
        b.LocalTimeZoneId = "Europe/Berlin"; // the same zone, by its IANA name
        b.StartDateTime = "2026-01-01T01:00:00+01:00"; // the same instant
        Assert.True(SchedulePlanner.SameConfiguration(a, b));
        b.Times = new[] { "02:01" };
        Assert.False(SchedulePlanner.SameConfiguration(a, b));
        var cron = new ScheduleConfiguration { Type = "cron", Interval = 30, LocalTimeZoneId = "UTC", StartDateTime = "2026-01-01T00:00:00Z", EndDateTime = "2027-01-01T00:00:00Z", Times = new[] { "ignored" } };
        var cron2 = cron.Clone();
        cron2.Type = "Cron";
        cron2.Times = null;
        Assert.True(SchedulePlanner.SameConfiguration(cron, cron2));
    }
}
