using System;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// -WhatIf is a dry run that checks: names and ids are resolved with read-only requests, so a typo, an ambiguous
/// wildcard or an unknown id gives the real run's error, no write is sent, and the what-if line names the real target.
/// </summary>
public sealed class WhatIfTests : JobTestBase
{
    private static readonly string[] Writes = { "POST", "PUT", "PATCH", "DELETE" };

    // {lh}: the lakehouse parameters under test; $sid, $jid, $did: a real schedule, job and execution definition of Sales/Gold.
    public static TheoryData<string> ChangingCommands => new()
    {
        "Start-MlvRefresh {lh}",
        "New-MlvSchedule {lh} -Daily -At 05:00 -Disabled",
        "New-MlvExecutionDefinition {lh} -Name gold_new",
        "Set-MlvSchedule {lh} -Id $sid -IntervalMinutes 30",
        "Enable-MlvSchedule {lh} -Id $sid",
        "Disable-MlvSchedule {lh} -Id $sid",
        "Remove-MlvSchedule {lh} -Id $sid",
        "Stop-MlvJobInstance {lh} -Id $jid",
        "Set-MlvExecutionDefinition {lh} -Id $did -RefreshMode Full",
        "Remove-MlvExecutionDefinition {lh} -Id $did",
    };

    public WhatIfTests(EmulatorFixture fixture)
        : base(fixture)
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 600 });
        RunOk(
            "$sid = (New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 06:00 -Disabled).Id; " +
            "$did = (New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name gold_all).Id; " +
            "$jid = (Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold).Id");
    }

    [Theory]
    [MemberData(nameof(ChangingCommands))]
    public void ATypoGivesTheRealRunsErrorAndWritesNothing(string command) =>
        AssertDryRunMatchesRealRun(command.Replace("{lh}", "-WorkspaceName Sales -LakehouseName Gld"), "LakehouseNotFound", ErrorCategory.ObjectNotFound);

    [Theory]
    [MemberData(nameof(ChangingCommands))]
    public void AnAmbiguousWildcardGivesTheRealRunsErrorAndWritesNothing(string command) =>
        AssertDryRunMatchesRealRun(command.Replace("{lh}", "-WorkspaceName Sales -LakehouseName '*l*'"), "LakehouseNameAmbiguous", ErrorCategory.InvalidArgument);

    [Theory]
    [MemberData(nameof(ChangingCommands))]
    public void AnUnknownLakehouseIdGivesTheRealRunsErrorAndWritesNothing(string command) =>
        AssertDryRunMatchesRealRun(command.Replace("{lh}", $"-WorkspaceName Sales -LakehouseId {Guid.NewGuid()}"), "LakehouseNotFound", ErrorCategory.ObjectNotFound);

    [Theory]
    [InlineData("Set-MlvSchedule {lh} -Id $unknown -IntervalMinutes 30", "ScheduleNotFound")]
    [InlineData("Enable-MlvSchedule {lh} -Id $unknown", "ScheduleNotFound")]
    [InlineData("Disable-MlvSchedule {lh} -Id $unknown", "ScheduleNotFound")]
    [InlineData("Remove-MlvSchedule {lh} -Id $unknown", "ScheduleNotFound")]
    [InlineData("Stop-MlvJobInstance {lh} -Id $unknown", "JobInstanceNotFound")]
    [InlineData("Set-MlvExecutionDefinition {lh} -Id $unknown -RefreshMode Full", "ExecutionDefinitionNotFound")]
    [InlineData("Remove-MlvExecutionDefinition {lh} -Id $unknown", "ExecutionDefinitionNotFound")]
    [InlineData("Start-MlvRefresh {lh} -ExecutionDefinition $unknown", "ExecutionDefinitionNotFound")]
    [InlineData("New-MlvSchedule {lh} -Daily -At 05:00 -Disabled -ExecutionDefinition $unknown", "ExecutionDefinitionNotFound")]
    public void AnUnknownIdGivesTheRealRunsErrorAndWritesNothing(string command, string errorId)
    {
        Ps.SetVariable("unknown", Guid.NewGuid());
        AssertDryRunMatchesRealRun(command.Replace("{lh}", "-WorkspaceName Sales -LakehouseName Gold"), errorId, ErrorCategory.ObjectNotFound);
    }

    [Fact]
    public void TheDryRunNamesTheRealTargets()
    {
        RunOk("$null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 07:00 -Disabled -ExecutionDefinition gold_all");
        var gold = LakehouseId("Gold").ToString().Substring(0, 8);

        var writer = new System.IO.StringWriter();
        var mark = Log.Mark();
        using (var hosted = ConnectAsNewCaller(PsSession.Create(host: new MlvFabric.Hosting.TextHost(writer, 1000, plainText: true))))
        {
            hosted.Run(
                "Start-MlvRefresh -WorkspaceName Sales -LakehouseName 'G*' -WhatIf; " +
                "Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold | Remove-MlvSchedule -WhatIf").ThrowIfFailed();
        }

        Assert.DoesNotContain(Log.Since(mark), r => Writes.Contains(r.Method));
        var lines = writer.ToString().Split('\n').Where(l => l.StartsWith("What if:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains(lines, l => l.Contains($"\"Sales/Gold ({gold}\u2026)\"", StringComparison.Ordinal) && l.Contains("Start MLV refresh", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("schedule 'Every day at 07:00 (UTC)' running execution definition 'gold_all'", StringComparison.Ordinal) && l.Contains($"of Sales/Gold ({gold}\u2026)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("schedule 'Every day at 06:00 (UTC)' running the whole lineage", StringComparison.Ordinal));
    }

    [Fact]
    public void StopAsksUnlessForcedAndRefusesClearlyWhereItCannotAsk()
    {
        // The in-process host cannot prompt, like pwsh -NonInteractive.
        (var refused, var none) = RunLogged("Stop-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -Id $jid");
        var error = Assert.Single(refused.AllErrors);
        Assert.Equal("ConfirmationNotPossible", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("-Force or -Confirm:$false", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain(none, r => Writes.Contains(r.Method));

        (var whatIf, var read) = RunLogged("Stop-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -Id $jid -Force -WhatIf");
        whatIf.ThrowIfFailed();
        Assert.DoesNotContain(read, r => Writes.Contains(r.Method));

        var stopped = RunOk("Stop-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -Id $jid -Force -Wait");
        Assert.Equal("Cancelled", Text(Assert.Single(stopped.Output), "Status"));
    }

    // The dry run: exactly the expected error, no output, no write. The real run: the same error.
    private void AssertDryRunMatchesRealRun(string command, string errorId, ErrorCategory category)
    {
        (var dry, var requests) = RunLogged(command + " -WhatIf");
        var dryError = Assert.Single(dry.AllErrors);
        Assert.True(dryError.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal), $"-WhatIf of '{command}': expected {errorId}, got {dryError.FullyQualifiedErrorId}: {dryError}");
        Assert.Equal(category, dryError.CategoryInfo.Category);
        Assert.Empty(dry.Output);
        Assert.DoesNotContain(requests, r => Writes.Contains(r.Method));

        var real = Ps.Run(command + " -Confirm:$false");
        var realError = Assert.Single(real.AllErrors);
        Assert.Equal(dryError.FullyQualifiedErrorId, realError.FullyQualifiedErrorId);
        Assert.Equal(dryError.CategoryInfo.Category, realError.CategoryInfo.Category);
    }
}
