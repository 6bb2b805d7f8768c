using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Request log, reset, clock, settings and tenant control.</summary>
public sealed class ControlTests : EmulatorTest
{
    public ControlTests(EmulatorFixture fixture) : base(fixture) { }

    [Fact]
    public async Task TheRequestLogRecordsEveryV1RequestWithoutTheToken()
    {
        (await Api.Get($"v1/workspaces/{Sales}")).AssertStatus(200);
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/schedules?x=1", Bodies.Cron())).AssertStatus(201);
        (await Api.Get("v1/workspaces/bad")).AssertStatus(400);
        (await Api.Control(HttpMethod.Get, "clock")).AssertStatus(200);

        var reply = (await Api.Control(HttpMethod.Get, "requests")).AssertStatus(200);
        Assert.DoesNotContain(Api.Token!, reply.Text);
        var log = reply.Json.EnumerateArray().ToList();
        Assert.Equal(3, log.Count);
        Assert.Equal(new[] { "GET", "POST", "GET" }, log.Select(e => e.GetProperty("method").GetString()));
        Assert.Equal(new[] { 200, 201, 400 }, log.Select(e => e.GetProperty("status").GetInt32()));
        var post = log[1];
        Assert.Equal($"/v1/workspaces/{Sales}/items/{Gold}/jobs/{Mlv}/schedules", post.GetProperty("path").GetString());
        Assert.Equal("?x=1", post.GetProperty("query").GetString());
        Assert.Contains("\"interval\":10", post.GetProperty("body").GetString());
        Assert.Equal(MlvFabric.Emulator.EmulatorServer.DefaultUserOid, post.GetProperty("callerOid").GetString());
        Assert.Equal("InvalidInput", log[2].GetProperty("errorCode").GetString());
        Assert.True(log[0].GetProperty("sequence").GetInt64() < log[1].GetProperty("sequence").GetInt64());

        var since = log[1].GetProperty("sequence").GetInt64();
        Assert.Single((await Api.Control(HttpMethod.Get, $"requests?since={since}")).Json.EnumerateArray());
        (await Api.Control(HttpMethod.Delete, "requests")).AssertStatus(204);
        Assert.Empty((await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray());
    }

    [Fact]
    public async Task ResetReturnsToTheSeed()
    {
        await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/schedules", Bodies.Cron());
        await Api.RunAsync(Sales, Gold);
        await Api.AdvanceMinutes(90);
        await Api.Faults(new { rates = new { serverError = 1.0 } });
        await Api.Settings(new { pageSize = 1 });
        (await Api.Control(HttpMethod.Post, "seed/lakehouses", new { workspace = "Bench", count = 3 })).AssertStatus(201);

        var clock = (await Api.Control(HttpMethod.Post, "reset")).AssertStatus(200).Json;
        Assert.Equal(0, clock.GetProperty("offsetMinutes").GetDouble());
        Assert.Empty((await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray());
        Assert.Equal(2, (await Api.Get("v1/workspaces")).AssertStatus(200).Json.GetProperty("value").GetArrayLength());
        Assert.Empty((await Api.Get($"{It(Sales, Gold)}/jobs/{Mlv}/schedules")).Json.GetProperty("value").EnumerateArray());
        var jobs = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(SeededTableMaintenanceRuns, jobs.Count);
        Assert.All(jobs, j => Assert.Equal("TableMaintenance", j.GetProperty("jobType").GetString()));
    }

    [Fact]
    public async Task TheClockAdvancesAndCanBeSet()
    {
        var before = (await Api.Control(HttpMethod.Get, "clock")).Json;
        Assert.Equal(0, before.GetProperty("offsetMinutes").GetDouble());
        var realBefore = DateTime.UtcNow;
        var after = await Api.AdvanceMinutes(90);
        var realAfter = DateTime.UtcNow;
        Assert.InRange(after.GetProperty("offsetMinutes").GetDouble(), 89.99, 90.01);
        var now = DateTime.Parse(after.GetProperty("utcNow").GetString()!).ToUniversalTime();
        // Read while the request ran: between the real times around it, 90 minutes on (to the second it is written in).
        Assert.InRange(now, realBefore.AddMinutes(90).AddSeconds(-1), realAfter.AddMinutes(90).AddSeconds(1));
        (await Api.Control(HttpMethod.Post, "clock/advance", new { minutes = -1 })).AssertError(400, "InvalidRequest");
        await Api.SetClock("2027-05-01T08:00:00Z");
        var set = (await Api.Control(HttpMethod.Get, "clock")).Json;
        Assert.StartsWith("2027-05-01T08:00:0", set.GetProperty("utcNow").GetString());
    }

    [Fact]
    public async Task BulkLakehousesAndPerLakehouseSettings()
    {
        var created = (await Api.Control(HttpMethod.Post, "seed/lakehouses", new { workspace = "Bench", count = 500, durationSeconds = 2, queueSeconds = 30 })).AssertStatus(201).Json;
        var ws = Guid.Parse(created.GetProperty("workspaceId").GetString()!);
        Assert.Equal(500, created.GetProperty("lakehouses").GetArrayLength());
        Assert.Equal(500, (await Api.ListAllAsync($"v1/workspaces/{ws}/lakehouses")).Count);
        var lh = Guid.Parse(created.GetProperty("lakehouses")[499].GetProperty("id").GetString()!);
        var detail = (await Api.Control(HttpMethod.Get, $"lakehouses/{lh}")).AssertStatus(200).Json;
        Assert.Equal(3, detail.GetProperty("mlvs").GetArrayLength());
        Assert.Equal(2, detail.GetProperty("settings").GetProperty("durationSeconds").GetDouble());
        var job = await Api.RunAsync(ws, lh);
        Assert.Equal("NotStarted", (await Api.JobAsync(ws, lh, job)).GetProperty("status").GetString());

        var updated = (await Api.Control(HttpMethod.Put, $"lakehouses/{lh}/settings", new { failureRate = 0.25, queueSeconds = 9 })).AssertStatus(200).Json;
        Assert.Equal(0.25, updated.GetProperty("settings").GetProperty("failureRate").GetDouble());
        Assert.Equal(2, updated.GetProperty("settings").GetProperty("durationSeconds").GetDouble());
        (await Api.Control(HttpMethod.Put, $"lakehouses/{lh}/settings", new { failureRate = 3 })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Get, $"lakehouses/{Guid.NewGuid()}")).AssertError(404, "ItemNotFound");
    }

    [Fact]
    public async Task SettingsReadAndWrite()
    {
        var s = (await Api.Control(HttpMethod.Get, "settings")).AssertStatus(200).Json;
        Assert.Equal(50, s.GetProperty("pageSize").GetInt32());
        Assert.Equal("Deduped", s.GetProperty("dedupeStatus").GetString());
        (await Api.Control(HttpMethod.Put, "settings", new { dedupeStatus = "Skipped" })).AssertError(400, "InvalidRequest");
        await Api.Settings(new { retryAfterSeconds = 60 });
        var run = await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances");
        Assert.Equal("60", run.Header("Retry-After"));
    }
}
