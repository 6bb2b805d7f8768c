using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Fault injection by script and by seeded rate.</summary>
public sealed class FaultTests : EmulatorTest
{
    public FaultTests(EmulatorFixture fixture) : base(fixture) { }

    private string RunPath => $"{It(Sales, Gold)}/jobs/{Mlv}/instances";

    private static object Script(string fault, string method = "*", string path = "*", string? phase = null, int count = 1, int? status = null, int? delayMs = null) =>
        new { script = new[] { new { method, pathPattern = path, fault, phase, count, status, delayMs } } };

    /// <summary>MLV runs in the job list (which also holds the seeded TableMaintenance runs).</summary>
    private async Task<int> JobCount() =>
        MlvRuns((await Api.Get($"{It(Sales, Gold)}/jobs/instances")).AssertStatus(200).Json.GetProperty("value").EnumerateArray()).Count();

    [Fact]
    public async Task ScriptedThrottleAndServerErrors()
    {
        await Api.Faults(new
        {
            retryAfterSeconds = 7,
            script = new object[]
            {
                new { method = "GET", pathPattern = "/v1/workspaces", fault = "throttle", count = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces", fault = "serverError", status = 503, count = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces", fault = "serverError", count = 1 },
            },
        });
        var t = await Api.Get("v1/workspaces");
        Assert.True(t.AssertError(429, "RequestBlocked").GetProperty("isRetriable").GetBoolean());
        Assert.Equal("7", t.Header("Retry-After"));
        var u = await Api.Get("v1/workspaces");
        u.AssertError(503, "ServiceUnavailable");
        Assert.Equal("7", u.Header("Retry-After"));
        (await Api.Get("v1/workspaces")).AssertError(500, "InternalServerError");
        (await Api.Get("v1/workspaces")).AssertStatus(200);
        var script = (await Api.Control(HttpMethod.Get, "faults")).Json.GetProperty("script");
        Assert.All(script.EnumerateArray(), e => Assert.Equal(0, e.GetProperty("remaining").GetInt32()));
    }

    [Fact]
    public async Task DropBeforeProcessingLosesTheRequest()
    {
        await Api.Faults(Script("drop", "POST", "/v1/workspaces/*/jobs/*/instances", "request"));
        await Assert.ThrowsAsync<HttpRequestException>(() => Api.Post(RunPath));
        Assert.Equal(0, await JobCount());
        (await Api.Post(RunPath)).AssertStatus(202);
        Assert.Equal(1, await JobCount());
    }

    [Fact]
    public async Task DropAfterProcessingCreatesTheJobButLosesTheAnswer()
    {
        await Api.Faults(Script("drop", "POST", "/v1/workspaces/*/jobs/*/instances", "response"));
        await Assert.ThrowsAsync<HttpRequestException>(() => Api.Post(RunPath));
        var jobs = MlvRuns((await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray()).ToList();
        Assert.Single(jobs);
        Assert.Equal("Manual", jobs[0].GetProperty("invokeType").GetString());
        var log = (await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray().First(e => e.GetProperty("method").GetString() == "POST");
        Assert.Equal(0, log.GetProperty("status").GetInt32());
        Assert.Equal(202, log.GetProperty("handlerStatus").GetInt32());
        Assert.Equal("drop:response", log.GetProperty("fault").GetString());
    }

    [Fact]
    public async Task TruncateAnswers200WithHalfAJsonBody()
    {
        await Api.Faults(Script("truncate", "GET", "/v1/workspaces"));
        var reply = await Api.Get("v1/workspaces");
        reply.AssertStatus(200);
        Assert.StartsWith("{\"value\":[", reply.Text);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(reply.Text));
        var full = (await Api.Get("v1/workspaces")).AssertStatus(200).Text;
        Assert.Equal(full.Length / 2, reply.Text.Length);
    }

    [Fact]
    public async Task SlowHoldsTheAnswerForItsDelay()
    {
        // Ten minutes: the answer cannot come while the test runs, whatever the machine's load.
        await Api.Faults(Script("slow", "GET", "/v1/workspaces", delayMs: 600_000));
        using var giveUp = new CancellationTokenSource();
        var held = Api.Send(HttpMethod.Get, "v1/workspaces", cancellationToken: giveUp.Token);

        // The fault is spent when the request reaches it; from then on the request is held.
        await Until(async () => (await Api.Control(HttpMethod.Get, "faults")).Json.GetProperty("script")[0].GetProperty("remaining").GetInt32() == 0);
        (await Api.Get($"v1/workspaces/{Sales}")).AssertStatus(200);
        Assert.False(held.IsCompleted, "the slow request was answered before its delay ended");

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        var logged = await Until(async () => (await Api.Control(HttpMethod.Get, "requests")).Json.EnumerateArray()
            .Where(e => e.GetProperty("path").GetString() == "/v1/workspaces").Select(e => (JsonElement?)e).FirstOrDefault());
        Assert.Equal("slow:600000ms", logged.GetProperty("fault").GetString());
        Assert.Equal(0, logged.GetProperty("status").GetInt32()); // the client gave up: nothing was answered
    }

    [Fact]
    public async Task RatesAreDeterministicForASeedAndNeverTouchTheControlSurface()
    {
        async Task<string> Sequence()
        {
            await Api.Faults(new { seed = 42, rates = new { throttle = 0.2, serverError = 0.2 } });
            var s = "";
            for (var i = 0; i < 30; i++)
            {
                s += (int)(await Api.Get("v1/workspaces")).Status switch { 200 => '.', 429 => 'T', >= 500 => 'E', _ => '?' };
                (await Api.Control(HttpMethod.Get, "clock")).AssertStatus(200);
            }
            return s;
        }
        var a = await Sequence();
        var b = await Sequence();
        Assert.Equal(a, b);
        Assert.Contains('.', a);
        Assert.Contains('T', a);
        Assert.Contains('E', a);
        await Api.Faults(new { seed = 43, rates = new { throttle = 0.2, serverError = 0.2 } });
        (await Api.Control(HttpMethod.Delete, "faults")).AssertStatus(200);
        for (var i = 0; i < 10; i++)
        {
            (await Api.Get("v1/workspaces")).AssertStatus(200);
        }
    }

    [Fact]
    public async Task BadFaultSettingsAre400()
    {
        (await Api.Control(HttpMethod.Put, "faults", new { rates = new { throttle = 2.0 } })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, "faults", Script("explode"))).AssertError(400, "InvalidRequest");
    }
}
