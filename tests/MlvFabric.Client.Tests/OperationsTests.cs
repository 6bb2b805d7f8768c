using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using MlvFabric.Client.Tests.Infrastructure;
using MlvFabric.Scheduling;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Every FabricClient operation end to end against the emulator.</summary>
public sealed class OperationsTests : EmulatorTest
{
    public OperationsTests(EmulatorFixture f) : base(f) { }

    internal static ScheduleConfiguration Cron(int minutes, int startInMinutes = 60) => new ScheduleConfiguration
    {
        Type = ScheduleTypes.Cron,
        Interval = minutes,
        StartDateTime = ScheduleDateTimes.FormatUtc(DateTime.UtcNow.AddMinutes(startInMinutes)),
        EndDateTime = ScheduleDateTimes.FormatUtc(DateTime.UtcNow.AddDays(30)),
        LocalTimeZoneId = "UTC",
    };

    [Fact]
    public async Task WorkspacesAndLakehouses()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var client = session.Client;

        var workspaces = await client.ListWorkspacesAsync().ToListAsync();
        Assert.Contains(workspaces, w => w.DisplayName == "Sales" && w.Id == F.Sales);
        Assert.Contains(workspaces, w => w.DisplayName == "Finance");

        var sales = await client.GetWorkspaceAsync(F.Sales);
        Assert.Equal("Sales", sales.DisplayName);

        var lakehouses = await client.ListLakehousesAsync(F.Sales).ToListAsync();
        Assert.Equal(new[] { "Bronze", "Gold", "Silver" }, lakehouses.Select(l => l.DisplayName).OrderBy(n => n));
        Assert.All(lakehouses, l => Assert.Equal(F.Sales, l.WorkspaceId));
        Assert.All(lakehouses, l => Assert.Equal("Sales", l.WorkspaceName)); // from the session's name cache

        var bronze = await client.GetLakehouseAsync(F.Sales, F.Bronze);
        Assert.Equal("Bronze", bronze.DisplayName);
        Assert.Equal("Bronze", client.GetCachedLakehouseName(F.Bronze));

