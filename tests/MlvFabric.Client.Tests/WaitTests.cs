using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>WaitForJobsAsync / JobWaitGroup against the emulator's job engine.</summary>
public sealed class WaitTests : EmulatorTest
{
    public WaitTests(EmulatorFixture f) : base(f) { }

    private static readonly JobWaitOptions Fast = new JobWaitOptions { PollFloor = TimeSpan.FromMilliseconds(200), ProgressInterval = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task WaitsForEveryTerminalStatusWithProgress()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Bronze, new { durationSeconds = 1, queueSeconds = 0.3 });
        await F.SetLakehouseAsync(F.Silver, new { durationSeconds = 0.5, queueSeconds = 0, failureRate = 1.0, failureCode = "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED" });
        await F.SetLakehouseAsync(F.Gold, new { durationSeconds = 30, queueSeconds = 0 });
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var client = session.Client;

        var completed = await client.StartRefreshAsync(F.Sales, F.Bronze);
        var deduped = await client.StartRefreshAsync(F.Sales, F.Bronze); // same lineage already running
        var failed = await client.StartRefreshAsync(F.Sales, F.Silver);
        var cancelled = await client.StartRefreshAsync(F.Sales, F.Gold);
        await client.CancelJobInstanceAsync(F.Sales, F.Gold, cancelled.JobInstanceId);

        var progress = new ConcurrentQueue<JobWaitProgress>();
        var refs = new[] { completed, deduped, failed, cancelled }.Select(JobInstanceRef.From).ToList();
        var result = await clock.RunAsync(client.WaitForJobsAsync(refs, Fast, progress.Enqueue), http, F.Server.AdvanceClock);

        Assert.False(result.TimedOut);
        Assert.Empty(result.StillRunning);
        Assert.Equal(4, result.Instances.Count);
        Assert.Equal(JobStatus.Completed, result.Jobs[0].Instance!.Status);
        Assert.Equal(JobStatus.Deduped, result.Jobs[1].Instance!.Status);
        Assert.Equal(JobStatus.Failed, result.Jobs[2].Instance!.Status);
        Assert.Equal("MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", result.Jobs[2].Instance!.FailureReason!.ErrorCode);
        Assert.Equal(JobStatus.Cancelled, result.Jobs[3].Instance!.Status);
        Assert.All(result.Instances, i => Assert.True(i.IsTerminal));
        Assert.All(result.Instances, i => Assert.NotNull(i.EndTimeUtc));

        Assert.NotEmpty(progress);
        var last = progress.Last();
        Assert.Equal(4, last.Total);
        Assert.Equal(1, last.Completed);
        Assert.Equal(1, last.Failed);
        Assert.Equal(1, last.Cancelled);
        Assert.Equal(1, last.Deduped);
        Assert.Equal(100, last.PercentComplete);
        Assert.Contains(progress, p => p.Running > 0);

