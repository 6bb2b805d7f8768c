using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>Get-MlvRefreshStatus end to end: every verdict, worst first, staleness on the emulator clock, paging, pipeline input, bad input.</summary>
public sealed class RefreshStatusTests : JobTestBase
{
    // A schedule that has not started yet: it never fires during a test, so the history is what the test makes.
    private const string HourlyFromTomorrow = "-IntervalMinutes 60 -StartDateTime ([DateTime]::UtcNow.AddDays(1))";

    public RefreshStatusTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public void EveryVerdictWithItsReasonSortedWorstFirst()
    {
        SeedLakehouses("Ops", 3); // Ops/Lakehouse0001 … 0003
        // Failing: a scheduled lakehouse whose refresh fails.
        RunOk($"New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze {HourlyFromTomorrow} | Out-Null");
        Control.SetLakehouse("Sales", "Bronze", new { durationSeconds = 2, queueSeconds = 0, failureRate = 1.0, failureCode = "MLV_REFRESH_CONFLICT", failureMessage = "Another refresh holds the lineage." });
        // Stale: its last success is days old (three days before the lakehouse's oldest job, a seeded TableMaintenance
        // run of the last three days); hourly schedules expect one within two hours.
        RunOk($"New-MlvSchedule -WorkspaceName Sales -LakehouseName Silver {HourlyFromTomorrow} | Out-Null");
        Control.AddHistory("Sales", "Silver", new { count = 1, intervalMinutes = 3 * 24 * 60, durationSeconds = 60 });
        // NeverRun: scheduled, no run yet.
        RunOk($"New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold {HourlyFromTomorrow} | Out-Null");
        // NoSchedule: Finance/Ledger and Ops/Lakehouse0003 as seeded.
        // Running: a refresh that takes an hour.
        RunOk($"New-MlvSchedule -WorkspaceName Ops -LakehouseName Lakehouse0001 {HourlyFromTomorrow} | Out-Null");
        Control.SetLakehouse("Ops", "Lakehouse0001", new { durationSeconds = 3600, queueSeconds = 0 });
        // Healthy: scheduled, refreshed a moment ago.
        RunOk($"New-MlvSchedule -WorkspaceName Ops -LakehouseName Lakehouse0002 {HourlyFromTomorrow} | Out-Null");
        Control.SetLakehouse("Ops", "Lakehouse0002", new { durationSeconds = 2, queueSeconds = 0 });

        RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Bronze; Start-MlvRefresh -WorkspaceName Ops -LakehouseName Lakehouse0001; Start-MlvRefresh -WorkspaceName Ops -LakehouseName Lakehouse0002");
        Emulator.AdvanceClock(TimeSpan.FromSeconds(10));

        (var result, var requests) = RunLogged("Get-MlvRefreshStatus");
        result.ThrowIfFailed();

        var order = result.Output.Select(o => $"{Text(o, "WorkspaceName")}/{Text(o, "LakehouseName")}={Text(o, "Verdict")}").ToArray();
        Assert.Equal(
            new[]
            {
                "Sales/Bronze=Failing", "Sales/Silver=Stale", "Sales/Gold=NeverRun",
                "Finance/Ledger=NoSchedule", "Ops/Lakehouse0003=NoSchedule", "Ops/Lakehouse0001=Running", "Ops/Lakehouse0002=Healthy",
            },
            order);

        var failing = result.Output[0];
        Assert.Equal(1, Prop(failing, "ConsecutiveFailures"));
        Assert.Equal("MLV_REFRESH_CONFLICT", Text(failing, "LastFailureCode"));
        Assert.Equal("Another refresh holds the lineage.", Text(failing, "LastFailureMessage"));
        Assert.Equal("Failed", Text(failing, "LastRunStatus"));
        Assert.Equal("Manual", Text(failing, "LastRunInvokeType"));
        Assert.Contains("last run failed: MLV_REFRESH_CONFLICT", Text(failing, "Reason"));
        Assert.False((bool)Prop(failing, "IsHealthy")!);

        var stale = result.Output[1];
        Assert.Equal(TimeSpan.FromHours(2), Prop(stale, "StaleAfter"));
        Assert.True((TimeSpan)Prop(stale, "SinceLastSuccess")! > TimeSpan.FromDays(2.9));
        // The hours are left out when they are 0 (the seed is relative to the emulator start, so that depends on the time of day).
        Assert.Matches(@"^last success [3-6]d( \d{1,2}h)? ago \(limit 2h\)$", Text(stale, "Reason"));
        Assert.IsType<DateTimeOffset>(Prop(stale, "LastSuccessEnd"));

        var neverRun = result.Output[2];
        Assert.Null(Prop(neverRun, "LastRun"));
        Assert.StartsWith("scheduled, never ran; next in ", Text(neverRun, "Reason"));
        Assert.Equal("Every hour", Text(neverRun, "ScheduleSummary"));
        Assert.IsType<DateTimeOffset>(Prop(neverRun, "NextRunTime"));

        Assert.Equal("no enabled schedule, never ran", Text(result.Output[3], "Reason"));

        var running = result.Output[5];
        Assert.Equal("InProgress", Text(running, "LastRunStatus"));
        Assert.StartsWith("running ", Text(running, "Reason"));
        Assert.True((bool)Prop(running, "IsHealthy")!);

        var healthy = result.Output[6];
        Assert.Equal("Completed", Text(healthy, "LastRunStatus"));
        Assert.Equal(0, Prop(healthy, "ConsecutiveFailures"));
        Assert.StartsWith("last success ", Text(healthy, "Reason"));
        Assert.Equal(TimeSpan.FromHours(2), Prop(healthy, "StaleAfter"));

        // Cost: one schedule list and one job-history page per lakehouse.
        Assert.Equal(7, requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/schedules", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(7, requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)));
        AssertNoChange(requests);

        // The morning check: everything that is not healthy.
        var morning = RunOk("Get-MlvRefreshStatus -WorkspaceName 'Sales*' | Where-Object Verdict -ne Healthy");
        Assert.Equal(3, morning.Output.Count);
    }

    [Fact]
    public void StaleOnceTheEmulatorClockHasMovedPastTheLimit()
    {
        // A refresh three days ago (emulator clock set back), then the clock moves on to now.
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 2, queueSeconds = 0 });
        Emulator.SetClock(DateTime.UtcNow.AddDays(-3));
        RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold | Out-Null");
        Emulator.AdvanceClock(TimeSpan.FromMinutes(1));
        Assert.Equal("Completed", Text(RunOk("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -First 1").Output[0], "Status"));
        Emulator.SetClock(DateTime.UtcNow);
        RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 02:00 -StartDateTime ([DateTime]::UtcNow.AddDays(1)) | Out-Null");

