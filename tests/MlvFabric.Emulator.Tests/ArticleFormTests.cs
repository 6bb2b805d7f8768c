using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// With <c>ServeArticleForms</c> the spellings of Microsoft's MLV article that the API spec lacks answer too, on one
/// handler per operation alike on <c>/items/</c> and <c>/lakehouses/</c>, with the emulator's earlier lenient bodies.
/// </summary>
public sealed class ArticleFormTests : ArticleFormsTest
{
    public ArticleFormTests(ArticleFormsFixture fixture) : base(fixture) { }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Api.LakehouseSettings(Silver, new { queueSeconds = 600, durationSeconds = 600 });
    }

    [Fact]
    public async Task TheSettingsShowTheSwitch()
    {
        Assert.True((await Api.Control(HttpMethod.Get, "settings")).AssertStatus(200).Json.GetProperty("serveArticleForms").GetBoolean());
        await Api.Settings(new { pageSize = 5 });
        Assert.True((await Api.Control(HttpMethod.Get, "settings")).Json.GetProperty("serveArticleForms").GetBoolean());
    }

    [Theory]
    [InlineData("lakehouses/{lh}/jobs/instances?jobType=RefreshMaterializedLakeViews")]
    [InlineData("lakehouses/{lh}/jobs/refreshMaterializedLakeViews/instances")]
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
    [InlineData("lakehouses/{lh}/jobs/MaterializedLakeViews/instances")]
    [InlineData("items/{lh}/jobs/instances")]
    public async Task OtherJobTypesAreInvalidJobType(string path)
    {
        var reply = await Api.Post($"v1/workspaces/{Sales}/" + path.Replace("{lh}", Silver.ToString()));
        reply.AssertError(400, "InvalidJobType");
        (await Api.Get($"{Lh(Sales, Silver)}/jobs/MaterializedLakeViews/instances")).AssertError(400, "InvalidJobType");
        (await Api.Get($"{It(Sales, Silver)}/jobs/instances?jobType=MaterializedLakeViews")).AssertError(400, "InvalidJobType");
        (await Api.Get($"{Lh(Sales, Silver)}/jobs/Nope/schedules")).AssertError(400, "InvalidJobType");
    }

    [Fact]
    public async Task GetListAndCancelAnswerOnBothForms()
    {
        var job = await Api.RunAsync(Sales, Silver);
        foreach (var form in new[] { It(Sales, Silver), Lh(Sales, Silver) })
        {
            var one = (await Api.Get($"{form}/jobs/instances/{job}")).AssertStatus(200).Json;
            Assert.Equal(job.ToString(), one.GetProperty("id").GetString());
            var all = (await Api.Get($"{form}/jobs/instances")).AssertStatus(200).Json;
            Assert.Equal(1 + SeededTableMaintenanceRuns, all.GetProperty("value").GetArrayLength());
            var mlv = (await Api.Get($"{form}/jobs/refreshMaterializedLakeViews/instances")).AssertStatus(200).Json;
            Assert.Single(mlv.GetProperty("value").EnumerateArray());
            var filtered = (await Api.Get($"{form}/jobs/instances?jobType={Mlv}")).AssertStatus(200).Json;
            Assert.Single(filtered.GetProperty("value").EnumerateArray());
        }
        (await Api.Post($"{Lh(Sales, Silver)}/jobs/instances/{job}/cancel")).AssertStatus(202);
        (await Api.Post($"{It(Sales, Silver)}/jobs/instances/{job}/cancel")).AssertError(400, "JobAlreadyCompleted");
        var second = await Api.RunAsync(Sales, Silver);
        (await Api.Post($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{second}/cancel")).AssertStatus(202);
        Assert.Equal("Cancelled", (await Api.JobAsync(Sales, Silver, second)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheLakehouseFormListsMLVJobsOnlyAndTheItemFormEveryJobType()
    {
        await Api.Faults(new { throttle = new { jobStatusReadsPerMinute = 0 } });
        (await Api.Control(HttpMethod.Post, $"lakehouses/{Gold}/jobs/history", new { count = 120, otherJobTypeEvery = 4 })).AssertStatus(201);
        var all = await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances");
        var mlv = await Api.ListAllAsync($"{Lh(Sales, Gold)}/jobs/{Mlv}/instances");
        Assert.Equal(120 + SeededTableMaintenanceRuns, all.Count);
        Assert.Equal(90, mlv.Count);
        Assert.All(mlv, j => Assert.Equal(Mlv, j.GetProperty("jobType").GetString()));
        Assert.Equal(30 + SeededTableMaintenanceRuns, all.Count(j => j.GetProperty("jobType").GetString() == "TableMaintenance"));
    }

    [Fact]
    public async Task SchedulesAnswerIdenticallyOnBothFormsAndCasings()
    {
        var created = (await Api.Post($"{Lh(Sales, Silver)}/jobs/refreshMaterializedLakeViews/schedules", Bodies.Cron())).AssertStatus(201).Json;
        var id = created.GetProperty("id").GetString();
        var viaItems = (await Api.Get($"{It(Sales, Silver)}/jobs/RefreshMaterializedLakeViews/schedules/{id}")).AssertStatus(200).Json;
        var viaLakehouse = (await Api.Get($"{Lh(Sales, Silver)}/jobs/refreshmaterializedlakeviews/schedules/{id}")).AssertStatus(200).Json;
        Assert.Equal(created.GetRawText(), viaItems.GetRawText());
        Assert.Equal(created.GetRawText(), viaLakehouse.GetRawText());
        Assert.Single((await Api.Get($"{Lh(Sales, Silver)}/jobs/{Mlv}/schedules")).Json.GetProperty("value").EnumerateArray());
        (await Api.Patch($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{id}", Bodies.Cron(20))).AssertStatus(200);
        (await Api.Delete($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{id}")).AssertStatus(200);
        (await Api.Delete($"{Lh(Sales, Silver)}/jobs/{Mlv}/schedules/{id}")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task BodiesAreAsLenientAsBefore()
    {
        var def = (await Api.Post($"{Lh(Sales, Silver)}/mlvExecutionDefinitions",
                new { displayName = "stats", currentLakehouseExecutionContext = new { mode = "Selected", selectedMlvs = new[] { "silver.order_stats" } } }))
            .AssertStatus(201).Json.GetProperty("id").GetString();
        // A definition run on the lakehouse run operation (the spec's takes no body).
        var run = (await Api.Post($"{Lh(Sales, Silver)}/jobs/{Mlv}/instances", new { executionData = new { mlvExecutionDefinitionId = def } })).AssertStatus(202);
        var detail = await Api.JobDetailAsync(Guid.Parse(run.Location!.Split('/').Last()));
        Assert.Equal(def, detail.GetProperty("executionDefinitionId").GetString());

        // executionData: null unlinks the definition from a schedule.
        var schedule = (await Api.Post($"{It(Sales, Silver)}/jobs/{Mlv}/schedules", new
        {
            enabled = true,
            configuration = new { type = "Cron", startDateTime = "2030-01-01T00:00:00Z", endDateTime = "2030-12-31T00:00:00Z", localTimeZoneId = "UTC", interval = 10 },
            executionData = new { mlvExecutionDefinitionId = def },
        })).AssertStatus(201).Json.GetProperty("id").GetString();
        var patched = (await Api.Patch($"{It(Sales, Silver)}/jobs/{Mlv}/schedules/{schedule}", """
            {"enabled": true, "executionData": null, "configuration": {"type": "Cron", "startDateTime": "2030-01-01T00:00:00Z",
             "endDateTime": "2030-12-31T00:00:00Z", "localTimeZoneId": "UTC", "interval": 10}}
            """)).AssertStatus(200).Json;
        Assert.False(patched.TryGetProperty("executionData", out var data) && data.ValueKind != JsonValueKind.Null);
    }
}
