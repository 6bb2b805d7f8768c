using System;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>Get-MlvWorkspace and Get-MlvLakehouse: every parameter set, the pipeline between them, and bad input.</summary>
public sealed class LakehouseTests : JobTestBase
{
    public LakehouseTests(EmulatorFixture fixture) : base(fixture)
    {
    }

    [Fact]
    public void ListsEveryLakehouseOfEveryWorkspaceWithItsWorkspaceNameAndNoOtherItems()
    {
        var result = RunOk("Get-MlvLakehouse");

        Assert.Equal(new[] { "Finance/Ledger", "Sales/Bronze", "Sales/Gold", "Sales/Silver" },
            result.Output.Select(l => $"{Text(l, "WorkspaceName")}/{Text(l, "DisplayName")}").OrderBy(n => n));
        var gold = result.Output.Single(l => Text(l, "DisplayName") == "Gold");
        Assert.Equal(LakehouseId("Gold"), Prop(gold, "Id"));
        Assert.Equal(LakehouseId("Gold"), Prop(gold, "LakehouseId"));
        Assert.Equal("Gold", Prop(gold, "LakehouseName"));
        Assert.Equal(Emulator.WorkspaceId("Sales"), Prop(gold, "WorkspaceId"));
    }

    [Fact]
    public void WorkspaceNameWildcardsSpanWorkspaces()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sal*, Fin*");

