using System;
using System.Collections.Generic;
using System.Linq;
using MlvFabric.Scheduling;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>The lakehouse-wide schedule rules: the service's limit, and one enabled schedule per scope (pure, no emulator).</summary>
public sealed class ScheduleRulesTests
{
    private const string Lakehouse = "Sales/Gold";
    private static readonly Guid Nightly = Guid.Parse("44444444-4444-4444-4444-444444444444");
    private static readonly Guid Hourly = Guid.Parse("55555555-5555-5555-5555-555555555555");

    private static MlvSchedule Schedule(bool enabled, Guid? definition = null) => new MlvSchedule
    {
        Id = Guid.NewGuid(),
        Enabled = enabled,
        ExecutionDefinitionId = definition,
        Configuration = new ScheduleConfiguration { Type = ScheduleTypes.Cron, Interval = 60, LocalTimeZoneId = "UTC", StartDateTime = "2026-01-01T00:00:00Z", EndDateTime = "2027-01-01T00:00:00Z" },
    };

    private static ScheduleProblem AssertEnabledScheduleExists(ScheduleProblem? problem, MlvSchedule inTheWay)
    {
        Assert.NotNull(problem);
        Assert.Equal(ScheduleRules.EnabledScheduleExistsCode, problem!.Code);
        Assert.Equal(ScheduleProblemKind.InvalidOperation, problem.Kind);
        Assert.Same(inTheWay, problem.Value);
        Assert.Contains($"lakehouse '{Lakehouse}' already has an enabled refresh schedule", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"{inTheWay.Id} (Every hour)", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"Disable-MlvSchedule -Id {inTheWay.Id}", problem.Message, StringComparison.Ordinal);
        return problem;
    }

    [Fact]
    public void ANewEnabledScheduleMayJoinSchedulesOfOtherScopesOrDisabledOnes()
    {
        var existing = new[] { Schedule(true, Nightly), Schedule(false) };

        Assert.Null(ScheduleRules.CheckCreate(existing, Lakehouse, enabled: true, executionDefinitionId: null, force: false));
        Assert.Null(ScheduleRules.CheckCreate(existing, Lakehouse, enabled: true, executionDefinitionId: Hourly, force: false));
        Assert.Null(ScheduleRules.CheckCreate(Array.Empty<MlvSchedule>(), Lakehouse, enabled: true, executionDefinitionId: null, force: false));
    }

    [Fact]
    public void ASecondEnabledScheduleInOneScopeIsRefusedUnlessDisabledOrForced()
    {
        var enabled = Schedule(true, Nightly);
        var existing = new[] { Schedule(true), enabled };

        var problem = AssertEnabledScheduleExists(ScheduleRules.CheckCreate(existing, Lakehouse, enabled: true, executionDefinitionId: Nightly, force: false), enabled);

        Assert.StartsWith("Cannot create another enabled schedule:", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"for execution definition {Nightly}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("create this one with -Disabled, or use -Force to have both.", problem.Message, StringComparison.Ordinal);
        Assert.Null(ScheduleRules.CheckCreate(existing, Lakehouse, enabled: false, executionDefinitionId: Nightly, force: false));
        Assert.Null(ScheduleRules.CheckCreate(existing, Lakehouse, enabled: true, executionDefinitionId: Nightly, force: true));
    }

    [Fact]
    public void TheServiceLimitStandsEvenForADisabledOrForcedSchedule()
    {
        var full = Enumerable.Range(0, ScheduleLimits.MaxSchedulesPerItem).Select(_ => Schedule(false)).ToList();

        var problem = ScheduleRules.CheckCreate(full, Lakehouse, enabled: false, executionDefinitionId: null, force: true);

        Assert.NotNull(problem);
        Assert.Equal(ScheduleRules.LimitExceededCode, problem!.Code);
        Assert.Equal(ScheduleProblemKind.LimitExceeded, problem.Kind);
        Assert.Equal(Lakehouse, problem.Value);
        Assert.Equal("Lakehouse 'Sales/Gold' already has 20 schedules, the most Fabric allows (20). Remove one with Remove-MlvSchedule, or change an existing one with Set-MlvSchedule.", problem.Message);
        Assert.Null(ScheduleRules.CheckCreate(full.Skip(1).ToList(), Lakehouse, enabled: false, executionDefinitionId: null, force: false));
    }

    [Fact]
    public void AnEnabledScheduleMayNotMoveIntoAScopeThatHasOne()
    {
        var moving = Schedule(true);
        var inTheWay = Schedule(true, Nightly);
        var all = new[] { moving, inTheWay };

        var problem = AssertEnabledScheduleExists(ScheduleRules.CheckScopeChange(all, moving, Nightly, Lakehouse), inTheWay);

        Assert.StartsWith($"Cannot move enabled schedule {moving.Id} to execution definition {Nightly}:", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"disable this one before moving it (Disable-MlvSchedule -Id {moving.Id})", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADisabledScheduleOrOneMovingIntoAFreeScopeMayMove()
    {
        var enabled = Schedule(true, Nightly);
        var disabled = Schedule(false);
        var all = new[] { enabled, disabled };

        Assert.Null(ScheduleRules.CheckScopeChange(all, disabled, Nightly, Lakehouse));
        Assert.Null(ScheduleRules.CheckScopeChange(all, enabled, Hourly, Lakehouse));
        Assert.Null(ScheduleRules.CheckScopeChange(all, enabled, null, Lakehouse));
    }

    [Fact]
    public void EnablingIsRefusedWhenAnotherScheduleOfTheScopeIsEnabled()
    {
        var enabled = Schedule(true);
        var candidate = Schedule(false);
        var all = new List<MlvSchedule> { enabled, candidate, Schedule(true, Nightly) };

        var problem = AssertEnabledScheduleExists(ScheduleRules.CheckEnable(all, candidate, Lakehouse), enabled);

        Assert.StartsWith($"Cannot enable schedule {candidate.Id}: lakehouse '{Lakehouse}' already has an enabled refresh schedule for the whole lineage", problem.Message, StringComparison.Ordinal);
        Assert.Contains("remove it (Remove-MlvSchedule)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnablingIsAllowedWhenTheScopeHasNoOtherEnabledSchedule()
    {
        var enabled = Schedule(true);
        var other = Schedule(false, Hourly);

        Assert.Null(ScheduleRules.CheckEnable(new[] { enabled, other }, enabled, Lakehouse));
        Assert.Null(ScheduleRules.CheckEnable(new[] { enabled, other }, other, Lakehouse));
    }

    [Fact]
    public void AScopeIsTheWholeLineageOrOneExecutionDefinition()
    {
        Assert.Equal("the whole lineage", ScheduleRules.DescribeScope(null));
        Assert.Equal($"execution definition {Nightly}", ScheduleRules.DescribeScope(Nightly));
    }
}
