using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// Shared setup of the lookup and job test classes: the emulator back at its seed, a session connected as a caller
/// of its own (a fresh token identity per test, so the service's and the client's per-user job limits of one test
/// never slow another), the request log, and the emulator's control endpoints.
/// </summary>
public abstract class JobTestBase : IClassFixture<EmulatorFixture>, IDisposable
{
    protected JobTestBase(EmulatorFixture fixture)
    {
        Emulator = fixture.Emulator;
        Emulator.Reset();
        _spec = fixture.Spec;
        Log = new EmulatorRequestLog(Emulator);
        Control = new EmulatorControl(Emulator);
        Ps = ConnectAsNewCaller(PsSession.Create());
    }

    private readonly SpecConformanceWatch _spec;

    protected EmulatorServer Emulator { get; }

    protected EmulatorRequestLog Log { get; }

    protected EmulatorControl Control { get; }

    protected PsSession Ps { get; }

    /// <summary>Connects <paramref name="session"/> with a token (<c>user</c> or <c>servicePrincipal</c>) for a caller no other test uses.</summary>
    protected PsSession ConnectAsNewCaller(PsSession session, string kind = "user")
    {
        var token = Emulator.MintTokenFor(Guid.NewGuid().ToString(), kind);
        session.Run(
            "Connect-MlvFabric -Endpoint $MlvTestEndpoint -AccessToken $MlvTestToken | Out-Null",
            new Dictionary<string, object?> { ["MlvTestEndpoint"] = Emulator.BaseUri.ToString(), ["MlvTestToken"] = session.Secure(token) }).ThrowIfFailed();
        return session;
    }

    protected Guid LakehouseId(string lakehouse, string workspace = "Sales") => Emulator.LakehouseId(workspace, lakehouse);

    /// <summary>Runs a script and returns what it did plus every request it sent.</summary>
    protected (PsResult Result, List<LoggedRequest> Requests) RunLogged(string script)
    {
        var mark = Log.Mark();
        var result = Ps.Run(script);
        return (result, Log.Since(mark));
    }

    protected PsResult RunOk(string script)
    {
        var result = Ps.Run(script);
        result.ThrowIfFailed();
        return result;
    }

    /// <summary>
    /// Waits until a running pipeline has read the status of a job of <paramref name="lakehouse"/> (so it is inside
    /// its wait) and returns the job's id, read from the request log: the runspace is busy, so no other command can ask.
    /// Only reads after the log's <paramref name="mark"/> count.
    /// </summary>
    protected Guid WaitForStatusRead(string lakehouse, long mark = 0)
    {
        var prefix = $"/items/{LakehouseId(lakehouse)}/jobs/instances/";
        var poll = Eventually.Until(
            () => Log.Since(mark).FirstOrDefault(r => r.Method == "GET" && r.Path.Contains(prefix, StringComparison.OrdinalIgnoreCase)),
            $"the pipeline to read the status of its {lakehouse} job");
        var rest = poll.Path[(poll.Path.IndexOf(prefix, StringComparison.OrdinalIgnoreCase) + prefix.Length)..];
        return Guid.Parse(rest.Split('/')[0]);
    }

    /// <summary>
    /// The next read of a job's status answers as usual but with <c>Retry-After: 3600</c>: a wait that reads it then
    /// sleeps for an hour, so only a stop that cancels the sleep can end it while a test runs.
    /// </summary>
    protected void NextStatusReadSaysComeBackInAnHour() =>
        Control.SetFaults(new
        {
            script = new[]
            {
                new
                {
                    method = "GET",
                    pathPattern = "*/jobs/instances/*",
                    fault = "override",
                    phase = "response",
                    headers = new Dictionary<string, string> { ["Retry-After"] = "3600" },
                    count = 1,
                },
            },
        });

    /// <summary>The reads of job <paramref name="id"/>'s status in <paramref name="requests"/>.</summary>
    protected static List<LoggedRequest> StatusReads(IEnumerable<LoggedRequest> requests, Guid id) =>
        requests.Where(r => r.Method == "GET" && r.Path.EndsWith($"/jobs/instances/{id}", StringComparison.OrdinalIgnoreCase)).ToList();

    protected static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    protected static string? Text(PSObject o, string name) => o.Properties[name]?.Value?.ToString();

    protected static Guid IdOf(PSObject o) => (Guid)o.Properties["Id"].Value;

    protected static void AssertNothingSent(List<LoggedRequest> requests) =>
        Assert.True(requests.Count == 0, "Expected no request, but the emulator saw: " + string.Join("; ", requests));

