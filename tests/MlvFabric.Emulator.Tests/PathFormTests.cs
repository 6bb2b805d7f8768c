using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// The default emulator routes only the spec's operations: every spec spelling of every operation reaches it, the
/// MLV article's extra spellings are 404 <c>EntityNotFound</c>, wrong job types and item types are refused.
/// </summary>
public sealed class PathFormTests : EmulatorTest
{
    public PathFormTests(EmulatorFixture fixture) : base(fixture) { }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Api.LakehouseSettings(Silver, new { queueSeconds = 600, durationSeconds = 600 });
    }

    [Theory]
    [InlineData("lakehouses/{lh}/jobs/instances?jobType=RefreshMaterializedLakeViews")]
    [InlineData("lakehouses/{lh}/jobs/refreshMaterializedLakeViews/instances")]
    [InlineData("lakehouses/{lh}/jobs/REFRESHMATERIALIZEDLAKEVIEWS/instances")]
    [InlineData("items/{lh}/jobs/RefreshMaterializedLakeViews/instances")]
    [InlineData("items/{lh}/jobs/instances?jobType=RefreshMaterializedLakeViews")]
    [InlineData("items/{lh}/jobs/REFRESHMATERIALIZEDLAKEVIEWS/instances")]
    [InlineData("items/{lh}/jobs/instances?jobType=refreshmaterializedlakeviews")]
    public async Task EveryRunSpellingStartsAJob(string path)
    {
        var reply = await Api.Post($"v1/workspaces/{Sales}/" + path.Replace("{lh}", Silver.ToString()));
        reply.AssertStatus(202);
        Assert.Contains($"/v1/workspaces/{Sales}/items/{Silver}/jobs/instances/", reply.Location);
        var id = Guid.Parse(reply.Location!.Split('/').Last());
        Assert.Equal("RefreshMaterializedLakeViews", (await Api.JobAsync(Sales, Silver, id)).GetProperty("jobType").GetString());
    }

    [Theory]
    [InlineData("items/{lh}/jobs/MaterializedLakeViews/instances")]
    [InlineData("items/{lh}/jobs/instances?jobType=MaterializedLakeViews")]
    [InlineData("lakehouses/{lh}/jobs/instances?jobType=MaterializedLakeViews")]
    [InlineData("lakehouses/{lh}/jobs/instances")]
    [InlineData("items/{lh}/jobs/instances")]
    public async Task OtherJobTypesAreInvalidJobType(string path)
    {
        var reply = await Api.Post($"v1/workspaces/{Sales}/" + path.Replace("{lh}", Silver.ToString()));
        reply.AssertError(400, "InvalidJobType");
        (await Api.Get($"{It(Sales, Silver)}/jobs/Nope/schedules")).AssertError(400, "InvalidJobType");
        (await Api.Post($"{It(Sales, Silver)}/jobs/TableMaintenance/schedules", Bodies.Cron())).AssertError(400, "InvalidJobType");
    }

    /// <summary>Spellings shown in Microsoft's MLV article but absent from the API spec (served with ServeArticleForms).</summary>
    [Theory]
    [InlineData("GET", "lakehouses/{lh}/jobs/instances")]
    [InlineData("GET", "lakehouses/{lh}/jobs/instances/{job}")]
    [InlineData("GET", "lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/instances")]
    [InlineData("GET", "items/{lh}/jobs/RefreshMaterializedLakeViews/instances")]
    [InlineData("POST", "lakehouses/{lh}/jobs/instances/{job}/cancel")]
    [InlineData("POST", "lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{job}/cancel")]
    [InlineData("POST", "items/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{job}/cancel")]
    [InlineData("GET", "lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules")]
    [InlineData("GET", "lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/schedules/{schedule}")]
    [InlineData("POST", "lakehouses/{lh}/jobs/MaterializedLakeViews/instances")]
    [InlineData("POST", "lakehouses/{lh}/jobs/MaterializedLakeViews/schedules")]
    public async Task ArticleFormsAre404EntityNotFound(string method, string path)
    {
        var job = await Api.RunAsync(Sales, Silver);
        var schedule = (await Api.Post($"{It(Sales, Silver)}/jobs/{Mlv}/schedules", Bodies.Cron())).AssertStatus(201).Json.GetProperty("id").GetString();
        var url = $"v1/workspaces/{Sales}/" + path.Replace("{lh}", Silver.ToString()).Replace("{job}", job.ToString()).Replace("{schedule}", schedule);
        var reply = await Api.Send(new HttpMethod(method), url, method == "POST" && path.EndsWith("schedules") ? Bodies.Cron() : null);
        reply.AssertError(404, "EntityNotFound");
        Assert.Equal("NotStarted", (await Api.JobAsync(Sales, Silver, job)).GetProperty("status").GetString());
        Assert.Single((await Api.Get($"{It(Sales, Silver)}/jobs/{Mlv}/schedules")).Json.GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task TheSettingsShowTheSwitchOff()
    {
        Assert.False((await Api.Control(HttpMethod.Get, "settings")).AssertStatus(200).Json.GetProperty("serveArticleForms").GetBoolean());
    }

    [Fact]
    public async Task GetListAndCancelAnswerOnTheItemsForm()
    {
        var job = await Api.RunAsync(Sales, Silver);
        var one = (await Api.Get($"{It(Sales, Silver)}/jobs/instances/{job}")).AssertStatus(200).Json;
        Assert.Equal(job.ToString(), one.GetProperty("id").GetString());
        var all = (await Api.Get($"{It(Sales, Silver)}/jobs/instances")).AssertStatus(200).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(1 + SeededTableMaintenanceRuns, all.Count);
        Assert.Equal(job.ToString(), all[0].GetProperty("id").GetString());
        (await Api.Post($"{It(Sales, Silver)}/jobs/instances/{job}/cancel")).AssertStatus(202);
        (await Api.Post($"{It(Sales, Silver)}/jobs/instances/{job}/cancel")).AssertError(400, "JobAlreadyCompleted");
    }

    [Fact]
    public async Task SchedulesAnswerOnBothSpecFormsAndCasings()
    {
        var created = (await Api.Post($"{Lh(Sales, Silver)}/jobs/refreshMaterializedLakeViews/schedules", Bodies.Cron())).AssertStatus(201);
        var id = created.Json.GetProperty("id").GetString();
        Assert.Equal($"{Server.BaseUri}v1/workspaces/{Sales}/items/{Silver}/jobs/{Mlv}/schedules/{id}", created.Location);
        var viaItems = (await Api.Get($"{It(Sales, Silver)}/jobs/refreshmaterializedlakeviews/schedules/{id}")).AssertStatus(200).Json;
        Assert.Equal(created.Json.GetRawText(), viaItems.GetRawText());
        var patched = (await Api.Patch($"{Lh(Sales, Silver)}/jobs/REFRESHMATERIALIZEDLAKEVIEWS/schedules/{id}", Bodies.Cron(20))).AssertStatus(200).Json;
        Assert.Equal(20, patched.GetProperty("configuration").GetProperty("interval").GetInt32());
        (await Api.Patch($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{id}", Bodies.Cron(30))).AssertStatus(200);
        (await Api.Delete($"{Lh(Sales, Silver)}/jobs/refreshMaterializedLakeViews/schedules/{id}")).AssertStatus(200);
        (await Api.Delete($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{id}")).AssertError(404, "EntityNotFound");
        var second = (await Api.Post($"{It(Sales, Silver)}/jobs/{Mlv}/schedules", Bodies.Cron())).AssertStatus(201).Json.GetProperty("id").GetString();
        (await Api.Delete($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{second}")).AssertStatus(200);
    }

    [Fact]
    public async Task ExecutionDefinitionsAnswerInAnyCasing()
    {
        var created = (await Api.Post($"{Lh(Sales, Silver)}/mlvexecutiondefinitions",
            new { displayName = "all", currentLakehouseExecutionContext = new { mode = "All" } })).AssertStatus(201).Json;
        var id = created.GetProperty("id").GetString();
        (await Api.Get($"{Lh(Sales, Silver)}/MLVEXECUTIONDEFINITIONS/{id}")).AssertStatus(200);
        (await Api.Get($"{Lh(Sales, Silver)}/mlvExecutionDefinitions")).AssertStatus(200);
        (await Api.Patch($"{Lh(Sales, Silver)}/mlvExecutionDefinitions/{id}", new { description = "x" })).AssertStatus(200);
        (await Api.Delete($"{Lh(Sales, Silver)}/mlvexecutiondefinitions/{id}")).AssertStatus(200);
        (await Api.Get($"{It(Sales, Silver)}/mlvexecutiondefinitions")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task ANotebookHasNoMLVJobs()
    {
        (await Api.Post($"{It(Sales, Notebook)}/jobs/{Mlv}/instances")).AssertError(400, "InvalidJobType");
        (await Api.Post($"{It(Sales, Notebook)}/jobs/{Mlv}/schedules", Bodies.Cron())).AssertError(400, "InvalidJobType");
        (await Api.Post($"{Lh(Sales, Notebook)}/jobs/{Mlv}/instances")).AssertError(404, "ItemNotFound");
        (await Api.Get($"{Lh(Sales, Notebook)}")).AssertError(404, "ItemNotFound");
        (await Api.Get($"{Lh(Sales, Notebook)}/mlvExecutionDefinitions")).AssertError(404, "ItemNotFound");
        var jobs = (await Api.Get($"{It(Sales, Notebook)}/jobs/instances")).AssertStatus(200).Json;
        Assert.Empty(jobs.GetProperty("value").EnumerateArray());
        (await Api.Get($"{It(Sales, Notebook)}/jobs/instances/{Guid.NewGuid()}")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task LookupsOfWorkspacesLakehousesAndItems()
    {
        var ws = (await Api.Get("v1/workspaces")).AssertStatus(200).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(new[] { "Sales", "Finance" }, ws.Select(w => w.GetProperty("displayName").GetString()));
        Assert.Equal(new[] { "id", "displayName", "description", "type", "capacityId" }, ws[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("Sales", (await Api.Get($"v1/workspaces/{Sales}")).AssertStatus(200).Json.GetProperty("displayName").GetString());

        var lakehouses = (await Api.Get($"v1/workspaces/{Sales}/lakehouses")).AssertStatus(200).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(new[] { "Bronze", "Silver", "Gold" }, lakehouses.Select(l => l.GetProperty("displayName").GetString()));
        Assert.All(lakehouses, l => Assert.Equal("Lakehouse", l.GetProperty("type").GetString()));
        Assert.All(lakehouses, l => Assert.Equal(Sales.ToString(), l.GetProperty("workspaceId").GetString()));
        Assert.Equal(new[] { "id", "type", "displayName", "description", "workspaceId" }, lakehouses[0].EnumerateObject().Select(p => p.Name));

        var items = (await Api.Get($"v1/workspaces/{Sales}/items?type=Lakehouse")).AssertStatus(200).Json.GetProperty("value");
        Assert.Equal(lakehouses.Select(l => l.GetRawText()), items.EnumerateArray().Select(i => i.GetRawText()));
        var everything = (await Api.Get($"v1/workspaces/{Sales}/items")).AssertStatus(200).Json.GetProperty("value");
        Assert.Equal(4, everything.GetArrayLength());

        var one = (await Api.Get($"{Lh(Sales, Gold)}")).AssertStatus(200).Json;
        Assert.Equal("Gold", one.GetProperty("displayName").GetString());
        Assert.Equal(one.GetRawText(), (await Api.Get($"{It(Sales, Gold)}")).AssertStatus(200).Json.GetRawText());
    }

    [Fact]
    public async Task StableIdsAreDerivedFromNames()
    {
        Assert.Equal(StableIds.Workspace("Sales"), Sales);
        Assert.Equal(StableIds.Lakehouse("Sales", "Gold"), Gold);
        Assert.Equal(StableIds.Lakehouse("Finance", "Ledger"), Ledger);
        // The ids the emulator README lists.
        Assert.Equal(Guid.Parse("431bac27-08d0-5bc5-b47f-1186193a8774"), Sales);
        Assert.Equal(Guid.Parse("94015a44-d3fa-5cd2-8104-951f4d91d32d"), Bronze);
        Assert.Equal(Guid.Parse("808760a7-06d2-5259-82cc-ca984d34c9c3"), Silver);
        Assert.Equal(Guid.Parse("b4713f96-0f9a-5140-8e72-846a63d3b6a7"), Gold);
        Assert.Equal(Guid.Parse("fa052545-981e-5f84-9562-63559c015c7b"), Notebook);
        Assert.Equal(Guid.Parse("0a1cff31-0ef9-5ee9-8269-143df5cf3841"), Finance);
        Assert.Equal(Guid.Parse("a246c25a-628a-535b-9a23-920677800c55"), Ledger);
        Assert.Equal("5940ec45-c716-57c3-b040-9f3df8ff764a", Server.TenantId);
        Assert.Equal("2b3d4204-15ef-5fcc-a13e-b5c6c7d05245", MlvFabric.Emulator.EmulatorServer.DefaultUserOid);
        var tenant = (await Api.Control(HttpMethod.Get, "tenant")).AssertStatus(200).Json;
        Assert.Equal(2, tenant.GetProperty("workspaces").GetArrayLength());
    }

    [Fact]
    public async Task UnknownRoutesAre404WithTheErrorBody()
    {
        (await Api.Get($"{Lh(Sales, Gold)}/materializedLakeViews")).AssertError(404, "EntityNotFound");
    }
}
