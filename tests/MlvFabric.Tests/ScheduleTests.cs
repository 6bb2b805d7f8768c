using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Xml.Linq;
using MlvFabric.Hosting;
using MlvFabric.Scheduling;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>New/Get/Set/Enable/Disable/Remove-MlvSchedule end to end: module → HTTP → emulator, read back from the emulator.</summary>
public sealed class ScheduleTests : ScheduleTestBase
{
    public ScheduleTests(EmulatorFixture fixture)
        : base(fixture)
    {
    }

    [Fact]
    public void NewIntervalScheduleIsEnabledLabelledAndEndsAYearAfterItsStart()
    {
        var before = DateTime.UtcNow;
        var result = Ps.Run($"New-MlvSchedule {Lakehouse} -IntervalMinutes 10 -Verbose");
        var after = DateTime.UtcNow;
        result.ThrowIfFailed();
        var schedule = Assert.Single(result.Output);

        Assert.Equal("Sales", Prop(schedule, "WorkspaceName"));
        Assert.Equal("Bronze", Prop(schedule, "LakehouseName"));
        Assert.Equal(Emulator.LakehouseId("Sales", "Bronze"), Prop(schedule, "LakehouseId"));
        Assert.Equal(true, Prop(schedule, "Enabled"));
        Assert.Equal("Cron", Prop(schedule, "Type"));
        Assert.Equal(10, Config(schedule, "Interval"));
        Assert.Equal("Every 10 minutes", Prop(schedule, "Summary"));
        Assert.Null(Prop(schedule, "ExecutionDefinitionId"));

        // The default start is a whole minute in the near future (a past start would make the service run at once).
        var start = (DateTime)Prop(schedule, "StartDateTime")!;
        Assert.InRange(start, before.AddMinutes(1), after.AddMinutes(2));
        Assert.Equal(0, start.Second);
        Assert.Equal(start.AddYears(1), Prop(schedule, "EndDateTime"));
        Assert.Contains(result.Verbose, v => v.Message.Contains("No -EndDateTime given", StringComparison.Ordinal));

        var next = ((IEnumerable<DateTime>)Prop(schedule, "NextRunTimes")!).ToList();
        Assert.Equal(3, next.Count);
        Assert.Equal(start, next[0]);
        Assert.Equal(TimeSpan.FromMinutes(10), next[1] - next[0]);

        var stored = Read((Guid)Prop(schedule, "Id")!);
        Assert.Equal(true, Prop(stored, "Enabled"));
        Assert.Equal(10, Config(stored, "Interval"));
    }

    [Fact]
    public void NewDailyConvertsAnIanaTimeZoneToTheWindowsIdTheApiWants()
    {
        var result = Ps.Run($"New-MlvSchedule {Lakehouse} -Daily -At 9:00, '17:30' -TimeZone America/Chicago -Verbose");
        result.ThrowIfFailed();
        var id = (Guid)Prop(Assert.Single(result.Output), "Id")!;

        var stored = Read(id);
        Assert.Equal("Central Standard Time", Config(stored, "LocalTimeZoneId"));
        Assert.Equal(new[] { "09:00", "17:30" }, ConfigList(stored, "Times"));
        Assert.Equal("Every day at 09:00, 17:30 (Central Standard Time)", Prop(stored, "Summary"));
        Assert.Contains(result.Verbose, v => v.Message.Contains("'America/Chicago' is sent as its Windows id 'Central Standard Time'", StringComparison.Ordinal));
    }

    [Fact]
    public void NewWithoutTimeZoneUsesTheComputersZone()
    {
        var schedule = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 06:00");

        Assert.Equal(ScheduleTimeZones.LocalWindowsId(), Config(Read((Guid)Prop(schedule, "Id")!), "LocalTimeZoneId"));
    }

    [Fact]
    public void NewWeeklyTakesDaysAndTimesAsTextOrTimeSpans()
    {
        var id = Create("-Weekly -DayOfWeek Tuesday, Monday -At ([timespan]'17:00'), ([timespan]::FromHours(9)) -TimeZone 'Central Standard Time'");

        var stored = Read(id);
        Assert.Equal("Weekly", Prop(stored, "Type"));
        Assert.Equal(new[] { "Tuesday", "Monday" }, ConfigList(stored, "Weekdays"));
        Assert.Equal(new[] { "17:00", "09:00" }, ConfigList(stored, "Times"));
        Assert.Equal("Mon, Tue at 09:00, 17:00 (Central Standard Time)", Prop(stored, "Summary"));
    }