    /// <summary>
    /// Bad input: exactly one error, with the ErrorId and category given, raised before any request was sent; returns it
    /// for further checks (target, message).
    /// </summary>
    protected ErrorRecord AssertRefused(string script, string errorId, ErrorCategory category)
    {
        (var result, var requests) = RunLogged(script);
        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal) || error.FullyQualifiedErrorId == errorId,
            $"Expected ErrorId {errorId}, got {error.FullyQualifiedErrorId}: {error}");
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
        AssertNothingSent(requests);
        return error;
    }

    public void Dispose()
    {
        Ps.Dispose();
        Log.Dispose();
        Control.Dispose();
        GC.SuppressFinalize(this);
        _spec.AssertConforms(); // a request the Fabric REST spec does not define fails this test
    }
}

/// <summary>The emulator's control endpoints (<c>/_emulator/…</c>) a job test needs: run settings, history, job detail.</summary>
public sealed class EmulatorControl : IDisposable
{
    private readonly HttpClient _http;
    private readonly EmulatorServer _emulator;

    public EmulatorControl(EmulatorServer emulator)
    {
        _emulator = emulator;
        _http = new HttpClient { BaseAddress = emulator.BaseUri };
    }

    /// <summary>How runs of a lakehouse behave: <c>durationSeconds</c>, <c>queueSeconds</c>, <c>failureRate</c>, <c>failureCode</c>, <c>failureMessage</c>.</summary>
    public void SetLakehouse(string workspace, string lakehouse, object settings) =>
        Send(HttpMethod.Put, $"_emulator/lakehouses/{_emulator.LakehouseId(workspace, lakehouse)}/settings", settings);

    /// <summary>Emulator-wide behaviour: <c>dedupeStatus</c>, <c>jobTypeLabel</c>, <c>pageSize</c>, <c>jobAlreadyCompletedStatus</c>…</summary>
    public void SetSettings(object settings) => Send(HttpMethod.Put, "_emulator/settings", settings);

    /// <summary>Fault injection (<c>PUT /_emulator/faults</c>): rates, a <c>script</c> of scripted faults, throttle limits.</summary>
    public void SetFaults(object faults) => Send(HttpMethod.Put, "_emulator/faults", faults);

    /// <summary>Adds finished instances older than every existing one.</summary>
    public void AddHistory(string workspace, string lakehouse, object history) =>
        Send(HttpMethod.Post, $"_emulator/lakehouses/{_emulator.LakehouseId(workspace, lakehouse)}/jobs/history", history);

    /// <summary>A job instance as the emulator has it now (status, outcome, cancelledUtc, supersededBy…).</summary>
    public JsonElement Job(Guid id)
    {
        using var response = _http.GetAsync($"_emulator/jobs/{id}").GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"GET /_emulator/jobs/{id}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public string JobStatus(Guid id) => Job(id).GetProperty("status").GetString()!;

    /// <summary>A fault-free call of the Fabric API itself (/v1), with a token of the default user.</summary>
    public HttpResponseMessage Api(HttpMethod method, string pathUnderV1, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_emulator.ApiBaseUri, pathUnderV1));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _emulator.MintToken());
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return _http.SendAsync(request).GetAwaiter().GetResult();
    }

    /// <summary>A Sales lakehouse's job list as the service gives it (every job type, every page), or its MLV refreshes only.</summary>
    public List<JsonElement> Jobs(string lakehouse, bool mlvOnly = false)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var path = $"workspaces/{_emulator.WorkspaceId("Sales")}/items/{_emulator.LakehouseId("Sales", lakehouse)}/jobs/instances" +
                          (token is null ? string.Empty : "?continuationToken=" + Uri.EscapeDataString(Uri.UnescapeDataString(token)));
            using var response = Api(HttpMethod.Get, path);
            using var page = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            all.AddRange(page.RootElement.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
            token = page.RootElement.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        return mlvOnly ? all.Where(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews").ToList() : all;
    }

    /// <summary>Every token of the caller <paramref name="oid"/> issued so far is refused from now on (401 InvalidToken).</summary>
    public void RevokeTokens(string oid) => Send(HttpMethod.Post, "_emulator/tokens/revoke", new { oid });

    /// <summary>Creates lakehouses named <paramref name="prefix"/>0001… in a workspace; returns their names.</summary>
    public List<string> AddLakehouses(string workspace, string prefix, int count)
    {
        using var created = JsonDocument.Parse(Send(HttpMethod.Post, "_emulator/seed/lakehouses", new { workspace, namePrefix = prefix, count }));
        return created.RootElement.GetProperty("lakehouses").EnumerateArray().Select(l => l.GetProperty("displayName").GetString()!).ToList();
    }

    private string Send(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        using var response = _http.SendAsync(request).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"{method} /{path}: {(int)response.StatusCode} {text}");
        return text;
    }

    public void Dispose() => _http.Dispose();
}
