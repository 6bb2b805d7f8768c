using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>
/// Job lists count against the scheduler's job-status reads (50 per minute per user): each page takes a slot of
/// the session's status-read limiter, so a list longer than the budget is paced, not throttled; a burst up to the
/// budget goes at full speed, and a limit of 0 lifts the client's pacing (streaming benchmarks).
/// </summary>
public sealed class PacingTests : EmulatorTest
{
    public PacingTests(EmulatorFixture f) : base(f) { }

    private static bool IsListPage(LoggedRequest r) => r.Method == "GET" && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task AListOfMorePagesThanTheReadBudgetIsPacedNotThrottled()
    {
        using var _ = Logging();
        // A budget of 3 job-status reads per 4-second window (the real one: 50 per 60 s). The emulator counts in real
        // time, the client on the test's clock, so the emulator does not throttle here: the pages' times on the
        // client's clock show the pacing.
        await F.PutFaultsAsync(new { throttle = new { jobStatusReadsPerMinute = 0 } });
        await F.PutSettingsAsync(new { pageSize = 2 });
        await F.AddHistoryAsync(F.Gold, new { count = 7, liftCap = true }); // with 3 seeded TableMaintenance runs: 5 pages
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http, o =>
        {
            o.JobStatusReadsPerWindow = 3;
            o.JobRateWindow = TimeSpan.FromSeconds(4);
        });

        var jobs = await clock.RunAsync(session.Client.ListJobInstancesAsync(F.Sales, F.Gold).ToListAsync(), http);

        Assert.Equal(7, jobs.Count);
        var pages = http.Sent.Where(r => r.Method == "GET" && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(pages, p => Assert.Equal(200, p.Status)); // one request per page
        // A burst of three at once; the next two when the first slots free: one window (4 s) and its margin (40 ms)
        // after the answers that used them.
        Assert.Equal(new[] { 0.0, 0.0, 0.0, 4.04, 4.04 }, pages.Select(p => p.At.TotalSeconds));
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Pacing GET ", StringComparison.Ordinal) && l.Contains("3 job-status reads per 4 s: waiting 4.0 s"));
    }