    [Fact]
    public void NewMonthlyOnADayOfTheMonthEveryThreeMonths()
    {
        var id = Create("-Monthly -DayOfMonth 15 -RecurrenceMonths 3 -At 06:00 -TimeZone UTC");

        var stored = Read(id);
        Assert.Equal(3, Config(stored, "Recurrence"));
        Assert.Equal("DayOfMonth", Occurrence(stored, "OccurrenceType"));
        Assert.Equal(15, Occurrence(stored, "DayOfMonth"));
        Assert.Equal("Every 3 months on day 15 at 06:00 (UTC)", Prop(stored, "Summary"));
        Assert.All((IEnumerable<DateTime>)Prop(stored, "NextRunTimes")!, t => Assert.Equal(15, t.Day));
    }

    [Fact]
    public void NewMonthlyOnAnOrdinalWeekdayDefaultsToEveryMonth()
    {
        var id = Create("-Monthly -WeekIndex second -DayOfWeek Tuesday -At 06:00 -TimeZone UTC");

        var stored = Read(id);
        Assert.Equal(1, Config(stored, "Recurrence"));
        Assert.Equal("OrdinalWeekday", Occurrence(stored, "OccurrenceType"));
        Assert.Equal("Second", Occurrence(stored, "WeekIndex"));
        Assert.Equal("Tuesday", Occurrence(stored, "Weekday"));
        Assert.Equal("Every month on the second Tuesday at 06:00 (UTC)", Prop(stored, "Summary"));
        Assert.All((IEnumerable<DateTime>)Prop(stored, "NextRunTimes")!, t =>
        {
            Assert.Equal(DayOfWeek.Tuesday, t.DayOfWeek);
            Assert.InRange(t.Day, 8, 14);
        });
    }

    [Fact]
    public void NewReadsADateTimeWithoutOffsetInTheSchedulesZoneAndOneWithAnOffsetAsThatInstant()
    {
        var wall = Create("-IntervalMinutes 60 -TimeZone 'Tokyo Standard Time' -StartDateTime ([datetime]'2030-01-01 08:00') -EndDateTime ([datetime]'2031-01-01 08:00') -Disabled");
        var instant = Create("-IntervalMinutes 60 -TimeZone 'Tokyo Standard Time' -StartDateTime '2030-01-01T08:00:00Z' -EndDateTime '2031-01-01T08:00:00+02:00' -Disabled");

        var byWall = Read(wall);
        Assert.Equal("2029-12-31T23:00:00Z", Config(byWall, "StartDateTime"));
        Assert.Equal("2030-12-31T23:00:00Z", Config(byWall, "EndDateTime"));
        var byInstant = Read(instant);
        Assert.Equal("2030-01-01T08:00:00Z", Config(byInstant, "StartDateTime"));
        Assert.Equal("2031-01-01T06:00:00Z", Config(byInstant, "EndDateTime"));
    }

    [Fact]
    public void NewDisabledScheduleMayJoinAnEnabledOneOfTheSameScope()
    {
        Create("-IntervalMinutes 30");

        var second = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 02:00 -Disabled");

        Assert.Equal(false, Prop(second, "Enabled"));
        Assert.Equal(2, Ps.Run($"Get-MlvSchedule {Lakehouse}").Output.Count);
    }

