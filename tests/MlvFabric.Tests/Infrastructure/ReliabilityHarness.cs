using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// One emulator per reliability test class, with the limits those tests need: quick Retry-After, and the scheduler's
/// per-minute job limits lifted (the tests inject their own 429s; the client still paces itself at 50 per minute).
/// Every request is checked against the Fabric REST spec, as <see cref="EmulatorFixture"/> does.
/// </summary>
public sealed class ReliabilityEmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            RetryAfterSeconds = 1,
            JobSubmissionsPerMinute = 0,
            JobStatusReadsPerMinute = 0,
            RequestLogCapacity = 200_000,
        });
        _spec = new SpecConformanceWatch(Emulator);
    }

    private SpecConformanceWatch? _spec;

    public async Task DisposeAsync()
    {
        _spec!.Dispose();
        await Emulator.DisposeAsync();
        _spec.AssertConforms();
    }
}

/// <summary>The emulator's control surface and a fault-free raw API caller: setup, and the evidence the tests check.</summary>
public sealed class EmulatorApi : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorApi(EmulatorServer emulator)
    {
        Emulator = emulator;
        _http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromMinutes(2) };
    }

    public EmulatorServer Emulator { get; }

    public JsonElement Send(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body != null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (token != null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = _http.SendAsync(request).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"{method} /{path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public JsonElement Control(HttpMethod method, string path, object? body = null) => Send(method, "_emulator/" + path, body);

    public void Faults(object settings) => Control(HttpMethod.Put, "faults", settings);

    public void ClearFaults() => Control(HttpMethod.Delete, "faults");

    public void Settings(object settings) => Control(HttpMethod.Put, "settings", settings);

    /// <summary>A user token for a caller of its own: <paramref name="upn"/> is its account, its oid derived from it.</summary>
    public (string Token, string Oid) UserToken(string upn)
    {
        var json = Control(HttpMethod.Post, "tokens", new { kind = "user", upn, lifetimeSeconds = 3600 });
        return (json.GetProperty("accessToken").GetString()!, json.GetProperty("oid").GetString()!);
    }

    /// <summary>Adds lakehouses named &lt;prefix&gt;0001… to a workspace (created if needed).</summary>
    public (Guid Workspace, List<Guid> Lakehouses) Seed(string workspace, string prefix, int count, double durationSeconds, double queueSeconds = 0)
    {
        var json = Control(HttpMethod.Post, "seed/lakehouses", new { workspace, count, namePrefix = prefix, mlvCount = 2, durationSeconds, queueSeconds });
        return (json.GetProperty("workspaceId").GetGuid(), json.GetProperty("lakehouses").EnumerateArray().Select(l => l.GetProperty("id").GetGuid()).ToList());
    }

    /// <summary>Every item of a /v1 list, read with <paramref name="token"/> (call with faults cleared).</summary>
    public List<JsonElement> ListAll(string path, string token)
    {
        var items = new List<JsonElement>();
        var next = path;
        while (next != null)
        {
            var page = Send(HttpMethod.Get, next, token: token);
            items.AddRange(page.GetProperty("value").EnumerateArray());
            next = page.TryGetProperty("continuationUri", out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
        }

        return items;
    }

    /// <summary>The request log after <paramref name="mark"/> (0: all of it).</summary>
    public List<JsonElement> Requests(long mark = 0) => Control(HttpMethod.Get, $"requests?since={mark}").EnumerateArray().ToList();

    public void Dispose() => _http.Dispose();
}

/// <summary>What a "clear error" is: an ErrorRecord the module made on purpose, never an escaped .NET exception.</summary>
public static class ClearErrors
{
    // Module ErrorIds are one word (MlvRefreshFailed, FabricConnectionFailed, JobInstanceNotFound, ...) or
    // FabricApi.<service error code>. An exception that escaped a cmdlet shows its type name instead
    // (System.NullReferenceException,...), or the module's catch-all MlvFabricUnexpectedError.
    private static readonly Regex ModuleErrorId = new(@"^(FabricApi\.[A-Za-z0-9_]+|[A-Z][A-Za-z0-9]+)$", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> NotClear = new(StringComparer.Ordinal) { "MlvFabricUnexpectedError", "RuntimeException", "CmdletInvocationException" };

    private static readonly Type[] BugExceptions =
    {
        typeof(NullReferenceException), typeof(InvalidCastException), typeof(IndexOutOfRangeException), typeof(KeyNotFoundException),
        typeof(ObjectDisposedException), typeof(AggregateException), typeof(NotImplementedException), typeof(StackOverflowException),
        typeof(ArgumentOutOfRangeException), typeof(FormatException), typeof(OverflowException), typeof(JsonException),
        typeof(HttpRequestException), typeof(TaskCanceledException),
    };

    public static string ErrorId(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>Null when <paramref name="e"/> is a clear module error; else why not.</summary>
    public static string? Problem(ErrorRecord e)
    {
        var id = ErrorId(e);
        if (!ModuleErrorId.IsMatch(id) || NotClear.Contains(id))
        {
            return $"ErrorId '{e.FullyQualifiedErrorId}' is not a module ErrorId";
        }

        if (!e.FullyQualifiedErrorId.Contains(",MlvFabric.", StringComparison.Ordinal))
        {
            return $"'{e.FullyQualifiedErrorId}' was not raised by a module cmdlet";
        }

        // The record's own exception (a module exception may carry a transport exception as its cause: that is fine),
        // and what PowerShell wraps around an exception that escaped a cmdlet.
        var own = e.Exception is CmdletInvocationException wrapper ? wrapper.InnerException ?? wrapper : e.Exception;
        if (e.Exception is CmdletInvocationException || (own != null && BugExceptions.Any(t => t.IsInstanceOfType(own))))
        {
            return $"the record carries a raw {own?.GetType().FullName}: {own?.Message}";
        }

        if (string.IsNullOrWhiteSpace(e.ToString()))
        {
            return "the record has no message";
        }

        return null;
    }

    public static void AssertAllClear(IEnumerable<ErrorRecord> errors, string context)
    {
        foreach (var e in errors)
        {
            var problem = Problem(e);
            Assert.True(problem is null, $"{context}: not a clear error: {problem}\n{e}\n{e.Exception}");
        }
    }
}

/// <summary>Runs one script in a session with a watchdog: a run that does not end in time is stopped and reported as a hang.</summary>
public static class Watchdog
{
    public static (PsResult Result, TimeSpan Took, bool Hung) Run(PsSession session, string script, IDictionary<string, object?>? variables, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        var (ps, task) = session.Start(script, variables);
        using (ps)
        {
            if (task.Wait(limit))
            {
                return (task.Result, watch.Elapsed, false);
            }

            ps.Stop();
            task.Wait(TimeSpan.FromSeconds(10));
            return (task.IsCompletedSuccessfully ? task.Result : new PsResult(), watch.Elapsed, true);
        }
    }
}
