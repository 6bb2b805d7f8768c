using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// The runbooks in examples/ that use only core cmdlets and the module, run as files in-process against the
/// emulator: Invoke-NightlyRefresh (managed identity, as in Azure Automation), Set-SingleEnabledSchedule and
/// Stop-LongRunningRefresh. Export-JobHistory needs Export-Csv and runs in tests/Pester. The managed identity
/// sign-in reads IDENTITY_* process variables, hence the collection.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ExampleRunbookTests : JobTestBase
{
    private const string ScheduleListScript =
        "Get-MlvSchedule -WorkspaceName Sales -LakehouseName $MlvLakehouse";

    public ExampleRunbookTests(EmulatorFixture fixture) : base(fixture)
    {
        foreach (var lakehouse in new[] { "Bronze", "Silver", "Gold" })
        {
            Control.SetLakehouse("Sales", lakehouse, new { durationSeconds = 1, queueSeconds = 0.5 });
        }
    }

    private static string RunbookPath(string name) => Path.Combine(ModuleLocator.RepoRoot, "examples", name);

    private EnvironmentScope ManagedIdentity() => new(new Dictionary<string, string?>
    {
        ["IDENTITY_ENDPOINT"] = Emulator.ManagedIdentityEndpoint.ToString(),
        ["IDENTITY_HEADER"] = Emulator.ManagedIdentityHeaderSecret,
    });

    /// <summary>
    /// Runs examples/<paramref name="name"/> as a script file ($MlvEndpoint is the emulator's URL). What the runbook
    /// wrote before it threw stays in the output; the error it threw, if any, is <c>Thrown</c>.
    /// </summary>
    private (PsResult Result, List<LoggedRequest> Requests, ErrorRecord? Thrown) RunRunbook(string name, string arguments)
    {
        Ps.SetVariable("MlvRunbook", RunbookPath(name));
        Ps.SetVariable("MlvEndpoint", Emulator.BaseUri.ToString().TrimEnd('/'));
        Ps.SetVariable("MlvRunbookThrew", null);
        (var result, var requests) = RunLogged("try { & $MlvRunbook " + arguments + " } catch { $global:MlvRunbookThrew = $_ }");
        var thrown = Ps.Runspace.SessionStateProxy.GetVariable("MlvRunbookThrew") as ErrorRecord;
        return (result, requests, thrown);
    }

    /// <summary>Runs a runbook that must succeed: no error record, nothing thrown.</summary>
    private (PsResult Result, List<LoggedRequest> Requests) RunRunbookOk(string name, string arguments)
    {
        (var result, var requests, var thrown) = RunRunbook(name, arguments);
        Assert.True(thrown is null, $"{name} threw: {thrown}");
        result.ThrowIfFailed();
        return (result, requests);
    }

    private static void AssertRunning(string status) => Assert.Contains(status, new[] { "NotStarted", "InProgress" });

    private static string OutputText(PsResult result) =>
        string.Join("\n", result.Output.Where(o => o?.BaseObject is string).Select(o => (string)o.BaseObject));

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    private PSObject RowOf(PsResult result, string lakehouse) =>
        Assert.Single(result.Output, o => o?.BaseObject is PSCustomObject && Text(o, "Lakehouse") == lakehouse);

    private List<PSObject> Schedules(string lakehouse)
    {
        Ps.SetVariable("MlvLakehouse", lakehouse);
        var result = RunOk(ScheduleListScript);
        return result.Output;
    }

    private Guid NewSchedule(string lakehouse, string settings)
    {
        Ps.SetVariable("MlvLakehouse", lakehouse);
        var result = RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName $MlvLakehouse " + settings);
        // Creation times one second apart, so "the oldest" is well defined.
        Emulator.AdvanceClock(TimeSpan.FromSeconds(1));
        return IdOf(Assert.Single(result.Output));
    }

    // ---- Invoke-NightlyRefresh.ps1 ------------------------------------------------------------------------------

    [Fact]
    public void NightlyRefreshSignsInWithTheManagedIdentityRefreshesEveryLakehouseAndPrintsTheSummary()
    {
        using var env = ManagedIdentity();

        (var result, var requests) = RunRunbookOk("Invoke-NightlyRefresh.ps1", "-WorkspaceName Sales -Endpoint $MlvEndpoint");

        var text = OutputText(result);
        Assert.Contains("MLV refresh of 3 lakehouse(s)", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^Completed\s+3$", RegexOptions.Multiline), text);
        Assert.DoesNotContain("Failures:", text, StringComparison.Ordinal);
        foreach (var lakehouse in new[] { "Bronze", "Silver", "Gold" })
        {
            Assert.Matches(new Regex($@"^Sales/{lakehouse}\s+Completed\s+\d\d:\d\d:\d\d\s+[0-9a-f-]{{36}}$", RegexOptions.Multiline), text);
        }

        Assert.Equal(3, requests.Count(r => r.Method == "POST" && r.Path.Contains("/jobs/", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("ManagedIdentity", Ps.Run("(Get-MlvContext).AuthMethod").Output.Single().ToString());
    }

    [Fact]
    public void NightlyRefreshThrowsAtTheEndWithTheFailureReasonWhenARefreshFails()
    {
        Control.SetLakehouse("Sales", "Gold", new { failureRate = 1.0, failureCode = "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", failureMessage = "The capacity is paused." });
        using var env = ManagedIdentity();

        (var result, _, var thrown) = RunRunbook("Invoke-NightlyRefresh.ps1", "-WorkspaceName Sales -Endpoint $MlvEndpoint");

        Assert.NotNull(thrown);
        Assert.Contains("1 of 3 MLV refresh(es) did not complete: Sales/Gold (Failed)", thrown!.Exception.Message, StringComparison.Ordinal);
        var text = OutputText(result);
        Assert.Matches(new Regex(@"^Completed\s+2$", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^Failed\s+1$", RegexOptions.Multiline), text);
        Assert.Contains("Sales/Gold (Failed): MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED: The capacity is paused.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NightlyRefreshReportsARefreshThatCouldNotStartAsAFailure()
    {
        // The tenant refuses service principals and managed identities on the MLV job APIs: nothing starts.
        Control.SetSettings(new { refuseAppTokensOnMlvJobs = true });
        using var env = ManagedIdentity();

        (var result, _, var thrown) = RunRunbook("Invoke-NightlyRefresh.ps1", "-WorkspaceName Sales -LakehouseName Gold -Endpoint $MlvEndpoint");

        Assert.NotNull(thrown);
        Assert.Contains("1 of 1 MLV refresh(es) did not complete: Sales/Gold (Error)", thrown!.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("PrincipalTypeNotSupported", OutputText(result), StringComparison.Ordinal);
    }

    [Fact]
    public void NightlyRefreshFailsWhenNoLakehouseMatches()
    {
        using var env = ManagedIdentity();

        (_, var requests, var thrown) = RunRunbook("Invoke-NightlyRefresh.ps1", "-WorkspaceName Sales -LakehouseName 'Platinum*' -Endpoint $MlvEndpoint");

        Assert.NotNull(thrown);
        Assert.Contains("No lakehouse matches 'Platinum*' in workspace 'Sales'", thrown!.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(requests, r => r.Method == "POST");
    }

    // ---- Set-SingleEnabledSchedule.ps1 --------------------------------------------------------------------------

    [Fact]
    public void SingleEnabledScheduleWhatIfReadsButChangesNothing()
    {
        NewSchedule("Silver", "-IntervalMinutes 60 -TimeZone UTC");
        NewSchedule("Gold", "-IntervalMinutes 30 -TimeZone UTC");
        NewSchedule("Gold", "-IntervalMinutes 90 -TimeZone UTC -Force");

        (var result, var requests) = RunRunbookOk("Set-SingleEnabledSchedule.ps1", "-WorkspaceName Sales -UseCurrentSession -WhatIf");

        AssertNothingSent(requests.Where(r => r.IsChange).ToList());
        Assert.Equal("WouldCreate", Text(RowOf(result, "Bronze"), "Action"));
        Assert.Equal("Unchanged", Text(RowOf(result, "Silver"), "Action"));
        Assert.Equal("WouldDisable", Text(RowOf(result, "Gold"), "Action"));
        Assert.Empty(Schedules("Bronze"));
        Assert.Equal(2, Schedules("Gold").Count(s => (bool)Prop(s, "Enabled")!));
    }

    [Fact]
    public void SingleEnabledScheduleCreatesWhereNoneAndKeepsOnlyTheOldestEnabled()
    {
        var silver = NewSchedule("Silver", "-IntervalMinutes 60 -TimeZone UTC");
        var oldest = NewSchedule("Gold", "-IntervalMinutes 30 -TimeZone UTC");
        var second = NewSchedule("Gold", "-IntervalMinutes 90 -TimeZone UTC -Force");
        var third = NewSchedule("Gold", "-Daily -At '05:00' -TimeZone UTC -Force");
        var disabled = NewSchedule("Gold", "-IntervalMinutes 15 -TimeZone UTC -Disabled");

        (var result, _) = RunRunbookOk("Set-SingleEnabledSchedule.ps1", "-WorkspaceName Sales -At '01:30' -TimeZone 'Europe/Berlin' -UseCurrentSession");

        var bronzeRow = RowOf(result, "Bronze");
        Assert.Equal("Created", Text(bronzeRow, "Action"));
        var bronze = Assert.Single(Schedules("Bronze"));
        Assert.True((bool)Prop(bronze, "Enabled")!);
        Assert.Equal(IdOf(bronze), Unwrap(Prop(bronzeRow, "EnabledScheduleId")));
        Assert.Equal("Every day at 01:30 (W. Europe Standard Time)", Text(bronze, "Summary"));

        var silverRow = RowOf(result, "Silver");
        Assert.Equal("Unchanged", Text(silverRow, "Action"));
        Assert.Equal(silver, Unwrap(Prop(silverRow, "EnabledScheduleId")));

        var goldRow = RowOf(result, "Gold");
        Assert.Equal("Disabled", Text(goldRow, "Action"));
        Assert.Equal(oldest, Unwrap(Prop(goldRow, "EnabledScheduleId")));
        var disabledNow = ((object[])Unwrap(Prop(goldRow, "DisabledScheduleIds"))!).Select(o => (Guid)Unwrap(o)!).ToList();
        Assert.Equal(new[] { second, third }.OrderBy(g => g), disabledNow.OrderBy(g => g));
        var gold = Schedules("Gold");
        Assert.Equal(new[] { oldest }, gold.Where(s => (bool)Prop(s, "Enabled")!).Select(IdOf));
        Assert.Equal(4, gold.Count);
        Assert.Contains(gold, s => IdOf(s) == disabled && !(bool)Prop(s, "Enabled")!);
    }

    [Fact]
    public void SingleEnabledScheduleChangesNothingTheSecondTime()
    {
        NewSchedule("Gold", "-IntervalMinutes 30 -TimeZone UTC");
        NewSchedule("Gold", "-IntervalMinutes 90 -TimeZone UTC -Force");
        RunRunbookOk("Set-SingleEnabledSchedule.ps1", "-WorkspaceName Sales -UseCurrentSession");

        (var again, var requests) = RunRunbookOk("Set-SingleEnabledSchedule.ps1", "-WorkspaceName Sales -UseCurrentSession");

        AssertNothingSent(requests.Where(r => r.IsChange).ToList());
        Assert.All(new[] { "Bronze", "Silver", "Gold" }, l => Assert.Equal("Unchanged", Text(RowOf(again, l), "Action")));
    }

    [Fact]
    public void SingleEnabledScheduleGoesOnAfterALakehouseFailsAndThrowsAtTheEnd()
    {
        // Bronze is full: 20 schedules, all disabled, so no default one can be added.
        RunOk("1..20 | ForEach-Object { New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -IntervalMinutes (10 * $_) -TimeZone UTC -Disabled } | Out-Null");

        (var result, _, var thrown) = RunRunbook("Set-SingleEnabledSchedule.ps1", "-WorkspaceName Sales -UseCurrentSession");

        Assert.NotNull(thrown);
        Assert.Contains("1 lakehouse(s) could not be given exactly one enabled schedule", thrown!.Exception.Message, StringComparison.Ordinal);
        var bronze = RowOf(result, "Bronze");
        Assert.Equal("Failed", Text(bronze, "Action"));
        Assert.Contains("20", Text(bronze, "Detail"), StringComparison.Ordinal);
        Assert.Equal("Created", Text(RowOf(result, "Silver"), "Action"));
        Assert.Equal("Created", Text(RowOf(result, "Gold"), "Action"));
    }

    // ---- Stop-LongRunningRefresh.ps1 ----------------------------------------------------------------------------

    /// <summary>Gold started 90 minutes ago, Silver just now; both run for three hours.</summary>
    private (Guid Gold, Guid Silver) StartLongAndShortRefreshes()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 10800 });
        Control.SetLakehouse("Sales", "Silver", new { durationSeconds = 10800 });
        Emulator.SetClock(DateTime.UtcNow.AddMinutes(-90));
        var gold = IdOf(Assert.Single(RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold -PassThru").Output));
        Emulator.SetClock(DateTime.UtcNow);
        var silver = IdOf(Assert.Single(RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Silver -PassThru").Output));
        return (gold, silver);
    }

    [Fact]
    public void StopLongRunningRefreshCancelsOnlyTheRefreshesOverTheLimitAndWaits()
    {
        (var gold, var silver) = StartLongAndShortRefreshes();
        using var env = ManagedIdentity();

        (var result, var requests) = RunRunbookOk("Stop-LongRunningRefresh.ps1", "-WorkspaceName Sales -MaxRunMinutes 60 -Wait -Endpoint $MlvEndpoint");

        var cancelled = Assert.Single(result.Output, o => o?.BaseObject is not string);
        Assert.Equal(gold, IdOf(cancelled));
        Assert.Equal("Cancelled", Text(cancelled, "Status"));
        Assert.Equal("1 MLV refresh(es) running longer than 60 minute(s) cancelled.", OutputText(result));
        Assert.Single(requests, r => r.Method == "POST" && r.Path.Contains(gold.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Cancelled", Control.JobStatus(gold));
        AssertRunning(Control.JobStatus(silver));
    }

    [Fact]
    public void StopLongRunningRefreshWhatIfCancelsNothing()
    {
        (var gold, var silver) = StartLongAndShortRefreshes();

        (var result, var requests) = RunRunbookOk("Stop-LongRunningRefresh.ps1", "-WorkspaceName Sales -MaxRunMinutes 60 -UseCurrentSession -WhatIf");

        AssertNothingSent(requests.Where(r => r.IsChange).ToList());
        Assert.Equal("1 MLV refresh(es) running longer than 60 minute(s) would be cancelled.", OutputText(result));
        AssertRunning(Control.JobStatus(gold));
        AssertRunning(Control.JobStatus(silver));
    }

    [Fact]
    public void StopLongRunningRefreshLeavesRefreshesUnderTheLimitAlone()
    {
        (var gold, _) = StartLongAndShortRefreshes();

        (var result, var requests) = RunRunbookOk("Stop-LongRunningRefresh.ps1", "-WorkspaceName Sales -MaxRunMinutes 120 -UseCurrentSession");

        AssertNothingSent(requests.Where(r => r.IsChange).ToList());
        Assert.Equal("0 MLV refresh(es) running longer than 120 minute(s) cancelled.", OutputText(result));
        AssertRunning(Control.JobStatus(gold));
    }

    // ---- Test-RefreshHealth.ps1 ---------------------------------------------------------------------------------

    [Fact]
    public void RefreshHealthListsTheUnhealthyLakehousesAndFailsTheJob()
    {
        Control.SetLakehouse("Sales", "Gold", new { failureRate = 1.0, failureCode = "MLV_REFRESH_CONFLICT", failureMessage = "Another refresh holds the lineage." });
        RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -IntervalMinutes 60 -StartDateTime ([DateTime]::UtcNow.AddDays(1)) | Out-Null; Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold");
        Emulator.AdvanceClock(TimeSpan.FromSeconds(10));
        using var env = ManagedIdentity();

        (var result, _, var thrown) = RunRunbook("Test-RefreshHealth.ps1", "-WorkspaceName Sales -Endpoint $MlvEndpoint");

        Assert.NotNull(thrown);
        Assert.Contains("3 of 3 lakehouse(s) are unhealthy: Sales/Gold (Failing), Sales/Bronze (NoSchedule), Sales/Silver (NoSchedule)", thrown!.Exception.Message, StringComparison.Ordinal);
        var text = OutputText(result);
        Assert.Matches(new Regex(@"^Failing\s+1$", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^NoSchedule\s+2$", RegexOptions.Multiline), text);
        Assert.Contains("  Failing    Sales/Gold: last run failed: MLV_REFRESH_CONFLICT", text, StringComparison.Ordinal);
        Assert.Equal("ManagedIdentity", Ps.Run("(Get-MlvContext).AuthMethod").Output.Single().ToString());
    }

    [Fact]
    public void RefreshHealthPassesWhenEveryVerdictIsAllowed()
    {
        RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -IntervalMinutes 60 -StartDateTime ([DateTime]::UtcNow.AddDays(1)) | Out-Null; Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold");
        Emulator.AdvanceClock(TimeSpan.FromSeconds(10));

        (var result, var requests) = RunRunbookOk("Test-RefreshHealth.ps1", "-WorkspaceName Sales -AllowedVerdict Healthy, NoSchedule -UseCurrentSession");

        var text = OutputText(result);
        Assert.Matches(new Regex(@"^Healthy\s+1$", RegexOptions.Multiline), text);
        Assert.EndsWith("All 3 lakehouse(s) are healthy.", text, StringComparison.Ordinal);
        AssertNothingSent(requests.Where(r => r.IsChange).ToList());
    }

    // ---- Sync-SchedulesFromRepository.ps1 -----------------------------------------------------------------------

    [Fact]
    public void SyncFromRepositoryPlansWithWhatIfThenDeploysAndTheRerunChangesNothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlvrepo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var gold = NewSchedule("Gold", "-Daily -At 02:00 -TimeZone UTC");
            var file = Path.Combine(dir, "sales.json");
            Ps.SetVariable("MlvFile", file);
            RunOk("Export-MlvSchedule -WorkspaceName Sales -Path $MlvFile");
            File.WriteAllText(file, File.ReadAllText(file).Replace("\"02:00\"", "\"03:15\"", StringComparison.Ordinal));
            Ps.SetVariable("MlvFiles", Path.Combine(dir, "*.json"));

            (var plan, var planRequests) = RunRunbookOk("Sync-SchedulesFromRepository.ps1", "-Path $MlvFiles -UseCurrentSession -WhatIf");
            AssertNothingSent(planRequests.Where(r => r.IsChange).ToList());
            var planText = OutputText(plan);
            Assert.Contains("1 change(s) from 1 file(s) (WhatIf: nothing was changed)", planText, StringComparison.Ordinal);
            Assert.Contains($"Planned      UpdateSchedule   Sales/Gold schedule {gold}: Every day at 02:00 (UTC), enabled", planText, StringComparison.Ordinal);

            (var deploy, _) = RunRunbookOk("Sync-SchedulesFromRepository.ps1", "-Path $MlvFiles -UseCurrentSession");
            Assert.Contains("Applied      UpdateSchedule", OutputText(deploy), StringComparison.Ordinal);
            Assert.Equal("Every day at 03:15 (UTC)", Text(Assert.Single(Schedules("Gold")), "Summary"));

            (var rerun, var rerunRequests) = RunRunbookOk("Sync-SchedulesFromRepository.ps1", "-Path $MlvFiles -UseCurrentSession");
            Assert.Equal("0 change(s) from 1 file(s)", OutputText(rerun));
            AssertNothingSent(rerunRequests.Where(r => r.IsChange).ToList());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