    [Fact]
    public void ASecondEnabledScheduleForTheLineageIsRefusedBeforeTheRequestUnlessForce()
    {
        var first = Create("-IntervalMinutes 30");

        (var refused, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} -Daily -At 02:00");

        var error = AssertError(refused, "EnabledScheduleExists", ErrorCategory.InvalidOperation);
        Assert.Equal(first, Prop(PSObject.AsPSObject(error.TargetObject), "Id"));
        Assert.Contains("-Force", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(first.ToString(), error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(refused.Output);
        AssertNoChangeSent(requests);

        var forced = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 02:00 -Force");
        Assert.Equal(true, Prop(forced, "Enabled"));
        Assert.Equal(2, Ps.Run($"Get-MlvSchedule {Lakehouse} | Where-Object Enabled").Output.Count);
    }

    [Fact]
    public void TheScopeRuleIsPerLakehouse()
    {
        Create("-IntervalMinutes 30");

        var silver = RunSingle("New-MlvSchedule -WorkspaceName Sales -LakehouseName Silver -IntervalMinutes 30");

        Assert.Equal("Silver", Prop(silver, "LakehouseName"));
        Assert.Equal(true, Prop(silver, "Enabled"));
    }

    [Fact]
    public void TheTwentyFirstScheduleIsRefusedBeforeTheRequest()
    {
        Ps.Run($"1..20 | ForEach-Object {{ New-MlvSchedule {Lakehouse} -IntervalMinutes (10 + $_) -Disabled }}").ThrowIfFailed();

        (var result, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} -IntervalMinutes 5 -Disabled -Force");

        var error = AssertError(result, "ScheduleLimitExceeded", ErrorCategory.LimitsExceeded);
        Assert.Equal("Sales/Bronze", error.TargetObject);
        Assert.Contains("20", error.Exception.Message, StringComparison.Ordinal);
        AssertNoChangeSent(requests);
        Assert.Equal(20, Ps.Run($"Get-MlvSchedule {Lakehouse}").Output.Count);
    }

    [Fact]
    public void GetListsTheLakehousesSchedulesOrThoseWithTheGivenIds()
    {
        var a = Create("-IntervalMinutes 30");
        var b = Create("-Daily -At 01:00 -Disabled");
        var c = Create("-Weekly -DayOfWeek Sunday -At 01:00 -Disabled");

        var all = Ps.Run($"Get-MlvSchedule {Lakehouse}");
        var some = Ps.Run($"Get-MlvSchedule {Lakehouse} -Id {a}, {c}");
        var byIds = Ps.Run($"Get-MlvSchedule -WorkspaceId {Emulator.WorkspaceId("Sales")} -LakehouseId {Emulator.LakehouseId("Sales", "Bronze")} {b}");

        all.ThrowIfFailed();
        Assert.Equal(new[] { a, b, c }.OrderBy(g => g), all.Output.Select(o => (Guid)Prop(o, "Id")!).OrderBy(g => g));
        Assert.All(all.Output, o => Assert.Equal("Bronze", Prop(o, "LakehouseName")));
        some.ThrowIfFailed();
        Assert.Equal(new[] { a, c }, some.Output.Select(o => (Guid)Prop(o, "Id")!));
        byIds.ThrowIfFailed();
        var single = Assert.Single(byIds.Output);
        Assert.Equal(b, Prop(single, "Id"));
        Assert.Equal("Sales", Prop(single, "WorkspaceName"));
        Assert.Equal("Bronze", Prop(single, "LakehouseName"));
    }

    [Fact]
    public void GetTakesLakehousesFromThePipeline()
    {
        Create("-IntervalMinutes 30");
        Create("-IntervalMinutes 45", "-WorkspaceName Sales -LakehouseName Silver");
        Create("-IntervalMinutes 60", "-WorkspaceName Finance -LakehouseName Ledger");

        var result = Ps.Run("Get-MlvLakehouse -WorkspaceName Sales | Get-MlvSchedule");

        result.ThrowIfFailed();
        Assert.Equal(
            new[] { "Bronze:Every 30 minutes", "Silver:Every 45 minutes" },
            result.Output.Select(o => $"{Prop(o, "LakehouseName")}:{Prop(o, "Summary")}").OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public void SetChangesOnlyWhatIsGivenAndKeepsTheRest()
    {
        var id = Create("-Weekly -DayOfWeek Monday, Tuesday -At 09:00 -TimeZone 'Central Standard Time' -StartDateTime '2030-01-01T00:00:00Z' -EndDateTime '2035-06-01T00:00:00Z' -Disabled");
        var before = Read(id);

        (var result, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {id} -At 10:00, 18:30");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        Assert.Single(requests, r => r.Method == "PATCH");
        var after = Read(id);
        Assert.Equal(new[] { "10:00", "18:30" }, ConfigList(after, "Times"));
        Assert.Equal(new[] { "Monday", "Tuesday" }, ConfigList(after, "Weekdays"));
        Assert.Equal("Weekly", Prop(after, "Type"));
        Assert.Equal("Central Standard Time", Config(after, "LocalTimeZoneId"));
        Assert.Equal(Config(before, "StartDateTime"), Config(after, "StartDateTime"));
        Assert.Equal("2035-06-01T00:00:00Z", Config(after, "EndDateTime"));
        Assert.Equal(false, Prop(after, "Enabled"));
    }

    [Fact]
    public void SetChangesTheTypeAndDropsTheOldTypesSettings()
    {
        var id = Create("-IntervalMinutes 30 -TimeZone UTC");
        var start = Config(Read(id), "StartDateTime");

        var changed = RunSingle($"Set-MlvSchedule {Lakehouse} -Id {id} -Weekly -DayOfWeek Friday -At 08:00 -PassThru");

        Assert.Equal("Fri at 08:00 (UTC)", Prop(changed, "Summary"));
        var stored = Read(id);
        Assert.Equal("Weekly", Prop(stored, "Type"));
        Assert.Null(Config(stored, "Interval"));
        Assert.Equal(start, Config(stored, "StartDateTime"));
        Assert.Equal(true, Prop(stored, "Enabled"));
    }

    [Fact]
    public void SetMonthlyWeekdayKeepsTheWeekIndexWhenOnlyTheDayChanges()
    {
        var id = Create("-Monthly -WeekIndex Third -DayOfWeek Monday -RecurrenceMonths 2 -At 05:00 -TimeZone UTC");

        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {id} -DayOfWeek Thursday").ThrowIfFailed();

        var stored = Read(id);
        Assert.Equal("Third", Occurrence(stored, "WeekIndex"));
        Assert.Equal("Thursday", Occurrence(stored, "Weekday"));
        Assert.Equal(2, Config(stored, "Recurrence"));
        Assert.Equal(new[] { "05:00" }, ConfigList(stored, "Times"));
    }

    [Fact]
    public void SetTimeZoneKeepsTheStartAndEndInstants()
    {
        var id = Create("-Daily -At 07:00 -TimeZone UTC -StartDateTime '2030-03-01T06:00:00Z' -EndDateTime '2031-03-01T06:00:00Z'");

        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {id} -TimeZone Europe/Berlin").ThrowIfFailed();

        var stored = Read(id);
        Assert.Equal("W. Europe Standard Time", Config(stored, "LocalTimeZoneId"));
        Assert.Equal(new DateTime(2030, 3, 1, 6, 0, 0, DateTimeKind.Utc), Prop(stored, "StartDateTime"));
        Assert.Equal(new DateTime(2031, 3, 1, 6, 0, 0, DateTimeKind.Utc), Prop(stored, "EndDateTime"));
        Assert.Equal(new[] { "07:00" }, ConfigList(stored, "Times"));
    }

    [Fact]
    public void SetTakesSchedulesFromThePipeline()
    {
        Create("-IntervalMinutes 30");
        Create("-Daily -At 01:00 -Disabled");

        var result = Ps.Run($"Get-MlvSchedule {Lakehouse} | Set-MlvSchedule -EndDateTime '2040-01-01T00:00:00Z' -PassThru");

        result.ThrowIfFailed();
        Assert.Equal(2, result.Output.Count);
        Assert.All(Ps.Run($"Get-MlvSchedule {Lakehouse}").Output, s => Assert.Equal("2040-01-01T00:00:00Z", Config(s, "EndDateTime")));
    }

    [Fact]
    public void EnabledSchedulesPipedIntoDisableAreDisabledAndTheOthersAreNotTouched()
    {
        Create("-IntervalMinutes 30");
        Create("-Daily -At 01:00 -Force");
        var off = Create("-Weekly -DayOfWeek Sunday -At 01:00 -Disabled");

        (var result, var requests) = RunLogged(
            "Get-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze | Where-Object Enabled | Disable-MlvSchedule");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        Assert.Equal(2, requests.Count(r => r.Method == "PATCH"));
        Assert.DoesNotContain(requests, r => r.Path.EndsWith(off.ToString(), StringComparison.OrdinalIgnoreCase) && r.Method != "GET");
        Assert.All(Ps.Run($"Get-MlvSchedule {Lakehouse}").Output, s => Assert.Equal(false, Prop(s, "Enabled")));
    }

    [Fact]
    public void DisablePassThruReturnsTheScheduleAndSendsNothingForOneAlreadyDisabled()
    {
        var on = Create("-IntervalMinutes 30");
        var off = Create("-Daily -At 01:00 -Disabled");

        var disabled = RunSingle($"Disable-MlvSchedule {Lakehouse} -Id {on} -PassThru");
        (var again, var requests) = RunLogged($"Disable-MlvSchedule {Lakehouse} {off} -PassThru -Verbose");

        Assert.Equal(false, Prop(disabled, "Enabled"));
        Assert.Equal("Every 30 minutes", Prop(disabled, "Summary"));
        again.ThrowIfFailed();
        Assert.Equal(off, Prop(Assert.Single(again.Output), "Id"));
        Assert.Contains(again.Verbose, v => v.Message.Contains("already disabled", StringComparison.Ordinal));
        AssertNoChangeSent(requests);
    }

    [Fact]
    public void EnableKeepsOneEnabledSchedulePerScopeUnlessForce()
    {
        var a = Create("-IntervalMinutes 30 -Disabled");
        var b = Create("-Daily -At 01:00 -Disabled");

        (var result, var requests) = RunLogged($"Get-MlvSchedule {Lakehouse} | Enable-MlvSchedule -PassThru");

        var enabled = Assert.Single(result.Output);
        Assert.Equal(a, Prop(enabled, "Id"));
        Assert.Equal(true, Prop(enabled, "Enabled"));
        var error = AssertError(result, "EnabledScheduleExists", ErrorCategory.InvalidOperation);
        Assert.Equal(a, Prop(PSObject.AsPSObject(error.TargetObject), "Id"));
        Assert.Contains(b.ToString(), error.Exception.Message, StringComparison.Ordinal);
        Assert.Single(requests, r => r.Method == "PATCH");
        Assert.Equal(false, Prop(Read(b), "Enabled"));

        Ps.Run($"Enable-MlvSchedule {Lakehouse} -Id {b} -Force").ThrowIfFailed();
        Assert.Equal(true, Prop(Read(b), "Enabled"));
        Assert.Equal(true, Prop(Read(a), "Enabled"));
    }

    [Fact]
    public void EnableKeepsTheConfigurationAsItWas()
    {
        var id = Create("-Weekly -DayOfWeek Wednesday -At 03:15 -TimeZone 'Tokyo Standard Time' -Disabled");
        var before = Read(id);

        Ps.Run($"Enable-MlvSchedule {Lakehouse} -Id {id}").ThrowIfFailed();

        var after = Read(id);
        Assert.Equal(true, Prop(after, "Enabled"));
        foreach (var field in new[] { "Type", "StartDateTime", "EndDateTime", "LocalTimeZoneId" })
        {
            Assert.Equal(Config(before, field), Config(after, field));
        }

        Assert.Equal(ConfigList(before, "Times"), ConfigList(after, "Times"));
        Assert.Equal(ConfigList(before, "Weekdays"), ConfigList(after, "Weekdays"));
    }

    [Fact]
    public void RemoveDeletesTheGivenSchedulesAndThosePipedIn()
    {
        var a = Create("-IntervalMinutes 30");
        Create("-Daily -At 01:00 -Disabled");
        Create("-Daily -At 02:00 -Disabled");

        Ps.Run($"Remove-MlvSchedule {Lakehouse} -Id {a} -Confirm:$false").ThrowIfFailed();
        var gone = Ps.Run($"Get-MlvSchedule {Lakehouse} -Id {a}");
        Assert.Equal(2, Ps.Run($"Get-MlvSchedule {Lakehouse}").Output.Count);
        Ps.Run($"Get-MlvSchedule {Lakehouse} | Remove-MlvSchedule -Confirm:$false").ThrowIfFailed();

        AssertError(gone, "ScheduleNotFound", ErrorCategory.ObjectNotFound);
        Assert.Empty(Ps.Run($"Get-MlvSchedule {Lakehouse}").Output);
    }

    // ---- Execution definitions ----------------------------------------------------------------------------------------

    [Fact]
    public void NewWithADefinitionSendsItAndAllowsOneEnabledSchedulePerDefinition()
    {
        var nightly = Definition("nightly");
        var hourly = Definition("hourly");

        (var result, var requests) = RunLogged($"New-MlvSchedule {Lakehouse} -IntervalMinutes 30 -ExecutionDefinition nightly");

        result.ThrowIfFailed();
        var first = Assert.Single(result.Output);
        Assert.Equal(nightly, Prop(first, "ExecutionDefinitionId"));
        Assert.Equal("Bronze", Prop(first, "LakehouseName"));
        using (var body = JsonDocument.Parse(Assert.Single(requests, r => r.Method == "POST").Body!))
        {
            Assert.Equal(nightly.ToString(), body.RootElement.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());
        }

        Assert.Equal(nightly, Prop(Read((Guid)Prop(first, "Id")!), "ExecutionDefinitionId"));

        (var refused, var refusedRequests) = RunLogged($"New-MlvSchedule {Lakehouse} -Daily -At 02:00 -ExecutionDefinition {nightly}");
        var error = AssertError(refused, "EnabledScheduleExists", ErrorCategory.InvalidOperation);
        Assert.Equal(Prop(first, "Id"), Prop(PSObject.AsPSObject(error.TargetObject), "Id"));
        Assert.Contains($"execution definition {nightly}", error.Exception.Message, StringComparison.Ordinal);
        AssertNoChangeSent(refusedRequests);

        var otherDefinition = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 02:00 -ExecutionDefinition hourly");
        var wholeLineage = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 02:00");
        var forced = RunSingle($"New-MlvSchedule {Lakehouse} -Daily -At 03:00 -ExecutionDefinition nightly -Force");

        Assert.Equal(hourly, Prop(otherDefinition, "ExecutionDefinitionId"));
        Assert.Null(Prop(wholeLineage, "ExecutionDefinitionId"));
        Assert.Equal(nightly, Prop(forced, "ExecutionDefinitionId"));
        Assert.Equal(4, Ps.Run($"Get-MlvSchedule {Lakehouse} | Where-Object Enabled").Output.Count);
    }

    [Fact]
    public void NewTakesDefinitionsFromThePipelineAndAPipedLakehouseMeansTheWholeLineage()
    {
        var nightly = Definition("nightly");
        var hourly = Definition("hourly");

        var fromDefinitions = Ps.Run($"Get-MlvExecutionDefinition {Lakehouse} | New-MlvSchedule -IntervalMinutes 60");
        var fromObject = RunSingle($"$nightly = Get-MlvExecutionDefinition {Lakehouse} -Name nightly; New-MlvSchedule -ExecutionDefinition $nightly -Daily -At 04:00 -Disabled");
        var fromLakehouse = RunSingle("Get-MlvLakehouse -WorkspaceName Sales -Name Bronze | New-MlvSchedule -IntervalMinutes 60");

        fromDefinitions.ThrowIfFailed();
        Assert.Equal(new[] { nightly, hourly }.OrderBy(g => g), fromDefinitions.Output.Select(o => (Guid)Prop(o, "ExecutionDefinitionId")!).OrderBy(g => g));
        Assert.All(fromDefinitions.Output, o => Assert.Equal("Bronze", Prop(o, "LakehouseName")));
        Assert.Equal(nightly, Prop(fromObject, "ExecutionDefinitionId"));
        Assert.Equal("Bronze", Prop(fromObject, "LakehouseName"));
        Assert.Null(Prop(fromLakehouse, "ExecutionDefinitionId"));
        Assert.Null(Prop(Read((Guid)Prop(fromLakehouse, "Id")!), "ExecutionDefinitionId"));
    }

    [Fact]
    public void SetMovesAScheduleToADefinitionKeepingItsConfigurationAndRefusesToUnlinkIt()
    {
        var nightly = Definition("nightly");
        var id = Create("-Weekly -DayOfWeek Monday -At 09:00 -TimeZone UTC");

        (var toDefinition, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {id} -ExecutionDefinition nightly -PassThru");

        toDefinition.ThrowIfFailed();
        var moved = Assert.Single(toDefinition.Output);
        Assert.Equal(nightly, Prop(moved, "ExecutionDefinitionId"));
        Assert.Equal("Mon at 09:00 (UTC)", Prop(moved, "Summary"));
        using (var body = JsonDocument.Parse(Assert.Single(requests, r => r.Method == "PATCH").Body!))
        {
            Assert.Equal(nightly.ToString(), body.RootElement.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());
        }

        var stored = Read(id);
        Assert.Equal(nightly, Prop(stored, "ExecutionDefinitionId"));
        Assert.Equal(true, Prop(stored, "Enabled"));
        Assert.Equal(new[] { "Monday" }, ConfigList(stored, "Weekdays"));

        // The spec's update cannot unlink a definition (executionData is never null): refused, with the alternative.
        (var back, var backRequests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {id} -WholeLineage");

        var refused = AssertError(back, "ScheduleDefinitionCannotBeUnlinked", ErrorCategory.InvalidOperation);
        Assert.Equal(id, Prop(PSObject.AsPSObject(refused.TargetObject), "Id"));
        Assert.Contains(nightly.ToString(), refused.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("New-MlvSchedule", refused.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains($"Remove-MlvSchedule -WorkspaceId {Emulator.WorkspaceId("Sales")} -LakehouseId {Emulator.LakehouseId("Sales", "Bronze")} -Id {id}", refused.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        AssertNoChangeSent(backRequests);
        Assert.Equal(nightly, Prop(Read(id), "ExecutionDefinitionId"));
        Assert.DoesNotContain(Log.Since(0), r => r.Method == "PATCH" && r.Body != null && r.Body.Contains("\"executionData\":null", StringComparison.Ordinal));

        var whole = Create("-IntervalMinutes 30 -Disabled");
        (var again, var againRequests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {whole} -WholeLineage -PassThru -Verbose");
        Assert.Equal(whole, Prop(Assert.Single(again.Output), "Id"));
        Assert.Contains(again.Verbose, v => v.Message.Contains("already runs the whole lineage", StringComparison.Ordinal));
        AssertNoChangeSent(againRequests);
    }

    [Fact]
    public void SetOfOtherSettingsKeepsTheDefinitionTheServiceHasNotThePipedObjects()
    {
        var nightly = Definition("nightly");
        var id = Create("-IntervalMinutes 30");
        Ps.Run($"$stale = Get-MlvSchedule {Lakehouse} -Id {id}").ThrowIfFailed();

        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {id} -ExecutionDefinition nightly").ThrowIfFailed();
        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {id} -IntervalMinutes 45").ThrowIfFailed();
        Assert.Equal(nightly, Prop(Read(id), "ExecutionDefinitionId"));
        Ps.Run("$stale | Set-MlvSchedule -IntervalMinutes 60").ThrowIfFailed();

        var stored = Read(id);
        Assert.Equal(nightly, Prop(stored, "ExecutionDefinitionId"));
        Assert.Equal(60, Config(stored, "Interval"));
    }

    [Fact]
    public void SetKeepsOneEnabledSchedulePerScopeWhenTheScopeChangesUnlessForce()
    {
        var nightly = Definition("nightly");
        var whole = Create("-IntervalMinutes 30");
        var scoped = Create("-IntervalMinutes 60 -ExecutionDefinition nightly");
        var off = Create("-Daily -At 01:00 -Disabled");

        (var toNightly, var requests) = RunLogged($"Set-MlvSchedule {Lakehouse} -Id {whole} -ExecutionDefinition nightly");

        var error = AssertError(toNightly, "EnabledScheduleExists", ErrorCategory.InvalidOperation);
        Assert.Equal(scoped, Prop(PSObject.AsPSObject(error.TargetObject), "Id"));
        Assert.Contains($"move enabled schedule {whole} to execution definition {nightly}", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.Exception.Message, StringComparison.Ordinal);
        AssertNoChangeSent(requests);
        Assert.Null(Prop(Read(whole), "ExecutionDefinitionId"));

        // A disabled schedule moves freely; -Force moves an enabled one next to another.
        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {off} -ExecutionDefinition nightly").ThrowIfFailed();
        Ps.Run($"Set-MlvSchedule {Lakehouse} -Id {whole} -ExecutionDefinition nightly -Force").ThrowIfFailed();
        Assert.Equal(nightly, Prop(Read(off), "ExecutionDefinitionId"));
        Assert.Equal(nightly, Prop(Read(whole), "ExecutionDefinitionId"));
        Assert.Equal(2, Ps.Run($"Get-MlvSchedule {Lakehouse} | Where-Object {{ $_.Enabled -and $_.ExecutionDefinitionId -eq '{nightly}' }}").Output.Count);
    }

    [Fact]
    public void ADefinitionPipedIntoSetNeedsTheScheduleId()
    {
        var nightly = Definition("nightly");
        var id = Create("-IntervalMinutes 30");
        Ps.Run($"$nightly = Get-MlvExecutionDefinition {Lakehouse} -Name nightly").ThrowIfFailed();

        var changed = RunSingle($"$nightly | Set-MlvSchedule -Id {id} -PassThru");
        (var withoutId, var requests) = RunLogged("$nightly | Set-MlvSchedule -EndDateTime '2040-01-01T00:00:00Z'");

        Assert.Equal(nightly, Prop(changed, "ExecutionDefinitionId"));
        var error = AssertError(withoutId, "ScheduleIdMissing", ErrorCategory.InvalidArgument);
        Assert.Equal(nightly, error.TargetObject);
        Assert.Contains("-Id", error.Exception.Message, StringComparison.Ordinal);
        AssertNothingSent(requests);
    }

    [Theory]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -IntervalMinutes 15 -ExecutionDefinition nightly -WhatIf")]
    [InlineData("Set-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id $id -ExecutionDefinition nightly -WhatIf")]
    [InlineData("$schedule | Set-MlvSchedule -WholeLineage -WhatIf")]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -IntervalMinutes 15 -WhatIf")]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Silver -Monthly -DayOfMonth 1 -At 01:00 -WhatIf")]
    [InlineData("Set-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id $id -Daily -At 05:00 -WhatIf")]
    [InlineData("Enable-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id $id -WhatIf")]
    [InlineData("Disable-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id $id -WhatIf")]
    [InlineData("Remove-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id $id -WhatIf")]
    [InlineData("$schedule | Disable-MlvSchedule -WhatIf")]
    [InlineData("$schedule | Remove-MlvSchedule -WhatIf")]
    public void WhatIfReadsButWritesNothing(string script)
    {
        Definition("nightly"); // a dry run resolves -ExecutionDefinition nightly as the real run would
        var schedule = RunSingle($"New-MlvSchedule {Lakehouse} -IntervalMinutes 30 -Disabled");
        Ps.SetVariable("id", Prop(schedule, "Id"));
        Ps.SetVariable("schedule", schedule);

        (var result, var requests) = RunLogged(script);

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        // A dry run resolves names and ids with GETs (so it reports what the real run would); it never writes.
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
        var stored = Read((Guid)Prop(schedule, "Id")!);
        Assert.Equal(false, Prop(stored, "Enabled"));
        Assert.Equal(30, Config(stored, "Interval"));
        Assert.Single(Ps.Run("Get-MlvLakehouse -WorkspaceName Sales | Get-MlvSchedule").Output);
    }

    [Fact]
    public void ScheduleIdsCompleteWithTheirSummaries()
    {
        var id = Create("-IntervalMinutes 30");
        Create("-Daily -At 01:00 -Disabled", "-WorkspaceName Sales -LakehouseName Silver");

        var matches = Complete("Disable-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id ");
        var prefixed = Complete($"Remove-MlvSchedule -WorkspaceName Sales -LakehouseName Bronze -Id {id.ToString()[..6]}");

        var match = Assert.Single(matches);
        Assert.Equal(id.ToString(), match.CompletionText);
        Assert.Equal("Every 30 minutes (enabled) - Sales/Bronze", match.ToolTip);
        Assert.Equal(id.ToString(), Assert.Single(prefixed).CompletionText);
    }

    [Fact]
    public void TimeZonesCompleteWithWindowsIds()
    {
        var matches = Complete("New-MlvSchedule -IntervalMinutes 5 -TimeZone Central");

        Assert.Contains(matches, m => m.CompletionText == "'Central Standard Time'");
        Assert.All(matches, m => Assert.StartsWith("'Central", m.CompletionText, StringComparison.Ordinal));
    }

    [Fact]
    public void FormatViewsLoadAndTheirScriptsRunOnSchedules()
    {
        var formatFile = Path.Combine(ModuleLocator.ModuleDirectory, "MlvFabric.Schedules.format.ps1xml");
        var table = new FormatTable(new[] { formatFile });
        Assert.NotNull(table);
        var xml = XDocument.Load(formatFile);
        Assert.Equal(2, xml.Descendants("View").Count(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == "MlvFabric.Client.MlvSchedule"));
        Assert.Equal(
            new[] { "Enabled", "Summary", "NextRun", "Runs" },
            xml.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value));

        Create("-IntervalMinutes 30 -StartDateTime '2030-01-01T00:00:00Z' -EndDateTime '2031-01-01T00:00:00Z'");
        Create("-Daily -At 01:00 -Disabled");
        foreach (var script in xml.Descendants("ScriptBlock").Select(s => s.Value))
        {
            Ps.SetVariable("viewScript", script);
            var result = Ps.Run($"Get-MlvSchedule {Lakehouse} | ForEach-Object ([scriptblock]::Create($viewScript))");
            result.ThrowIfFailed();
            Assert.NotEmpty(result.Output);
        }

        var nextRun = Ps.Run($"Get-MlvSchedule {Lakehouse} | Where-Object Enabled | ForEach-Object {{ $next = @($_.NextRunTimes)[0]; $next.ToLocalTime().ToString('yyyy-MM-dd HH:mm') }}");
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).ToLocalTime().ToString("yyyy-MM-dd HH:mm"), Assert.Single(nextRun.Output).ToString());
    }

    [Fact]
    public void SchedulesRenderAsATableWithSummaryAndNextRun()
    {
        Create("-IntervalMinutes 30 -StartDateTime '2030-01-01T00:00:00Z' -EndDateTime '2031-01-01T00:00:00Z'");
        Create("-Weekly -DayOfWeek Monday, Tuesday -At 09:00, 17:00 -TimeZone 'Central Standard Time' -Disabled");
        var writer = new StringWriter();
        using (var rendering = PsSession.Create(host: new TextHost(writer, 200, plainText: true)))
        {
            rendering.Connect(Emulator);
            rendering.Run($"Get-MlvSchedule {Lakehouse} | Out-Default").ThrowIfFailed();
        }

        var text = writer.ToString();
        Assert.Matches(@"Lakehouse: Sales/Bronze\s+Enabled\s+Summary\s+NextRun\s+Runs", text);
        // The next run in the schedule's own zone, with its offset.
        Assert.Matches(@"True\s+Every 30 minutes\s+01-01 \d\d:\d\d [+-]\d\d:\d\d\s+\(whole lineage\)", text);
        Assert.Contains("Mon, Tue at 09:00, 17:00 (Central Standard Time)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Configuration", text, StringComparison.Ordinal);
    }

    /// <summary>Creates an execution definition of Sales/Bronze covering all its views; returns its id.</summary>
    private Guid Definition(string name) => (Guid)RunSingle($"New-MlvExecutionDefinition {Lakehouse} -Name {name}").Properties["Id"].Value;

    private List<CompletionResult> Complete(string line)
    {
        Ps.SetVariable("completionLine", line);
        var result = Ps.Run("(TabExpansion2 -inputScript $completionLine -cursorColumn $completionLine.Length).CompletionMatches");
        result.ThrowIfFailed();
        return result.Output.Select(o => (CompletionResult)o.BaseObject).ToList();
    }
}
