using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Paging, retries and the no-duplicate guarantees under the emulator's faults.</summary>
public sealed class ResilienceTests : EmulatorTest
{
    public ResilienceTests(EmulatorFixture f) : base(f) { }

    private static bool IsRunPost(LoggedRequest r) =>
        r.Method == "POST" && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase);

    private static bool IsSchedulePost(LoggedRequest r) =>
        r.Method == "POST" && r.Path.EndsWith("/schedules", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task ListsStreamPageByPage()
    {
        using var _ = Logging();
        // 4 per page: the first page holds the lakehouse's 3 seeded TableMaintenance runs (newer than the added
        // history) and one refresh.
        await F.PutSettingsAsync(new { pageSize = 4 });
        await F.AddHistoryAsync(F.Gold, new { count = 10 });
        using var session = await F.ConnectAsync();
        await F.ClearRequestsAsync();

        await using var e = session.Client.ListJobInstancesAsync(F.Sales, F.Gold).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        var afterFirst = (await F.RequestsAsync()).Where(r => r.Path.Contains("/instances")).ToList();
        Assert.Single(afterFirst); // the first item arrived before the second page was asked for

        var count = 1;
        while (await e.MoveNextAsync())
        {
            count++;
        }

        Assert.Equal(10, count);
        var all = (await F.RequestsAsync()).Where(r => r.Path.Contains("/instances")).ToList();
        Assert.Equal(4, all.Count); // 13 instances of the item, 4 per page
        Assert.All(all.Skip(1), r => Assert.Contains("continuationToken=", r.Query));
    }

    [Fact]
    public async Task Retries429HonouringRetryAfterAndLogsEachRetry()
    {
        using var _ = Logging();
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "GET", pathPattern = "/v1/workspaces", fault = "throttle", count = 2, retryAfterSeconds = 1 } },
        });
        var workspaces = await clock.RunAsync(session.Client.ListWorkspacesAsync().ToListAsync(), http);
        Assert.NotEmpty(workspaces);
        // Each attempt went exactly Retry-After (1 s) after the 429 before it.
        Assert.Equal(new[] { 0.0, 1.0, 2.0 }, http.Sent.Where(r => r.Path == "/v1/workspaces").Select(r => r.At.TotalSeconds));
        var requests = (await F.RequestsAsync()).Where(r => r.Path == "/v1/workspaces").ToList();
        Assert.Equal(new[] { 429, 429, 200 }, requests.Select(r => r.Status));
        Assert.Contains(Sink.VerboseLines, l => l == "Retrying GET /v1/workspaces after attempt 1 (429 RequestBlocked, Retry-After 1 s): waiting 1.0 s.");
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Retrying GET /v1/workspaces after attempt 2 ("));
    }

    [Fact]
    public async Task Retries5xxDropsAndTruncatedBodiesOnReads()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        await F.PutFaultsAsync(new
        {
            script = new object[]
            {
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 500, count = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 503, count = 1, retryAfterSeconds = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "drop", count = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "truncate", count = 1 },
            },
        });
        var lakehouses = await session.Client.ListLakehousesAsync(F.Sales).ToListAsync();
        Assert.Equal(3, lakehouses.Count);
        var requests = (await F.RequestsAsync()).Where(r => r.Path.EndsWith("/lakehouses")).ToList();
        Assert.Equal(5, requests.Count);
        Assert.Equal("truncate", requests[3].Fault);
        Assert.Contains(Sink.VerboseLines, l => l.Contains("not valid JSON"));
    }

    [Fact]
    public async Task ServerErrorsAreRetriedAfterJitteredBackoffOrTheirRetryAfter()
    {
        using var _ = Logging();
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http, o =>
        {
            o.RetryBaseDelay = TimeSpan.FromSeconds(2);
            o.RetryMaxDelay = TimeSpan.FromSeconds(3);
        });
        await F.PutFaultsAsync(new
        {
            script = new object[]
            {
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 500, count = 1 },
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 503, count = 1, retryAfterSeconds = 7 },
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 500, count = 1 },
            },
        });
        var lakehouses = await clock.RunAsync(session.Client.ListLakehousesAsync(F.Sales).ToListAsync(), http);
        Assert.Equal(3, lakehouses.Count);
        var at = http.Sent.Where(r => r.Path.EndsWith("/lakehouses", StringComparison.Ordinal)).Select(r => r.At).ToList();
        Assert.Equal(4, at.Count);
        Assert.Equal(TimeSpan.Zero, at[0]);
        // After attempt 1, a backoff step of 2 s: half of it fixed, half random.
        Assert.InRange(at[1] - at[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        // After the 503, its Retry-After exactly.
        Assert.Equal(TimeSpan.FromSeconds(7), at[2] - at[1]);
        // After attempt 3, the step doubles twice to 8 s, held to RetryMaxDelay (3 s).
        Assert.InRange(at[3] - at[2], TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Retrying GET /v1/workspaces/", StringComparison.Ordinal) && l.Contains("after attempt 2 (503") &&
                                                 l.Contains("Retry-After 7 s): waiting 7.0 s."));
    }

    [Fact]
    public async Task Persistent5xxEndsInAConnectionErrorWithinTheBudget()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync(o =>
        {
            o.MaxAttempts = 3;
        });
        await F.PutFaultsAsync(new { rates = new { serverError = 1.0 }, seed = 3 });
        var ex = await ThrowsNoToken<FabricConnectionException>(() => session.Client.GetWorkspaceAsync(F.Sales));
        Assert.Equal(3, ex.Attempts);
        Assert.Contains("Gave up after 3 attempt(s)", ex.Message);
        Assert.IsType<FabricApiException>(ex.InnerException);
    }

    [Fact]
    public async Task JobStartAnswerLostAfterProcessingIsAdoptedNotResent()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "POST", pathPattern = "*/instances", fault = "drop", phase = "response", count = 1 } },
        });
        var submission = await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        Assert.True(submission.Reconciled);

        var requests = await F.RequestsAsync();
        var posts = requests.Where(IsRunPost).ToList();
        Assert.Single(posts); // never re-sent
        Assert.Equal(202, posts[0].HandlerStatus);
        var jobs = await session.Client.ListJobInstancesAsync(F.Sales, F.Bronze).ToListAsync();
        var job = Assert.Single(jobs);
        Assert.Equal(job.Id, submission.JobInstanceId);
        // Reported through Reconciled; the log notes it like a retry (Verbose), not as a warning.
        Assert.Contains(Sink.VerboseLines, l => l.Contains("is not sent again"));
        Assert.Empty(Sink.WarningLines);
    }

    [Fact]
    public async Task JobStartDroppedBeforeProcessingIsSentOnceMore()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "POST", pathPattern = "*/instances", fault = "drop", phase = "request", count = 1 } },
        });
        var submission = await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        Assert.False(submission.Reconciled);
        var posts = (await F.RequestsAsync()).Where(IsRunPost).ToList();
        Assert.Equal(2, posts.Count);
        Assert.Equal(new[] { 0, 202 }, posts.Select(p => p.Status));
        var job = Assert.Single(await session.Client.ListJobInstancesAsync(F.Sales, F.Bronze).ToListAsync());
        Assert.Equal(job.Id, submission.JobInstanceId);
    }

    [Fact]
    public async Task JobStart5xxIsReconciledAndThenResentOnce()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "POST", pathPattern = "*/instances", fault = "serverError", status = 500, count = 1 } },
        });
        var submission = await session.Client.StartRefreshAsync(F.Sales, F.Silver);
        var job = Assert.Single(await session.Client.ListJobInstancesAsync(F.Sales, F.Silver).ToListAsync());
        Assert.Equal(job.Id, submission.JobInstanceId);
        Assert.Equal(2, (await F.RequestsAsync()).Count(IsRunPost));
    }

    [Fact]
    public async Task JobStartReconciliationFailingReportsUnknownOutcomeWithoutResending()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync(o => o.MaxAttempts = 2);
        await F.PutFaultsAsync(new
        {
            script = new object[]
            {
                new { method = "POST", pathPattern = "*/instances", fault = "drop", phase = "response", count = 1 },
                new { method = "GET", pathPattern = "*/instances", fault = "serverError", status = 500, count = 50 },
            },
        });
        var ex = await ThrowsNoToken<FabricConnectionException>(() => session.Client.StartRefreshAsync(F.Sales, F.Bronze));
        Assert.True(ex.OutcomeUnknown);
        Assert.Contains("may or may not", ex.Message);
        Assert.Single(await F.RequestsAsync(), IsRunPost);
    }

    [Fact]
    public async Task CreateScheduleUnderFaultsNeverLosesOrDuplicates()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var client = session.Client;
        var phases = new[] { "response", "request" };
        var configs = new List<int>();
        foreach (var phase in phases)
        {
            await F.PutFaultsAsync(new
            {
                script = new object[] { new { method = "POST", pathPattern = "*/schedules", fault = "drop", phase, count = 1 } },
            });
            var minutes = phase == "response" ? 15 : 45;
            configs.Add(minutes);
            var created = await client.CreateScheduleAsync(F.Sales, F.Gold, new ScheduleRequest { Configuration = OperationsTests.Cron(minutes) });
            Assert.Equal(minutes, created.Configuration!.Interval);
        }
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "POST", pathPattern = "*/schedules", fault = "serverError", status = 503, count = 1, retryAfterSeconds = 1 } },
        });
        configs.Add(90);
        await client.CreateScheduleAsync(F.Sales, F.Gold, new ScheduleRequest { Configuration = OperationsTests.Cron(90) });

        var schedules = await client.ListSchedulesAsync(F.Sales, F.Gold).ToListAsync();
        Assert.Equal(configs.OrderBy(c => c), schedules.Select(s => s.Configuration!.Interval!.Value).OrderBy(c => c));
        // response-phase drop: one POST (adopted); request-phase drop: two; 503: two.
        Assert.Equal(5, (await F.RequestsAsync()).Count(IsSchedulePost));
    }

    [Fact]
    public async Task ThrottlingStormEveryStartSucceedsOnce()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var client = session.Client;
        await F.PutFaultsAsync(new { seed = 7, rates = new { throttle = 0.4, drop = 0.1 }, dropPhase = "response", retryAfterSeconds = 1 });
        var lakehouses = new[] { F.Bronze, F.Silver, F.Gold };
        var tasks = Enumerable.Range(0, 9).Select(i => client.StartRefreshAsync(F.Sales, lakehouses[i % 3])).ToList();
        var submissions = await Task.WhenAll(tasks);
        await F.ClearFaultsAsync();

        Assert.Equal(9, submissions.Select(s => s.JobInstanceId).Distinct().Count());
        var created = (await F.RequestsAsync()).Count(r => IsRunPost(r) && r.HandlerStatus == 202 || IsRunPost(r) && r.Status == 202);
        Assert.Equal(9, created);
        var jobs = new List<MlvJobInstance>();
        foreach (var lh in lakehouses)
        {
            jobs.AddRange(await client.ListJobInstancesAsync(F.Sales, lh).ToListAsync());
        }

        Assert.Equal(9, jobs.Count);
        Assert.Equal(jobs.Select(j => j.Id).OrderBy(x => x), submissions.Select(s => s.JobInstanceId).OrderBy(x => x));
    }

    [Fact]
    public async Task SubmissionsArePacedUnderTheJobLimit()
    {
        using var _ = Logging();
        await F.PutFaultsAsync(new { throttle = new { jobSubmissionsPerMinute = 3 } });
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http, o => o.JobSubmissionsPerWindow = 3);
        for (var i = 0; i < 3; i++)
        {
            await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        }

        Assert.Equal(TimeSpan.Zero, clock.Elapsed); // a burst up to the limit goes at once

        // The fourth waits on the clock for the first slot: one window (and its margin) after the first answer.
        using var cts = new CancellationTokenSource();
        var fourth = session.Client.StartRefreshAsync(F.Sales, F.Bronze, null, cts.Token);
        await clock.UntilWaitingAsync(fourth);
        Assert.False(session.Client.SubmissionLimiter.TryAcquire(out var wait));
        Assert.Equal(TimeSpan.FromSeconds(60.5), wait);
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Pacing POST ", StringComparison.Ordinal) && l.Contains("3 job submissions per 60 s"));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth);
        Assert.Equal(3, http.To("/instances", "POST").Count);
        var posts = (await F.RequestsAsync()).Where(IsRunPost).ToList();
        Assert.Equal(3, posts.Count); // the fourth waited here instead of drawing a 429
        Assert.All(posts, p => Assert.Equal(202, p.Status));
    }

    [Fact]
    public async Task CancelRetriedAfterALostAnswerCountsJobAlreadyCompletedAsDone()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Bronze, new { durationSeconds = 60 });
        using var session = await F.ConnectAsync();
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "POST", pathPattern = "*/cancel", fault = "drop", phase = "response", count = 1 } },
        });
        var result = await session.Client.CancelJobInstanceAsync(F.Sales, F.Bronze, run.JobInstanceId);
        Assert.True(result.AlreadyCompleted);
        var job = await session.Client.GetJobInstanceAsync(F.Sales, F.Bronze, run.JobInstanceId);
        Assert.Equal(JobStatus.Cancelled, job.Status);
    }

    [Fact]
    public async Task DeleteRetriedAfterALostAnswerCounts404AsDone()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var s = await session.Client.CreateScheduleAsync(F.Sales, F.Bronze, new ScheduleRequest { Configuration = OperationsTests.Cron(20) });
        await F.PutFaultsAsync(new
        {
            script = new object[] { new { method = "DELETE", pathPattern = "*/schedules/*", fault = "drop", phase = "response", count = 1 } },
        });
        await session.Client.DeleteScheduleAsync(F.Sales, F.Bronze, s.Id);
        Assert.Empty(await session.Client.ListSchedulesAsync(F.Sales, F.Bronze).ToListAsync());
    }
}
