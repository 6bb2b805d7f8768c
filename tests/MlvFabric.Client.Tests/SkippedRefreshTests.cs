using System;
using System.Linq;
using System.Threading.Tasks;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Which refresh a skipped start stands for (-AttachIfRunning): the decision alone, over a job list newest first.</summary>
public sealed class SkippedRefreshResolverTests
{
    private static readonly DateTime T0 = new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    private static MlvJobInstance Job(string status, int startMinute) => new MlvJobInstance
    {
        Id = Guid.NewGuid(),
        Status = status,
        JobType = MlvJobTypes.RefreshMaterializedLakeViews,
        StartTimeUtc = T0.AddMinutes(startMinute),
    };

    /// <summary>Feeds the list as the client does, and returns the result and how many jobs were taken.</summary>
    private static (MlvJobInstance? Result, int Taken) Resolve(MlvJobInstance skipped, params MlvJobInstance[] newestFirst)
    {
        var resolver = new SkippedRefreshResolver(skipped);
        var taken = 0;
        foreach (var job in newestFirst)
        {
            taken++;
            if (!resolver.Add(job))
            {
                break;
            }
        }

        return (resolver.Result, taken);
    }

    [Fact]
    public void TheRunningRefreshIsFollowedAndEndsTheSearch()
    {
        var skipped = Job(JobStatus.Deduped, 10);
        var running = Job(JobStatus.InProgress, 5);

        var (result, taken) = Resolve(skipped, skipped, Job(JobStatus.Completed, 8), running, Job(JobStatus.NotStarted, 1));

        Assert.Same(running, result);
        Assert.Equal(3, taken);
    }

    [Fact]
    public void ARefreshNotStartedYetCountsAsRunning()
    {
        var skipped = Job(JobStatus.Cancelled, 10);
        var queued = Job(JobStatus.NotStarted, 9);

        Assert.Same(queued, Resolve(skipped, skipped, queued).Result);
    }

    [Fact]
    public void ADedupedJobFollowsTheRefreshThatRanBeforeItWhenThatHasEnded()
    {
        var skipped = Job(JobStatus.Deduped, 10);
        var later = Job(JobStatus.Completed, 12);
        var otherSkip = Job(JobStatus.Deduped, 9);
        var deferredTo = Job(JobStatus.Failed, 7);
        var older = Job(JobStatus.Completed, 2);

        var (result, taken) = Resolve(skipped, later, skipped, otherSkip, deferredTo, older);

        Assert.Same(deferredTo, result);
        Assert.Equal(5, taken);
    }

    [Fact]
    public void ADedupedJobWithoutAStartTimeFollowsTheNewestRefreshThatRan()
    {
        var skipped = Job(JobStatus.Deduped, 0);
        skipped.StartTimeUtc = null;
        var newest = Job(JobStatus.Completed, 12);

        Assert.Same(newest, Resolve(skipped, Job(JobStatus.Cancelled, 13), newest, Job(JobStatus.Completed, 3)).Result);
    }

    [Fact]
    public void ACancelledJobWithNoRefreshRunningWasCancelledNotSkipped()
    {
        var skipped = Job(JobStatus.Cancelled, 10);

        Assert.Null(Resolve(skipped, skipped, Job(JobStatus.Completed, 7), Job(JobStatus.Failed, 3)).Result);
    }

    [Fact]
    public void NothingToFollowWhenNoRefreshRanBeforeTheSkippedOne()
    {
        var skipped = Job(JobStatus.Deduped, 10);

        Assert.Null(Resolve(skipped, skipped, Job(JobStatus.Completed, 11), Job(JobStatus.Deduped, 4)).Result);
        Assert.Null(Resolve(skipped).Result);
    }

    [Fact]
    public void TheSearchStopsAfterAHundredJobsBesidesTheSkippedOne()
    {
        var skipped = Job(JobStatus.Deduped, 0);
        var list = new[] { skipped }
            .Concat(Enumerable.Range(1, SkippedRefreshResolver.MaxJobsExamined).Select(i => Job(JobStatus.Cancelled, -i)))
            .Append(Job(JobStatus.InProgress, -500))
            .ToArray();

        var (result, taken) = Resolve(skipped, list);

        Assert.Null(result);
        Assert.Equal(SkippedRefreshResolver.MaxJobsExamined + 1, taken);
    }

    [Theory]
    [InlineData(JobStatus.Deduped, true)]
    [InlineData(JobStatus.Cancelled, true)]
    [InlineData("deduped", true)]
    [InlineData(JobStatus.Completed, false)]
    [InlineData(JobStatus.Failed, false)]
    [InlineData(JobStatus.InProgress, false)]
    [InlineData(null, false)]
    public void OnlyDedupedAndCancelledJobsMayHaveBeenSkipped(string? status, bool skipped) =>
        Assert.Equal(skipped, SkippedRefreshResolver.MayHaveBeenSkipped(status));
}

/// <summary><see cref="FabricClient.FindRefreshToAttachAsync"/> against the emulator's job engine.</summary>
public sealed class FindRefreshToAttachTests : EmulatorTest
{
    public FindRefreshToAttachTests(EmulatorFixture f) : base(f) { }

    private static readonly JobWaitOptions Fast = new JobWaitOptions { PollFloor = TimeSpan.FromMilliseconds(200), ProgressInterval = TimeSpan.FromMilliseconds(50) };

    private static async Task<MlvJobInstance> FinalAsync(FabricClient client, JobSubmission submission) =>
        (await client.WaitForJobsAsync(new[] { JobInstanceRef.From(submission) }, Fast)).Jobs.Single().Instance!;

    [Fact]
    public async Task ADedupedStartLeadsToTheRefreshAlreadyRunning()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Gold, new { durationSeconds = 30, queueSeconds = 0 });
        using var session = await F.ConnectAsync();
        var client = session.Client;
        var running = await client.StartRefreshAsync(F.Sales, F.Gold);
        var skipped = await FinalAsync(client, await client.StartRefreshAsync(F.Sales, F.Gold));

        var found = await client.FindRefreshToAttachAsync(F.Sales, F.Gold, skipped);

        Assert.Equal(JobStatus.Deduped, skipped.Status);
        Assert.NotNull(found);
        Assert.Equal(running.JobInstanceId, found!.Id);
        Assert.True(found.IsRunning);
        await client.CancelJobInstanceAsync(F.Sales, F.Gold, running.JobInstanceId);
    }

    [Fact]
    public async Task ARefreshCancelledWhileNothingElseRunsLeadsNowhere()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Silver, new { durationSeconds = 30, queueSeconds = 0 });
        using var session = await F.ConnectAsync();
        var client = session.Client;
        var started = await client.StartRefreshAsync(F.Sales, F.Silver);
        await client.CancelJobInstanceAsync(F.Sales, F.Silver, started.JobInstanceId);
        var cancelled = await FinalAsync(client, started);

        var found = await client.FindRefreshToAttachAsync(F.Sales, F.Silver, cancelled);

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Null(found);
    }
}
