using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// What users script against: every column of a default table is a property of that name, values are flat (no type
/// names in CSV, no whole TimeSpan in JSON), times say which zone they are in, and the tables fit 80 and 120 columns
/// without cutting a value.
/// </summary>
public sealed class ObjectViewTests : JobTestBase
{
    // One object of every output type: a failed job, a schedule running an execution definition and a whole-lineage one.
    private const string Setup =
        "$null = New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name gold_regions -SelectedMlv gold.sales_by_region; " +
        "$null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 06:00 -TimeZone 'Tokyo Standard Time' -ExecutionDefinition gold_regions; " +
        "$null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Weekly -DayOfWeek Monday, Friday -At 06:00, 18:00 -TimeZone 'Central Standard Time'";

    private const string TableMarker = "<<table>>";

    private static readonly Dictionary<string, string> Producers = new()
    {
        ["MlvFabric.Client.MlvWorkspace"] = "Get-MlvWorkspace",
        ["MlvFabric.Client.MlvLakehouse"] = "Get-MlvLakehouse -WorkspaceName Sales",
        ["MlvFabric.Client.MlvSchedule"] = "Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold",
        ["MlvFabric.Client.MlvJobInstance"] = "Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold",
        ["MlvFabric.Client.MlvExecutionDefinition"] = "Get-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold",
        ["MlvFabric.Client.MlvRefreshStatus"] = "Get-MlvRefreshStatus -WorkspaceName Sales",
        // A file that asks for one more schedule on Gold: -WhatIf plans its creation and writes nothing.
        ["MlvFabric.Client.MlvScheduleSyncChange"] = "Sync-MlvSchedule -Path $MlvSyncFile -WhatIf",
    };

    private readonly string _syncFile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlvview-" + Guid.NewGuid().ToString("N") + ".json");

    public ObjectViewTests(EmulatorFixture fixture)
        : base(fixture)
    {
        Control.AddHistory("Sales", "Gold", new { count = 2, intervalMinutes = 60, durationSeconds = 3725, failureRate = 1.0, seed = 1 });
        RunOk(Setup);
        System.IO.File.WriteAllText(_syncFile,
            "{ \"version\": 1, \"lakehouses\": [ { \"workspace\": \"Sales\", \"lakehouse\": \"Gold\", \"schedules\": [ " +
            "{ \"enabled\": false, \"configuration\": { \"type\": \"Cron\", \"interval\": 4242, \"localTimeZoneId\": \"UTC\", " +
            "\"startDateTime\": \"2030-01-01T00:00:00Z\", \"endDateTime\": \"2031-01-01T00:00:00Z\" } } ] } ] }");
        Ps.SetVariable("MlvSyncFile", _syncFile);
    }

    [Fact]
    public void EveryColumnOfEveryDefaultTableIsAPropertyOfThatName()
    {
        var tables = TableViews().ToList();
        Assert.Equal(Producers.Keys.OrderBy(k => k), tables.Select(t => t.Type).OrderBy(k => k));

        foreach ((var type, var columns) in tables)
        {
            foreach (var column in columns)
            {
                // Under strict mode a missing property throws; Where-Object and the property read must both work.
                var result = Ps.Run(
                    $"Set-StrictMode -Version Latest; $all = @({Producers[type]}); " +
                    $"$first = $all[0]; [pscustomobject]@{{ Value = $first.{column}; Matching = @($all | Where-Object {column} -eq $first.{column}).Count; Count = $all.Count }}");
                result.ThrowIfFailed();
                var row = Assert.Single(result.Output);
                Assert.True((int)Prop(row, "Count")! > 0, $"{Producers[type]} returned nothing");
                Assert.True((int)Prop(row, "Matching")! > 0, $"{type}: Where-Object {column} matches nothing: the column '{column}' is not a property.");
            }
        }
    }

    [Fact]
    public void NamesSelectAndFilterLikeTheTablesShowThem()
    {
        var result = RunOk(
            "Set-StrictMode -Version Latest; " +
            "[pscustomobject]@{ Workspaces = @(Get-MlvWorkspace | ForEach-Object Name) -join ','; " +
            "Gold = (Get-MlvLakehouse -WorkspaceName Sales -Name Gold).Name; " +
            "G = @(Get-MlvLakehouse -WorkspaceName Sales | Where-Object Name -like 'G*').Count }");
        var row = Assert.Single(result.Output);
        Assert.Equal("Sales,Finance", Text(row, "Workspaces"));
        Assert.Equal("Gold", Text(row, "Gold"));
        Assert.Equal(1, Prop(row, "G"));
    }

