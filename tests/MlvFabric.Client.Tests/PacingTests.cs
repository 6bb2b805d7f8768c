extern alias emulator;

using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using MlvFabric.Client.Http;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;
using Emu = emulator::MlvFabric.Emulator;

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
        // A service with 3 job-status reads per 4-second window (the real one: 50 per 60 s), and a client told the same.
        await using var server = await Emu.EmulatorServer.StartAsync(new Emu.EmulatorOptions
        {
            RetryAfterSeconds = 1,
            ThrottleWindowSeconds = 4,
            JobStatusReadsPerMinute = 3,
        });
        using var control = new HttpClient { BaseAddress = new Uri(server.BaseUri, "_emulator/") };
        async Task Control(HttpMethod method, string path, string json)
        {
            using var response = await control.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        }
        var ws = server.WorkspaceId("Sales");
        var lh = server.LakehouseId("Sales", "Gold");
        await Control(HttpMethod.Put, "settings", "{\"pageSize\":2}");
        await Control(HttpMethod.Post, $"lakehouses/{lh}/jobs/history", "{\"count\":7,\"liftCap\":true}"); // with 3 seeded TableMaintenance runs: 5 pages

        var token = F.Remember(server.MintTokenFor(Guid.NewGuid().ToString()));
        using var session = await FabricSession.ConnectAsync(F.Options(token, o =>
        {
            o.Endpoint = server.BaseUri;
            o.JobStatusReadsPerWindow = 3;
            o.JobRateWindow = TimeSpan.FromSeconds(4);
        }));
        await session.Client.GetWorkspaceAsync(ws); // warm the connection (not a job-status read)

        var sw = Stopwatch.StartNew();
        var jobs = await session.Client.ListJobInstancesAsync(ws, lh).ToListAsync();
        sw.Stop();

        Assert.Equal(7, jobs.Count);
        var log = await control.GetStringAsync("requests");
        var pages = System.Text.Json.JsonDocument.Parse(log).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("method").GetString() == "GET" && e.GetProperty("path").GetString()!.EndsWith("/instances", StringComparison.OrdinalIgnoreCase))
            .Select(e => e.GetProperty("status").GetInt32()).ToList();
        Assert.Equal(new[] { 200, 200, 200, 200, 200 }, pages); // one request per page, no 429
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(3.5), $"5 pages under a budget of 3 per 4 s took only {sw.Elapsed}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(12), $"took {sw.Elapsed}");
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Pacing GET ", StringComparison.Ordinal) && l.Contains("3 job-status reads per 4 s: waiting "));
    }

    [Fact]
    public async Task AListWithinTheReadBudgetGoesAtFullSpeed()
    {
        using var _ = Logging();
        await F.PutSettingsAsync(new { pageSize = 2 });
        await F.AddHistoryAsync(F.Gold, new { count = 77, liftCap = true }); // with 3 seeded TableMaintenance runs, 40 pages: within the default 50
        using var session = await F.ConnectAsync();
        var sw = Stopwatch.StartNew();
        var jobs = await session.Client.ListJobInstancesAsync(F.Sales, F.Gold).ToListAsync();
        Assert.Equal(77, jobs.Count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
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
        await F.AddHistoryAsync(F.Gold, new { count = 600, liftCap = true }); // 120 pages: more than twice 50
        using var session = await F.ConnectAsync(o => o.JobStatusReadsPerWindow = 0);
        var sw = Stopwatch.StartNew();
        var count = 0;
        await foreach (var job in session.Client.ListJobInstancesAsync(F.Sales, F.Gold))
        {
            count++;
        }

        Assert.Equal(600, count);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}"); // paced at 50/min it would take over a minute
        Assert.DoesNotContain(Sink.VerboseLines, l => l.StartsWith("Pacing ", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnlimitedLimiterNeverWaitsButA429StillClosesIt()
    {
        var limiter = new RateLimiter(0, TimeSpan.FromMinutes(1));
        Assert.True(limiter.IsUnlimited);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire(out _));
        }

        limiter.Block(TimeSpan.FromSeconds(30));
        Assert.False(limiter.TryAcquire(out var wait));
        Assert.InRange(wait, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));

        var limited = new RateLimiter(2, TimeSpan.FromMinutes(1));
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
        var window = TimeSpan.FromSeconds(4);
        var limiter = new RateLimiter(1, window);
        Assert.True(limiter.TryAcquire(out _, out var slow));
        Assert.NotNull(slow);
        await Task.Delay(TimeSpan.FromSeconds(2));
        slow!.Restamp(); // the answer arrives 2 s after the slot was taken
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        // 4.5 s after taking the slot, 2.5 s after the answer: still closed, for about 1.5 s more.
        Assert.False(limiter.TryAcquire(out var wait));
        Assert.InRange(wait, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1.6));

        // Waiting for a slot hands it out too (the HTTP layer restamps it when the answer arrives).
        var (_, grant) = await limiter.AcquireAsync(default);
        Assert.NotNull(grant);
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
