using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using System.Xml.Linq;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// New/Get/Set/Remove-MlvExecutionDefinition end to end (module → HTTP → emulator), the schedules that go with a
/// deleted definition, and subset refreshes run through the emulator's API.
/// Seed lineage of Sales/Gold: gold.sales_daily → gold.sales_by_region; gold.sales_by_region, gold.customer_ltv → gold.kpi_summary.
/// </summary>
public sealed class ExecutionDefinitionTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";
    private const string SomeId = "7d3f2a1e-5b6c-4d8e-9f00-112233445566";

    public ExecutionDefinitionTests(EmulatorFixture fixture)
        : base(fixture)
    {
    }

    // ---- New ------------------------------------------------------------------------------------------------------

    [Fact]
    public void NewCreatesADefinitionWithEverySettingLabelledWithItsLakehouse()
    {
        var silver = LakehouseId("Silver");
        var sales = Emulator.WorkspaceId("Sales");
        var environment = Guid.NewGuid();

        (var result, var requests) = RunLogged(
            $"New-MlvExecutionDefinition {Gold} -Name gold_regions -Description 'Regions only' -RefreshMode Full " +
            $"-SelectedMlv gold.sales_by_region, gold.kpi_summary -EnvironmentId {environment} " +
            "-ExtendedLineageLakehouse (Get-MlvLakehouse -WorkspaceName Sales -Name Silver)");

        result.ThrowIfFailed();
        var definition = Assert.Single(result.Output);
        Assert.Equal("gold_regions", Prop(definition, "DisplayName"));
        Assert.Equal("Regions only", Prop(definition, "Description"));
        Assert.Equal("Full", Prop(definition, "RefreshMode"));
        Assert.Equal("Selected", Prop(definition, "Mode"));
        Assert.Equal(new[] { "gold.sales_by_region", "gold.kpi_summary" }, Strings(Prop(definition, "SelectedMlvs")));
        Assert.Equal(environment, Prop(PSObject.AsPSObject(Prop(definition, "Environment")!), "ItemId"));
        Assert.Equal(sales, Prop(PSObject.AsPSObject(Prop(definition, "Environment")!), "WorkspaceId"));
        Assert.Equal("Selected", Prop(definition, "ExtendedLineageMode"));
        var upstream = PSObject.AsPSObject(Assert.Single((IEnumerable<object>)Prop(definition, "ExtendedLineageLakehouses")!));
        Assert.Equal(silver, Prop(upstream, "ItemId"));
        Assert.Equal(sales, Prop(upstream, "WorkspaceId"));
        AssertLabelled(definition, "Gold");
        Assert.Equal(IdOf(definition), Prop(definition, "ExecutionDefinitionId"));

        var post = Assert.Single(requests, r => r.Method == "POST");
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal("Selected", body.RootElement.GetProperty("currentLakehouseExecutionContext").GetProperty("mode").GetString());
        Assert.Equal("Full", body.RootElement.GetProperty("settings").GetProperty("refreshMode").GetString());
        Assert.Equal(environment.ToString(), body.RootElement.GetProperty("settings").GetProperty("environment").GetProperty("itemId").GetString());

        var stored = Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold} -Id {IdOf(definition)}").Output);
        Assert.Equal(new[] { "gold.sales_by_region", "gold.kpi_summary" }, Strings(Prop(stored, "SelectedMlvs")));
        Assert.Equal("Full", Prop(stored, "RefreshMode"));
    }

    [Fact]
    public void NewWithoutSelectedMlvCoversTheWholeLakehouseAndSendsOnlyWhatWasGiven()
    {
        var environment = Guid.NewGuid();
        var elsewhere = Emulator.WorkspaceId("Finance");

        (var result, var requests) = RunLogged(
            $"New-MlvExecutionDefinition -WorkspaceId {Emulator.WorkspaceId("Sales")} -LakehouseId {LakehouseId("Gold")} everything " +
            $"-EnvironmentId {environment} -EnvironmentWorkspaceId {elsewhere} -ExtendedLineage All");

        result.ThrowIfFailed();
        var definition = Assert.Single(result.Output);
        Assert.Equal("everything", Prop(definition, "DisplayName"));
        Assert.Equal("All", Prop(definition, "Mode"));
        Assert.Empty(Strings(Prop(definition, "SelectedMlvs")));
        Assert.Null(Prop(definition, "RefreshMode"));
        Assert.Null(Prop(definition, "Description"));
        Assert.Equal(elsewhere, Prop(PSObject.AsPSObject(Prop(definition, "Environment")!), "WorkspaceId"));
        Assert.Equal("All", Prop(definition, "ExtendedLineageMode"));
        AssertLabelled(definition, "Gold");

        using var body = JsonDocument.Parse(Assert.Single(requests, r => r.Method == "POST").Body!);
        Assert.False(body.RootElement.TryGetProperty("description", out _));
        Assert.False(body.RootElement.GetProperty("settings").TryGetProperty("refreshMode", out _));
        Assert.Equal("All", body.RootElement.GetProperty("currentLakehouseExecutionContext").GetProperty("mode").GetString());
    }

    [Fact]
    public void NewTakesLakehousesFromThePipeline()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | New-MlvExecutionDefinition -Name nightly -RefreshMode Optimal");

        Assert.Equal(new[] { "Gold", "Silver" }, result.Output.Select(o => Text(o, "LakehouseName")).OrderBy(n => n));
        Assert.All(result.Output, o => Assert.Equal("nightly", Prop(o, "DisplayName")));
        Assert.Single(RunOk("Get-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Silver").Output);
    }

    [Fact]
    public void NewWithATakenNameIsTheServicesConflictAndCreatesNothing()
    {
        NewDefinition("nightly");

        var result = Ps.Run($"New-MlvExecutionDefinition {Gold} -Name NIGHTLY");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("FabricApi.ConflictingRequest,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal("NIGHTLY", error.TargetObject);
        Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold}").Output);
    }

    [Fact]
    public void NewWithAViewTheLakehouseDoesNotHaveIsRefusedByTheService()
    {
        var result = Ps.Run($"New-MlvExecutionDefinition {Gold} -Name n -SelectedMlv gold.no_such_view");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("FabricApi.InvalidRequest,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("gold.no_such_view", error.Exception.Message);
    }

    // ---- Get ------------------------------------------------------------------------------------------------------

    [Fact]
    public void GetListsALakehousesDefinitionsByNameWithWildcardsAndById()
    {
        var regions = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var kpi = NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        NewDefinition("everything");

        Assert.Equal(3, RunOk($"Get-MlvExecutionDefinition {Gold}").Output.Count);
        Assert.Equal(new[] { kpi, regions }, RunOk($"Get-MlvExecutionDefinition {Gold} -Name GOLD_*").Output.Select(IdOf).OrderBy(i => i == regions));
        Assert.Equal(new[] { regions }, RunOk($"Get-MlvExecutionDefinition {Gold} gold_regions").Output.Select(IdOf));
        Assert.Equal(new[] { kpi, regions }, RunOk($"Get-MlvExecutionDefinition {Gold} -Id {kpi}, {regions}").Output.Select(IdOf));
        Assert.Empty(RunOk($"Get-MlvExecutionDefinition {Gold} -Name silver*").Output);
        var one = Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold} -Id {kpi}").Output);
        AssertLabelled(one, "Gold");
    }

    [Fact]
    public void GetAcrossLakehousesFromThePipelineOrFromWildcardsOrEverywhere()
    {
        var gold = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var ledger = NewDefinition("gold_ledger", "-SelectedMlv ledger.balances", "-WorkspaceName Finance -LakehouseName Ledger");
        NewDefinition("bronze_all", "", "-WorkspaceName Sales -LakehouseName Bronze");

        var everywhere = RunOk("Get-MlvExecutionDefinition -Name gold*").Output;
        var piped = RunOk("Get-MlvLakehouse -WorkspaceName Sales | Get-MlvExecutionDefinition").Output;
        var inSales = RunOk("Get-MlvExecutionDefinition -WorkspaceName Sal* -Name *").Output;
        var byLakehouseName = RunOk("Get-MlvExecutionDefinition -LakehouseName Ledger").Output;
        var fromWorkspace = RunOk("Get-MlvWorkspace -Name Finance | Get-MlvExecutionDefinition").Output;
        var byIdAnywhere = RunOk($"Get-MlvExecutionDefinition -Id {ledger}").Output;

        Assert.Equal(new[] { gold, ledger }.OrderBy(g => g), everywhere.Select(IdOf).OrderBy(g => g));
        Assert.Equal(new[] { "Ledger" }, everywhere.Where(o => IdOf(o) == ledger).Select(o => Text(o, "LakehouseName")));
        Assert.Equal(new[] { "Finance" }, everywhere.Where(o => IdOf(o) == ledger).Select(o => Text(o, "WorkspaceName")));
        Assert.Equal(new[] { "Bronze", "Gold" }, piped.Select(o => Text(o, "LakehouseName")).OrderBy(n => n));
        Assert.Equal(2, inSales.Count);
        Assert.Equal(new[] { ledger }, byLakehouseName.Select(IdOf));
        Assert.Equal(new[] { ledger }, fromWorkspace.Select(IdOf));
        Assert.Equal(new[] { "Ledger" }, byIdAnywhere.Select(o => Text(o, "LakehouseName")));
    }

    [Fact]
    public void GetReportsNamesAndIdsThatMatchNothing()
    {
        NewDefinition("nightly");

        var byName = Ps.Run($"Get-MlvExecutionDefinition {Gold} -Name nightly, weekly, month*");
        var byId = Ps.Run($"Get-MlvExecutionDefinition {Gold} -Id {SomeId}");
        var nowhere = Ps.Run("Get-MlvLakehouse -WorkspaceName Sales | Get-MlvExecutionDefinition -Name weekly");

        Assert.Single(byName.Output);
        var missing = Assert.Single(byName.Errors);
        Assert.StartsWith("ExecutionDefinitionNotFound,", missing.FullyQualifiedErrorId);
        Assert.Equal("weekly", missing.TargetObject);
        var missingId = ErrorRecordAssert.Single(byId, "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal(Guid.Parse(SomeId), missingId.TargetObject);
        // One error for the whole pipeline, not one per lakehouse searched.
        var once = ErrorRecordAssert.Single(nowhere, "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        Assert.Contains("3 lakehouses searched", once.Exception.Message);
    }

    [Fact]
    public void GetTakesDefinitionsAsObjectsIdsOrNamesAndFromPipedSchedules()
    {
        var regions = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var kpi = NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        CreateScheduleThroughApi("Gold", regions);
        CreateScheduleThroughApi("Gold", null);
        RunOk($"$regions = Get-MlvExecutionDefinition {Gold} -Id {regions}");
        RunOk($"Set-MlvExecutionDefinition {Gold} -Id {regions} -RefreshMode Full");

        var fromSchedules = RunOk($"Get-MlvSchedule {Gold} | Get-MlvExecutionDefinition").Output;
        var reread = Assert.Single(RunOk("$regions | Get-MlvExecutionDefinition").Output);
        var byObjectAlone = Assert.Single(RunOk("Get-MlvExecutionDefinition -ExecutionDefinition $regions").Output);
        var deserialized = Assert.Single(RunOk(
            "$copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($regions)); " +
            "Get-MlvExecutionDefinition -ExecutionDefinition $copy").Output);
        var byIdAndName = RunOk($"Get-MlvExecutionDefinition {Gold} -ExecutionDefinition '{kpi}', gold_reg*").Output;

        Assert.Equal(new[] { regions }, fromSchedules.Select(IdOf));
        Assert.Equal("Full", Prop(reread, "RefreshMode"));
        Assert.Null(Prop(PSObject.AsPSObject(Ps.Run("$regions").Output[0]), "RefreshMode"));
        AssertLabelled(byObjectAlone, "Gold");
        Assert.Equal(regions, IdOf(deserialized));
        Assert.Equal(new[] { kpi, regions }, byIdAndName.Select(IdOf));
    }

    [Fact]
    public void ADefinitionObjectOfAnotherLakehouseOrANameThatMatchesSeveralIsRefused()
    {
        NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        RunOk($"$regions = Get-MlvExecutionDefinition {Gold} -Name gold_regions");

        var other = ErrorRecordAssert.Single(
            Ps.Run("Get-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Silver -ExecutionDefinition $regions"),
            "ExecutionDefinitionInOtherLakehouse",
            ErrorCategory.InvalidArgument);
        var several = ErrorRecordAssert.Single(Ps.Run($"Get-MlvExecutionDefinition {Gold} -ExecutionDefinition gold_*"), "ExecutionDefinitionNameAmbiguous", ErrorCategory.InvalidArgument);
        var none = ErrorRecordAssert.Single(Ps.Run($"Get-MlvExecutionDefinition {Gold} -ExecutionDefinition weekly"), "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);

        Assert.Contains("Sales/Gold", other.Exception.Message);
        Assert.Contains("'Sales/Silver'", other.Exception.Message);
        Assert.Equal("gold_*", several.TargetObject);
        Assert.Equal("weekly", none.TargetObject);
    }

    // ---- Set ------------------------------------------------------------------------------------------------------

    [Fact]
    public void SetChangesOnlyWhatIsGivenAndKeepsTheRest()
    {
        var environment = Guid.NewGuid();
        var id = NewDefinition("gold_regions", $"-Description 'Regions' -RefreshMode Full -SelectedMlv gold.sales_by_region -EnvironmentId {environment} -ExtendedLineage All");

        (var result, var requests) = RunLogged($"Set-MlvExecutionDefinition {Gold} -Id {id} -RefreshMode Optimal");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        var patch = Assert.Single(requests, r => r.Method == "PATCH");
        using (var body = JsonDocument.Parse(patch.Body!))
        {
            Assert.Equal(new[] { "settings" }, body.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(new[] { "refreshMode" }, body.RootElement.GetProperty("settings").EnumerateObject().Select(p => p.Name));
        }

        var stored = Read(id);
        Assert.Equal("Optimal", Prop(stored, "RefreshMode"));
        Assert.Equal("gold_regions", Prop(stored, "DisplayName"));
        Assert.Equal("Regions", Prop(stored, "Description"));
        Assert.Equal(new[] { "gold.sales_by_region" }, Strings(Prop(stored, "SelectedMlvs")));
        Assert.Equal(environment, Prop(PSObject.AsPSObject(Prop(stored, "Environment")!), "ItemId"));
        Assert.Equal("All", Prop(stored, "ExtendedLineageMode"));
    }

    [Fact]
    public void SetByNameRenamesSwitchesTheSelectionAndPassesTheResultOn()
    {
        var id = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");

        var renamed = Assert.Single(RunOk($"Set-MlvExecutionDefinition {Gold} -Name gold_reg* -NewName gold_kpi -SelectedMlv gold.kpi_summary, gold.customer_ltv -PassThru").Output);
        var all = Assert.Single(RunOk($"Set-MlvExecutionDefinition {Gold} -Name gold_kpi -AllMlvs -Description '' -PassThru").Output);

        Assert.Equal(id, IdOf(renamed));
        Assert.Equal("gold_kpi", Prop(renamed, "DisplayName"));
        Assert.Equal(new[] { "gold.kpi_summary", "gold.customer_ltv" }, Strings(Prop(renamed, "SelectedMlvs")));
        AssertLabelled(renamed, "Gold");
        Assert.Equal("All", Prop(all, "Mode"));
        Assert.Empty(Strings(Prop(all, "SelectedMlvs")));
        Assert.Equal("gold_kpi", Prop(Read(id), "DisplayName"));
    }

    [Fact]
    public void SetTakesDefinitionsFromThePipeline()
    {
        var gold = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var ledger = NewDefinition("gold_ledger", "-SelectedMlv ledger.balances", "-WorkspaceName Finance -LakehouseName Ledger");
        NewDefinition("keep_me");

        var changed = RunOk("Get-MlvExecutionDefinition -Name gold* | Set-MlvExecutionDefinition -RefreshMode Full -PassThru").Output;

        Assert.Equal(new[] { gold, ledger }.OrderBy(g => g), changed.Select(IdOf).OrderBy(g => g));
        Assert.All(changed, o => Assert.Equal("Full", Prop(o, "RefreshMode")));
        Assert.Equal("Full", Prop(Read(ledger, "-WorkspaceName Finance -LakehouseName Ledger"), "RefreshMode"));
        Assert.Null(Prop(Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold} -Name keep_me").Output), "RefreshMode"));
    }

    [Fact]
    public void SetOfADefinitionTheLakehouseDoesNotHaveIsNotFound()
    {
        NewDefinition("gold_a");
        NewDefinition("gold_b");

        var byId = ErrorRecordAssert.Single(Ps.Run($"Set-MlvExecutionDefinition {Gold} -Id {SomeId} -RefreshMode Full"), "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        var byName = ErrorRecordAssert.Single(Ps.Run($"Set-MlvExecutionDefinition {Gold} -Name weekly -RefreshMode Full"), "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        (var ambiguous, var requests) = RunLogged($"Set-MlvExecutionDefinition {Gold} -Name gold_* -RefreshMode Full");

        Assert.Equal(Guid.Parse(SomeId), byId.TargetObject);
        Assert.Contains("Sales/Gold", byId.Exception.Message);
        Assert.Equal("weekly", byName.TargetObject);
        var twice = ErrorRecordAssert.Single(ambiguous, "ExecutionDefinitionNameAmbiguous", ErrorCategory.InvalidArgument);
        Assert.Contains("'gold_a'", twice.Exception.Message);
        Assert.DoesNotContain(requests, r => r.IsChange);
    }

    // ---- Remove ---------------------------------------------------------------------------------------------------

    [Fact]
    public void RemoveDeletesByIdByNameAndFromThePipeline()
    {
        var a = NewDefinition("gold_a");
        NewDefinition("gold_b");
        NewDefinition("gold_c");
        var keep = NewDefinition("keep");
        var ledger = NewDefinition("gold_ledger", "", "-WorkspaceName Finance -LakehouseName Ledger");

        RunOk($"Remove-MlvExecutionDefinition {Gold} -Id {a} -Confirm:$false");
        Assert.Equal(3, RunOk($"Get-MlvExecutionDefinition {Gold}").Output.Count);
        RunOk($"Remove-MlvExecutionDefinition {Gold} -Name gold_b -Confirm:$false");
        RunOk("Get-MlvExecutionDefinition -Name gold* | Remove-MlvExecutionDefinition -Confirm:$false");

        Assert.Equal(new[] { keep }, RunOk($"Get-MlvExecutionDefinition {Gold}").Output.Select(IdOf));
        Assert.Empty(RunOk("Get-MlvExecutionDefinition -WorkspaceName Finance -LakehouseName Ledger").Output);
        ErrorRecordAssert.Single(Ps.Run($"Get-MlvExecutionDefinition -WorkspaceName Finance -LakehouseName Ledger -Id {ledger}"), "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
    }

    [Fact]
    public void RemoveAlsoRemovesTheSchedulesThatRunTheDefinition()
    {
        var doomed = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var other = NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        var linked1 = CreateScheduleThroughApi("Gold", doomed);
        var linked2 = CreateScheduleThroughApi("Gold", doomed);
        var otherSchedule = CreateScheduleThroughApi("Gold", other);
        var wholeLineage = CreateScheduleThroughApi("Gold", null);

        (var result, var requests) = RunLogged($"Remove-MlvExecutionDefinition {Gold} -Id {doomed} -Confirm:$false -Verbose");

        result.ThrowIfFailed();
        Assert.Single(requests, r => r.Method == "DELETE" && r.Path.EndsWith($"/mlvExecutionDefinitions/{doomed}", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(requests, r => r.Method == "DELETE" && r.Path.Contains("/schedules/", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(result.Verbose, v => v.Message.Contains("2 schedules") && v.Message.Contains(linked1.ToString()) && v.Message.Contains(linked2.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, ApiGet($"workspaces/{Emulator.WorkspaceId("Sales")}/items/{LakehouseId("Gold")}/jobs/RefreshMaterializedLakeViews/schedules/{linked1}"));
        var left = RunOk("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold").Output.Select(IdOf).OrderBy(g => g).ToList();
        Assert.Equal(new[] { otherSchedule, wholeLineage }.OrderBy(g => g), left);
    }

    [Fact]
    public void RemoveWhatIfNamesTheSchedulesThatWouldGoAndChangesNothing()
    {
        var doomed = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var lonely = NewDefinition("gold_lonely");
        var linked1 = CreateScheduleThroughApi("Gold", doomed);
        var linked2 = CreateScheduleThroughApi("Gold", doomed);

        var mark = Log.Mark();
        var text = RenderThroughHost($"Remove-MlvExecutionDefinition {Gold} -Name gold_* -WhatIf");
        var hostless = Ps.Run($"Remove-MlvExecutionDefinition {Gold} -Name gold_* -WhatIf");
        var requests = Log.Since(mark);

        // PowerShell writes "What if:" lines to the host's UI only: no stream carries them, so a host is needed to see them.
        hostless.ThrowIfFailed();
        Assert.Empty(hostless.Output);
        Assert.Empty(hostless.Information);
        Assert.Empty(hostless.Verbose);

        Assert.DoesNotContain(requests, r => r.IsChange);
        var line = Assert.Single(text.Split('\n'), l => l.Contains("'gold_regions'", StringComparison.Ordinal)).Trim();
        Assert.StartsWith("What if: Removing execution definition 'gold_regions'", line);
        Assert.Contains("Fabric also deletes the 2 schedules that run it:", line);
        Assert.Contains($"{linked1} (Every hour, disabled)", line);
        Assert.Contains(linked2.ToString(), line);
        Assert.Contains("'gold_lonely'", text);
        Assert.Contains("No schedule runs it.", text);
        Assert.Equal(2, RunOk($"Get-MlvExecutionDefinition {Gold}").Output.Count);
        Assert.Equal(2, RunOk("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold").Output.Count);
        Assert.NotEqual(Guid.Empty, lonely);
    }

    [Fact]
    public void RemoveAsksFirstAndItsQuestionNamesTheSchedulesThatWouldGo()
    {
        var doomed = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var linked = CreateScheduleThroughApi("Gold", doomed);
        var script = $"Remove-MlvExecutionDefinition {Gold} -Name gold_regions";

        var refused = Prompted(script, answerYes: false);
        Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold}").Output);
        var accepted = Prompted(script, answerYes: true);

        (var caption, var message) = Assert.Single(refused);
        Assert.Equal("Remove execution definition", caption);
        Assert.StartsWith($"Remove execution definition 'gold_regions' ({doomed}) of lakehouse 'Sales/Gold'?", message);
        Assert.Contains($"Fabric also deletes the 1 schedule that runs it: {linked} (Every hour, disabled).", message);
        Assert.Single(accepted);
        Assert.Empty(RunOk($"Get-MlvExecutionDefinition {Gold}").Output);
        Assert.Empty(RunOk("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold").Output);
    }

    [Fact]
    public void RemoveOfADefinitionTheLakehouseDoesNotHaveIsNotFoundAndTheOthersGo()
    {
        var a = NewDefinition("gold_a");

        (var result, var requests) = RunLogged($"Remove-MlvExecutionDefinition {Gold} -Id {SomeId}, {a} -Confirm:$false");
        var byName = Ps.Run($"Remove-MlvExecutionDefinition {Gold} -Name weekly, gold* -Confirm:$false");

        var error = ErrorRecordAssert.Single(result, "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal(Guid.Parse(SomeId), error.TargetObject);
        Assert.Single(requests, r => r.Method == "DELETE");
        Assert.Empty(RunOk($"Get-MlvExecutionDefinition {Gold}").Output);
        Assert.Equal("weekly", ErrorRecordAssert.Single(byName, "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound).TargetObject);
    }

    // ---- -WhatIf and bad input ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("New-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name n -SelectedMlv gold.kpi_summary -WhatIf")]
    [InlineData("$lakehouse | New-MlvExecutionDefinition -Name n -WhatIf")]
    [InlineData("Set-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Id $id -RefreshMode Full -WhatIf")]
    [InlineData("Set-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name gold_regions -NewName x -WhatIf")]
    [InlineData("$definition | Set-MlvExecutionDefinition -AllMlvs -WhatIf")]
    [InlineData("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold -ExecutionDefinition gold_regions -Wait -WhatIf")]
    [InlineData("Start-MlvRefresh -ExecutionDefinition $definition -WhatIf")]
    [InlineData("$definition | Start-MlvRefresh -WhatIf")]
    [InlineData("$definition | New-MlvSchedule -IntervalMinutes 60 -WhatIf")]
    [InlineData("New-MlvSchedule -ExecutionDefinition $id -WorkspaceName Sales -LakehouseName Gold -Daily -At 02:00 -WhatIf")]
    public void WhatIfReadsButWritesNothing(string script)
    {
        var definition = Assert.Single(RunOk($"New-MlvExecutionDefinition {Gold} -Name gold_regions -SelectedMlv gold.sales_by_region").Output);
        Ps.SetVariable("id", IdOf(definition));
        Ps.SetVariable("definition", definition);
        RunOk("$lakehouse = Get-MlvLakehouse -WorkspaceName Sales -Name Gold");

        (var result, var requests) = RunLogged(script);

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        Assert.All(requests, r => Assert.Equal("GET", r.Method)); // names and ids resolved, nothing written
        var stored = Read(IdOf(definition));
        Assert.Equal("gold_regions", Prop(stored, "DisplayName"));
        Assert.Null(Prop(stored, "RefreshMode"));
        Assert.Equal("Selected", Prop(stored, "Mode"));
        Assert.Single(RunOk($"Get-MlvExecutionDefinition {Gold}").Output);
    }

    [Theory]
    [InlineData("New-MlvExecutionDefinition {0} -Name ' '", "InvalidExecutionDefinitionName", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition -WorkspaceName Sales -Name n", "LakehouseNotSpecified", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -SelectedMlv sales_by_region", "InvalidMlvName", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -SelectedMlv gold.sales.by_region", "InvalidMlvName", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -SelectedMlv 'gold.sales by region'", "InvalidMlvName", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -SelectedMlv gold.kpi_summary, GOLD.KPI_SUMMARY", "DuplicateMlvName", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -SelectedMlv @()", "MlvSelectionEmpty", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -RefreshMode Fast", "ParameterArgumentValidationError", ErrorCategory.InvalidData)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -EnvironmentWorkspaceId " + SomeId, "ExecutionDefinitionParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -EnvironmentId 00000000-0000-0000-0000-000000000000", "InvalidEnvironmentId", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -ExtendedLineage Selected", "ExecutionDefinitionParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -ExtendedLineage All -ExtendedLineageLakehouse '" + SomeId + "/" + SomeId + "'", "ExecutionDefinitionParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvExecutionDefinition {0} -Name n -ExtendedLineageLakehouse Silver", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Set-MlvExecutionDefinition {0} -Id " + SomeId, "ExecutionDefinitionNothingToChange", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvExecutionDefinition {0} -Id " + SomeId + " -AllMlvs -SelectedMlv gold.kpi_summary", "ExecutionDefinitionParameterConflict", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvExecutionDefinition {0} -Id 00000000-0000-0000-0000-000000000000 -RefreshMode Full", "InvalidExecutionDefinitionId", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvExecutionDefinition {0} -Name gold_regions -NewName ''", "InvalidExecutionDefinitionName", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvExecutionDefinition {0} -Name gold_regions -SelectedMlv gold", "InvalidMlvName", ErrorCategory.InvalidArgument)]
    [InlineData("Get-MlvExecutionDefinition {0} -Id 00000000-0000-0000-0000-000000000000", "InvalidExecutionDefinitionId", ErrorCategory.InvalidArgument)]
    [InlineData("Get-MlvExecutionDefinition -WorkspaceId 00000000-0000-0000-0000-000000000000 -LakehouseName Gold", "InvalidWorkspaceId", ErrorCategory.InvalidArgument)]
    [InlineData("Remove-MlvExecutionDefinition {0} -Id 00000000-0000-0000-0000-000000000000 -Confirm:$false", "InvalidExecutionDefinitionId", ErrorCategory.InvalidArgument)]
    [InlineData("Remove-MlvExecutionDefinition -LakehouseName Gold -Name gold_regions -Confirm:$false", "LakehouseNotSpecified", ErrorCategory.InvalidArgument)]
    [InlineData("Get-MlvExecutionDefinition {0} -ExecutionDefinition ([pscustomobject]@{{ LakehouseId = '" + SomeId + "' }})", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Get-MlvExecutionDefinition {0} -ExecutionDefinition ' '", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Get-MlvExecutionDefinition {0} -ExecutionDefinition 00000000-0000-0000-0000-000000000000", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Get-MlvExecutionDefinition -ExecutionDefinition gold_regions", "LakehouseNotSpecified", ErrorCategory.InvalidArgument)]
    [InlineData("Start-MlvRefresh -ExecutionDefinition gold_regions", "LakehouseNotSpecified", ErrorCategory.InvalidArgument)]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition $null", "ExecutionDefinitionNull", ErrorCategory.InvalidArgument)]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition ' '", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition (Get-MlvContext)", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("New-MlvSchedule {0} -IntervalMinutes 60 -ExecutionDefinition $nothing", "ExecutionDefinitionNull", ErrorCategory.InvalidArgument)]
    [InlineData("New-MlvSchedule {0} -IntervalMinutes 60 -ExecutionDefinition 00000000-0000-0000-0000-000000000000", "ParameterArgumentTransformationError", ErrorCategory.InvalidData)]
    [InlineData("Set-MlvSchedule {0} -Id " + SomeId + " -ExecutionDefinition $null", "ExecutionDefinitionNull", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvSchedule {0} -Id " + SomeId + " -ExecutionDefinition gold_regions -WholeLineage", "ScheduleScopeConflict", ErrorCategory.InvalidArgument)]
    [InlineData("Set-MlvSchedule -Id " + SomeId + " -WholeLineage", "LakehouseNotSpecified", ErrorCategory.InvalidArgument)]
    public void BadInputIsRefusedBeforeAnyRequest(string script, string errorId, ErrorCategory category)
    {
        var error = AssertRefused(string.Format(script, Gold), errorId, category);

        var message = error.Exception.Message;
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (!errorId.StartsWith("Parameter", StringComparison.Ordinal))
        {
            // Says what to do: names a parameter or a cmdlet to use.
            Assert.Matches(@"-[A-Z][A-Za-z]+|Get-Mlv", message);
        }
    }

    [Fact]
    public void BadInputNamesTheOffendingValue()
    {
        Assert.Equal("sales_by_region", AssertRefused($"New-MlvExecutionDefinition {Gold} -Name n -SelectedMlv gold.a, sales_by_region", "InvalidMlvName", ErrorCategory.InvalidArgument).TargetObject);
        Assert.Equal("GOLD.A", AssertRefused($"New-MlvExecutionDefinition {Gold} -Name n -SelectedMlv gold.a, GOLD.A", "DuplicateMlvName", ErrorCategory.InvalidArgument).TargetObject);
        Assert.Equal(" ", AssertRefused($"New-MlvExecutionDefinition {Gold} -Name ' '", "InvalidExecutionDefinitionName", ErrorCategory.InvalidArgument).TargetObject);
        Assert.Contains("Silver", AssertRefused($"New-MlvExecutionDefinition {Gold} -Name n -ExtendedLineageLakehouse Silver", "ParameterArgumentTransformationError", ErrorCategory.InvalidData).Exception.Message);
    }

    // ---- Subset refreshes (through the emulator's API) --------------------------------------------------------------

    [Fact]
    public void ARunWithTheDefinitionRefreshesOnlyTheSelectedViewsAndWhatTheyNeed()
    {
        var id = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");

        var job = RunThroughApi("Gold", id);
        var whole = RunThroughApi("Silver", null);

        var detail = Control.Job(job);
        Assert.False(detail.GetProperty("wholeLineage").GetBoolean());
        Assert.Equal(id.ToString(), detail.GetProperty("executionDefinitionId").GetString());
        Assert.Equal(new[] { "gold.sales_by_region", "gold.sales_daily" }, detail.GetProperty("mlvs").EnumerateArray().Select(e => e.GetString()).OrderBy(n => n));
        Assert.True(Control.Job(whole).GetProperty("wholeLineage").GetBoolean());
    }

    [Fact]
    public async Task ARunWhoseSelectedViewNoLongerExistsFailsWithMlvSelectedNotFound()
    {
        var id = NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        using (var http = new HttpClient { BaseAddress = Emulator.BaseUri })
        {
            var deleted = await http.DeleteAsync($"_emulator/lakehouses/{LakehouseId("Gold")}/mlvs/gold.kpi_summary");
            Assert.True(deleted.IsSuccessStatusCode);
        }

        var job = RunThroughApi("Gold", id);
        Emulator.AdvanceClock(TimeSpan.FromMinutes(5));

        var instance = Assert.Single(RunOk($"Get-MlvJobInstance {Gold} -Id {job}").Output);
        Assert.Equal("Failed", Prop(instance, "Status"));
        Assert.Equal("MLV_SELECTED_NOT_FOUND", Prop(PSObject.AsPSObject(Prop(instance, "FailureReason")!), "ErrorCode"));
    }

    // ---- -ExecutionDefinition on Start-MlvRefresh and the schedule cmdlets --------------------------------------------

    [Fact]
    public void DefinitionsPipedToStartMlvRefreshWaitRefreshTheirSubsets()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 1.0, queueSeconds = 0.2 });
        Control.SetLakehouse("Finance", "Ledger", new { durationSeconds = 1.0, queueSeconds = 0.2 });
        var gold = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var ledger = NewDefinition("gold_ledger", "-SelectedMlv ledger.balances", "-WorkspaceName Finance -LakehouseName Ledger");
        NewDefinition("bronze_all", "", "-WorkspaceName Sales -LakehouseName Bronze");

        var jobs = RunOk("Get-MlvExecutionDefinition -Name gold* | Start-MlvRefresh -Wait").Output;

        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal("Completed", Prop(j, "Status")));
        var byLakehouse = jobs.ToDictionary(j => Text(j, "LakehouseName")!, IdOf);
        var goldRun = Control.Job(byLakehouse["Gold"]);
        var ledgerRun = Control.Job(byLakehouse["Ledger"]);
        Assert.Equal(gold.ToString(), goldRun.GetProperty("executionDefinitionId").GetString());
        Assert.Equal(ledger.ToString(), ledgerRun.GetProperty("executionDefinitionId").GetString());
        Assert.Equal(new[] { "gold.sales_by_region", "gold.sales_daily" }, goldRun.GetProperty("mlvs").EnumerateArray().Select(e => e.GetString()).OrderBy(n => n));
        Assert.Equal(new[] { "ledger.balances", "ledger.entries" }, ledgerRun.GetProperty("mlvs").EnumerateArray().Select(e => e.GetString()).OrderBy(n => n));
    }

    [Fact]
    public void StartMlvRefreshTakesTheDefinitionByNameByIdOrAsAnObject()
    {
        var regions = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        RunOk($"$regions = Get-MlvExecutionDefinition {Gold} -Name gold_regions");

        (var byName, var nameRequests) = RunLogged($"Start-MlvRefresh {Gold} -ExecutionDefinition gold_reg* -PassThru -Verbose");
        (var byId, var idRequests) = RunLogged($"Start-MlvRefresh {Gold} -ExecutionDefinitionId {regions} -PassThru");
        (var byObject, var objectRequests) = RunLogged("Start-MlvRefresh -ExecutionDefinition $regions -PassThru");

        foreach ((var result, var requests) in new[] { (byName, nameRequests), (byId, idRequests), (byObject, objectRequests) })
        {
            result.ThrowIfFailed();
            var job = Assert.Single(result.Output);
            Assert.Equal("Gold", Text(job, "LakehouseName"));
            Assert.Equal(regions.ToString(), Control.Job(IdOf(job)).GetProperty("executionDefinitionId").GetString());
            using var body = JsonDocument.Parse(Assert.Single(requests, r => r.Method == "POST").Body!);
            Assert.Equal(regions.ToString(), body.RootElement.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());
        }

        // A name or a bare id costs one lookup of the lakehouse's definitions (so that -WhatIf reports an unknown one as
        // the real run does); an object brings its lakehouse (ids and names), so nothing but the submission is sent.
        Assert.Single(nameRequests, r => r.Method == "GET" && r.Path.EndsWith("/mlvExecutionDefinitions", StringComparison.OrdinalIgnoreCase));
        Assert.Single(idRequests, r => r.Method == "GET" && r.Path.EndsWith("/mlvExecutionDefinitions", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(new[] { "POST" }, objectRequests.Select(r => r.Method));
        Assert.Contains(byName.Verbose, v => v.Message.Contains("(execution definition 'gold_reg*')", StringComparison.Ordinal));
    }

    [Fact]
    public void PipedSchedulesRefreshTheScopeEachRuns()
    {
        var regions = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        CreateScheduleThroughApi("Gold", regions);
        CreateScheduleThroughApi("Silver", null);

        var jobs = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Get-MlvSchedule | Start-MlvRefresh -PassThru").Output;

        var byLakehouse = jobs.ToDictionary(j => Text(j, "LakehouseName")!, IdOf);
        Assert.Equal(2, byLakehouse.Count);
        var gold = Control.Job(byLakehouse["Gold"]);
        var silver = Control.Job(byLakehouse["Silver"]);
        Assert.Equal(regions.ToString(), gold.GetProperty("executionDefinitionId").GetString());
        Assert.False(gold.GetProperty("wholeLineage").GetBoolean());
        Assert.Equal(JsonValueKind.Null, silver.GetProperty("executionDefinitionId").ValueKind);
        Assert.True(silver.GetProperty("wholeLineage").GetBoolean());
    }

    [Fact]
    public void StartWhatIfNamesTheDefinitionAndSendsNothing()
    {
        NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        var mark = Log.Mark();
        var text = RenderThroughHost($"Start-MlvRefresh {Gold} -ExecutionDefinition gold_regions -WhatIf; New-MlvSchedule {Gold} -IntervalMinutes 60 -ExecutionDefinition gold_regions -WhatIf");

        // Reads only (the definition is resolved, so a wrong name would be the real run's error); the real target is named.
        Assert.DoesNotContain(Log.Since(mark), r => r.IsChange);
        var gold = LakehouseId("Gold").ToString()[..8];
        Assert.Contains($"What if: Performing the operation \"Start MLV refresh of execution definition 'gold_regions'\" on target \"Sales/Gold ({gold}\u2026)\".", text);
        Assert.Matches(@"for execution definition 'gold_regions' \([0-9a-f]{8}\u2026\)"" on target ""Sales/Gold \(" + gold + @"\u2026\)""\.", text);
    }

    /// <summary>Refused by the module (a lookup of the lakehouse's definitions at most): nothing is started, created or changed.</summary>
    [Theory]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition weekly", "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound, "weekly")]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition gold_* -Wait", "ExecutionDefinitionNameAmbiguous", ErrorCategory.InvalidArgument, "gold_*")]
    [InlineData("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Silver -ExecutionDefinition $regions", "ExecutionDefinitionInOtherLakehouse", ErrorCategory.InvalidArgument, null)]
    [InlineData("Get-MlvLakehouse -WorkspaceName Sales -Name Silver | Start-MlvRefresh -ExecutionDefinition $regions", "ExecutionDefinitionInOtherLakehouse", ErrorCategory.InvalidArgument, null)]
    [InlineData("New-MlvSchedule {0} -IntervalMinutes 60 -ExecutionDefinition weekly", "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound, "weekly")]
    [InlineData("New-MlvSchedule {0} -IntervalMinutes 60 -ExecutionDefinition gold_*", "ExecutionDefinitionNameAmbiguous", ErrorCategory.InvalidArgument, "gold_*")]
    [InlineData("New-MlvSchedule -WorkspaceName Sales -LakehouseName Silver -IntervalMinutes 60 -ExecutionDefinition $regions", "ExecutionDefinitionInOtherLakehouse", ErrorCategory.InvalidArgument, null)]
    [InlineData("Set-MlvSchedule {0} -Id $schedule -ExecutionDefinition weekly", "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound, "weekly")]
    [InlineData("Set-MlvSchedule {0} -Id $schedule -ExecutionDefinition gold_*", "ExecutionDefinitionNameAmbiguous", ErrorCategory.InvalidArgument, "gold_*")]
    [InlineData("$silverSchedule | Set-MlvSchedule -ExecutionDefinition $regions", "ExecutionDefinitionInOtherLakehouse", ErrorCategory.InvalidArgument, null)]
    public void ADefinitionNotFoundAmbiguousOrOfAnotherLakehouseStartsCreatesAndChangesNothing(string script, string errorId, ErrorCategory category, string? target)
    {
        NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        RunOk($"$regions = Get-MlvExecutionDefinition {Gold} -Name gold_regions");
        Ps.SetVariable("schedule", CreateScheduleThroughApi("Gold", null));
        CreateScheduleThroughApi("Silver", null);
        RunOk("$silverSchedule = Get-MlvSchedule -WorkspaceName Sales -LakehouseName Silver");

        (var result, var requests) = RunLogged(string.Format(script, Gold));

        var error = ErrorRecordAssert.Single(result, errorId, category);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(requests, r => r.IsChange);
        Assert.Null(result.Terminating);
        if (target is not null)
        {
            Assert.Equal(target, error.TargetObject);
        }
        else
        {
            Assert.Contains("'Sales/Silver'", error.Exception.Message);
        }

        Assert.Matches("Get-MlvExecutionDefinition|-[A-Z][A-Za-z]+", error.Exception.Message);
    }

    /// <summary>An id is checked against the lakehouse's definitions (one read) before anything is sent, with or without -WhatIf.</summary>
    [Theory]
    [InlineData("Start-MlvRefresh {0} -ExecutionDefinition {1} -PassThru")]
    [InlineData("New-MlvSchedule {0} -IntervalMinutes 60 -ExecutionDefinition {1}")]
    [InlineData("Set-MlvSchedule {0} -Id $schedule -ExecutionDefinition {1} -PassThru")]
    public void AnIdTheLakehouseDoesNotHaveIsReportedAsExecutionDefinitionNotFound(string script)
    {
        var schedule = CreateScheduleThroughApi("Gold", null);
        Ps.SetVariable("schedule", schedule);

        var result = Ps.Run(string.Format(script, Gold, SomeId));

        var error = ErrorRecordAssert.Single(result, "ExecutionDefinitionNotFound", ErrorCategory.ObjectNotFound);
        Assert.Equal(Guid.Parse(SomeId), error.TargetObject);
        Assert.Contains("Sales/Gold", error.Exception.Message);
        Assert.Empty(result.Output);
        var only = Assert.Single(RunOk($"Get-MlvSchedule {Gold}").Output);
        Assert.Null(Prop(only, "ExecutionDefinitionId"));
    }

    // ---- Presentation -------------------------------------------------------------------------------------------------

    [Fact]
    public void DefinitionNamesAndIdsComplete()
    {
        var regions = NewDefinition("gold_regions", "-SelectedMlv gold.sales_by_region");
        NewDefinition("gold_kpi", "-SelectedMlv gold.kpi_summary");
        NewDefinition("everything", "", "-WorkspaceName Sales -LakehouseName Silver");

        var names = Complete("Get-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Name gold_");
        var ids = Complete($"Remove-MlvExecutionDefinition -WorkspaceName Sales -LakehouseName Gold -Id {regions.ToString()[..8]}");

        Assert.Equal(new[] { "gold_kpi", "gold_regions" }, names.Select(c => c.CompletionText));
        var id = Assert.Single(ids);
        Assert.Equal(regions.ToString(), id.CompletionText);
        Assert.Equal("gold_regions (1 MLV: gold.sales_by_region) - Sales/Gold", id.ToolTip);
    }

    [Fact]
    public void DefinitionsRenderAsATableAndTheListViewScriptsRun()
    {
        NewDefinition("gold_regions", $"-SelectedMlv gold.sales_by_region, gold.kpi_summary -RefreshMode Full -EnvironmentId {SomeId} -ExtendedLineageLakehouse '{Emulator.WorkspaceId("Sales")}/{LakehouseId("Silver")}'");
        NewDefinition("everything");

        var text = RenderThroughHost($"Get-MlvExecutionDefinition {Gold} | Out-Default");

        Assert.Matches(@"Workspace: Sales\s+Lakehouse\s+Name\s+RefreshMode\s+Mlvs", text);
        Assert.Matches(@"Gold\s+gold_regions\s+Full\s+gold.sales_by_region, gold.kpi_summary", text);
        Assert.Matches(@"Gold\s+everything\s+Optimal\s+\(all\)", text);
        Assert.DoesNotContain("ExtendedLineage", text, StringComparison.Ordinal);

        var formatFile = Path.Combine(ModuleLocator.ModuleDirectory, "MlvFabric.ExecutionDefinitions.format.ps1xml");
        var xml = XDocument.Load(formatFile);
        Assert.Equal(2, xml.Descendants("View").Count(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == "MlvFabric.Client.MlvExecutionDefinition"));
        foreach (var script in xml.Descendants("ScriptBlock").Select(s => s.Value))
        {
            Ps.SetVariable("viewScript", script);
            var result = RunOk($"Get-MlvExecutionDefinition {Gold} -Name gold_regions | ForEach-Object ([scriptblock]::Create($viewScript))");
            Assert.False(string.IsNullOrWhiteSpace(Assert.Single(result.Output).ToString()), script);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /// <summary>Creates a definition with New-MlvExecutionDefinition and returns its id.</summary>
    private Guid NewDefinition(string name, string parameters = "", string lakehouse = Gold) =>
        IdOf(Assert.Single(RunOk($"New-MlvExecutionDefinition {lakehouse} -Name {name} {parameters}").Output));

    private PSObject Read(Guid id, string lakehouse = Gold) => Assert.Single(RunOk($"Get-MlvExecutionDefinition {lakehouse} -Id {id}").Output);

    private void AssertLabelled(PSObject definition, string lakehouse)
    {
        Assert.Equal("Sales", Text(definition, "WorkspaceName"));
        Assert.Equal(lakehouse, Text(definition, "LakehouseName"));
        Assert.Equal(Emulator.WorkspaceId("Sales"), Prop(definition, "WorkspaceId"));
        Assert.Equal(LakehouseId(lakehouse), Prop(definition, "LakehouseId"));
    }

    private static string[] Strings(object? list) => ((IEnumerable)list!).Cast<object>().Select(o => o.ToString()!).ToArray();

    /// <summary>A disabled hourly schedule of a Sales lakehouse, created through the API, optionally running a definition.</summary>
    private Guid CreateScheduleThroughApi(string lakehouse, Guid? definition)
    {
        var body = new Dictionary<string, object>
        {
            ["enabled"] = false,
            ["configuration"] = new
            {
                type = "Cron",
                interval = 60,
                startDateTime = "2030-01-01T00:00:00Z",
                endDateTime = "2031-01-01T00:00:00Z",
                localTimeZoneId = "UTC",
            },
        };
        if (definition is Guid id)
        {
            body["executionData"] = new { mlvExecutionDefinitionId = id };
        }

        using var response = ApiSend(HttpMethod.Post, $"workspaces/{Emulator.WorkspaceId("Sales")}/lakehouses/{LakehouseId(lakehouse)}/jobs/RefreshMaterializedLakeViews/schedules", body);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Starts a refresh of a Sales lakehouse through the API, optionally with a definition; returns the job id.</summary>
    private Guid RunThroughApi(string lakehouse, Guid? definition)
    {
        object? body = definition is Guid id ? new { executionData = new { mlvExecutionDefinitionId = id } } : null;
        var workspace = lakehouse == "Ledger" ? "Finance" : "Sales";
        using var response = ApiSend(
            HttpMethod.Post,
            $"workspaces/{Emulator.WorkspaceId(workspace)}/items/{Emulator.LakehouseId(workspace, lakehouse)}/jobs/RefreshMaterializedLakeViews/instances",
            body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return Guid.Parse(response.Headers.Location!.AbsolutePath.Split('/').Last());
    }

    private HttpStatusCode ApiGet(string path)
    {
        using var response = ApiSend(HttpMethod.Get, path, null);
        return response.StatusCode;
    }

    private HttpResponseMessage ApiSend(HttpMethod method, string path, object? body)
    {
        using var http = new HttpClient { BaseAddress = Emulator.ApiBaseUri };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.MintTokenFor(Guid.NewGuid().ToString()));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return http.SendAsync(request).GetAwaiter().GetResult();
    }

    /// <summary>What a console would show: the script run in a session whose host writes to text (WhatIf lines, tables).</summary>
    private string RenderThroughHost(string script)
    {
        var writer = new StringWriter();
        using (var session = PsSession.Create(host: new TextHost(writer, 1000, plainText: true)))
        {
            ConnectAsNewCaller(session);
            session.Run(script).ThrowIfFailed();
        }

        return writer.ToString().Replace("\r\n", "\n");
    }

    /// <summary>Runs <paramref name="script"/> in a host that answers confirmation prompts; returns what it was asked.</summary>
    private List<(string Caption, string Message)> Prompted(string script, bool answerYes)
    {
        var host = new PromptHost(answerYes);
        using (var session = PsSession.Create(host: host))
        {
            ConnectAsNewCaller(session);
            session.Run(script).ThrowIfFailed();
        }

        return host.Prompts;
    }

    private List<CompletionResult> Complete(string line)
    {
        Ps.SetVariable("completionLine", line);
        var result = RunOk("(TabExpansion2 -inputScript $completionLine -cursorColumn $completionLine.Length).CompletionMatches");
        return result.Output.Select(o => (CompletionResult)o.BaseObject).ToList();
    }

    /// <summary>A host that records confirmation prompts and answers Yes or No (the only interaction these tests need).</summary>
    private sealed class PromptHost : PSHost
    {
        private readonly PromptUserInterface _ui;

        public PromptHost(bool answerYes) => _ui = new PromptUserInterface(answerYes);

        public List<(string Caption, string Message)> Prompts => _ui.Prompts;

        public override string Name => "MlvFabric.Tests.PromptHost";

        public override Version Version => new(1, 0);

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override PSHostUserInterface UI => _ui;

        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

        public override void SetShouldExit(int exitCode)
        {
        }

        public override void EnterNestedPrompt() => throw new NotSupportedException();

        public override void ExitNestedPrompt() => throw new NotSupportedException();

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }
    }

    private sealed class PromptUserInterface : PSHostUserInterface
    {
        private readonly bool _answerYes;

        public PromptUserInterface(bool answerYes) => _answerYes = answerYes;

        public List<(string Caption, string Message)> Prompts { get; } = new();

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add((caption, message));
            var wanted = _answerYes ? "&Yes" : "&No";
            return choices.Select((c, i) => (c, i)).First(x => x.c.Label == wanted).i;
        }

        public override string ReadLine() => throw new NotSupportedException();

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();

        public override void Write(string value)
        {
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
        }

        public override void WriteLine(string value)
        {
        }

        public override void WriteErrorLine(string value)
        {
        }

        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message)
        {
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException();
    }
}
