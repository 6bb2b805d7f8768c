using System;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Per-caller limits: 50 job submissions and 50 job-status reads a minute by default.</summary>
public sealed class ThrottleTests : EmulatorTest
{
    public ThrottleTests(EmulatorFixture fixture) : base(fixture) { }

    [Fact]
    public async Task The51stSubmissionInAMinuteIs429TooManyRequestsForJobs()
    {
        var first = DateTime.UtcNow;
        for (var i = 0; i < 50; i++)
        {
            (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(202);
        }

        var reply = await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances");
        var e = reply.AssertError(429, "TooManyRequestsForJobs");
        Assert.True(e.GetProperty("isRetriable").GetBoolean());
        var retryAfter = int.Parse(reply.Header("Retry-After")!);
        // Until the first submission leaves the minute's window: a minute less the time the submissions took.
        Assert.InRange(retryAfter, (int)Math.Floor(60 - (DateTime.UtcNow - first).TotalSeconds), 60);

        // Per caller: someone else may still submit.
        using var other = new Api(Server, Server.MintTokenFor(Guid.NewGuid().ToString()));
        (await other.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(202);
        // Reads are another budget.
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).AssertStatus(200);
    }

    [Fact]
    public async Task The51stStatusReadIs429RequestBlocked()
    {
        var job = await Api.RunAsync(Sales, Gold);
        for (var i = 0; i < 25; i++)
        {
            (await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}")).AssertStatus(200);
            (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).AssertStatus(200);
        }
        var reply = await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}");
        reply.AssertError(429, "RequestBlocked");
        Assert.InRange(int.Parse(reply.Header("Retry-After")!), 1, 60); // until the oldest read leaves the minute's window
        // Other calls are not job-status reads.
        (await Api.Get($"v1/workspaces/{Sales}")).AssertStatus(200);
    }

    [Fact]
    public async Task LimitsAreConfigurableAndAGlobalLimitCanBeTurnedOn()
    {
        await Api.Faults(new { throttle = new { jobSubmissionsPerMinute = 2, requestsPerMinute = 4 } });
        var faults = (await Api.Control(HttpMethod.Get, "faults")).Json.GetProperty("throttle");
        Assert.Equal(2, faults.GetProperty("jobSubmissionsPerMinute").GetInt32());
        Assert.Equal(50, faults.GetProperty("jobStatusReadsPerMinute").GetInt32());
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(202);
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(202);
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertError(429, "TooManyRequestsForJobs");
        (await Api.Get("v1/workspaces")).AssertStatus(200);
        (await Api.Get("v1/workspaces")).AssertError(429, "RequestBlocked");

        (await Api.Control(HttpMethod.Delete, "faults")).AssertStatus(200);
        (await Api.Get("v1/workspaces")).AssertStatus(200);
    }
}