    [Fact]
    public void ValuesAreFlatForCsvAndJson()
    {
        // Export-Csv writes each property's ToString(); ConvertTo-Json writes a TimeSpan or a list as a whole object.
        foreach (var producer in new[] { Producers["MlvFabric.Client.MlvSchedule"], Producers["MlvFabric.Client.MlvJobInstance"] })
        {
            var result = RunOk($"{producer} | ForEach-Object {{ foreach ($p in $_.PSObject.Properties) {{ [pscustomobject]@{{ Name = $p.Name; Text = if ($null -ne $p.Value) {{ $p.Value.ToString() }}; Type = if ($null -ne $p.Value) {{ $p.Value.GetType().FullName }} }} }} }}");
            Assert.NotEmpty(result.Output);
            foreach (var property in result.Output)
            {
                var name = Text(property, "Name")!;
                var text = Text(property, "Text") ?? "";
                Assert.False(Regex.IsMatch(text, @"System\.|MlvFabric\.|`\d\["), $"{producer}: {name} prints as '{text}', a type name, in CSV.");
                Assert.NotEqual("System.TimeSpan", Text(property, "Type"));
            }
        }

        var job = RunOk("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -First 1 | ForEach-Object { [pscustomobject]@{ Duration = $_.Duration; Seconds = $_.DurationSeconds; Failure = $_.Failure; Offset = $_.Start.Offset; StartUtc = $_.StartTimeUtc } }");
        var flat = Assert.Single(job.Output);
        Assert.Equal("01:02:05", Prop(flat, "Duration"));
        Assert.Equal(3725L, Prop(flat, "Seconds"));
        Assert.Equal("JobInstanceStatusFailed", Prop(flat, "Failure"));
        // Start is the same instant as StartTimeUtc, in this computer's zone with the offset it had then.
        var startUtc = DateTime.SpecifyKind((DateTime)Prop(flat, "StartUtc")!, DateTimeKind.Utc);
        Assert.Equal(TimeZoneInfo.Local.GetUtcOffset(startUtc), Prop(flat, "Offset"));

        var schedules = RunOk("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold | ForEach-Object { [pscustomobject]@{ Runs = $_.Runs; Configuration = $_.Configuration.ToString(); Summary = $_.Summary; Offset = $_.NextRun.Offset; NextRuns = $_.NextRunTimes.ToString() } }");
        Assert.Equal(2, schedules.Output.Count);
        var tokyo = schedules.Output.Single(s => Text(s, "Runs") == "gold_regions");
        Assert.Equal(TimeSpan.FromHours(9), Prop(tokyo, "Offset"));
        Assert.Equal(Text(tokyo, "Summary"), Text(tokyo, "Configuration"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT21:00Z, ", Text(tokyo, "NextRuns"));
        Assert.Single(schedules.Output, s => Text(s, "Runs") == "(whole lineage)");
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void DefaultTablesFitTheConsoleWithoutLosingAValue(int width)
    {
        // For each view: the columns whose every cell must read back as the objects' property values.
        var checks = new Dictionary<string, string[]>
        {
            ["MlvFabric.Client.MlvWorkspace"] = new[] { "Name", "Id", "Description" },
            ["MlvFabric.Client.MlvLakehouse"] = new[] { "Workspace", "Name", "Id" },
            ["MlvFabric.Client.MlvSchedule"] = new[] { "Enabled", "Summary", "Runs" },
            ["MlvFabric.Client.MlvJobInstance"] = new[] { "Lakehouse", "Status", "Duration", "Failure" },
            ["MlvFabric.Client.MlvExecutionDefinition"] = new[] { "Lakehouse", "Name", "Mlvs" },
            ["MlvFabric.Client.MlvRefreshStatus"] = new[] { "Verdict", "WorkspaceName", "LakehouseName", "Reason" },
            ["MlvFabric.Client.MlvScheduleSyncChange"] = new[] { "Action", "Status" },
        };

        foreach ((var type, var producer) in Producers)
        {
            // Only the table counts: progress and -WhatIf's host lines come before a marker.
            var script = $"$ProgressPreference = 'SilentlyContinue'; $MlvSyncFile = '{_syncFile}'; $all = @({producer}); " +
                            $"$Host.UI.WriteLine('{TableMarker}'); $all | Out-Default";
            var rendered = Render(script, width);
            var text = rendered.Substring(rendered.IndexOf(TableMarker, StringComparison.Ordinal) + TableMarker.Length).TrimStart('\r', '\n');
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            Assert.All(lines, l => Assert.True(l.Length <= width, $"{type} at {width} columns: a line of {l.Length} characters:\n{text}"));
            Assert.DoesNotContain("\u2026", text);
            Assert.DoesNotContain("...", text);

            var rows = Cells(lines);
            foreach (var column in checks[type])
            {
                var expected = Ps.Run($"{producer} | ForEach-Object {{ [string]$_.{column} }}").Output.Select(o => o.ToString()).ToList();
                Assert.True(rows.Count == expected.Count, $"{type} at {width}: {rows.Count} rows for {expected.Count} objects:\n{text}");
                Assert.True(
                    expected.SequenceEqual(rows.Select(r => r.TryGetValue(column, out var cell) ? cell : "<no column>")),
                    $"{type} at {width} columns: the {column} column reads [{string.Join(" | ", rows.Select(r => r.GetValueOrDefault(column)))}], the objects say [{string.Join(" | ", expected)}]:\n{text}");
            }

            switch (type)
            {
                case "MlvFabric.Client.MlvJobInstance":
                    Assert.Matches(@"\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d", text); // the start time says its offset
                    break;
                case "MlvFabric.Client.MlvSchedule":
                    Assert.Contains("Lakehouse: Sales/Gold", text);
                    Assert.Contains("06:00 +09:00", text); // the next run in the schedule's own zone, with its offset
                    break;
            }
        }
    }

    // The cells of a rendered table: a column starts where its dashes start, and ends one space before the next one;
    // a wrapped value goes on in its column on the next lines (whose first column is blank).
    private static List<Dictionary<string, string>> Cells(string[] lines)
    {
        var rows = new List<Dictionary<string, string>>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (!Regex.IsMatch(lines[i], @"^[- ]*-[- ]*$") || string.IsNullOrWhiteSpace(lines[i - 1]))
            {
                continue;
            }

            var starts = Regex.Matches(lines[i], "-+").Select(m => m.Index).ToArray();
            var labels = starts.Select(s => Slice(lines[i - 1], s, Next(starts, s)).Trim()).ToArray();
            Dictionary<string, string>? row = null;
            var raw = new Dictionary<string, string>();
            for (var j = i + 1; j < lines.Length && !string.IsNullOrWhiteSpace(lines[j]); j++)
            {
                if (!string.IsNullOrWhiteSpace(Slice(lines[j], starts[0], Next(starts, starts[0]))) || row is null)
                {
                    row = new Dictionary<string, string>();
                    rows.Add(row);
                    raw = new Dictionary<string, string>();
                }

                for (var k = 0; k < starts.Length; k++)
                {
                    raw[labels[k]] = (raw.TryGetValue(labels[k], out var before) ? before : "") + Slice(lines[j], starts[k], Next(starts, starts[k]));
                    row[labels[k]] = raw[labels[k]].Trim();
                }
            }
        }

        return rows;
    }

    private static int Next(int[] starts, int start)
    {
        var index = Array.IndexOf(starts, start);
        return index + 1 < starts.Length ? starts[index + 1] - 1 : int.MaxValue;
    }

    private static string Slice(string line, int start, int end)
    {
        var padded = line.PadRight(Math.Min(end == int.MaxValue ? line.Length : end, 1000));
        return start >= padded.Length ? "" : padded.Substring(start, Math.Min(end, padded.Length) - start);
    }

    // The table views of the built module: the type each selects and its column labels.
    private static IEnumerable<(string Type, string[] Columns)> TableViews()
    {
        foreach (var file in Directory.GetFiles(ModuleLocator.ModuleDirectory, "*.format.ps1xml"))
        {
            var doc = XDocument.Load(file);
            var selectionSets = doc.Descendants("SelectionSet").ToDictionary(
                s => (string)s.Element("Name")!, s => s.Descendants("TypeName").Select(t => t.Value).ToArray());
            foreach (var view in doc.Descendants("View").Where(v => v.Element("TableControl") is not null))
            {
                var selectedBy = view.Element("ViewSelectedBy")!;
                var types = selectedBy.Elements("TypeName").Select(t => t.Value)
                    .Concat(selectedBy.Elements("SelectionSetName").SelectMany(s => selectionSets[s.Value]));
                var columns = view.Descendants("TableColumnHeader").Select(h => (string)h.Element("Label")!).ToArray();
                foreach (var type in types)
                {
                    yield return (type, columns);
                }
            }
        }
    }

    private string Render(string script, int width)
    {
        var writer = new StringWriter();
        using var ps = ConnectAsNewCaller(PsSession.Create(host: new TextHost(writer, width, plainText: true)));
        ps.Run(script).ThrowIfFailed();
        return writer.ToString();
    }
}
