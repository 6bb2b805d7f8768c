using System;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// Bad input to the schedule cmdlets: refused with a clear error (ErrorId, category, the offending value as target)
/// before the request it would have spoiled. Most send no request at all; the few that need the schedule as it is
/// (Set-MlvSchedule merges into it, Enable checks its scope) read it and send no change.
/// </summary>
public sealed class ScheduleValidationTests : ScheduleTestBase
{
    public ScheduleValidationTests(EmulatorFixture fixture)
        : base(fixture)
    {
    }

    [Theory]
    [InlineData("-Daily -At 25:00", "25:00", "-At '25:00' is not a valid time of day")]
    [InlineData("-Daily -At 9:5", "9:5", "-At '9:5' is not a valid time of day")]
    [InlineData("-Daily -At 09:60", "09:60", "-At '09:60' is not a valid time of day")]
    [InlineData("-Weekly -DayOfWeek Monday -At 09:00, 9:00", "09:00", "repeats an earlier entry")]
    [InlineData("-Daily -At ([timespan]'09:00:30')", "09:00:30", "HH:mm")]
    [InlineData("-IntervalMinutes 0", "0", "-IntervalMinutes 0 is out of range: minutes between runs, 1 to 5270400")]
    [InlineData("-IntervalMinutes 5270401", "5270401", "1 to 5270400")]
    [InlineData("-IntervalMinutes 5 -StartDateTime '2030-01-02T00:00:00Z' -EndDateTime '2030-01-01T00:00:00Z'", "2030-01-01T00:00:00Z", "-EndDateTime '2030-01-01T00:00:00Z' must be later than -StartDateTime")]
    [InlineData("-IntervalMinutes 5 -StartDateTime '2030-01-01T00:00:00Z' -EndDateTime '2030-01-01T00:00:00Z'", "2030-01-01T00:00:00Z", "must be later than")]
    [InlineData("-IntervalMinutes 5 -TimeZone Mars/Olympus_Mons", "Mars/Olympus_Mons", "-TimeZone 'Mars/Olympus_Mons' is not a known time zone")]
    [InlineData("-Weekly -DayOfWeek Monday, Monday -At 09:00", "Monday", "each day may appear only once")]
    [InlineData("-Monthly -DayOfMonth 0 -At 09:00", "0", "-DayOfMonth 0 is out of range")]
    [InlineData("-Monthly -DayOfMonth 32 -At 09:00", "32", "-DayOfMonth 32 is out of range")]
    [InlineData("-Monthly -DayOfMonth 1 -RecurrenceMonths 13 -At 09:00", "13", "-RecurrenceMonths 13 is out of range: months between runs, 1 to 12")]
    [InlineData("-Monthly -WeekIndex First -DayOfWeek Monday -RecurrenceMonths 0 -At 09:00", "0", "-RecurrenceMonths 0 is out of range")]
    public void NewRefusesAnInvalidConfigurationBeforeAnyRequest(string parameters, string target, string message)
    {
        (var result, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} {parameters}");

        var error = AssertError(result, "InvalidScheduleConfiguration", ErrorCategory.InvalidArgument);
        Assert.Equal(target, error.TargetObject);
        Assert.Contains(message, error.Exception.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(error.Exception);
        AssertNothingSent(requests);
    }

    [Fact]
    public void NewRefusesMoreTimesThanTheApiAllows()
    {
        (var result, var requests) = RunLogged(
            $"New-MlvSchedule {Lakehouse} -Daily -At (0..100 | ForEach-Object {{ '{{0:00}}:{{1:00}}' -f [math]::Floor($_ / 60), ($_ % 60) }})");

        var error = AssertError(result, "InvalidScheduleConfiguration", ErrorCategory.InvalidArgument);
        Assert.Equal("101", error.TargetObject);
        Assert.Contains("-At has 101 entries: a Daily schedule takes 1 to 100 different times of day", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Fact]
    public void NewReportsEveryProblemInOneError()
    {
        (var result, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} -Weekly -DayOfWeek Friday, Friday -At 24:00 -TimeZone Nowhere");

        var error = AssertError(result, "InvalidScheduleConfiguration", ErrorCategory.InvalidArgument);
        Assert.Contains("-TimeZone 'Nowhere'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-DayOfWeek 'Friday' repeats", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-At '24:00'", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Theory]
    // Combinations that fit no parameter set get the cmdlets' own words, not PowerShell's AmbiguousParameterSet.
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -IntervalMinutes 5 -Daily -At 09:00", "ScheduleParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Weekly -DayOfMonth 3 -DayOfWeek Monday -At 09:00", "ScheduleParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Daily -DayOfWeek Monday -At 01:00", "ScheduleParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -At 01:00", "ScheduleFrequencyMissing", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id 6f0f9d8e-2a76-4c55-9d5b-0a3c8d9e1f20 -IntervalMinutes 5 -At 09:00", "ScheduleParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id 6f0f9d8e-2a76-4c55-9d5b-0a3c8d9e1f20 -Daily -Weekly", "ScheduleParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Weekly -DayOfWeek @() -At 09:00", "ParameterArgumentValidationErrorEmptyArrayNotAllowed", ErrorCategory.InvalidData)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Monthly -WeekIndex Sixth -DayOfWeek Monday -At 09:00", "ParameterArgumentValidationError", ErrorCategory.InvalidData)]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -IntervalMinutes 5 -TimeZone ''", "ParameterArgumentValidationError", ErrorCategory.InvalidData)]
    [InlineData("Disable-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id not-a-guid", "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument)]
    [InlineData("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id 12345", "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument)]
    public void ParametersThatDoNotFitTogetherAreRefusedByTheBinder(string script, string errorId, ErrorCategory category)
    {
        (var result, var requests) = RunLogged(script);

        AssertError(result, errorId, category);
        AssertNothingSent(requests);
    }

    [Fact]
    public void NewRefusesTwoWeekdaysForAMonthlySchedule()
    {
        (var result, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} -Monthly -WeekIndex First -DayOfWeek Monday, Friday -At 09:00");

        var error = AssertError(result, "ScheduleParameterConflict", ErrorCategory.InvalidArgument);
        Assert.Equal(new[] { DayOfWeek.Monday, DayOfWeek.Friday }, (DayOfWeek[])error.TargetObject);
        Assert.Contains("-Weekly", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Fact]
    public void NewWithoutALakehouseSaysWhatIsMissing()
    {
        (var result, var requests) = RunLogged("New-MlvSchedule -IntervalMinutes 5");

        var error = AssertError(result, "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
        Assert.Contains("-WorkspaceId or -WorkspaceName", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Fact]
    public void NewForALakehouseNameThatMatchesNothingCreatesNothing()
    {
        (var result, var requests) = RunLogged("New-MlvSchedule -WorkspaceName Sales -LakehouseName Platinum -IntervalMinutes 5");

        var error = AssertError(result, "LakehouseNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal("Platinum", error.TargetObject);
        AssertNoChangeSent(requests);
    }

    [Theory]
    [InlineData("New-MlvSchedule -IntervalMinutes 60 -Disabled")]
    [InlineData("New-MlvExecutionDefinition -Name piped_after_unknown")]
    public void ALakehouseNameThatMatchesNothingIsAnErrorForItsRecordAndTheNextPipedLakehouseIsStillProcessed(string command)
    {
        var result = Ps.Run(
            "@([pscustomobject]@{ WorkspaceName = 'Sales'; LakehouseName = 'Platinum' }, " +
            "[pscustomobject]@{ WorkspaceName = 'Sales'; LakehouseName = 'Gold' }) | " + command);

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("Platinum", error.TargetObject);
        var created = Assert.Single(result.Output);
        Assert.Equal("Gold", Prop(created, "LakehouseName"));
    }

    [Fact]
    public void SetWithNothingToChangeIsRefused()
    {
        (var result, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {Guid.NewGuid()} -PassThru");

        var error = AssertError(result, "ScheduleNothingToChange", ErrorCategory.InvalidArgument);
        Assert.Contains("Enable-MlvSchedule", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Theory]
    [InlineData("-At 25:00", "25:00")]
    [InlineData("-IntervalMinutes 0", "0")]
    [InlineData("-TimeZone Atlantis", "Atlantis")]
    [InlineData("-DayOfMonth 40", "40")]
    [InlineData("-StartDateTime '2031-01-02T00:00:00Z' -EndDateTime '2031-01-01T00:00:00Z'", "2031-01-01T00:00:00Z")]
    public void SetRefusesBadSettingsBeforeReadingTheSchedule(string parameters, string target)
    {
        var id = Create("-Daily -At 09:00 -Disabled");

        (var result, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {id} {parameters}");

        var error = AssertError(result, "InvalidScheduleConfiguration", ErrorCategory.InvalidArgument);
        Assert.Equal(target, error.TargetObject);
        AssertNothingSent(requests);
    }

    [Fact]
    public void SetRefusesAMonthlyDayTogetherWithAWeekIndex()
    {
        (var result, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {Guid.NewGuid()} -DayOfMonth 3 -WeekIndex First");

        var error = AssertError(result, "ScheduleParameterConflict", ErrorCategory.InvalidArgument);
        Assert.Equal(3, error.TargetObject);
        AssertNothingSent(requests);
    }

    [Theory]
    [InlineData("-IntervalMinutes 30", "-At 10:00", "-At does not apply to an interval schedule")]
    [InlineData("-Daily -At 09:00", "-DayOfWeek Monday", "-DayOfWeek applies to weekly schedules")]
    [InlineData("-Daily -At 09:00", "-RecurrenceMonths 2", "Add -Monthly")]
    [InlineData("-Daily -At 09:00", "-Weekly", "-DayOfWeek is required")]
    [InlineData("-IntervalMinutes 30", "-Daily", "-At is required")]
    [InlineData("-Monthly -DayOfMonth 5 -At 09:00", "-WeekIndex First", "-DayOfWeek is required")]
    [InlineData("-IntervalMinutes 30 -StartDateTime '2030-06-01T00:00:00Z' -EndDateTime '2031-06-01T00:00:00Z'", "-EndDateTime '2030-01-01T00:00:00Z'", "must be later than")]
    public void SetRefusesAChangeThatDoesNotFitTheScheduleAndLeavesItAsItWas(string create, string change, string message)
    {
        var id = Create(create + " -Disabled");
        var before = Read(id);

        (var result, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {id} {change}");

        var error = Assert.Single(result.AllErrors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Matches("^(ScheduleParameterConflict|InvalidScheduleConfiguration),", error.FullyQualifiedErrorId);
        Assert.Contains(message, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), error.ErrorDetails.Message, StringComparison.Ordinal);
        AssertNoChangeSent(requests);
        var after = Read(id);
        Assert.Equal(Prop(before, "Summary"), Prop(after, "Summary"));
        Assert.Equal(Config(before, "EndDateTime"), Config(after, "EndDateTime"));
    }

    [Theory]
    [InlineData("Get-MlvSchedule")]
    [InlineData("Set-MlvSchedule -EndDateTime '2040-01-01T00:00:00Z'")]
    [InlineData("Enable-MlvSchedule")]
    [InlineData("Disable-MlvSchedule")]
    [InlineData("Remove-MlvSchedule -Confirm:$false")]
    public void TheEmptyGuidIsRefusedAsAScheduleId(string command)
    {
        (var result, var requests) = RunLogged($"{command} {Lakehouse} -Id {Guid.Empty}");

        var error = AssertError(result, "InvalidScheduleId", ErrorCategory.InvalidArgument);
        Assert.Equal(Guid.Empty, error.TargetObject);
        AssertNothingSent(requests);
    }

    [Theory]
    [InlineData("Get-MlvSchedule")]
    [InlineData("Set-MlvSchedule -EndDateTime '2040-01-01T00:00:00Z'")]
    [InlineData("Enable-MlvSchedule")]
    [InlineData("Disable-MlvSchedule")]
    [InlineData("Remove-MlvSchedule -Confirm:$false")]
    public void AScheduleIdTheLakehouseDoesNotHaveIsObjectNotFound(string command)
    {
        var missing = Guid.NewGuid();
        Create("-IntervalMinutes 30");

        (var result, var requests) = RunLogged($"{command} {Lakehouse} -Id {missing}");

        var error = AssertError(result, "ScheduleNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal(missing, error.TargetObject);
        Assert.Contains("Get-MlvSchedule", error.Exception.Message, StringComparison.Ordinal);
        Assert.IsType<ItemNotFoundException>(error.Exception);
        Assert.DoesNotContain(requests, r => r.IsChange && r.Status < 400);
    }

    [Fact]
    public void OneMissingIdDoesNotStopTheOthers()
    {
        var a = Create("-IntervalMinutes 30");
        var missing = Guid.NewGuid();

        var result = Ps.Run($"Disable-MlvSchedule {Lakehouse} -Id {missing}, {a} -PassThru");

        AssertError(result, "ScheduleNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal(a, Prop(Assert.Single(result.Output), "Id"));
        Assert.Equal(false, Prop(Read(a), "Enabled"));
    }
}
