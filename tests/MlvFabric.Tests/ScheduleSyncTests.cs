using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// Export-MlvSchedule and Sync-MlvSchedule end to end: export → edit → sync → sync again across two workspaces,
/// -WhatIf (no write), -Prune, bad files (refused before any request), and a fault in the middle of a sync.
/// </summary>
public sealed class ScheduleSyncTests : ScheduleTestBase, IDisposable
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";
    private const string Ledger = "-WorkspaceName Finance -LakehouseName Ledger";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mlvsync-" + Guid.NewGuid().ToString("N"));

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ScheduleSyncTests(EmulatorFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : base(fixture)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
    }

    private string FilePath => Path.Combine(_dir, "schedules.json");

    [Fact]
    public void ExportEditSyncAndSyncAgainAcrossTwoWorkspaces()
    {
        var gold = Create("-Daily -At 02:00 -TimeZone 'W. Europe Standard Time'", Gold);
        RunSingle($"New-MlvExecutionDefinition {Ledger} -Name closing -SelectedMlv ledger.balances");
        var ledger = Create("-IntervalMinutes 30 -ExecutionDefinition closing", Ledger);

        Ps.Run($"Export-MlvSchedule -WorkspaceName Sales, Finance -Path '{FilePath}'").ThrowIfFailed();

        var exported = File.ReadAllText(FilePath);
        Assert.DoesNotContain("createdDateTime", exported, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("owner", exported, StringComparison.OrdinalIgnoreCase);
        var file = JsonNode.Parse(exported)!;
        var lakehouses = file["lakehouses"]!.AsArray();
        Assert.Equal(new[] { "Finance/Ledger", "Sales/Bronze", "Sales/Gold", "Sales/Silver" },
            lakehouses.Select(l => $"{l!["workspace"]}/{l["lakehouse"]}").ToArray());
        var goldEntry = Entry(file, "Gold");
        Assert.Equal(Emulator.LakehouseId("Sales", "Gold").ToString(), (string?)goldEntry["lakehouseId"]);
        Assert.Equal(gold.ToString(), (string?)goldEntry["schedules"]![0]!["id"]);
        Assert.Equal("W. Europe Standard Time", (string?)goldEntry["schedules"]![0]!["configuration"]!["localTimeZoneId"]);
        var ledgerEntry = Entry(file, "Ledger");
        Assert.Equal("closing", (string?)ledgerEntry["schedules"]![0]!["executionDefinition"]);
        Assert.Equal("ledger.balances", (string?)ledgerEntry["executionDefinitions"]![0]!["selectedMlvs"]![0]);

        // Edit: Gold at 03:00, a disabled two-hourly schedule for Bronze, Ledger's schedule off, its definition Full.
        goldEntry["schedules"]![0]!["configuration"]!["times"] = new JsonArray("03:00");
        var goldConfig = goldEntry["schedules"]![0]!["configuration"]!;
        Entry(file, "Bronze")["schedules"]!.AsArray().Add(new JsonObject
        {
            ["enabled"] = false,
            ["configuration"] = new JsonObject
            {
                ["type"] = "Cron",
                ["interval"] = 120,
                ["localTimeZoneId"] = "UTC",
                ["startDateTime"] = (string?)goldConfig["startDateTime"],
                ["endDateTime"] = (string?)goldConfig["endDateTime"],
            },
        });
        ledgerEntry["schedules"]![0]!["enabled"] = false;
        ledgerEntry["executionDefinitions"]![0]!["refreshMode"] = "Full";
        Save(file);

        var sync = Ps.Run($"Sync-MlvSchedule -Path '{FilePath}'");
        sync.ThrowIfFailed();
        Assert.Equal(
            new[] { "Finance/Ledger UpdateDefinition Applied", "Finance/Ledger DisableSchedule Applied", "Sales/Bronze CreateSchedule Applied", "Sales/Gold UpdateSchedule Applied" },
            sync.Output.Select(o => $"{Prop(o, "WorkspaceName")}/{Prop(o, "LakehouseName")} {Prop(o, "Action")} {Prop(o, "Status")}").ToArray());
        var goldChange = sync.Output.Single(o => Prop(o, "Action")!.ToString() == "UpdateSchedule");
        Assert.Equal($"Sales/Gold schedule {gold}", Prop(goldChange, "Target"));
        Assert.Equal("Every day at 02:00 (W. Europe Standard Time), enabled → Every day at 03:00 (W. Europe Standard Time), enabled", Prop(goldChange, "Change"));

        Assert.Equal(new[] { "03:00" }, ConfigList(Read(gold, Gold), "Times"));
        var bronze = RunSingle("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze");
        Assert.False((bool)Prop(bronze, "Enabled")!);
        Assert.Equal(120, Config(bronze, "Interval"));
        Assert.False((bool)Prop(Read(ledger, Ledger), "Enabled")!);
        Assert.Equal("Full", Prop(RunSingle($"Get-MlvExecutionDefinition {Ledger} -Name closing"), "RefreshMode"));

        // Idempotent: the second sync plans nothing and sends no write.
        (var again, var requests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        again.ThrowIfFailed();
        Assert.Empty(again.Output);
        AssertNoChangeSent(requests);

        // A fresh export says the same as the edited file (the Bronze schedule now with its id).
        Ps.Run($"Export-MlvSchedule -WorkspaceName Sales, Finance -Path '{FilePath}'").ThrowIfFailed();
        (var third, var thirdRequests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}' -Prune");
        third.ThrowIfFailed();
        Assert.Empty(third.Output);
        AssertNoChangeSent(thirdRequests);
    }

    [Fact]
    public void WhatIfPrintsOneLinePerChangeOutputsThePlanAndSendsNoWrite()
    {
        var gold = Create("-Daily -At 02:00", Gold);
        Export();
        var file = Load();
        Entry(file, "Gold")["schedules"]![0]!["configuration"]!["times"] = new JsonArray("04:30");
        Entry(file, "Gold")["schedules"]![0]!["enabled"] = false;
        Save(file);

        var writer = new StringWriter();
        var mark = Log.Mark();
        PsResult result;
        using (var hosted = PsSession.Create(host: new TextHost(writer, 300, plainText: true)))
        {
            hosted.Connect(Emulator);
            result = hosted.Run($"Sync-MlvSchedule -Path '{FilePath}' -WhatIf");
        }

        result.ThrowIfFailed();
        AssertNoChangeSent(Log.Since(mark));
        var change = Assert.Single(result.Output);
        Assert.Equal("Planned", Prop(change, "Status")!.ToString());
        Assert.Contains($"What if: Update schedule Sales/Gold schedule {gold}: Every day at 02:00 (UTC), enabled → Every day at 04:30 (UTC), disabled", writer.ToString());
        Assert.Equal(new[] { "02:00" }, ConfigList(Read(gold, Gold), "Times"));
        FormatViewAssert.ColumnsAreRealProperties("MlvFabric.RefreshStatus.format.ps1xml", "MlvFabric.Client.MlvScheduleSyncChange", change);
    }

    [Fact]
    public void PruneRemovesWhatTheFileDoesNotListAndOnlyThen()
    {
        Create("-Daily -At 02:00", Gold);
        Export();
        var extra = Create("-IntervalMinutes 45", "-WorkspaceName Sales -LakehouseName Silver");
        RunSingle("New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Bronze -Name adhoc -SelectedMlv bronze.order_lines");

        (var plain, var plainRequests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        plain.ThrowIfFailed();
        Assert.Empty(plain.Output);
        AssertNoChangeSent(plainRequests);

        var pruned = Ps.Run($"Sync-MlvSchedule -Path '{FilePath}' -Prune");
        pruned.ThrowIfFailed();
        Assert.Equal(
            new[] { "Sales/Bronze RemoveDefinition Applied", $"Sales/Silver RemoveSchedule Applied {extra}" },
            pruned.Output.Select(o => $"{Prop(o, "WorkspaceName")}/{Prop(o, "LakehouseName")} {Prop(o, "Action")} {Prop(o, "Status")}{(Prop(o, "ScheduleId") is Guid id ? " " + id : "")}").OrderBy(s => s).ToArray());
        Assert.Empty(Ps.Run("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Silver").Output);
        Assert.Empty(Ps.Run("Get-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Bronze").Output);
        Assert.Single(Ps.Run(Gold.Insert(0, "Get-MlvSchedule ")).Output);
    }

    [Fact]
    public void BadFileIsRefusedCompletelyBeforeAnyRequest()
    {
        var schedules = new JsonArray();
        for (var i = 0; i < 21; i++)
        {
            schedules.Add(JsonNode.Parse(Schedule(false, "Cron", $"\"interval\": {10 + i}")));
        }

        var text = $$"""
            {
              "version": 1,
              "lakehouses": [
                { "workspace": "Sales", "lakehouse": "Gold", "schedules": [ {{Schedule(true, "Daily", "\"times\": [\"25:00\"]")}} ] },
                { "workspace": "Sales", "lakehouse": "Bronze", "schedules": [ {{Schedule(true, "Daily", "\"times\": [\"01:00\"]")}}, {{Schedule(true, "Daily", "\"times\": [\"13:00\"]")}} ] },
                { "workspace": "Sales", "lakehouse": "Silver", "schedules": {{schedules.ToJsonString()}} },
                { "workspace": "Finance", "lakehouse": "Ledger", "schedules": [ { "enabeld": true, "configuration": {{Config("Cron", "\"interval\": 60")}} } ] }
              ]
            }
            """;
        File.WriteAllText(FilePath, text);

        (var result, var requests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");

        var error = AssertError(result, "ScheduleFileInvalid", ErrorCategory.InvalidData);
        AssertNothingSent(requests);
        Assert.Empty(result.Output);
        var message = error.Exception.Message;
        _output.WriteLine(message);
        Assert.Contains($"The schedule file '{FilePath}' has 5 problems; nothing was changed and no request was sent", message);
        Assert.Contains("schedules.json: lakehouses[0] (Sales/Gold) schedules[0]: ", message);
        Assert.Contains("'25:00'", message);
        Assert.Contains("schedules.json: lakehouses[1] (Sales/Bronze): has 2 enabled schedules for the whole lineage (schedules[0], schedules[1])", message);
        Assert.Contains("schedules.json: lakehouses[2] (Sales/Silver): lists 21 schedules; a lakehouse can have at most 20.", message);
        Assert.Contains("schedules.json: lakehouses[3] (Finance/Ledger) schedules[0]: has an unknown property \"enabeld\"", message);
        Assert.Contains("schedules.json: lakehouses[3] (Finance/Ledger) schedules[0]: needs \"enabled\": true or false.", message);
        Assert.Equal(FilePath, error.TargetObject);
    }

    [Fact]
    public void MalformedMissingAndUnknownLakehouseFilesAreRefused()
    {
        File.WriteAllText(FilePath, "{ \"lakehouses\": [ { \"workspace\": \"Sales\", ");
        (var malformed, var malformedRequests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        var syntax = AssertError(malformed, "ScheduleFileInvalid", ErrorCategory.InvalidData);
        Assert.Contains("schedules.json: line 1, position", syntax.Exception.Message);
        Assert.Contains("is not valid JSON", syntax.Exception.Message);
        AssertNothingSent(malformedRequests);

        (var missing, var missingRequests) = RunLogged($"Sync-MlvSchedule -Path '{Path.Combine(_dir, "nope.json")}'");
        AssertError(missing, "ScheduleFileNotFound", ErrorCategory.ObjectNotFound);
        AssertNothingSent(missingRequests);

        File.WriteAllText(FilePath, $$"""{ "lakehouses": [ { "workspace": "Sales", "lakehouse": "Platinum", "schedules": [ {{Schedule(true, "Daily", "\"times\": [\"01:00\"]")}} ] } ] }""");
        (var unknown, var unknownRequests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        var notFound = AssertError(unknown, "ScheduleFileInvalid", ErrorCategory.InvalidData);
        Assert.Contains("(only lookups were sent)", notFound.Exception.Message);
        Assert.Contains("schedules.json: lakehouses[0] (Sales/Platinum): lakehouse 'Platinum' was not found in workspace 'Sales'", notFound.Exception.Message);
        AssertNoChangeSent(unknownRequests);

        // A second enabled schedule for the same scope, made outside the file, would stay without -Prune: refused.
        Create("-Daily -At 02:00", Gold);
        Export();
        Create("-IntervalMinutes 30 -Force", Gold);
        (var conflict, var conflictRequests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        var twoEnabled = AssertError(conflict, "ScheduleFileInvalid", ErrorCategory.InvalidData);
        Assert.Contains("would have two enabled schedules for the whole lineage", twoEnabled.Exception.Message);
        AssertNoChangeSent(conflictRequests);
    }

    [Fact]
    public void BadPathsAreRefusedBeforeAnyRequest()
    {
        File.WriteAllText(FilePath, "{}");
        (var clobber, var clobberRequests) = RunLogged($"Export-MlvSchedule -WorkspaceName Sales -Path '{FilePath}' -NoClobber");
        AssertError(clobber, "ScheduleFileExists", ErrorCategory.ResourceExists);
        AssertNothingSent(clobberRequests);
        Assert.Equal("{}", File.ReadAllText(FilePath));

        var nowhere = Path.Combine(_dir, "missing", "schedules.json");
        (var noDirectory, var noDirectoryRequests) = RunLogged($"Export-MlvSchedule -WorkspaceName Sales -Path '{nowhere}'");
        var directoryError = AssertError(noDirectory, "ScheduleFileDirectoryInvalid", ErrorCategory.ObjectNotFound);
        Assert.Equal(nowhere, directoryError.TargetObject);
        AssertNothingSent(noDirectoryRequests);

        (var isDirectory, var isDirectoryRequests) = RunLogged($"Sync-MlvSchedule -Path '{_dir}'");
        AssertError(isDirectory, "ScheduleFileIsDirectory", ErrorCategory.InvalidArgument);
        AssertNothingSent(isDirectoryRequests);
    }

    [Fact]
    public void AFaultInTheMiddleReportsAppliedFailedAndNotAttemptedAndARerunFinishes()
    {
        var gold = Create("-Daily -At 02:00", Gold);
        Export();
        var file = Load();
        var goldEntry = Entry(file, "Gold");
        var config = goldEntry["schedules"]![0]!["configuration"]!;
        goldEntry["schedules"]![0]!["enabled"] = false;
        goldEntry["schedules"]!.AsArray().Add(JsonNode.Parse(Schedule(true, "Cron", "\"interval\": 60", (string?)config["startDateTime"], (string?)config["endDateTime"])));
        Entry(file, "Ledger")["schedules"]!.AsArray().Add(JsonNode.Parse(Schedule(true, "Cron", "\"interval\": 90", (string?)config["startDateTime"], (string?)config["endDateTime"])));
        Save(file);

        SetFaults(new
        {
            script = new[]
            {
                new { method = "PATCH", pathPattern = "*/schedules/" + gold, fault = "override", phase = "request", count = 1, status = 400, body = "{\"errorCode\":\"InvalidRequest\",\"message\":\"Injected: the schedule is locked.\",\"requestId\":\"fault\",\"isRetriable\":false}" },
            },
        });

        var first = Ps.Run($"Sync-MlvSchedule -Path '{FilePath}'");

        Assert.Equal(
            new[] { "Finance/Ledger CreateSchedule Applied", "Sales/Gold DisableSchedule Failed", "Sales/Gold CreateSchedule NotAttempted" },
            first.Output.Select(o => $"{Prop(o, "WorkspaceName")}/{Prop(o, "LakehouseName")} {Prop(o, "Action")} {Prop(o, "Status")}").ToArray());
        var error = Assert.Single(first.AllErrors);
        Assert.StartsWith("FabricApi.InvalidRequest,", error.FullyQualifiedErrorId);
        Assert.Contains($"Disable schedule Sales/Gold schedule {gold}", error.ErrorDetails.Message);
        Assert.Contains("Injected: the schedule is locked.", Prop(first.Output[1], "Error")!.ToString());
        Assert.Contains(first.Warnings, w => w.Message.Contains("1 applied, 1 failed, 1 not attempted", StringComparison.Ordinal));
        Assert.True((bool)Prop(Read(gold, Gold), "Enabled")!);

        var rerun = Ps.Run($"Sync-MlvSchedule -Path '{FilePath}'");
        rerun.ThrowIfFailed();
        Assert.Equal(new[] { "Sales/Gold DisableSchedule Applied", "Sales/Gold CreateSchedule Applied" },
            rerun.Output.Select(o => $"{Prop(o, "WorkspaceName")}/{Prop(o, "LakehouseName")} {Prop(o, "Action")} {Prop(o, "Status")}").ToArray());

        (var third, var requests) = RunLogged($"Sync-MlvSchedule -Path '{FilePath}'");
        third.ThrowIfFailed();
        Assert.Empty(third.Output);
        AssertNoChangeSent(requests);
    }

    // ---------------------------------------------------------------- helpers

    private void Export() => Ps.Run($"Export-MlvSchedule -WorkspaceName Sales, Finance -Path '{FilePath}'").ThrowIfFailed();

    private JsonNode Load() => JsonNode.Parse(File.ReadAllText(FilePath))!;

    private void Save(JsonNode file) => File.WriteAllText(FilePath, file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static JsonNode Entry(JsonNode file, string lakehouse) =>
        file["lakehouses"]!.AsArray().Single(l => (string?)l!["lakehouse"] == lakehouse)!;

    private static string Config(string type, string fields, string? start = null, string? end = null) =>
        $"{{ \"type\": \"{type}\", {fields}, \"localTimeZoneId\": \"UTC\", \"startDateTime\": \"{start ?? "2026-01-01T00:00:00Z"}\", \"endDateTime\": \"{end ?? "2030-01-01T00:00:00Z"}\" }}";

    private static string Schedule(bool enabled, string type, string fields, string? start = null, string? end = null) =>
        $"{{ \"enabled\": {(enabled ? "true" : "false")}, \"configuration\": {Config(type, fields, start, end)} }}";

    private void SetFaults(object faults)
    {
        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var content = new StringContent(JsonSerializer.Serialize(faults), Encoding.UTF8, "application/json");
        using var response = http.PutAsync("_emulator/faults", content).GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"PUT /_emulator/faults: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    void IDisposable.Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        Dispose();
    }
}
