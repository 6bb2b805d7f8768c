using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// The seed document's requests (MLV public API page): schedules Cron/Daily/Weekly, run on demand, list/get/cancel
/// job instances, on the paths it prints, with the documented statuses, headers and body shapes. Some of those paths
/// are absent from the API spec, so this runs on an emulator that serves the article's forms.
/// </summary>
public sealed class SeedDocExampleTests : ArticleFormsTest
{
    public SeedDocExampleTests(ArticleFormsFixture fixture) : base(fixture) { }

    private string Schedules => $"{Lh(Sales, Gold)}/jobs/{Mlv}/schedules";

    public static TheoryData<string, string> Examples => new()
    {
        { "Cron", """{"enabled": true, "configuration": {"startDateTime": "2025-08-15T10:00:00", "endDateTime": "2025-08-30T10:00:00", "localTimeZoneId": "Central Standard Time", "type": "Cron", "interval": 10}}""" },
        { "Daily", """{"enabled": true, "configuration": {"startDateTime": "2025-08-15T10:00:00", "endDateTime": "2025-08-30T10:00:00", "localTimeZoneId": "Central Standard Time", "type": "Daily", "times": ["10:00", "14:00"]}}""" },
        { "Weekly", """{"enabled": true, "configuration": {"startDateTime": "2025-08-15T10:00:00", "endDateTime": "2025-08-30T10:00:00", "localTimeZoneId": "Central Standard Time", "type": "Weekly", "weekdays": ["Monday", "Wednesday"], "times": ["10:00", "16:00"]}}""" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task ScheduleCreateGetListUpdateDelete(string type, string body)
    {
        var created = await Api.Post(Schedules, body);
        created.AssertStatus(201);
        var s = created.Json;
        var id = s.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.True(s.GetProperty("enabled").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$", s.GetProperty("createdDateTime").GetString());
        var config = s.GetProperty("configuration");
        Assert.Equal(type, config.GetProperty("type").GetString());
        Assert.Equal("2025-08-15T10:00:00", config.GetProperty("startDateTime").GetString()); // echoed as sent
        Assert.Equal("Central Standard Time", config.GetProperty("localTimeZoneId").GetString());
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(body).RootElement.GetProperty("configuration").EnumerateObject().OrderBy(p => p.Name).Select(p => p.Name)),
            JsonSerializer.Serialize(config.EnumerateObject().OrderBy(p => p.Name).Select(p => p.Name)));
        Assert.Equal(MlvFabric.Emulator.EmulatorServer.DefaultUserOid, s.GetProperty("owner").GetProperty("id").GetString());
        Assert.Equal("User", s.GetProperty("owner").GetProperty("type").GetString());
        Assert.False(s.TryGetProperty("executionData", out _));
        Assert.Equal($"{Server.BaseUri}v1/workspaces/{Sales}/items/{Gold}/jobs/{Mlv}/schedules/{id}", created.Location);
        Assert.NotNull(created.Header("RequestId"));

        var got = (await Api.Get($"{Schedules}/{id}")).AssertStatus(200).Json;
        Assert.Equal(s.GetRawText(), got.GetRawText());

        var list = (await Api.Get(Schedules)).AssertStatus(200).Json;
        Assert.Equal(id, list.GetProperty("value").EnumerateArray().Single().GetProperty("id").GetString());
        Assert.False(list.TryGetProperty("continuationToken", out _));
        Assert.False(list.TryGetProperty("continuationUri", out _));

        var update = body.Replace("\"enabled\": true", "\"enabled\": false").Replace("2025-08-30", "2025-09-30");
        var updated = (await Api.Patch($"{Schedules}/{id}", update)).AssertStatus(200).Json;
        Assert.Equal(id, updated.GetProperty("id").GetString());
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal(s.GetProperty("createdDateTime").GetString(), updated.GetProperty("createdDateTime").GetString());
        Assert.Equal("2025-09-30T10:00:00", updated.GetProperty("configuration").GetProperty("endDateTime").GetString());

        var deleted = await Api.Delete($"{Schedules}/{id}");
        deleted.AssertStatus(200);
        Assert.Equal("", deleted.Text);
        (await Api.Get($"{Schedules}/{id}")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task RunOnDemandThenListGetCancel()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 30, durationSeconds = 300 });
        // The seed page's run request: lakehouse form, jobType as a query parameter, no body.
        var run = await Api.Post($"{Lh(Sales, Gold)}/jobs/instances?jobType={Mlv}");
        run.AssertStatus(202);
        Assert.Equal("", run.Text);
        Assert.Equal("2", run.Header("Retry-After"));
        Assert.Matches($"^{Server.BaseUri}v1/workspaces/{Sales}/items/{Gold}/jobs/instances/[0-9a-f-]{{36}}$", run.Location!);
        var jobId = run.Location!.Split('/').Last();

        var list = (await Api.Get($"{Lh(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(200).Json;
        var listed = list.GetProperty("value").EnumerateArray().Single();
        Assert.Equal(jobId, listed.GetProperty("id").GetString());

        var get = await Api.Get(new Uri(run.Location!).PathAndQuery.TrimStart('/'));
        get.AssertStatus(200);
        var job = get.Json;
        Assert.Equal(new[] { "id", "itemId", "jobType", "invokeType", "status", "rootActivityId", "startTimeUtc", "endTimeUtc", "failureReason" },
            job.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(Gold.ToString(), job.GetProperty("itemId").GetString());
        Assert.Equal(Mlv, job.GetProperty("jobType").GetString());
        Assert.Equal("Manual", job.GetProperty("invokeType").GetString());
        Assert.Equal("NotStarted", job.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("endTimeUtc").ValueKind);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("failureReason").ValueKind);
        Assert.Equal("2", get.Header("Retry-After"));
        Assert.Equal(listed.GetRawText(), job.GetRawText());

        var cancel = await Api.Post($"{It(Sales, Gold)}/jobs/instances/{jobId}/cancel");
        cancel.AssertStatus(202);
        Assert.Equal("", cancel.Text);
        Assert.Equal(run.Location, cancel.Location);
        Assert.Equal("2", cancel.Header("Retry-After"));
        var after = await Api.JobAsync(Sales, Gold, Guid.Parse(jobId));
        Assert.Equal("Cancelled", after.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$", after.GetProperty("endTimeUtc").GetString());
    }

    [Fact]
    public async Task TheSeedPagesCancelPathIsAnsweredToo()
    {
        await Api.LakehouseSettings(Gold, new { queueSeconds = 30 });
        var job = await Api.RunAsync(Sales, Gold);
        var cancel = await Api.Post($"{Lh(Sales, Gold)}/jobs/{Mlv}/schedules/{job}/cancel");
        cancel.AssertStatus(202);
        Assert.Equal("Cancelled", (await Api.JobAsync(Sales, Gold, job)).GetProperty("status").GetString());
    }
}