        var missing = await ThrowsNoToken<FabricApiException>(() => client.GetLakehouseAsync(F.Sales, Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(missing.ErrorCode);
        Assert.NotNull(missing.RequestId);
        Assert.Equal("GET", missing.Method);
        Assert.StartsWith("/v1/workspaces/", missing.Path);
        Assert.Contains(missing.ErrorCode!, missing.Message);

        // The verbose request line: method, path, status, duration, request id.
        Assert.Contains(Sink.VerboseLines, l => l.StartsWith("GET /v1/workspaces → 200 OK in ", StringComparison.Ordinal) && l.Contains("(request id "));
        // Debug: headers, with the token redacted.
        Assert.Contains(Sink.DebugLines, l => l.Contains("Authorization: Bearer ***"));
    }

    [Fact]
    public async Task ScheduleLifecycle()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var client = session.Client;
        await client.GetLakehouseAsync(F.Sales, F.Bronze); // names cached

        var created = await client.CreateScheduleAsync(F.Sales, F.Bronze, new ScheduleRequest { Enabled = true, Configuration = Cron(30) });
        Assert.True(created.Enabled);
        Assert.Equal(ScheduleTypes.Cron, created.Type);
        Assert.Equal(30, created.Configuration!.Interval);
        Assert.Equal("Every 30 minutes", created.Summary);
        Assert.Equal(3, created.NextRunTimes.Count);
        Assert.Equal(DateTimeKind.Utc, created.StartDateTime!.Value.Kind);
        Assert.NotNull(created.CreatedDateTime);
        Assert.Equal("Bronze", created.LakehouseName);
        Assert.Equal("User", created.Owner?.Type);

        var listed = await client.ListSchedulesAsync(F.Sales, F.Bronze).ToListAsync();
        Assert.Single(listed, s => s.Id == created.Id);

        var got = await client.GetScheduleAsync(F.Sales, F.Bronze, created.Id);
        Assert.Equal(created.Configuration.Interval, got.Configuration!.Interval);

        var daily = new ScheduleConfiguration
        {
            Type = ScheduleTypes.Daily,
            Times = new[] { "09:00", "17:30" },
            StartDateTime = created.Configuration.StartDateTime,
            EndDateTime = created.Configuration.EndDateTime,
            LocalTimeZoneId = "Central Standard Time",
        };
        var updated = await client.UpdateScheduleAsync(F.Sales, F.Bronze, created.Id, new ScheduleRequest { Enabled = false, Configuration = daily });
        Assert.False(updated.Enabled);
        Assert.Equal(ScheduleTypes.Daily, updated.Type);
        Assert.Equal(created.Id, updated.Id);
        Assert.Empty(updated.NextRunTimes); // disabled

        await client.DeleteScheduleAsync(F.Sales, F.Bronze, created.Id);
        Assert.Empty(await client.ListSchedulesAsync(F.Sales, F.Bronze).ToListAsync());
        var gone = await ThrowsNoToken<FabricApiException>(() => client.GetScheduleAsync(F.Sales, F.Bronze, created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var bad = await ThrowsNoToken<FabricApiException>(() => client.CreateScheduleAsync(F.Sales, F.Bronze,
            new ScheduleRequest { Configuration = new ScheduleConfiguration { Type = ScheduleTypes.Cron, Interval = 0, LocalTimeZoneId = "UTC" } }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ExecutionDefinitionsAndSubsetRefresh()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        var client = session.Client;

        var def = await client.CreateExecutionDefinitionAsync(F.Sales, F.Bronze, new ExecutionDefinitionRequest
        {
            DisplayName = "Nightly subset",
            Description = "first",
            RefreshMode = MlvRefreshModes.Full,
        });
        Assert.Equal("Nightly subset", def.DisplayName);
        Assert.Equal(MlvExecutionModes.All, def.Mode);
        Assert.Equal(MlvRefreshModes.Full, def.RefreshMode);

        var listed = await client.ListExecutionDefinitionsAsync(F.Sales, F.Bronze).ToListAsync();
        Assert.Contains(listed, d => d.Id == def.Id);

        // Partial update: only the description is sent; the rest is kept.
        var updated = await client.UpdateExecutionDefinitionAsync(F.Sales, F.Bronze, def.Id, new ExecutionDefinitionRequest { Description = "second" });
        Assert.Equal("second", updated.Description);
        Assert.Equal("Nightly subset", updated.DisplayName);
        Assert.Equal(MlvRefreshModes.Full, updated.RefreshMode);
        var patch = (await F.RequestsAsync()).Last(r => r.Method == "PATCH");
        Assert.Equal("{\"description\":\"second\"}", patch.Body);

        var got = await client.GetExecutionDefinitionAsync(F.Sales, F.Bronze, def.Id);
        Assert.Equal("second", got.Description);

        // A schedule and a run that use the definition.
        var schedule = await client.CreateScheduleAsync(F.Sales, F.Bronze, new ScheduleRequest { Configuration = Cron(60), ExecutionDefinitionId = def.Id });
        Assert.Equal(def.Id, schedule.ExecutionDefinitionId);
        var run = await client.StartRefreshAsync(F.Sales, F.Bronze, def.Id);
        Assert.NotEqual(Guid.Empty, run.JobInstanceId);
        var post = (await F.RequestsAsync()).Last(r => r.Method == "POST" && r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(def.Id.ToString(), post.Body);

        await client.DeleteExecutionDefinitionAsync(F.Sales, F.Bronze, def.Id);
        Assert.DoesNotContain(await client.ListExecutionDefinitionsAsync(F.Sales, F.Bronze).ToListAsync(), d => d.Id == def.Id);
        // Deleting a definition deletes its schedules.
        Assert.Empty(await client.ListSchedulesAsync(F.Sales, F.Bronze).ToListAsync());
    }

    [Fact]
    public async Task JobsStartReadListCancel()
    {
        using var _ = Logging();
        await F.SetLakehouseAsync(F.Silver, new { durationSeconds = 60, queueSeconds = 0 });
        using var session = await F.ConnectAsync();
        var client = session.Client;

        var submission = await client.StartRefreshAsync(F.Sales, F.Silver);
        Assert.Equal(F.Silver, submission.LakehouseId);
        Assert.Equal(TimeSpan.FromSeconds(1), submission.RetryAfter);
        Assert.NotNull(submission.Location);
        Assert.False(submission.Reconciled);

        var job = await client.GetJobInstanceAsync(F.Sales, F.Silver, submission.JobInstanceId);
        Assert.Equal(submission.JobInstanceId, job.Id);
        Assert.Equal(JobInvokeType.Manual, job.InvokeType);
        Assert.True(MlvJobTypes.IsMlvRefresh(job.JobType));
        Assert.True(job.IsRunning);
        Assert.NotNull(job.StartTimeUtc);
        Assert.Equal(DateTimeKind.Utc, job.StartTimeUtc!.Value.Kind);
        Assert.True(Math.Abs((job.StartTimeUtc.Value - DateTime.UtcNow).TotalMinutes) < 1);
        Assert.Null(job.EndTimeUtc);
        Assert.NotNull(job.Duration);

        var listed = await client.ListJobInstancesAsync(F.Sales, F.Silver).ToListAsync();
        Assert.Equal(submission.JobInstanceId, listed.First().Id);

        var cancel = await client.CancelJobInstanceAsync(F.Sales, F.Silver, submission.JobInstanceId);
        Assert.Equal(submission.JobInstanceId, cancel.JobInstanceId);
        var cancelled = await client.GetJobInstanceAsync(F.Sales, F.Silver, submission.JobInstanceId);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.True(cancelled.IsTerminal);
        Assert.NotNull(cancelled.Duration);

        // Cancelling a finished job on the first attempt is the service's error.
        var again = await ThrowsNoToken<FabricApiException>(() => client.CancelJobInstanceAsync(F.Sales, F.Silver, submission.JobInstanceId));
        Assert.Equal("JobAlreadyCompleted", again.ErrorCode);
    }

    [Fact]
    public async Task HistoryLabelMaterializedLakeViewsIsTheSameJob()
    {
        using var _ = Logging();
        await F.PutSettingsAsync(new { jobTypeLabel = "MaterializedLakeViews" });
        using var session = await F.ConnectAsync();
        var run = await session.Client.StartRefreshAsync(F.Sales, F.Gold);
        var listed = await session.Client.ListJobInstancesAsync(F.Sales, F.Gold).ToListAsync();
        var job = Assert.Single(listed, j => j.Id == run.JobInstanceId);
        Assert.Equal("MaterializedLakeViews", job.JobType);
    }

    [Fact]
    public async Task ServicePrincipalRefusedOnMlvJobCallsGetsAPlainMessage()
    {
        using var _ = Logging();
        await F.PutSettingsAsync(new { refuseAppTokensOnMlvJobs = true });
        using var session = await F.ConnectAsync(token: F.AppToken());
        Assert.Equal(FabricIdentityType.ServicePrincipal, session.IdentityType);
        // Lookups work for an app.
        Assert.NotEmpty(await session.Client.ListLakehousesAsync(F.Sales).ToListAsync());
        var ex = await ThrowsNoToken<FabricApiException>(() => session.Client.StartRefreshAsync(F.Sales, F.Bronze));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.True(ex.IsServicePrincipalRefusal);
        // The service said why (PrincipalTypeNotSupported): the message says so plainly, and which sign-ins work.
        Assert.Contains("This tenant's MLV job APIs refuse service principals", ex.Message);
        Assert.Contains("this session signs in as a service principal", ex.Message);
        Assert.Contains("Connect-MlvFabric (interactive browser sign-in)", ex.Message);
        Assert.Contains("Connect-MlvFabric -UseDeviceCode", ex.Message);
        Assert.Contains("Connect-MlvFabric -AccessToken with an access token issued to a user", ex.Message);
        Assert.DoesNotContain("may accept", ex.Message);
    }
}

internal static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
