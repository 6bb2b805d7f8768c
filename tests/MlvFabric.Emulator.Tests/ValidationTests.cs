using System;
using System.Linq;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>400s and 404s as the service gives them.</summary>
public sealed class ValidationTests : EmulatorTest
{
    public ValidationTests(EmulatorFixture fixture) : base(fixture) { }

    private string Schedules => $"{It(Sales, Gold)}/jobs/{Mlv}/schedules";

    [Fact]
    public async Task MalformedGuidsAre400InvalidInputNamingTheParameter()
    {
        var e = (await Api.Get("v1/workspaces/not-a-guid")).AssertError(400, "InvalidInput");
        var detail = e.GetProperty("moreDetails").EnumerateArray().Single();
        Assert.Equal("InvalidParameter", detail.GetProperty("errorCode").GetString());
        Assert.Contains("workspaceId", detail.GetProperty("message").GetString());
        (await Api.Get($"v1/workspaces/{Sales}/lakehouses/xyz")).AssertError(400, "InvalidInput");
        (await Api.Get($"{Schedules}/123")).AssertError(400, "InvalidInput");
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances/nope")).AssertError(400, "InvalidInput");
    }

    [Fact]
    public async Task UnknownWorkspaceAndItemAre404()
    {
        var ws = (await Api.Get($"v1/workspaces/{Guid.NewGuid()}/lakehouses")).AssertError(404, "WorkspaceNotFound");
        Assert.Equal("Workspace", ws.GetProperty("relatedResource").GetProperty("resourceType").GetString());
        var missing = Guid.NewGuid();
        var item = (await Api.Post($"{Lh(Sales, missing)}/jobs/{Mlv}/instances")).AssertError(404, "ItemNotFound");
        Assert.Equal(missing.ToString(), item.GetProperty("relatedResource").GetProperty("resourceId").GetString());
        (await Api.Get($"{It(Sales, missing)}/jobs/{Mlv}/schedules")).AssertError(404, "ItemNotFound");
        // An item of another workspace is not found in this one.
        (await Api.Get($"{Lh(Finance, Gold)}")).AssertError(404, "ItemNotFound");
        (await Api.Get($"{Schedules}/{Guid.NewGuid()}")).AssertError(404, "EntityNotFound");
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances/{Guid.NewGuid()}")).AssertError(404, "EntityNotFound");
    }