    [Fact]
    public async Task AListWithinTheReadBudgetGoesAtFullSpeed()
    {
        using var _ = Logging();
        await F.PutSettingsAsync(new { pageSize = 2 });
        await F.AddHistoryAsync(F.Gold, new { count = 77, liftCap = true }); // with 3 seeded TableMaintenance runs, 40 pages: within the default 50
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var jobs = await clock.RunAsync(session.Client.ListJobInstancesAsync(F.Sales, F.Gold).ToListAsync(), http);
        Assert.Equal(77, jobs.Count);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed); // no page waited
        Assert.DoesNotContain(Sink.VerboseLines, l => l.StartsWith("Pacing ", StringComparison.Ordinal));
        Assert.Equal(40, (await F.RequestsAsync()).Count(r => IsListPage(r) && r.Status == 200));
    }

    [Fact]
    public async Task WithTheLimitLiftedAListOfManyPagesStreamsAtFullSpeed()
    {
        using var _ = Logging();
        // As the streaming benchmark runs: no job-read limit at the service, none in the client.
        await F.PutFaultsAsync(new { throttle = new { jobStatusReadsPerMinute = 0 } });
        await F.PutSettingsAsync(new { pageSize = 5 });
        await F.AddHistoryAsync(F.Gold, new { count = 600, liftCap = true }); // with 3 seeded TableMaintenance runs, 121 pages: more than twice 50
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http, o => o.JobStatusReadsPerWindow = 0);
        var count = 0;
        async Task<int> ReadAllAsync()
        {
            await foreach (var job in session.Client.ListJobInstancesAsync(F.Sales, F.Gold))
            {
                count++;
            }

            return count;
        }

        Assert.Equal(600, await clock.RunAsync(ReadAllAsync(), http));
        Assert.Equal(121, http.Sent.Count(r => r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(TimeSpan.Zero, clock.Elapsed); // paced at 50 a minute, it would have waited two minutes
        Assert.DoesNotContain(Sink.VerboseLines, l => l.StartsWith("Pacing ", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnlimitedLimiterNeverWaitsButA429StillClosesIt()
    {
        var clock = new TestClock();
        var limiter = new RateLimiter(0, TimeSpan.FromMinutes(1), clock);
        Assert.True(limiter.IsUnlimited);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire(out _));
        }

        limiter.Block(TimeSpan.FromSeconds(30));
        Assert.False(limiter.TryAcquire(out var wait));
        Assert.Equal(TimeSpan.FromSeconds(30), wait);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(limiter.TryAcquire(out _));

        var limited = new RateLimiter(2, TimeSpan.FromMinutes(1), clock);
        Assert.False(limited.IsUnlimited);
        Assert.True(limited.TryAcquire(out _));
        Assert.True(limited.TryAcquire(out _));
        Assert.False(limited.TryAcquire(out _));
    }

    [Fact]
    public async Task ASlotCountsFromWhenTheAnswerArrivedNotFromWhenItWasTaken()
    {
        // A request that took long to reach the service (first call, busy machine) is counted there late: the
        // next request may not go one window after the slot was taken, only one window after the answer came.
        var clock = new TestClock();
        var window = TimeSpan.FromSeconds(4); // and a margin of 40 ms
        var limiter = new RateLimiter(1, window, clock);
        Assert.True(limiter.TryAcquire(out _, out var slow));
        Assert.NotNull(slow);
        clock.Advance(TimeSpan.FromSeconds(2));
        slow!.Restamp(); // the answer arrives 2 s after the slot was taken
        clock.Advance(TimeSpan.FromSeconds(2.5));

        // 4.5 s after taking the slot, 2.5 s after the answer: still closed, for 1.54 s more.
        Assert.False(limiter.TryAcquire(out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1.54), wait);

        // Waiting for a slot hands it out too (the HTTP layer restamps it when the answer arrives), when it frees.
        var (waited, grant) = await clock.RunAsync(limiter.AcquireAsync(default));
        Assert.NotNull(grant);
        Assert.Equal(TimeSpan.FromSeconds(1.54), waited);
        Assert.Equal(TimeSpan.FromSeconds(6.04), clock.Elapsed);
    }

    [Fact]
    public async Task ARefusalThatMayBeAboutPermissionsNamesTheRoleAndTheUserSignIns()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync(token: F.AppToken());
        await F.PutFaultsAsync(new
        {
            script = new object[]
            {
                new
                {
                    method = "POST", pathPattern = "*/instances", fault = "override", phase = "request", count = 1, status = 403,
                    body = "{\"errorCode\":\"InsufficientPrivileges\",\"message\":\"The caller does not have sufficient permissions.\"}",
                },
            },
        });
        var ex = await ThrowsNoToken<FabricApiException>(() => session.Client.StartRefreshAsync(F.Sales, F.Bronze));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.True(ex.IsServicePrincipalRefusal);
        // The service did not say the identity type is the reason: not claimed as a fact.
        Assert.DoesNotContain("refuse service principals", ex.Message);
        Assert.Contains("Contributor or Admin role", ex.Message);
        Assert.Contains("may accept only user identities", ex.Message);
        Assert.Contains("Connect-MlvFabric -UseDeviceCode", ex.Message);
    }
}

/// <summary>The environment variables that set the job limits' defaults (process-wide, so not in parallel).</summary>
[Collection("Environment")]
public sealed class PacingEnvironmentTests
{
    [Fact]
    public void TheJobLimitsDefaultToTheEnvironmentVariables()
    {
        var reads = Environment.GetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable);
        var submissions = Environment.GetEnvironmentVariable(FabricConnectionOptions.JobSubmissionsVariable);
        try
        {
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable, null);
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobSubmissionsVariable, null);
            Assert.Equal(50, new FabricConnectionOptions().JobStatusReadsPerWindow);
            Assert.Equal(50, new FabricConnectionOptions().JobSubmissionsPerWindow);

            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable, "0");
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobSubmissionsVariable, " 20 ");
            Assert.Equal(0, new FabricConnectionOptions().JobStatusReadsPerWindow);
            Assert.Equal(20, new FabricConnectionOptions().JobSubmissionsPerWindow);

            // Not a whole number of 0 or more: the default stands.
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable, "-5");
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobSubmissionsVariable, "lots");
            Assert.Equal(50, new FabricConnectionOptions().JobStatusReadsPerWindow);
            Assert.Equal(50, new FabricConnectionOptions().JobSubmissionsPerWindow);

            // An explicit value wins over the environment.
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable, "0");
            Assert.Equal(12, new FabricConnectionOptions { JobStatusReadsPerWindow = 12 }.JobStatusReadsPerWindow);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobStatusReadsVariable, reads);
            Environment.SetEnvironmentVariable(FabricConnectionOptions.JobSubmissionsVariable, submissions);
        }
    }
}