        var status = Assert.Single(RunOk("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Gold").Output);

        Assert.Equal("Stale", Text(status, "Verdict"));
        Assert.Equal(TimeSpan.FromHours(25), Prop(status, "StaleAfter"));
        Assert.Matches(@"^last success 2d 23h ago \(limit 1d 1h\)$", Text(status, "Reason"));

        // -StaleAfter overrides the schedule's rhythm.
        Assert.Equal("Healthy", Text(Assert.Single(RunOk("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Gold -StaleAfter 4.00:00:00").Output), "Verdict"));
    }

    [Fact]
    public void SchedulesShowTheExecutionDefinitionTheyRun()
    {
        RunOk("New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name kpis -SelectedMlv gold.kpi_summary | Out-Null");
        RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 02:00 -TimeZone UTC -ExecutionDefinition kpis -StartDateTime ([DateTime]::UtcNow.AddDays(1)) | Out-Null");

        (var result, var requests) = RunLogged("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Gold, Silver");
        result.ThrowIfFailed();

        var gold = result.Output.Single(o => Text(o, "LakehouseName") == "Gold");
        Assert.Equal("NeverRun", Text(gold, "Verdict"));
        Assert.Equal("Every day at 02:00 (UTC) [kpis]", Text(gold, "ScheduleSummary"));
        var schedule = PSObject.AsPSObject(((System.Collections.IEnumerable)Prop(gold, "Schedules")!).Cast<object>().Single());
        Assert.Equal("kpis", Text(schedule, "ExecutionDefinitionName"));
        Assert.Equal(TimeSpan.FromHours(25), Prop(gold, "StaleAfter"));
        // The definitions are listed only where an enabled schedule runs one.
        Assert.Single(requests, r => r.Method == "GET" && r.Path.EndsWith("/mlvExecutionDefinitions", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ReadsMoreHistoryPagesOnlyWhileNoSuccessIsFound()
    {
        Control.SetSettings(new { pageSize = 10 });
        // Bronze: 25 failures, then older successes (history is added before what exists: the failures stay newest),
        // so three pages; Silver: a success on top, so one page.
        Control.SetLakehouse("Sales", "Bronze", new { failureCode = "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED" });
        Control.AddHistory("Sales", "Bronze", new { count = 25, intervalMinutes = 1, durationSeconds = 30, failureRate = 1.0 });
        Control.AddHistory("Sales", "Bronze", new { count = 30, intervalMinutes = 60, durationSeconds = 60 });
        Control.AddHistory("Sales", "Silver", new { count = 40, intervalMinutes = 60, durationSeconds = 60 });
        {
            var mark = Log.Mark();
            var result = Ps.Run("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Bronze, Silver -StaleAfter 365.00:00:00");
            result.ThrowIfFailed();
            var requests = Log.Since(mark);

            var bronze = result.Output.Single(o => Text(o, "LakehouseName") == "Bronze");
            Assert.Equal("Failing", Text(bronze, "Verdict"));
            Assert.Equal(25, Prop(bronze, "ConsecutiveFailures"));
            Assert.Equal("MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", Text(bronze, "LastFailureCode"));
            Assert.StartsWith("25 failed in a row: MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED; last success ", Text(bronze, "Reason"));
            Assert.Equal("NoSchedule", Text(result.Output.Single(o => Text(o, "LakehouseName") == "Silver"), "Verdict"));

            Assert.Equal(3, requests.Count(r => r.Path.Contains(LakehouseId("Bronze").ToString(), StringComparison.OrdinalIgnoreCase) && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)));
            Assert.Equal(1, requests.Count(r => r.Path.Contains(LakehouseId("Silver").ToString(), StringComparison.OrdinalIgnoreCase) && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)));
        }
    }

    [Fact]
    public void TakesPipedLakehousesStreamsAndReportsProgressAndCost()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales | Get-MlvRefreshStatus -Stream -Verbose");

        Assert.Equal(new[] { "Bronze", "Gold", "Silver" }, result.Output.Select(o => Text(o, "LakehouseName")).OrderBy(n => n).ToArray());
        Assert.All(result.Output, o => Assert.Equal("NoSchedule", Text(o, "Verdict")));
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("Reading the refresh status of 3 lakehouses: 3 job-history reads at least; the service allows 50 job-history reads per 1m", StringComparison.Ordinal));
        Assert.Contains(result.Progress, p => p.Activity == "Reading MLV refresh status" && p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(result.Progress, p => p.Activity == "Reading MLV refresh status" && p.StatusDescription.Contains("job-history reads left take about", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultTableFitsEightyColumns()
    {
        RunOk($"New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold {HourlyFromTomorrow} | Out-Null");
        var writer = new StringWriter();
        using (var hosted = ConnectAsNewCaller(PsSession.Create(host: new TextHost(writer, 80, plainText: true))))
        {
            hosted.Run("Get-MlvRefreshStatus -WorkspaceName Sales -ProgressAction SilentlyContinue | Out-Default").ThrowIfFailed();
        }

        var lines = writer.ToString().Replace("\r\n", "\n").Split('\n').Where(l => l.Trim().Length > 0).ToArray();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"Wider than 80 columns: '{l}'"));
        Assert.Matches(@"^Verdict\s+WorkspaceName\s+LakehouseName\s+Reason$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("NeverRun", StringComparison.Ordinal) && l.Contains("Gold", StringComparison.Ordinal));

        var sample = RunOk("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Gold").Output.Single();
        FormatViewAssert.ColumnsAreRealProperties("MlvFabric.RefreshStatus.format.ps1xml", "MlvFabric.Client.MlvRefreshStatus", sample);
    }

    [Fact]
    public void BadInputIsRefusedBeforeAnyRequest()
    {
        var error = AssertRefused("Get-MlvRefreshStatus -WorkspaceName Sales -StaleAfter 00:00:00", "InvalidStaleAfter", ErrorCategory.InvalidArgument);
        Assert.Contains("-StaleAfter must be positive", error.Exception.Message);

        var missing = Ps.Run("Get-MlvRefreshStatus -WorkspaceName Sales -LakehouseName Platinum");
        var notFound = Assert.Single(missing.AllErrors);
        Assert.StartsWith("LakehouseNotFound,", notFound.FullyQualifiedErrorId);
        Assert.Equal("Platinum", notFound.TargetObject);
        Assert.Empty(missing.Output);
    }

    private static void AssertNoChange(List<LoggedRequest> requests) =>
        Assert.True(!requests.Any(r => r.IsChange), "Expected reads only, but the emulator saw: " + string.Join("; ", requests.Where(r => r.IsChange)));

    private void SeedLakehouses(string workspace, int count)
    {
        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var content = new StringContent(JsonSerializer.Serialize(new { workspace, count, namePrefix = "Lakehouse", mlvCount = 2 }), Encoding.UTF8, "application/json");
        using var response = http.PostAsync("_emulator/seed/lakehouses", content).GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"POST /_emulator/seed/lakehouses: {(int)response.StatusCode}");
    }
}
