using System;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// Objects of one MlvFabric type piped into a cmdlet that names another by -Id are refused before any request (their
/// Id would otherwise bind as the wrong kind of id); the right objects still pipe, each once.
/// </summary>
public sealed class PipelineObjectTests : JobTestBase
{
    private const string GoldLakehouse = "Get-MlvLakehouse -WorkspaceName Sales -Name Gold";
    private const string GoldSchedules = "Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold";
    private const string GoldJobs = "Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Gold -First 1";

    public PipelineObjectTests(EmulatorFixture fixture)
        : base(fixture)
    {
        RunOk(
            "$null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 06:00; " +
            "$null = New-MlvSchedule -WorkspaceName Sales -LakehouseName Gold -Daily -At 07:00 -Disabled; " +
            "$null = New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name gold_all");
        Control.AddHistory("Sales", "Gold", new { count = 1, intervalMinutes = 60, durationSeconds = 30 });
    }

    [Theory]
    [InlineData(GoldLakehouse, "Remove-MlvSchedule -WhatIf", "a lakehouse (Sales/Gold)", "schedules (Get-MlvSchedule)")]
    [InlineData(GoldLakehouse, "Set-MlvSchedule -IntervalMinutes 30 -WhatIf", "a lakehouse (Sales/Gold)", "schedules (Get-MlvSchedule) or execution definitions")]
    [InlineData(GoldLakehouse, "Enable-MlvSchedule -WhatIf", "a lakehouse (Sales/Gold)", "schedules (Get-MlvSchedule)")]
    [InlineData(GoldLakehouse, "Disable-MlvSchedule -WhatIf", "a lakehouse (Sales/Gold)", "schedules (Get-MlvSchedule)")]
    [InlineData(GoldLakehouse, "Stop-MlvJobInstance -WhatIf", "a lakehouse (Sales/Gold)", "job instances (Get-MlvJobInstance)")]
    [InlineData(GoldLakehouse, "Wait-MlvJobInstance", "a lakehouse (Sales/Gold)", "job instances (Get-MlvJobInstance)")]
    [InlineData(GoldLakehouse, "Set-MlvExecutionDefinition -RefreshMode Full -WhatIf", "a lakehouse (Sales/Gold)", "execution definitions")]
    [InlineData(GoldLakehouse, "Remove-MlvExecutionDefinition -WhatIf", "a lakehouse (Sales/Gold)", "execution definitions")]
    [InlineData(GoldJobs, "Remove-MlvSchedule -WhatIf", "a job instance (Sales/Gold", "schedules (Get-MlvSchedule)")]
    [InlineData(GoldJobs, "Remove-MlvExecutionDefinition -WhatIf", "a job instance (Sales/Gold", "execution definitions")]
    public void AnObjectOfAnotherTypePipedIntoAnIdIsRefusedBeforeAnyRequest(string producer, string consumer, string got, string wanted)
    {
        Ps.Run($"$piped = @({producer})").ThrowIfFailed();

        var error = AssertRefused($"$piped | {consumer}", "PipedObjectNotAccepted", ErrorCategory.InvalidArgument);

        Assert.Contains("got " + got, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(wanted, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(wanted, error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.IsNotType<string>(error.TargetObject);
    }

    [Theory]
    [InlineData("Get-MlvJobInstance")]
    [InlineData("Stop-MlvJobInstance -WhatIf")]
    [InlineData("Wait-MlvJobInstance")]
    public void SchedulesPipedIntoJobCmdletsAreRefusedEachBeforeAnyRequest(string consumer)
    {
        Ps.Run($"$piped = @({GoldSchedules})").ThrowIfFailed();

        (var result, var requests) = RunLogged($"$piped | {consumer}");

        Assert.Equal(2, result.AllErrors.Count());
        Assert.All(result.AllErrors, e => Assert.StartsWith("PipedObjectNotAccepted,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.All(result.AllErrors, e => Assert.Contains("got a schedule (Sales/Gold, id ", e.Exception.Message, StringComparison.Ordinal));
        Assert.Empty(result.Output);
        AssertNothingSent(requests);
    }

    [Fact]
    public void PipedSchedulesComeBackOnceEach()
    {
        Ps.Run($"$schedules = @({GoldSchedules})").ThrowIfFailed();

        var result = RunOk("$schedules | Get-MlvSchedule");

        Assert.Equal(2, result.Output.Count);
        Assert.Equal(
            Ps.Run("$schedules | ForEach-Object { $_.Id }").Output.Select(o => (Guid)o.BaseObject).OrderBy(g => g),
            result.Output.Select(IdOf).OrderBy(g => g));
    }

    [Fact]
    public void TheRightObjectsStillPipe()
    {
        Assert.Equal(2, RunOk($"{GoldSchedules} | Disable-MlvSchedule -PassThru").Output.Count);
        Assert.Single(RunOk($"{GoldLakehouse} | Get-MlvJobInstance").Output);
        Assert.Single(RunOk($"{GoldJobs} | Get-MlvJobInstance").Output);
        Assert.Equal(
            new[] { "Bronze", "Gold", "Ledger", "Silver" },
            RunOk("Get-MlvWorkspace | Get-MlvLakehouse").Output.Select(l => Text(l, "DisplayName")).OrderBy(n => n));
        Assert.Equal("Finance", Text(Assert.Single(RunOk("Get-MlvLakehouse -Name Ledger | Get-MlvWorkspace").Output), "Name"));
    }

    [Fact]
    public void APipedValueThatBindsNothingIsRefused()
    {
        var error = AssertRefused("'Gold' | Start-MlvRefresh -WhatIf", "PipedObjectNotBindable", ErrorCategory.InvalidArgument);

        Assert.Contains("'Gold'", error.Exception.Message, StringComparison.Ordinal);
        Assert.NotNull(error.ErrorDetails.RecommendedAction);
    }
}
