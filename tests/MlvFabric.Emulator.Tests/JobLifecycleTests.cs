using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Job states as a function of the emulator clock.</summary>
public sealed class JobLifecycleTests : EmulatorTest
{
    public JobLifecycleTests(EmulatorFixture fixture) : base(fixture) { }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Api.LakehouseSettings(Gold, new { queueSeconds = 60, durationSeconds = 600 });
    }

    private async Task<string> Status(Guid job) => (await Api.JobAsync(Sales, Gold, job)).GetProperty("status").GetString()!;

    [Fact]
    public async Task NotStartedInProgressCompletedAsTheClockAdvances()
    {
        var job = await Api.RunAsync(Sales, Gold);
        var first = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("NotStarted", first.GetProperty("status").GetString());
        await Api.AdvanceMinutes(2);
        var running = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("InProgress", running.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("endTimeUtc").ValueKind);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("failureReason").ValueKind);
        await Api.AdvanceMinutes(10);
        var done = (await Api.Get($"{It(Sales, Gold)}/jobs/instances/{job}")).AssertStatus(200);
        Assert.Null(done.Header("Retry-After"));
        Assert.Equal("Completed", done.Json.GetProperty("status").GetString());
        var start = DateTime.Parse(done.Json.GetProperty("startTimeUtc").GetString()!);
        var end = DateTime.Parse(done.Json.GetProperty("endTimeUtc").GetString()!);
        Assert.Equal(TimeSpan.FromSeconds(660), end - start);
        Assert.Equal(first.GetProperty("startTimeUtc").GetString(), done.Json.GetProperty("startTimeUtc").GetString());
    }

    [Fact]
    public async Task AFailedRunCarriesFailureReason()
    {
        await Api.LakehouseSettings(Gold, new { failureRate = 1.0, failureCode = "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", failureMessage = "No capacity." });
        var job = await Api.RunAsync(Sales, Gold);
        await Api.AdvanceMinutes(20);
        var j = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Failed", j.GetProperty("status").GetString());
        var reason = j.GetProperty("failureReason");
        Assert.Equal("MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", reason.GetProperty("errorCode").GetString());
        Assert.Equal("No capacity.", reason.GetProperty("message").GetString());
        Assert.NotEqual(JsonValueKind.Null, j.GetProperty("endTimeUtc").ValueKind);
    }

    [Fact]
    public async Task FailuresFollowTheRateDeterministically()
    {
        await Api.LakehouseSettings(Gold, new { failureRate = 0.5, queueSeconds = 0, durationSeconds = 1 });
        async Task<string> Outcomes()
        {
            var s = "";
            for (var i = 0; i < 12; i++)
            {
                var job = await Api.RunAsync(Sales, Gold);
                await Api.AdvanceSeconds(5);
                s += (await Status(job))[0];
            }
            return s;
        }
        var first = await Outcomes();
        Server.Reset();
        await Api.LakehouseSettings(Gold, new { failureRate = 0.5, queueSeconds = 0, durationSeconds = 1 });
        Assert.Equal(first, await Outcomes());
        Assert.Contains('F', first);
        Assert.Contains('C', first);
    }

    [Fact]
    public async Task CancelRecordsTheInstantAndAFinishedJobIsJobAlreadyCompleted()
    {
        var job = await Api.RunAsync(Sales, Gold);
        await Api.AdvanceMinutes(3);
        (await Api.Post($"{It(Sales, Gold)}/jobs/instances/{job}/cancel")).AssertStatus(202);
        var j = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Cancelled", j.GetProperty("status").GetString());
        var end = j.GetProperty("endTimeUtc").GetString();
        await Api.AdvanceMinutes(30);
        j = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Cancelled", j.GetProperty("status").GetString());
        Assert.Equal(end, j.GetProperty("endTimeUtc").GetString());
        var e = (await Api.Post($"{It(Sales, Gold)}/jobs/instances/{job}/cancel")).AssertError(400, "JobAlreadyCompleted");
        Assert.False(e.GetProperty("isRetriable").GetBoolean());

        var done = await Api.RunAsync(Sales, Gold);
        await Api.AdvanceMinutes(30);
        (await Api.Post($"{It(Sales, Gold)}/jobs/instances/{done}/cancel")).AssertError(400, "JobAlreadyCompleted");
        await Api.Settings(new { jobAlreadyCompletedStatus = 409 });
        (await Api.Post($"{It(Sales, Gold)}/jobs/instances/{done}/cancel")).AssertError(409, "JobAlreadyCompleted");
    }

    [Fact]
    public async Task ASecondRunWhileOneIsActiveIsDedupedOrCancelledBySetting()
    {
        var first = await Api.RunAsync(Sales, Gold);
        var second = await Api.RunAsync(Sales, Gold);
        var s = await Api.JobAsync(Sales, Gold, second);
        Assert.Equal("Deduped", s.GetProperty("status").GetString());
        Assert.Equal(s.GetProperty("startTimeUtc").GetString(), s.GetProperty("endTimeUtc").GetString());
        Assert.Equal(first.ToString(), (await Api.JobDetailAsync(second)).GetProperty("supersededBy").GetString());
        Assert.Equal("NotStarted", await Status(first));

        await Api.Settings(new { dedupeStatus = "Cancelled" });
        Assert.Equal("Cancelled", await Status(await Api.RunAsync(Sales, Gold)));

        // Another lakehouse is another lineage.
        await Api.LakehouseSettings(Silver, new { queueSeconds = 60 });
        Assert.Equal("NotStarted", (await Api.JobAsync(Sales, Silver, await Api.RunAsync(Sales, Silver))).GetProperty("status").GetString());

        // Once the first finishes, a new run goes.
        await Api.AdvanceMinutes(15);
        Assert.Equal("NotStarted", await Status(await Api.RunAsync(Sales, Gold)));
    }

    [Fact]
    public async Task JobListIsNewestFirstAndKeeps100Finished()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 0, durationSeconds = 1 });
        await Api.Faults(new { throttle = new { jobSubmissionsPerMinute = 0, jobStatusReadsPerMinute = 0 } });
        var ids = new System.Collections.Generic.List<Guid>();
        for (var i = 0; i < 105; i++)
        {
            ids.Add(await Api.RunAsync(Sales, Gold));
            await Api.AdvanceSeconds(2);
        }
        var all = await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances");
        Assert.Equal(100, all.Count);
        Assert.Equal(ids.AsEnumerable().Reverse().Take(100).Select(i => i.ToString()), all.Select(j => j.GetProperty("id").GetString()));
        Assert.All(all, j => Assert.Equal("Completed", j.GetProperty("status").GetString()));
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances/{ids[0]}")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task TheHistoryLabelIsConfigurable()
    {
        var job = await Api.RunAsync(Sales, Gold);
        await Api.Settings(new { jobTypeLabel = "MaterializedLakeViews" });
        Assert.Equal("MaterializedLakeViews", (await Api.JobAsync(Sales, Gold, job)).GetProperty("jobType").GetString());
        var listed = (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value")[0];
        Assert.Equal("MaterializedLakeViews", listed.GetProperty("jobType").GetString());
    }

    [Fact]
    public async Task InternalDetailShowsWhatRan()
    {
        var job = await Api.RunAsync(Sales, Gold);
        var d = await Api.JobDetailAsync(job);
        Assert.Equal(new[] { "gold.sales_daily", "gold.sales_by_region", "gold.customer_ltv", "gold.kpi_summary" },
            d.GetProperty("mlvs").EnumerateArray().Select(m => m.GetString()));
        Assert.True(d.GetProperty("wholeLineage").GetBoolean());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("executionDefinitionId").ValueKind);
        Assert.Equal(MlvFabric.Emulator.EmulatorServer.DefaultUserOid, d.GetProperty("callerOid").GetString());
        (await Api.Control(HttpMethod.Get, $"jobs/{Guid.NewGuid()}")).AssertStatus(404);
    }
}
