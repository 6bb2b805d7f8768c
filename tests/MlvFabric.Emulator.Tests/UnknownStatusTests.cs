using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// The unknown-status settings: runs that report a status the contract does not define (for a while or until
/// cancelled), so that a client's waits can be shown not to hang on one.
/// </summary>
public sealed class UnknownStatusTests : EmulatorTest
{
    public UnknownStatusTests(EmulatorFixture fixture) : base(fixture) { }

    private string JobUrl(Guid lh, Guid job) => $"v1/workspaces/{Sales}/items/{lh}/jobs/instances/{job}";

    private async Task<string> Status(Guid lh, Guid job) => (await Api.JobAsync(Sales, lh, job)).GetProperty("status").GetString()!;

    [Fact]
    public async Task ALakehouseSettingMakesItsRunsReportTheStatusUntilCancelled()
    {
        var lakehouse = (await Api.Control(HttpMethod.Put, $"lakehouses/{Gold}/settings", new { unknownStatus = "Paused" })).AssertStatus(200).Json;
        Assert.Equal("Paused", lakehouse.GetProperty("settings").GetProperty("unknownStatus").GetString());
        Assert.Equal(0, lakehouse.GetProperty("settings").GetProperty("unknownStatusSeconds").GetDouble());

        var job = await Api.RunAsync(Sales, Gold);
        var read = (await Api.Get(JobUrl(Gold, job))).AssertStatus(200);
        Assert.Equal("Paused", read.Json.GetProperty("status").GetString());
        Assert.NotNull(read.Header("Retry-After")); // not terminal: come back later
        Assert.Equal(JsonValueKind.Null, read.Json.GetProperty("endTimeUtc").ValueKind);
        Assert.Equal(JsonValueKind.Null, read.Json.GetProperty("failureReason").ValueKind);
        var listed = (await Api.ListAllAsync($"v1/workspaces/{Sales}/items/{Gold}/jobs/instances"))
            .Single(j => j.GetProperty("id").GetString() == job.ToString());
        Assert.Equal("Paused", listed.GetProperty("status").GetString());

        // Forever: a day later it still reports it, and it still counts as the lineage's active run.
        await Api.AdvanceMinutes(24 * 60);
        Assert.Equal("Paused", await Status(Gold, job));
        Assert.Equal("Deduped", await Status(Gold, await Api.RunAsync(Sales, Gold)));
        var detail = await Api.JobDetailAsync(job);
        Assert.Equal("Paused", detail.GetProperty("unknownStatus").GetString());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("unknownStatusUntilUtc").ValueKind);
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("endUtc").ValueKind);

        // Only Gold: another lakehouse runs as usual.
        Assert.Equal("NotStarted", await Status(Silver, await Api.RunAsync(Sales, Silver)));

        // A cancel ends it.
        (await Api.Post($"{JobUrl(Gold, job)}/cancel")).AssertStatus(202);
        var cancelled = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, cancelled.GetProperty("endTimeUtc").ValueKind);

        // "" turns it off again for runs created afterwards.
        await Api.LakehouseSettings(Gold, new { unknownStatus = "" });
        Assert.Equal("NotStarted", await Status(Gold, await Api.RunAsync(Sales, Gold)));
    }

    [Fact]
    public async Task ForAWhileTheRunReportsTheStatusAndThenGoesOnAsUsual()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 60, durationSeconds = 600, unknownStatus = "Paused", unknownStatusSeconds = 30 });
        var job = await Api.RunAsync(Sales, Gold);
        Assert.Equal("Paused", await Status(Gold, job));
        await Api.AdvanceSeconds(40);
        Assert.Equal("NotStarted", await Status(Gold, job));
        await Api.AdvanceSeconds(60);
        Assert.Equal("InProgress", await Status(Gold, job));
        await Api.AdvanceMinutes(15);
        var done = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        var start = DateTime.Parse(done.GetProperty("startTimeUtc").GetString()!);
        var end = DateTime.Parse(done.GetProperty("endTimeUtc").GetString()!);
        Assert.Equal(TimeSpan.FromSeconds(660), end - start); // the run's own course, unchanged

        // An unknown status that outlasts the run: it ends when the status ends, not before.
        await Api.LakehouseSettings(Silver, new { queueSeconds = 0, durationSeconds = 5, failureRate = 1.0, unknownStatus = "Suspended", unknownStatusSeconds = 120 });
        var silver = await Api.RunAsync(Sales, Silver);
        await Api.AdvanceSeconds(60);
        Assert.Equal("Suspended", await Status(Silver, silver));
        await Api.AdvanceSeconds(61);
        var failed = await Api.JobAsync(Sales, Silver, silver);
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal(TimeSpan.FromSeconds(120),
            DateTime.Parse(failed.GetProperty("endTimeUtc").GetString()!) - DateTime.Parse(failed.GetProperty("startTimeUtc").GetString()!));
        Assert.Equal("JobInstanceStatusFailed", failed.GetProperty("failureReason").GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task TheEmulatorWideSettingCoversEveryLakehouseAndALakehouseSettingWins()
    {
        var before = await Api.RunAsync(Sales, Bronze);
        var settings = (await Api.Control(HttpMethod.Put, "settings", new { unknownJobStatus = "Paused", unknownJobStatusSeconds = 0 })).AssertStatus(200).Json;
        Assert.Equal("Paused", settings.GetProperty("unknownJobStatus").GetString());
        Assert.Equal(0, settings.GetProperty("unknownJobStatusSeconds").GetDouble());
        await Api.LakehouseSettings(Gold, new { unknownStatus = "Throttled" });

        Assert.Equal("NotStarted", await Status(Bronze, before)); // created before: unchanged
        Assert.Equal("Paused", await Status(Silver, await Api.RunAsync(Sales, Silver)));
        Assert.Equal("Paused", (await Api.JobAsync(Finance, Ledger, await Api.RunAsync(Finance, Ledger))).GetProperty("status").GetString());
        Assert.Equal("Throttled", await Status(Gold, await Api.RunAsync(Sales, Gold)));

        settings = (await Api.Control(HttpMethod.Put, "settings", new { unknownJobStatus = "" })).AssertStatus(200).Json;
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("unknownJobStatus").ValueKind);
        await Api.AdvanceMinutes(1);
        Assert.Equal("NotStarted", await Status(Bronze, await Api.RunAsync(Sales, Bronze)));

        // Reset goes back to the startup value (off).
        Server.Reset();
        Assert.Equal(JsonValueKind.Null, (await Api.Control(HttpMethod.Get, "settings")).Json.GetProperty("unknownJobStatus").ValueKind);
    }

    [Fact]
    public async Task AStatusTheContractDefinesIsRefused()
    {
        (await Api.Control(HttpMethod.Put, "settings", new { unknownJobStatus = "completed" })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, $"lakehouses/{Gold}/settings", new { unknownStatus = "InProgress" })).AssertError(400, "InvalidRequest");
        (await Api.Control(HttpMethod.Put, $"lakehouses/{Gold}/settings", new { unknownStatusSeconds = -1 })).AssertError(400, "InvalidRequest");
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { UnknownJobStatus = "Deduped" }));
    }

    [Fact]
    public void FlagsSetTheUnknownStatusAndTheThrottleWindow()
    {
        var o = CommandLine.Parse(new[] { "--unknown-job-status", "Paused", "--unknown-job-status-seconds", "2.5", "--throttle-window-seconds=5" })!;
        Assert.Equal("Paused", o.UnknownJobStatus);
        Assert.Equal(2.5, o.UnknownJobStatusSeconds);
        Assert.Equal(5, o.ThrottleWindowSeconds);
    }

    [Fact]
    public async Task AShorterThrottleWindowFreesSlotsSooner()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { ThrottleWindowSeconds = 10, JobStatusReadsPerMinute = 2 });
        using var api = new Api(server);
        var ws = server.WorkspaceId("Sales");
        var lh = server.LakehouseId("Sales", "Gold");
        var list = $"v1/workspaces/{ws}/items/{lh}/jobs/instances";
        var first = DateTime.UtcNow;
        (await api.Get(list)).AssertStatus(200);
        (await api.Get(list)).AssertStatus(200);
        var refused = await api.Get(list);
        refused.AssertError(429, "RequestBlocked");
        var retryAfter = int.Parse(refused.Header("Retry-After")!);
        // The 10-second window (less the time the reads took), not the default minute.
        Assert.InRange(retryAfter, Math.Max(1, (int)Math.Floor(10 - (DateTime.UtcNow - first).TotalSeconds)), 10);
        // After the time the answer named, a slot is free (a delay never ends early, however loaded the machine).
        await Task.Delay(TimeSpan.FromSeconds(retryAfter));
        (await api.Get(list)).AssertStatus(200);
    }
}