        Assert.Equal(4, result.Output.Count);
        Assert.Equal(new[] { "Bronze", "Gold", "Ledger", "Silver" }, result.Output.Select(l => Text(l, "DisplayName")).OrderBy(n => n));
    }

    [Fact]
    public void NameWildcardsFilterAcrossWorkspacesCaseInsensitively()
    {
        var result = RunOk("Get-MlvLakehouse -Name *L*");

        Assert.Equal(new[] { "Gold", "Ledger", "Silver" }, result.Output.Select(l => Text(l, "DisplayName")).OrderBy(n => n));
    }

    [Fact]
    public void NameIsPositional()
    {
        var result = RunOk("Get-MlvLakehouse Gold -WorkspaceName Sales");

        Assert.Equal("Gold", Text(Assert.Single(result.Output), "DisplayName"));
    }

    [Fact]
    public void ALiteralNameThatMatchesNothingIsAnErrorAndTheOtherNamesStillCome()
    {
        var result = Ps.Run("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Platinum");

        Assert.Equal("Gold", Text(Assert.Single(result.Output), "DisplayName"));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("Platinum", error.TargetObject);
        Assert.Contains("workspace 'Sales'", error.Exception.Message);
    }

    [Fact]
    public void AWildcardThatMatchesNothingIsNoError()
    {
        var result = RunOk("Get-MlvLakehouse -Name Plat*");

        Assert.Empty(result.Output);
    }

    [Fact]
    public void AWorkspaceNameThatMatchesNothingIsAnError()
    {
        var result = Ps.Run("Get-MlvLakehouse -WorkspaceName Marketing");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("WorkspaceNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal("Marketing", error.TargetObject);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void IdWithAWorkspaceIsOneDirectRead()
    {
        var gold = LakehouseId("Gold");

        (var result, var requests) = RunLogged($"Get-MlvLakehouse -WorkspaceId {Emulator.WorkspaceId("Sales")} -Id {gold}");

        result.ThrowIfFailed();
        var lakehouse = Assert.Single(result.Output);
        Assert.Equal("Gold", Text(lakehouse, "DisplayName"));
        Assert.Equal("Sales", Text(lakehouse, "WorkspaceName"));
        Assert.Contains(requests, r => r.Method == "GET" && r.Path.EndsWith($"/lakehouses/{gold}", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(requests, r => r.Path.EndsWith("/lakehouses", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void IdWithoutAWorkspaceIsFoundInWhicheverWorkspaceHasIt()
    {
        var result = RunOk($"Get-MlvLakehouse -Id {LakehouseId("Ledger", "Finance")}, {LakehouseId("Bronze")}");

        Assert.Equal(new[] { "Finance/Ledger", "Sales/Bronze" }, result.Output.Select(l => $"{Text(l, "WorkspaceName")}/{Text(l, "DisplayName")}").OrderBy(n => n));
    }

    [Fact]
    public void AnUnknownIdIsObjectNotFoundWithTheIdAsTarget()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Get-MlvLakehouse -WorkspaceName Sales -Id {unknown}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Fact]
    public void AnUnknownIdInAGivenWorkspaceIdIsObjectNotFound()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Get-MlvLakehouse -WorkspaceId {Emulator.WorkspaceId("Sales")} -Id {unknown}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(unknown, error.TargetObject);
        Assert.Contains("Get-MlvLakehouse -WorkspaceId", error.Exception.Message);
    }

    [Fact]
    public void WorkspacesPipeIntoGetMlvLakehouse()
    {
        var result = RunOk("Get-MlvWorkspace -Name Finance | Get-MlvLakehouse");

        Assert.Equal("Ledger", Text(Assert.Single(result.Output), "DisplayName"));
    }

    [Fact]
    public void LakehousesPipeBackIntoGetMlvLakehouseByName()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Get-MlvLakehouse");

        Assert.Equal(new[] { "Gold", "Silver" }, result.Output.Select(l => Text(l, "DisplayName")).OrderBy(n => n));
    }

    [Fact]
    public void TheWorkspaceListIsCachedPerSessionAcrossCommands()
    {
        RunOk("Get-MlvLakehouse -WorkspaceName Sales");

        (var result, var requests) = RunLogged("Get-MlvLakehouse -WorkspaceName Finance");

        result.ThrowIfFailed();
        Assert.DoesNotContain(requests, r => r.Path.TrimEnd('/').EndsWith("/workspaces", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void EmptyLakehouseIdIsRefusedBeforeAnyRequest()
    {
        var error = AssertRefused($"Get-MlvLakehouse -Id {Guid.Empty}", "InvalidLakehouseId", ErrorCategory.InvalidArgument);
        Assert.Equal(Guid.Empty, error.TargetObject);
    }

    [Fact]
    public void EmptyWorkspaceIdIsRefusedBeforeAnyRequest()
    {
        var error = AssertRefused($"Get-MlvLakehouse -WorkspaceId {Guid.Empty}", "InvalidWorkspaceId", ErrorCategory.InvalidArgument);
        Assert.Equal(Guid.Empty, error.TargetObject);
    }

    [Fact]
    public void MalformedIdIsRefusedByParameterBindingBeforeAnyRequest()
    {
        var error = AssertRefused("Get-MlvLakehouse -Id not-a-guid", "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument);
        Assert.Contains("not-a-guid", error.Exception.Message);
    }

    [Fact]
    public void EmptyNameIsRefusedBeforeAnyRequest()
    {
        AssertRefused("Get-MlvLakehouse -Name ''", "ParameterArgumentValidationError", ErrorCategory.InvalidData);
    }

    [Fact]
    public void GetMlvWorkspaceById()
    {
        var result = RunOk($"Get-MlvWorkspace -Id {Emulator.WorkspaceId("Finance")}");

        var workspace = Assert.Single(result.Output);
        Assert.Equal("Finance", Text(workspace, "DisplayName"));
        Assert.Equal(Emulator.WorkspaceId("Finance"), Prop(workspace, "WorkspaceId"));
        Assert.Equal("Finance", Text(workspace, "WorkspaceName"));
    }

    [Fact]
    public void GetMlvWorkspaceWithAnUnknownIdIsObjectNotFound()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Get-MlvWorkspace -Id {unknown}");

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Fact]
    public void GetMlvWorkspaceTakesNamesFromThePipelineByPropertyName()
    {
        var result = RunOk("Get-MlvLakehouse -Name Ledger | Get-MlvWorkspace");

        Assert.Equal("Finance", Text(Assert.Single(result.Output), "DisplayName"));
    }

    [Fact]
    public void GetMlvWorkspaceWithoutNamesListsAll()
    {
        var result = RunOk("Get-MlvWorkspace");

        Assert.Equal(new[] { "Finance", "Sales" }, result.Output.Select(w => Text(w, "DisplayName")).OrderBy(n => n));
    }
}