    public static TheoryData<string, string, string> BadConfigurations => new()
    {
        { "interval 0", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":0}""", "InvalidConfiguration" },
        { "interval too big", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5270401}""", "InvalidConfiguration" },
        { "no interval", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC"}""", "InvalidConfiguration" },
        { "bad HH:mm", """{"type":"Daily","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","times":["9:00"]}""", "InvalidConfiguration" },
        { "24:00", """{"type":"Daily","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","times":["24:00"]}""", "InvalidConfiguration" },
        { "no times", """{"type":"Daily","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","times":[]}""", "InvalidConfiguration" },
        { "end before start", """{"type":"Cron","startDateTime":"2030-02-01T00:00:00Z","endDateTime":"2030-01-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "end equals start", """{"type":"Cron","startDateTime":"2030-02-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "unknown time zone", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"Mars Standard Time","interval":5}""", "InvalidConfiguration" },
        { "IANA time zone", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"America/Chicago","interval":5}""", "InvalidConfiguration" },
        { "no end", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "no start", """{"type":"Cron","endDateTime":"2030-01-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "no time zone", """{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","interval":5}""", "InvalidConfiguration" },
        { "no type", """{"startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "unknown type", """{"type":"Hourly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "bad date", """{"type":"Cron","startDateTime":"tomorrow","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}""", "InvalidConfiguration" },
        { "weekly no weekdays", """{"type":"Weekly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","times":["10:00"]}""", "InvalidConfiguration" },
        { "bad weekday", """{"type":"Weekly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","weekdays":["Funday"],"times":["10:00"]}""", "InvalidConfiguration" },
        { "duplicated times", """{"type":"Daily","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","times":["10:00","10:00"]}""", "InvalidRequest" },
        { "duplicated weekdays", """{"type":"Weekly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","weekdays":["Monday","monday"],"times":["10:00"]}""", "InvalidRequest" },
        { "monthly days array", """{"type":"Monthly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-12-01T00:00:00Z","localTimeZoneId":"UTC","recurrence":1,"days":[1,15],"times":["10:00"]}""", "InvalidConfiguration" },
        { "monthly recurrence 13", """{"type":"Monthly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-12-01T00:00:00Z","localTimeZoneId":"UTC","recurrence":13,"occurrence":{"occurrenceType":"DayOfMonth","dayOfMonth":1},"times":["10:00"]}""", "InvalidConfiguration" },
        { "monthly day 32", """{"type":"Monthly","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-12-01T00:00:00Z","localTimeZoneId":"UTC","recurrence":1,"occurrence":{"occurrenceType":"DayOfMonth","dayOfMonth":32},"times":["10:00"]}""", "InvalidConfiguration" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task BadConfigurationsAre400(string why, string configuration, string errorCode)
    {
        var e = (await Api.Post(Schedules, $$"""{"enabled":true,"configuration":{{configuration}}}""")).AssertError(400, errorCode);
        Assert.True(e.TryGetProperty("moreDetails", out _) || errorCode == "InvalidConfiguration", why);
        Assert.Empty((await Api.Get(Schedules)).Json.GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task TooManyTimesIs400()
    {
        var times = Enumerable.Range(0, 101).Select(i => $"{i / 60 % 24:00}:{i % 60:00}").ToArray();
        (await Api.Post(Schedules, Bodies.Daily(times, "2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z"))).AssertError(400, "InvalidConfiguration");
        (await Api.Post(Schedules, Bodies.Daily(times.Take(100).ToArray(), "2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z"))).AssertStatus(201);
    }

    [Theory]
    [InlineData("""{"configuration":{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5}}""", "InvalidRequest")]
    [InlineData("""{"enabled":true}""", "InvalidRequest")]
    [InlineData("""{"enabled":"yes","configuration":{}}""", "InvalidRequest")]
    [InlineData("""{"enabled":true,"configuration":{"type":"Cron","interval":"ten"}}""", "InvalidRequest")]
    [InlineData("""{"enabled":true,"configuration":""", "InvalidRequest")]
    [InlineData("", "InvalidRequest")]
    public async Task MissingOrMalformedBodiesAre400(string body, string errorCode)
    {
        (await Api.Post(Schedules, body)).AssertError(400, errorCode);
    }

    [Fact]
    public async Task PropertyNamesAreCaseInsensitiveAndUnknownOnesIgnored()
    {
        var body = """{"ENABLED":true,"Configuration":{"Type":"Cron","StartDateTime":"2030-01-01T00:00:00Z","enddatetime":"2030-02-01T00:00:00Z","LocalTimeZoneId":"UTC","Interval":15,"colour":"blue"},"extra":1}""";
        var s = (await Api.Post(Schedules, body)).AssertStatus(201).Json;
        var c = s.GetProperty("configuration");
        Assert.Equal(15, c.GetProperty("interval").GetInt32());
        Assert.False(c.TryGetProperty("colour", out _));
        Assert.False(s.TryGetProperty("extra", out _));
    }

    [Fact]
    public async Task UpdateNeedsEnabledAndACompleteConfiguration()
    {
        var id = (await Api.Post(Schedules, Bodies.Cron())).AssertStatus(201).Json.GetProperty("id").GetString();
        (await Api.Patch($"{Schedules}/{id}", new { enabled = false })).AssertError(400, "InvalidRequest");
        (await Api.Patch($"{Schedules}/{id}", """{"enabled":false,"configuration":{"type":"Cron","interval":5}}""")).AssertError(400, "InvalidConfiguration");
        (await Api.Patch($"{Schedules}/{id}", Bodies.Cron(30, enabled: false))).AssertStatus(200);
    }

    [Fact]
    public async Task The21stScheduleIsScheduleExceedsLimit()
    {
        for (var i = 0; i < 20; i++)
        {
            (await Api.Post(Schedules, Bodies.Cron(10 + i))).AssertStatus(201);
        }

        (await Api.Post(Schedules, Bodies.Cron(99))).AssertError(400, "ScheduleExceedsLimit");
        // Another lakehouse has its own 20.
        (await Api.Post($"{It(Sales, Silver)}/jobs/{Mlv}/schedules", Bodies.Cron(99))).AssertStatus(201);
    }

    [Fact]
    public async Task RunWithParametersIsFeatureNotAvailable()
    {
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances", """{"parameters":[{"name":"a","type":"Text","value":"b"}]}"""))
            .AssertError(400, "FeatureNotAvailable");
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances", "{not json")).AssertError(400, "InvalidRequest");
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances", """{"executionData":{"mlvExecutionDefinitionId":"x"}}""")).AssertError(400, "InvalidRequest");
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances", "{\"executionData\":{\"mlvExecutionDefinitionId\":\"" + Guid.NewGuid() + "\"}}")).AssertError(404, "EntityNotFound");
        // Unknown properties of a run body are ignored.
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances", """{"whatever":1}""")).AssertStatus(202);
    }

    [Fact]
    public async Task ScheduleWithUnknownDefinitionIs404()
    {
        var body = """{"enabled":true,"configuration":{"type":"Cron","startDateTime":"2030-01-01T00:00:00Z","endDateTime":"2030-02-01T00:00:00Z","localTimeZoneId":"UTC","interval":5},"executionData":{"mlvExecutionDefinitionId":"ID"}}""".Replace("ID", Guid.NewGuid().ToString());
        (await Api.Post(Schedules, body)).AssertError(404, "EntityNotFound");
    }
}
