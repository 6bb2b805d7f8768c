using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// Lakehouses also run TableMaintenance: seeded history, runs on the items and lakehouse operations, one job list
/// with the MLV runs, and no part in the MLV dedupe.
/// </summary>
public sealed class TableMaintenanceTests : EmulatorTest
{
    public TableMaintenanceTests(EmulatorFixture fixture) : base(fixture) { }

    private const string Tm = "TableMaintenance";

    private static object Table(string name = "orders") => new { executionData = new { tableName = name } };

    private async Task<string> Status(Guid lh, Guid job) =>
        (await Api.JobAsync(Sales, lh, job)).GetProperty("status").GetString()!;

    private static Guid JobId(Reply reply) => Guid.Parse(reply.Location!.Split('/').Last());

    [Fact]
    public async Task EveryBuiltInLakehouseHasFinishedTableMaintenanceRunsBeforeTheStart()
    {
        var start = Server.UtcNow;
        foreach (var (ws, wsName, lh, name) in new[] { (Sales, "Sales", Bronze, "Bronze"), (Sales, "Sales", Gold, "Gold"), (Finance, "Finance", Ledger, "Ledger") })
        {
            var jobs = (await Api.Get($"{It(ws, lh)}/jobs/instances")).AssertStatus(200).Json.GetProperty("value").EnumerateArray().ToList();
            Assert.Equal(SeededTableMaintenanceRuns, jobs.Count);
            for (var i = 0; i < jobs.Count; i++)
            {
                var j = jobs[i];
                Assert.Equal(StableIds.Of("job", wsName, name, Tm, i.ToString()).ToString(), j.GetProperty("id").GetString());
                Assert.Equal(Tm, j.GetProperty("jobType").GetString());
                Assert.Equal("Scheduled", j.GetProperty("invokeType").GetString());
                Assert.Equal("Completed", j.GetProperty("status").GetString());
                Assert.True(DateTime.Parse(j.GetProperty("endTimeUtc").GetString()!) < start);
            }
        }
        var before = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray().Select(j => j.GetProperty("id").GetString()).ToList();
        Server.Reset();
        var after = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray().Select(j => j.GetProperty("id").GetString());
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("items/{lh}/jobs/TableMaintenance/instances", null)]
    [InlineData("items/{lh}/jobs/tablemaintenance/instances", null)]
    [InlineData("items/{lh}/jobs/instances?jobType=TABLEMAINTENANCE", null)]
    [InlineData("items/{lh}/jobs/TableMaintenance/instances", "orders")]
    [InlineData("lakehouses/{lh}/jobs/tableMaintenance/instances", "orders")]
    [InlineData("lakehouses/{lh}/jobs/TableMaintenance/instances", "dbo_1")]
    [InlineData("lakehouses/{lh}/jobs/instances?jobType=TableMaintenance", "orders")]
    public async Task ARunGoesForTwoSecondsAndCompletes(string path, string? table)
    {
        var reply = await Api.Post($"v1/workspaces/{Sales}/" + path.Replace("{lh}", Gold.ToString()), table is null ? null : Table(table));
        reply.AssertStatus(202);
        Assert.StartsWith($"{Server.BaseUri}v1/workspaces/{Sales}/items/{Gold}/jobs/instances/", reply.Location);
        var job = JobId(reply);
        var read = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal(Tm, read.GetProperty("jobType").GetString());
        Assert.Equal("Manual", read.GetProperty("invokeType").GetString());
        Assert.Equal("InProgress", read.GetProperty("status").GetString());
        await Api.AdvanceSeconds(3);
        Assert.Equal("Completed", await Status(Gold, job));
    }

