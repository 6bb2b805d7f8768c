using System;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Http;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// The module speaks only the operations of Microsoft's Fabric REST spec: every cmdlet against a lakehouse whose
/// history mixes MLV refreshes and TableMaintenance jobs, Location and continuationUri on another host, a lost
/// create answer from a service that normalises what it stores, and the spec table itself.
/// </summary>
public sealed class SpecConformanceTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";

    public SpecConformanceTests(EmulatorFixture fixture)
        : base(fixture)
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 1.5, queueSeconds = 0.5 });
    }

    [Fact]
    public void EveryCmdletWorksAgainstAHistoryOfMlvAndTableMaintenanceJobsAndSendsOnlySpecOperations()
    {
        var mark = Log.Mark();
        var maintenance = StartTableMaintenance("Gold");

        var refreshed = Assert.Single(RunOk($"Start-MlvRefresh {Gold} -Wait").Output);
        Assert.Equal("Completed", Text(refreshed, "Status"));
        RunOk($"New-MlvExecutionDefinition {Gold} -Name regions -SelectedMlv gold.sales_by_region | Out-Null");
        var subset = Assert.Single(RunOk($"Start-MlvRefresh {Gold} -ExecutionDefinition regions -Wait").Output);
        Assert.Equal("Completed", Text(subset, "Status"));

        var raw = Control.Jobs("Gold");
        Assert.Contains(raw, j => j.GetProperty("jobType").GetString() == "TableMaintenance" && j.GetProperty("id").GetGuid() == maintenance);
        var mlvIds = raw.Where(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews").Select(j => j.GetProperty("id").GetGuid()).ToArray();
        Assert.True(raw.Count > mlvIds.Length, "the history must mix job types");

        var history = RunOk($"Get-MlvJobInstance {Gold}").Output.ToList();
        Assert.Equal(mlvIds, history.Select(IdOf).ToArray());
        Assert.All(history, j => Assert.Equal("RefreshMaterializedLakeViews", Text(j, "JobType")));
        Assert.Equal(IdOf(subset), IdOf(Assert.Single(RunOk($"Get-MlvJobInstance {Gold} -First 1").Output)));
        Assert.Empty(RunOk($"Get-MlvJobInstance {Gold} -Status Completed -InvokeType Scheduled").Output);

        var schedule = IdOf(Assert.Single(RunOk($"New-MlvSchedule {Gold} -Daily -At 02:00 -TimeZone UTC").Output));
        Assert.Equal(schedule, IdOf(Assert.Single(RunOk($"Get-MlvSchedule {Gold}").Output)));
        RunOk($"Set-MlvSchedule {Gold} -Id {schedule} -At 03:00 -ExecutionDefinition regions");
        RunOk($"Disable-MlvSchedule {Gold} -Id {schedule}");
        RunOk($"Enable-MlvSchedule {Gold} -Id {schedule}");
        var stored = Assert.Single(RunOk($"Get-MlvSchedule {Gold} -Id {schedule}").Output);
        Assert.Equal(true, Prop(stored, "Enabled"));
        Assert.NotNull(Prop(stored, "ExecutionDefinitionId"));
        RunOk($"Remove-MlvExecutionDefinition {Gold} -Name regions -Confirm:$false");
        Assert.Empty(RunOk($"Get-MlvSchedule {Gold}").Output); // the service deleted the schedule that ran it
        RunOk($"New-MlvSchedule {Gold} -IntervalMinutes 60 -Disabled | Remove-MlvSchedule -Confirm:$false");

        var sent = Log.Since(mark);
        Assert.Contains(sent, r => r.Method == "GET" && r.Path.EndsWith($"/items/{LakehouseId("Gold")}/jobs/instances", StringComparison.Ordinal));
        var violations = SpecOperations.Violations(sent.Select(r => (r.Method, r.Path, (string?)r.Query, r.Body)));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void LocationAndContinuationUriOnAnotherHostAreReadForIdsAndTokensAndNothingGoesThere()
    {
        // The emulator answers with URLs on "localhost" while the module is connected to 127.0.0.1: were a URL
        // followed, the request would reach the emulator under the other host name and show in the log.
        var other = "http://localhost:" + Emulator.BaseUri.Port;
        Control.SetSettings(new { publicOrigin = other, pageSize = 2 });
        var mark = Log.Mark();

        var job = Assert.Single(RunOk($"Start-MlvRefresh {Gold} -Wait").Output);
        Assert.Equal("Completed", Text(job, "Status"));
        RunOk($"Start-MlvRefresh {Gold} -Wait | Out-Null");
        var history = RunOk($"Get-MlvJobInstance {Gold}").Output.ToList();
        var stopped = Assert.Single(RunOk($"Start-MlvRefresh {Gold} -PassThru | Stop-MlvJobInstance -Wait -Confirm:$false").Output);

        var sent = Log.Since(mark);
        Assert.Contains(sent, r => r.Method == "POST" && r.Status == 202); // answers did carry the other host's Location
        Assert.Contains(sent, r => r.Method == "GET" && r.Query.Contains("continuationToken=", StringComparison.Ordinal));
        Assert.All(sent, r => Assert.Equal("127.0.0.1:" + Emulator.BaseUri.Port, r.Host));
        Assert.Equal(2, history.Count);
        Assert.Equal("Cancelled", Text(stopped, "Status"));
        Assert.Equal(Control.Jobs("Gold").Count(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews"), history.Count + 1);
    }

    [Fact]
    public void ALostCreateAnswerFromAServiceThatNormalisesWhatItStoresCreatesOneSchedule()
    {
        Control.SetSettings(new { normalizeScheduleDateTimes = true });
        Control.SetFaults(new { script = new[] { new { method = "POST", pathPattern = "*/schedules", fault = "drop", phase = "response", count = 1 } } });

        (var result, var requests) = RunLogged(
            $"New-MlvSchedule {Gold} -Weekly -DayOfWeek Monday -At 06:00 -TimeZone 'Tokyo Standard Time' -StartDateTime '2030-01-01T00:00:00Z' -EndDateTime '2031-01-01T00:00:00Z'");

        result.ThrowIfFailed();
        var created = Assert.Single(result.Output);
        Assert.Single(requests, r => r.Method == "POST");
        var stored = Assert.Single(RunOk($"Get-MlvSchedule {Gold}").Output);
        Assert.Equal(IdOf(created), IdOf(stored));
        // The service stores the start as a wall time in the schedule's zone, not the text that was sent.
        Assert.Equal("2030-01-01T09:00:00", PSObject.AsPSObject(Prop(stored, "Configuration")!).Properties["StartDateTime"].Value);
    }

    [Fact]
    public void EveryRequestNamesTheModulesRealVersion()
    {
        var version = ModuleLocator.ModuleVersion;
        (var result, var requests) = RunLogged($"Get-MlvSchedule {Gold}");

        result.ThrowIfFailed();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal($"MlvFabric/{version}", r.UserAgent));
    }

    [Theory]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/instances", "", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules", "", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{id}", "", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/instances/{id}", "", null)]
    [InlineData("POST", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{id}/cancel", "", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/items/{lh}/jobs/instances", "?jobType=RefreshMaterializedLakeViews", null)]
    [InlineData("POST", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/refreshMaterializedLakeViews/instances", "", "{\"executionData\":{\"mlvExecutionDefinitionId\":\"{id}\"}}")]
    [InlineData("POST", "/v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/instances", "", "{\"executionData\":null}")]
    [InlineData("PATCH", "/v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{id}", "", "{\"enabled\":true,\"configuration\":{},\"executionData\":null}")]
    [InlineData("PATCH", "/v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{id}", "", "{\"configuration\":{}}")]
    [InlineData("POST", "/v1/workspaces/{ws}/items/{lh}/jobs/instances/{id}/cancel", "", "{}")]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}/materializedLakeViews", "", null)]
    public void TheSpecTableRefusesWhatTheSpecDoesNotDefine(string method, string path, string query, string? body) =>
        Assert.NotNull(SpecOperations.Violation(method, Fill(path), query, body is null ? null : Fill(body)));

    [Theory]
    [InlineData("GET", "/v1/workspaces", "?continuationToken=abc", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/lakehouses/{lh}", "", null)]
    [InlineData("POST", "/v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/instances", "", null)]
    [InlineData("POST", "/v1/workspaces/{ws}/items/{lh}/jobs/refreshmaterializedlakeviews/instances", "", "{\"executionData\":{\"mlvExecutionDefinitionId\":\"{id}\"}}")]
    [InlineData("POST", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/refreshMaterializedLakeViews/instances", "", null)]
    [InlineData("GET", "/v1/workspaces/{ws}/items/{lh}/jobs/instances", "?continuationToken=x%3D", null)]
    [InlineData("POST", "/v1/workspaces/{ws}/items/{lh}/jobs/instances/{id}/cancel", "", null)]
    [InlineData("PATCH", "/v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{id}", "", "{\"enabled\":false,\"configuration\":{\"type\":\"Cron\"}}")]
    [InlineData("DELETE", "/v1/workspaces/{ws}/lakehouses/{lh}/jobs/refreshMaterializedLakeViews/schedules/{id}", "", null)]
    [InlineData("PATCH", "/v1/workspaces/{ws}/lakehouses/{lh}/mlvExecutionDefinitions/{id}", "", "{\"description\":\"x\"}")]
    public void TheSpecTableAcceptsTheSpecsOperations(string method, string path, string query, string? body) =>
        Assert.Null(SpecOperations.Violation(method, Fill(path), query, body is null ? null : Fill(body)));

    private static string Fill(string template) => template
        .Replace("{ws}", "431bac27-08d0-5bc5-b47f-1186193a8774", StringComparison.Ordinal)
        .Replace("{lh}", "b4713f96-0f9a-5140-8e72-846a63d3b6a7", StringComparison.Ordinal)
        .Replace("{id}", "0b0c2a4e-5c2a-4d8e-9a53-0e7f6b3d1c11", StringComparison.Ordinal);

    private Guid StartTableMaintenance(string lakehouse)
    {
        using var response = Control.Api(HttpMethod.Post, $"workspaces/{Emulator.WorkspaceId("Sales")}/items/{LakehouseId(lakehouse)}/jobs/TableMaintenance/instances",
            new { executionData = new { tableName = "orders" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.AbsolutePath.Split('/').Last());
    }
}
