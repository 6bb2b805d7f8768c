using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>The scripted <c>override</c> fault (answers the service never sends) and <c>dropPhase: "either"</c>.</summary>
public sealed class FaultOverrideTests : EmulatorTest
{
    public FaultOverrideTests(EmulatorFixture fixture) : base(fixture) { }

    private string RunPath => $"{It(Sales, Gold)}/jobs/{Mlv}/instances";

    /// <summary>MLV runs in the job list (which also holds the seeded TableMaintenance runs).</summary>
    private async Task<int> JobCount() =>
        MlvRuns((await Api.Get($"{It(Sales, Gold)}/jobs/instances")).AssertStatus(200).Json.GetProperty("value").EnumerateArray()).Count();

    [Fact]
    public async Task RequestPhaseOverrideAnswersWithoutRunningTheHandler()
    {
        await Api.Faults(new
        {
            script = new object[]
            {
                new { method = "POST", pathPattern = "/v1/workspaces/*/jobs/*/instances", fault = "override", phase = "request", status = 200, body = "{\"id\": " },
            },
        });
        var reply = await Api.Post(RunPath);
        reply.AssertStatus(200);
        Assert.Equal("{\"id\": ", reply.Text);
        Assert.Equal(0, await JobCount());
        var log = (await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray().First(e => e.GetProperty("method").GetString() == "POST");
        Assert.Equal("override:request", log.GetProperty("fault").GetString());
        Assert.Equal(200, log.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ResponsePhaseOverrideKeepsTheStateChangeAndReplacesHeadersAndBody()
    {
        await Api.Faults(new
        {
            script = new object[]
            {
                new
                {
                    method = "POST", pathPattern = "/v1/workspaces/*/jobs/*/instances", fault = "override",
                    headers = new Dictionary<string, string> { ["Location"] = "https://elsewhere.example/v1/jobs/1", ["Retry-After"] = "" },
                },
            },
        });
        var reply = await Api.Post(RunPath);
        reply.AssertStatus(202);
        Assert.Equal("https://elsewhere.example/v1/jobs/1", reply.Location);
        Assert.Null(reply.Header("Retry-After"));
        Assert.Equal(1, await JobCount());
        var log = (await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray().First(e => e.GetProperty("method").GetString() == "POST");
        Assert.Equal("override:response", log.GetProperty("fault").GetString());
        Assert.Equal(202, log.GetProperty("handlerStatus").GetInt32());
    }

    [Fact]
    public async Task ResponsePhaseOverrideCanReplaceTheBodyAndStatus()
    {
        var job = await Api.RunAsync(Sales, Gold);
        var body = JsonSerializer.Serialize(new { id = job, status = "Exploding" });
        await Api.Faults(new
        {
            script = new object[] { new { method = "GET", pathPattern = $"/v1/*/jobs/instances/{job}", fault = "override", body, count = 2 } },
        });
        var reply = await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}");
        reply.AssertStatus(200);
        Assert.Equal("Exploding", reply.Json.GetProperty("status").GetString());
        Assert.StartsWith("application/json", reply.Response.Content.Headers.ContentType?.ToString());
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}")).AssertStatus(200);
        var normal = await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}");
        Assert.NotEqual("Exploding", normal.Json.GetProperty("status").GetString());
        var script = (await Api.Control(HttpMethod.Get, "faults")).Json.GetProperty("script")[0];
        Assert.Equal(body, script.GetProperty("body").GetString());
        Assert.Equal(0, script.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task BadOverrideEntriesAre400()
    {
        (await Api.Control(HttpMethod.Put, "faults", new { script = new[] { new { fault = "override" } } })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, "faults", new { script = new[] { new { fault = "override", status = 99 } } })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, "faults", new { script = new[] { new { fault = "throttle", body = "x" } } })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, "faults", new
        {
            script = new[] { new { fault = "override", headers = new Dictionary<string, string> { ["Content-Length"] = "1" } } },
        })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, "faults", new { dropPhase = "sometimes" })).AssertError(400, "InvalidRequest");
    }

    [Fact]
    public async Task DropPhaseEitherDropsBeforeAndAfterProcessing()
    {
        await Api.Faults(new { seed = 5, rates = new { drop = 1.0 }, dropPhase = "either" });
        for (var i = 0; i < 40; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => Api.Post(RunPath));
        }

        var faults = (await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray()
            .Select(e => e.GetProperty("fault").GetString()).ToList();
        Assert.Contains("drop:request", faults);
        Assert.Contains("drop:response", faults);
        await Api.Control(HttpMethod.Delete, "faults");
        var processed = faults.Count(f => f == "drop:response");
        // Every response-phase drop ran the handler: a job each (later ones are Deduped, but listed all the same).
        Assert.Equal(processed, MlvRuns(await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances")).Count());
    }
}