    [Fact]
    public async Task TheLakehouseOperationNeedsATable()
    {
        var op = $"{Lh(Sales, Gold)}/jobs/tableMaintenance/instances";
        (await Api.Post(op)).AssertError(400, "InvalidRequest");
        (await Api.Post(op, new { })).AssertError(400, "InvalidRequest");
        (await Api.Post(op, new { executionData = new { schemaName = "dbo" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(op, Table("no-dashes"))).AssertError(400, "InvalidRequest");
        (await Api.Post(op, Table("123"))).AssertError(400, "InvalidRequest");
        (await Api.Post(op, "{\"executionData\": null}")).AssertError(400, "InvalidRequest");
        (await Api.Post($"{Lh(Sales, Gold)}/jobs/instances?jobType=TableMaintenance")).AssertError(400, "InvalidRequest");
        (await Api.Post($"{It(Sales, Notebook)}/jobs/{Tm}/instances")).AssertError(400, "InvalidJobType");
        (await Api.Post($"{Lh(Sales, Notebook)}/jobs/tableMaintenance/instances", Table())).AssertError(404, "ItemNotFound");
        Assert.Equal(SeededTableMaintenanceRuns, (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task TheJobListInterleavesBothJobTypesNewestFirst()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 0, durationSeconds = 1 });
        var first = await Api.RunAsync(Sales, Gold);
        await Api.AdvanceSeconds(5);
        var tm = JobId((await Api.Post($"{It(Sales, Gold)}/jobs/{Tm}/instances")).AssertStatus(202));
        await Api.AdvanceSeconds(5);
        var second = await Api.RunAsync(Sales, Gold);
        var jobs = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(new[] { second, tm, first }.Select(g => g.ToString()), jobs.Take(3).Select(j => j.GetProperty("id").GetString()));
        Assert.Equal(new[] { Mlv, Tm, Mlv, Tm, Tm, Tm }, jobs.Select(j => j.GetProperty("jobType").GetString()));
        var starts = jobs.Select(j => j.GetProperty("startTimeUtc").GetString()).ToList();
        Assert.Equal(starts.OrderByDescending(s => s, StringComparer.Ordinal), starts);
    }

    [Fact]
    public async Task TableMaintenanceNeitherDedupesNorIsDeduped()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 0, durationSeconds = 60 });
        var tm = JobId(await Api.Post($"{Lh(Sales, Gold)}/jobs/tableMaintenance/instances", Table()));
        var mlv = await Api.RunAsync(Sales, Gold);
        Assert.Equal("InProgress", await Status(Gold, tm));
        Assert.Equal("InProgress", await Status(Gold, mlv));

        var tm2 = JobId(await Api.Post($"{It(Sales, Gold)}/jobs/{Tm}/instances"));
        Assert.Equal("InProgress", await Status(Gold, tm2));
        var skipped = await Api.RunAsync(Sales, Gold);
        Assert.Equal("Deduped", await Status(Gold, skipped));
        Assert.Equal(mlv.ToString(), (await Api.JobDetailAsync(skipped)).GetProperty("supersededBy").GetString());
    }

    [Fact]
    public async Task UnknownStatusSettingsAndFailureRatesLeaveTableMaintenanceAlone()
    {
        await Api.LakehouseSettings(Gold, new { unknownStatus = "Paused", failureRate = 1.0 });
        var tm = JobId(await Api.Post($"{It(Sales, Gold)}/jobs/{Tm}/instances"));
        Assert.Equal("InProgress", await Status(Gold, tm));
        await Api.AdvanceSeconds(3);
        Assert.Equal("Completed", await Status(Gold, tm));
        Assert.Equal("Paused", await Status(Gold, await Api.RunAsync(Sales, Gold)));
    }

    [Fact]
    public async Task TheHistoryControlRouteAddsTableMaintenanceRuns()
    {
        (await Api.Control(HttpMethod.Post, $"lakehouses/{Gold}/jobs/history", new { count = 4, otherJobTypeEvery = 1 })).AssertStatus(201);
        var jobs = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(4 + SeededTableMaintenanceRuns, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(Tm, j.GetProperty("jobType").GetString()));
    }
}
