using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>Completion of job ids and IANA zones, the warning for a fixed-offset zone abbreviation, and advice on every argument error.</summary>
public sealed class ConventionTests : JobTestBase
{
    public ConventionTests(EmulatorFixture fixture)
        : base(fixture)
    {
    }

    [Theory]
    [InlineData("Stop-MlvJobInstance")]
    [InlineData("Wait-MlvJobInstance")]
    [InlineData("Get-MlvJobInstance")]
    public void JobIdsComplete(string cmdlet)
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 600 });
        Control.AddHistory("Sales", "Gold", new { count = 2, intervalMinutes = 60, durationSeconds = 30 });
        var running = IdOf(RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold").Output.Single());

        var all = Complete($"{cmdlet} -WorkspaceName Sales -LakehouseName Gold -Id ");
        var one = Complete($"{cmdlet} -WorkspaceName Sales -LakehouseName Gold -Id {running.ToString()[..8]}");

        Assert.Equal(3, all.Count);
        Assert.Equal(running.ToString(), all[0].CompletionText); // running jobs first
        var completed = Assert.Single(one);
        Assert.Equal(running.ToString(), completed.CompletionText);
        Assert.Matches(@"^(NotStarted|InProgress)(, started \d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d)? - Sales/Gold$", completed.ToolTip);
    }

    [Fact]
    public void WaitingForJobsTheUserJustCancelledWarnsNothing()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 600 });
        Control.SetLakehouse("Sales", "Silver", new { durationSeconds = 600 });
        RunOk("$jobs = Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Start-MlvRefresh; $null = $jobs | Stop-MlvJobInstance -Force -Wait");

        var result = RunOk("$jobs | Wait-MlvJobInstance");

        Assert.Equal(new[] { "Cancelled", "Cancelled" }, result.Output.Select(j => Text(j, "Status")));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void TimeZonesCompleteWithWindowsIdsAndIanaNames()
    {
        Assert.Contains(Complete("New-MlvSchedule -TimeZone Europe/Be"), c => c.CompletionText == "Europe/Berlin");
        Assert.Contains(Complete("New-MlvSchedule -TimeZone 'W. Europe'"), c => c.CompletionText == "'W. Europe Standard Time'");
    }

    [Fact]
    public void AFixedOffsetAbbreviationWarnsAndNamesTheZoneChosen()
    {
        var est = RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 06:00 -TimeZone EST -WhatIf");
        var iana = RunOk("New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 06:00 -TimeZone America/New_York -WhatIf");

        var warning = Assert.Single(est.Warnings);
        Assert.Contains("'EST'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("without daylight saving time", warning.Message, StringComparison.Ordinal);
        Assert.Matches("the schedule uses '[^']+ Standard Time'", warning.Message);
        Assert.Empty(iana.Warnings);
    }

    [Theory]
    [InlineData("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -First 0", "InvalidFirst")]
    [InlineData("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -Status Running", "InvalidJobStatus")]
    [InlineData("Start-MlvRefresh -WorkspaceName Sales", "LakehouseNotSpecified")]
    [InlineData("Start-MlvRefresh -WorkspaceName Nope -LakehouseName Gold", "WorkspaceNotFound")]
    public void ArgumentErrorsCarryARecommendedAction(string script, string errorId)
    {
        var result = Ps.Run(script);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction), $"{errorId} has no RecommendedAction");
        Assert.DoesNotContain(error.ErrorDetails!.RecommendedAction, error.Exception.Message.Split('.')[0], StringComparison.Ordinal);
    }

    private List<CompletionResult> Complete(string line)
    {
        Ps.SetVariable("completionLine", line);
        var result = Ps.Run("(TabExpansion2 -inputScript $completionLine -cursorColumn $completionLine.Length).CompletionMatches");
        result.ThrowIfFailed();
        return result.Output.Select(o => (CompletionResult)o.BaseObject).ToList();
    }
}
