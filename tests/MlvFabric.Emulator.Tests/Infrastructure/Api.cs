using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace MlvFabric.Emulator.Tests.Infrastructure;

/// <summary>A response read whole: status, headers, body text and (when JSON) the parsed body.</summary>
public sealed class Reply
{
    public required HttpResponseMessage Response { get; init; }
    public required string Text { get; init; }

    public HttpStatusCode Status => Response.StatusCode;

    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public string? Header(string name) =>
        Response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
        : Response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : null;

    public string? Location => Response.Headers.Location?.ToString();

    /// <summary>Asserts the service's error shape and returns the body.</summary>
    public JsonElement AssertError(int status, string errorCode)
    {
        Assert.True((int)Status == status, $"expected {status} {errorCode}, got {(int)Status}: {Text}");
        var body = Json;
        Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal(Header("RequestId"), body.GetProperty("requestId").GetString());
        Assert.Equal(errorCode, Header("x-ms-public-api-error-code"));
        Assert.True(body.TryGetProperty("isRetriable", out _));
        return body;
    }

    public Reply AssertStatus(int status)
    {
        Assert.True((int)Status == status, $"expected {status}, got {(int)Status}: {Text}");
        return this;
    }
}

/// <summary>A small HTTP client for the emulator: a user token by default.</summary>
public sealed class Api : IDisposable
{
    private readonly HttpClient _http;

    public Api(MlvFabric.Emulator.EmulatorServer server, string? token = null)
    {
        Server = server;
        _http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        Token = token ?? server.MintToken();
    }

    public MlvFabric.Emulator.EmulatorServer Server { get; }

    /// <summary>Bearer token sent with /v1 calls (null = no Authorization header).</summary>
    public string? Token { get; set; }

    public Task<Reply> Get(string path) => Send(HttpMethod.Get, path);
    public Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path);
    public Task<Reply> Post(string path, object? body = null) => Send(HttpMethod.Post, path, body);
    public Task<Reply> Patch(string path, object? body) => Send(HttpMethod.Patch, path, body);
    public Task<Reply> Put(string path, object? body) => Send(HttpMethod.Put, path, body);

    public async Task<Reply> Send(HttpMethod method, string path, object? body = null, string? authorization = null,
        bool anonymous = false, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization != null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else if (Token != null && !anonymous)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (body != null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Reply { Response = response, Text = text };
    }

    /// <summary>POST /_emulator/... (no auth).</summary>
    public Task<Reply> Control(HttpMethod method, string path, object? body = null) =>
        Send(method, "_emulator/" + path, body, anonymous: true);

    public async Task<JsonElement> AdvanceMinutes(double minutes) =>
        (await Control(HttpMethod.Post, "clock/advance", new { minutes })).AssertStatus(200).Json;

    public async Task<JsonElement> AdvanceSeconds(double seconds) =>
        (await Control(HttpMethod.Post, "clock/advance", new { seconds })).AssertStatus(200).Json;

    public async Task SetClock(string utc) =>
        (await Control(HttpMethod.Post, "clock/set", new { utcNow = utc })).AssertStatus(200);

    public async Task LakehouseSettings(Guid lakehouse, object settings) =>
        (await Control(HttpMethod.Put, $"lakehouses/{lakehouse}/settings", settings)).AssertStatus(200);

    public async Task Settings(object settings) =>
        (await Control(HttpMethod.Put, "settings", settings)).AssertStatus(200);

    public async Task Faults(object faults) =>
        (await Control(HttpMethod.Put, "faults", faults)).AssertStatus(200);

    /// <summary>Runs a refresh and returns the job id from the Location header.</summary>
    public async Task<Guid> RunAsync(Guid ws, Guid lh, object? body = null)
    {
        var reply = await Post($"v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/instances", body);
        reply.AssertStatus(202);
        return Guid.Parse(reply.Location!.Split('/').Last());
    }

    public async Task<JsonElement> JobAsync(Guid ws, Guid lh, Guid job) =>
        (await Get($"v1/workspaces/{ws}/items/{lh}/jobs/instances/{job}")).AssertStatus(200).Json;

    public async Task<JsonElement> JobDetailAsync(Guid job) =>
        (await Control(HttpMethod.Get, $"jobs/{job}")).AssertStatus(200).Json;

    /// <summary>Every page of a list, following continuationUri.</summary>
    public async Task<List<JsonElement>> ListAllAsync(string path)
    {
        var all = new List<JsonElement>();
        var next = path;
        while (next != null)
        {
            var page = (await Get(next)).AssertStatus(200).Json;
            all.AddRange(page.GetProperty("value").EnumerateArray());
            next = page.TryGetProperty("continuationUri", out var uri) ? uri.GetString() : null;
        }
        return all;
    }

    public void Dispose() => _http.Dispose();
}

public static class Bodies
{
    public static object Cron(int interval = 10, string start = "2030-01-01T00:00:00Z", string end = "2030-12-31T00:00:00Z",
        string tz = "UTC", bool enabled = true) =>
        new { enabled, configuration = new { type = "Cron", startDateTime = start, endDateTime = end, localTimeZoneId = tz, interval } };

    public static object Daily(string[] times, string start, string end, string tz = "Central Standard Time", bool enabled = true) =>
        new { enabled, configuration = new { type = "Daily", startDateTime = start, endDateTime = end, localTimeZoneId = tz, times } };

    public static object Weekly(string[] weekdays, string[] times, string start, string end, string tz = "Central Standard Time") =>
        new { enabled = true, configuration = new { type = "Weekly", startDateTime = start, endDateTime = end, localTimeZoneId = tz, weekdays, times } };
}