        // The first read of each job waited for the 202's Retry-After (1 s), and no two reads of one job came closer
        // than the poll floor.
        foreach (var job in refs)
        {
            var jobReads = http.To("/jobs/instances/" + job.JobInstanceId, "GET").Where(r => !r.Path.EndsWith("/cancel", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(jobReads);
            Assert.True(jobReads[0].At >= TimeSpan.FromSeconds(1), $"job {job.JobInstanceId} was first read at {jobReads[0].At}");
            for (var i = 1; i < jobReads.Count; i++)
            {
                Assert.True(jobReads[i].At - jobReads[i - 1].At >= Fast.PollFloor, $"job {job.JobInstanceId} was read at {jobReads[i - 1].At} and {jobReads[i].At}");
            }
        }

        var reads = (await F.RequestsAsync()).Where(r => r.Method == "GET" && r.Path.Contains("/jobs/instances/")).ToList();
        Assert.NotEmpty(reads);
        Assert.DoesNotContain(reads, r => r.Status == 429);
    }

    [Fact]
    public async Task TimeoutReportsTheJobsStillRunning()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Gold, new { durationSeconds = 60, queueSeconds = 0 });
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Gold);
        var result = await clock.RunAsync(session.Client.WaitForJobsAsync(new[] { JobInstanceRef.From(run) },
            new JobWaitOptions { Timeout = TimeSpan.FromSeconds(1.5), PollFloor = TimeSpan.FromMilliseconds(200) }), http, F.Server.AdvanceClock);
        Assert.True(result.TimedOut);
        // It ended at the timeout, on the session's clock, and read the job only in between (from the 202's Retry-After on).
        Assert.Equal(TimeSpan.FromSeconds(1.5), result.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(1.5), clock.Elapsed);
        var reads = http.To("/jobs/instances/" + run.JobInstanceId, "GET");
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.InRange(r.At, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)));
        var still = Assert.Single(result.StillRunning);
        Assert.Equal(run.JobInstanceId, still.JobInstanceId);
        Assert.Equal(JobWaitState.Waiting, result.Jobs[0].State);
        Assert.Equal(JobStatus.InProgress, result.Jobs[0].Instance?.Status);
    }

    [Fact]
    public async Task AddAndCompleteRacingThePollingLoopNeverLoseTheWakeUp()
    {
        // Stress guard for the wake-up protocol: the loop once re-armed its signal just before sleeping, so an
        // Add/Complete landing between its queue check and its sleep was lost and the wait never ended (seen
        // twice in 2,040 soak operations). The window is microseconds wide, so this loop catches gross
        // regressions of the protocol, not that exact interleaving every time.
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Bronze, new { durationSeconds = 0.2, queueSeconds = 0 });
        await F.PutFaultsAsync(new { throttle = new { jobStatusReadsPerMinute = 0 } }); // hundreds of reads
        using var session = await F.ConnectAsync(o => o.JobStatusReadsPerWindow = 0);
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        var job = new JobInstanceRef(F.Sales, F.Bronze, run.JobInstanceId);
        await session.Client.WaitForJobsAsync(new[] { job }, Fast);

        for (var i = 0; i < 300; i++)
        {
            using var group = session.Client.StartJobWait(Fast);
            group.Add(job);
            group.Complete();
            // A hang guard (a lost wake-up never ends), far beyond one read on a busy machine: not a measure of speed.
            var finished = await Task.WhenAny(group.Completion, Task.Delay(TimeSpan.FromMinutes(2)));
            Assert.True(finished == group.Completion, $"wait {i} never ended");
            Assert.Equal(JobStatus.Completed, (await group.Completion).Instances.Single().Status);
        }
    }

    [Fact]
    public async Task CancellingAWaitEndsItWithoutWaitingForTheReadInFlight()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Gold, new { durationSeconds = 60, queueSeconds = 0 });
        // The emulator holds every read for ten minutes.
        await F.PutFaultsAsync(new { script = new object[] { new { method = "GET", pathPattern = "*/jobs/instances/*", fault = "slow", delayMs = 600_000, count = 100 } } });
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Gold);
        using var cts = new CancellationTokenSource();
        var wait = session.Client.WaitForJobsAsync(new[] { new JobInstanceRef(F.Sales, F.Gold, run.JobInstanceId) }, Fast, null, cts.Token);
        // A job given without its 202 is read at once; the emulator holds the read.
        await TestClock.Until(() => http.InFlight == 1, "the first read to be in flight");

        cts.Cancel();
        // A hang guard far below the read's ten minutes: a wait that waited for the read would not end in time.
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMinutes(2))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        var read = Assert.Single(http.To("/jobs/instances/", "GET"));
        Assert.Null(read.Status); // never answered
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    [Fact]
    public async Task JobsAddedWhileSubmittingShareOnePacedLoop()
    {
        using var _ = Logging();
        // Reads limited to 12 a minute: the waits must stay under it (no 429) and still finish.
        await F.PutFaultsAsync(new { throttle = new { jobStatusReadsPerMinute = 12 } });
        foreach (var lh in new[] { F.Bronze, F.Silver, F.Gold })
        {
            await F.SetLakehouseAsync(lh, new { durationSeconds = 1.5, queueSeconds = 0 });
        }

        using var session = await F.ConnectAsync(o => o.JobStatusReadsPerWindow = 12);
        var client = session.Client;
        using var group = client.StartJobWait(new JobWaitOptions { PollFloor = TimeSpan.FromMilliseconds(100) });
        foreach (var lh in new[] { F.Bronze, F.Silver, F.Gold })
        {
            group.Add(JobInstanceRef.From(await client.StartRefreshAsync(F.Sales, lh)));
        }

        group.Complete();
        var result = await group.Completion;
        Assert.Equal(3, result.Instances.Count);
        Assert.All(result.Instances, i => Assert.Equal(JobStatus.Completed, i.Status));
        var reads = (await F.RequestsAsync()).Where(r => r.Method == "GET" && r.Path.Contains("/jobs/instances/")).ToList();
        Assert.DoesNotContain(reads, r => r.Status == 429);
        Assert.True(reads.Count <= 12, $"{reads.Count} reads");
    }

    [Fact]
    public async Task AThrottledReadIsRescheduledNotFatal()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Bronze, new { durationSeconds = 0.5, queueSeconds = 0 });
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Bronze);
        await F.PutFaultsAsync(new { script = new object[] { new { method = "GET", pathPattern = "*/jobs/instances/*", fault = "throttle", count = 2, retryAfterSeconds = 1 } } });
        var result = await clock.RunAsync(session.Client.WaitForJobsAsync(new[] { JobInstanceRef.From(run) }, Fast), http, F.Server.AdvanceClock);
        Assert.Equal(JobStatus.Completed, Assert.Single(result.Instances).Status);
        // First read at the 202's Retry-After; each 429 put the next read its Retry-After (1 s) later.
        var reads = http.To("/jobs/instances/" + run.JobInstanceId, "GET");
        Assert.Equal(new int?[] { 429, 429, 200 }, reads.Select(r => r.Status));
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, reads.Select(r => r.At.TotalSeconds));
    }

    [Fact]
    public async Task AnUnknownJobIsReportedAsAnErrorNotAHang()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var result = await session.Client.WaitForJobsAsync(new[] { new JobInstanceRef(F.Sales, F.Bronze, Guid.NewGuid()) }, Fast);
        var outcome = Assert.Single(result.Jobs);
        Assert.Equal(JobWaitState.Error, outcome.State);
        Assert.IsType<FabricApiException>(outcome.Error);
        Assert.Single(result.Errors);
        // The outcome carries the error; the log notes it as Verbose only (the caller reports it, once).
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("Stopped waiting for job instance", StringComparison.Ordinal));
        Assert.Empty(Sink.WarningLines);
    }

    [Fact]
    public async Task AJobReportingAnUnknownStatusEndsTheWaitWithoutAWarning()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Gold, new { unknownStatus = "Paused" }); // until cancelled
        var clock = new TestClock();
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http);
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Gold);
        var result = await clock.RunAsync(session.Client.WaitForJobsAsync(new[] { JobInstanceRef.From(run) },
            new JobWaitOptions { PollFloor = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(30) }), http, F.Server.AdvanceClock);
        var outcome = Assert.Single(result.Jobs);
        Assert.Equal(JobWaitState.UnknownStatus, outcome.State);
        Assert.Equal("Paused", outcome.Instance!.Status);
        Assert.False(result.TimedOut);
        // It ended at the first read (the 202's Retry-After), not at the 30-second timeout.
        Assert.Equal(TimeSpan.FromSeconds(1), result.Elapsed);
        Assert.Single(http.To("/jobs/instances/" + run.JobInstanceId, "GET"));
        Assert.Contains(Sink.VerboseLines, l => l.Contains("'Paused'"));
        Assert.Empty(Sink.WarningLines);
    }
}
