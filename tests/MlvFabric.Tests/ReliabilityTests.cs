using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text.Json;
using MlvFabric.Emulator;
using MlvFabric.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlvFabric.Tests;

/// <summary>
/// Bad input from the service: answers the real service must never send, produced with the emulator's
/// scripted <c>override</c> fault (or its settings). Each case must end in output or a clear module error — no
/// escaped .NET exception, no hang — and must not make the module do something unsafe (send a start twice, follow
/// a foreign host).
/// </summary>
public sealed class BadInputReliabilityTests : IClassFixture<ReliabilityEmulatorFixture>, IDisposable
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(60);

    private readonly EmulatorServer _emulator;
    private readonly EmulatorApi _api;
    private readonly ITestOutputHelper _output;
    private readonly PsSession _ps;
    private readonly Guid _ws;
    private readonly Guid _gold;

    public BadInputReliabilityTests(ReliabilityEmulatorFixture fixture, ITestOutputHelper output)
    {
        _emulator = fixture.Emulator;
        _emulator.Reset();
        _output = output;
        _api = new EmulatorApi(_emulator);
        _ws = _emulator.WorkspaceId("Sales");
        _gold = _emulator.LakehouseId("Sales", "Gold");
        _ps = PsSession.Create();
        (var token, _) = _api.UserToken($"bad-input-{Guid.NewGuid():N}@contoso.onmicrosoft.com");
        _ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null",
            new Dictionary<string, object?> { ["e"] = _emulator.BaseUri.ToString(), ["t"] = _ps.Secure(token) }).ThrowIfFailed();
        _ps.SetVariable("ws", _ws);
        _ps.SetVariable("lh", _gold);
        Token = token;
    }

    private string Token { get; }

    public static IEnumerable<object[]> Cases => CaseTable.Keys.Select(k => new object[] { k });

    /// <summary>Case name → run it (arrange faults, run the script, check what came out).</summary>
    private static readonly Dictionary<string, Action<BadInputReliabilityTests>> CaseTable = new()
    {
        ["malformed JSON in a job instance, twice: retried like a truncated answer, then read"] = t => t.MalformedJsonIsRetried(),
        ["malformed JSON in a 201 create answer: reconciled, one schedule"] = t => t.MalformedCreateAnswerIsReconciled(),
        ["malformed error body on a 400"] = t => t.MalformedErrorBody(),
        ["unknown job status from Get-MlvJobInstance -Id: returned as is"] = t => t.UnknownStatusIsPassedThrough(),
        ["unknown job status while waiting: warning, no hang"] = t => t.UnknownStatusEndsTheWait(),
        ["unknown schedule configuration type"] = t => t.UnknownScheduleType(),
        ["job instance without an id"] = t => t.JobWithoutId(),
        ["list item without an id"] = t => t.ListItemWithoutId(),
        ["job start whose Location is on a foreign host: its job id, read on the endpoint"] = t => t.ForeignLocationOnStart(),
        ["job start with -Wait whose Location is on a foreign host: waited for on the endpoint"] = t => t.ForeignLocationOnStartAndWait(),
        ["continuationUri on a foreign host: its token, read on the endpoint"] = t => t.ForeignContinuationUri(),
        ["huge page: 30,000 instances in one page"] = t => t.HugePage(),
        ["huge error message (2 MB)"] = t => t.HugeErrorMessage(),
        ["error body that is JSON of the wrong shape"] = t => t.WrongShapeErrorBody(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ServiceAnswersBadly(string name)
    {
        _output.WriteLine(name);
        CaseTable[name](this);
    }

    // ---------------------------------------------------------------- cases

    private void MalformedJsonIsRetried()
    {
        var job = StartJob();
        Script(new { method = "GET", pathPattern = $"/v1/*/jobs/instances/{job}", fault = "override", status = 200, body = "{\"id\": \"" + job + "\", \"status\": ", count = 2 });
        var result = Run("Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", ("job", job));
        AssertNoErrors(result);
        Assert.Equal(job, (Guid)Assert.Single(result.Output).Properties["Id"].Value);
        Assert.Equal(3, Requests("GET", $"/jobs/instances/{job}").Count);
    }

    private void MalformedCreateAnswerIsReconciled()
    {
        Script(new { method = "POST", pathPattern = "/v1/*/schedules", fault = "override", status = 201, body = "{\"id\": \"not-even", count = 1 });
        var result = Run("New-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -IntervalMinutes 4242 -Disabled");
        AssertNoErrors(result);
        var id = (Guid)Assert.Single(result.Output).Properties["Id"].Value;
        _api.ClearFaults();
        var schedules = _api.ListAll($"v1/workspaces/{_ws}/items/{_gold}/jobs/RefreshMaterializedLakeViews/schedules", Token);
        var only = Assert.Single(schedules);
        Assert.Equal(id, only.GetProperty("id").GetGuid());
        Assert.Single(Requests("POST", "/schedules"));
    }

    private void MalformedErrorBody()
    {
        Script(new { method = "GET", pathPattern = "/v1/*/schedules", fault = "override", phase = "request", status = 400, body = "<html><body>Bad gateway-ish</body></html>", count = 1 });
        var result = Run("Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh");
        var error = AssertClearError(result, "FabricApi.Http400", ErrorCategory.InvalidArgument);
        Assert.Contains("400", error.ToString());
    }

    private void UnknownStatusIsPassedThrough()
    {
        var job = StartJob();
        Script(new { method = "GET", pathPattern = $"/v1/*/jobs/instances/{job}", fault = "override", body = JobJson(job, "Exploding"), count = 1 });
        var result = Run("Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", ("job", job));
        AssertNoErrors(result);
        Assert.Equal("Exploding", Assert.Single(result.Output).Properties["Status"].Value?.ToString());
    }

    private void UnknownStatusEndsTheWait()
    {
        var job = StartJob();
        Script(new { method = "GET", pathPattern = $"/v1/*/jobs/instances/{job}", fault = "override", body = JobJson(job, "Exploding"), count = 1000 });
        var result = Run("Wait-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", ("job", job));
        AssertNoErrors(result);
        Assert.Equal("Exploding", Assert.Single(result.Output).Properties["Status"].Value?.ToString());
        Assert.Contains(result.Warnings, w => w.Message.Contains("'Exploding'", StringComparison.Ordinal));
    }

    private void UnknownScheduleType()
    {
        var id = Guid.NewGuid();
        var body = JsonSerializer.Serialize(new
        {
            value = new object[]
            {
                new
                {
                    id, enabled = true, createdDateTime = "2026-01-01T00:00:00.0000000",
                    configuration = new { type = "Hourly", startDateTime = "2026-01-01T00:00:00Z", endDateTime = "2030-01-01T00:00:00Z", localTimeZoneId = "UTC", hours = 3 },
                    owner = new { id = Guid.NewGuid(), type = "User" },
                },
            },
        });
        Script(new { method = "GET", pathPattern = "/v1/*/schedules", fault = "override", body, count = 1 });
        var result = Run("Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh");
        ClearErrors.AssertAllClear(result.AllErrors, "unknown schedule type");
        // Either the schedule comes back as it is (its type named) or a clear error says why it cannot.
        Assert.True(result.Output.Count == 1 || result.AllErrors.Any(), "neither output nor an error");
        if (result.Output.Count == 1)
        {
            Assert.Equal(id, (Guid)result.Output[0].Properties["Id"].Value);
        }
    }

    private void JobWithoutId()
    {
        var job = StartJob();
        Script(new { method = "GET", pathPattern = $"/v1/*/jobs/instances/{job}", fault = "override", body = "{\"status\": \"Completed\", \"jobType\": \"RefreshMaterializedLakeViews\"}", count = 1 });
        var result = Run("Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", ("job", job));
        var error = AssertClearError(result, "FabricProtocolError", ErrorCategory.ProtocolError);
        Assert.Contains("without an id", error.ToString());
        Assert.Single(Requests("GET", $"/jobs/instances/{job}")); // not retried: a well-formed answer without an id will not improve
    }

    private void ListItemWithoutId()
    {
        Script(new { method = "GET", pathPattern = "/v1/*/jobs/instances", fault = "override", body = "{\"value\": [ { \"status\": \"Completed\", \"jobType\": \"RefreshMaterializedLakeViews\" } ]}", count = 1 });
        var result = Run("Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh");
        AssertClearError(result, "FabricProtocolError", ErrorCategory.ProtocolError);
    }

    private void ForeignLocationOnStart()
    {
        _api.Settings(new { publicOrigin = "https://attacker.example" });
        _mark = Mark();
        var result = Run("Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -PassThru");
        AssertNoErrors(result);
        Assert.Equal(StartedOnce(), (Guid)Assert.Single(result.Output).Properties["Id"].Value);
        AssertNothingWentElsewhere();
    }

    private void ForeignLocationOnStartAndWait()
    {
        _api.Settings(new { publicOrigin = "https://attacker.example" });
        _mark = Mark();
        var result = Run("Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -Wait");
        AssertNoErrors(result);
        var job = Assert.Single(result.Output);
        Assert.Equal("Completed", job.Properties["Status"].Value?.ToString());
        Assert.Equal(StartedOnce(), (Guid)job.Properties["Id"].Value);
        Assert.NotEmpty(Requests("GET", $"/items/{_gold}/jobs/instances/{StartedOnce()}"));
        AssertNothingWentElsewhere();
    }

    private void ForeignContinuationUri()
    {
        StartJob();
        StartJob();
        _emulator.AdvanceClock(TimeSpan.FromMinutes(1));
        var mlvJobs = _api.ListAll($"v1/workspaces/{_ws}/items/{_gold}/jobs/instances", Token).Count(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews");
        _api.Settings(new { pageSize = 1, publicOrigin = "https://attacker.example" });
        _mark = Mark();

        var result = Run("Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh");

        AssertNoErrors(result);
        Assert.Equal(mlvJobs, result.Output.Count);
        Assert.Contains(Requests("GET", "/jobs/instances"), r => r.GetProperty("query").GetString()!.Contains("continuationToken=", StringComparison.Ordinal));
        AssertNothingWentElsewhere();
    }

    private void HugePage()
    {
        _api.Control(HttpMethod.Post, $"lakehouses/{_gold}/jobs/history", new { count = 30_000, liftCap = true, intervalMinutes = 1, durationSeconds = 30 });
        _api.Settings(new { pageSize = 100_000 });
        _mark = Mark();
        var result = Run("$n = 0; Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh | ForEach-Object { $n++ }; $n");
        AssertNoErrors(result);
        Assert.Equal(30_000, (int)Assert.Single(result.Output).BaseObject);
        Assert.Single(Requests("GET", "/instances"));
    }

    private void HugeErrorMessage()
    {
        var message = "Something went wrong. " + new string('x', 2 * 1024 * 1024);
        var body = JsonSerializer.Serialize(new { errorCode = "InvalidRequest", message, requestId = Guid.NewGuid(), isRetriable = false });
        Script(new { method = "GET", pathPattern = "/v1/*/schedules", fault = "override", phase = "request", status = 400, body, count = 1 });
        var result = Run("Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh");
        var error = AssertClearError(result, "FabricApi.InvalidRequest", ErrorCategory.InvalidArgument);
        _output.WriteLine($"error message length: {error.ToString().Length:N0} characters");
    }

    private void WrongShapeErrorBody()
    {
        Script(new { method = "GET", pathPattern = "/v1/*/schedules", fault = "override", phase = "request", status = 404, body = "[1, 2, {\"errorCode\": 7}]", count = 1 });
        var result = Run("Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh");
        AssertClearError(result, "FabricApi.Http404", ErrorCategory.ObjectNotFound);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>The one refresh the service accepted since the case began (never sent twice); its id.</summary>
    private Guid StartedOnce()
    {
        Assert.Single(Requests("POST", "/instances"));
        return Assert.Single(_api.ListAll($"v1/workspaces/{_ws}/items/{_gold}/jobs/instances", Token)
, j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews").GetProperty("id").GetGuid();
    }

    /// <summary>Every request of the case reached the emulator under the endpoint's host, none under another name.</summary>
    private void AssertNothingWentElsewhere() =>
        Assert.All(_api.Requests(_mark), r => Assert.Equal("127.0.0.1:" + _emulator.BaseUri.Port, r.GetProperty("host").GetString()));

    private string JobJson(Guid job, string status) => JsonSerializer.Serialize(new
    {
        id = job,
        itemId = _gold,
        jobType = "RefreshMaterializedLakeViews",
        invokeType = "Manual",
        status,
        rootActivityId = Guid.NewGuid(),
        startTimeUtc = "2026-01-01T00:00:00.0000000",
        endTimeUtc = (string?)null,
        failureReason = (object?)null,
    });

    private Guid StartJob()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.ApiBaseUri, $"workspaces/{_ws}/lakehouses/{_gold}/jobs/RefreshMaterializedLakeViews/instances"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        request.Content = new ByteArrayContent(Array.Empty<byte>());
        using var response = http.Send(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.AbsolutePath.Split('/').Last());
    }

    private long _mark;

    private long Mark() => _api.Requests().Select(r => r.GetProperty("sequence").GetInt64()).DefaultIfEmpty(0).Max();

    private void Script(object entry)
    {
        _api.Faults(new { script = new[] { entry } });
        _mark = Mark();
    }

    /// <summary>/v1 requests since the case's faults were set, by method and path fragment.</summary>
    private List<JsonElement> Requests(string method, string pathContains) =>
        _api.Requests(_mark).Where(r => r.GetProperty("method").GetString() == method && r.GetProperty("path").GetString()!.Contains(pathContains, StringComparison.OrdinalIgnoreCase)).ToList();

    private PsResult Run(string script, params (string Name, object Value)[] variables)
    {
        var (result, took, hung) = Watchdog.Run(_ps, script, variables.ToDictionary(v => v.Name, v => (object?)v.Value), CaseLimit);
        _output.WriteLine($"{took.TotalSeconds:0.0} s; {result.Output.Count} output, errors: {string.Join("; ", result.AllErrors.Select(e => $"[{e.FullyQualifiedErrorId}] {Shorten(e.ToString())}"))}; warnings: {string.Join("; ", result.Warnings.Select(w => Shorten(w.Message)))}");
        Assert.False(hung, $"The script did not end within {CaseLimit.TotalSeconds} s: {script}");
        return result;
    }

    private static string Shorten(string text) => text.Length > 300 ? text.Substring(0, 300) + $"… ({text.Length:N0} chars)" : text;

    private static void AssertNoErrors(PsResult result) => Assert.True(!result.AllErrors.Any(), "Unexpected errors:\n" + result.Describe());

    private static ErrorRecord AssertClearError(PsResult result, string errorId, ErrorCategory category)
    {
        ClearErrors.AssertAllClear(result.AllErrors, "bad input");
        var error = Assert.Single(result.AllErrors);
        Assert.True(ClearErrors.ErrorId(error) == errorId, $"Expected ErrorId {errorId}, got {error.FullyQualifiedErrorId}: {error}");
        Assert.Equal(category, error.CategoryInfo.Category);
        return error;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _api.Dispose();
    }
}

/// <summary>
/// Concurrency: eight runspaces that share nothing, each with its own sign-in, and one runspace whose
/// parallel pipeline (ForEach-Object -Parallel) shares one -Context, all hammering the same lakehouses. The service
/// stamps every schedule with its owner and every job with its caller, so cross-talk between sessions shows up as a
/// wrong owner; shared-state bugs show up as errors.
/// </summary>
public sealed class ConcurrencyReliabilityTests : IClassFixture<ReliabilityEmulatorFixture>, IDisposable
{
    private static readonly string[] Lakehouses = { "Bronze", "Silver", "Gold" };

    private readonly EmulatorServer _emulator;
    private readonly EmulatorApi _api;
    private readonly ITestOutputHelper _output;

    public ConcurrencyReliabilityTests(ReliabilityEmulatorFixture fixture, ITestOutputHelper output)
    {
        _emulator = fixture.Emulator;
        _emulator.Reset();
        _api = new EmulatorApi(_emulator);
        _output = output;
        foreach (var lakehouse in Lakehouses)
        {
            _api.Control(HttpMethod.Put, $"lakehouses/{_emulator.LakehouseId("Sales", lakehouse)}/settings", new { durationSeconds = 2, queueSeconds = 0 });
        }
    }

    [Fact]
    public void EightRunspacesSharingNothingNeverSeeEachOthersSession()
    {
        const int runspaces = 8;
        const int iterations = 10;
        var callers = Enumerable.Range(0, runspaces).Select(i => (Upn: $"concurrent{i}-{Guid.NewGuid():N}@contoso.onmicrosoft.com", Session: PsSession.Create())).ToList();
        var oids = new string[runspaces];
        try
        {
            for (var i = 0; i < runspaces; i++)
            {
                (var token, var oid) = _api.UserToken(callers[i].Upn);
                oids[i] = oid;
                var s = callers[i].Session;
                s.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null", new Dictionary<string, object?> { ["e"] = _emulator.BaseUri.ToString(), ["t"] = s.Secure(token) }).ThrowIfFailed();
            }

            const string script = @"
$ctx = Get-MlvContext
$s = New-MlvSchedule -WorkspaceName Sales -LakehouseName $lh -IntervalMinutes $interval -Disabled
$j = Start-MlvRefresh -WorkspaceName Sales -LakehouseName $lh -PassThru
$jobs = @(Get-MlvJobInstance -WorkspaceName Sales -LakehouseName $lh -First 3)
$got = Get-MlvSchedule -WorkspaceName Sales -LakehouseName $lh -Id $s.Id
Remove-MlvSchedule -WorkspaceName Sales -LakehouseName $lh -Id $s.Id -Confirm:$false
$after = Get-MlvContext
[pscustomobject]@{ Account = $ctx.Account; AccountAfter = $after.Account; Owner = $s.Owner.Id; GotOwner = $got.Owner.Id; GotInterval = $got.Configuration.Interval; Job = $j.Id; Listed = $jobs.Count }";

            var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var jobs = new System.Collections.Concurrent.ConcurrentDictionary<Guid, string>();
            var threads = Enumerable.Range(0, runspaces).Select(i => new System.Threading.Thread(() =>
            {
                try
                {
                    for (var n = 0; n < iterations; n++)
                    {
                        var interval = 1000 + i * 100 + n;
                        var (result, _, hung) = Watchdog.Run(callers[i].Session, script,
                            new Dictionary<string, object?> { ["lh"] = Lakehouses[(i + n) % Lakehouses.Length], ["interval"] = interval }, TimeSpan.FromSeconds(60));
                        if (hung || result.AllErrors.Any() || result.Output.Count != 1)
                        {
                            failures.Enqueue($"runspace {i} iteration {n}: hung={hung}, {result.Output.Count} outputs\n{result.Describe()}");
                            continue;
                        }

                        var o = result.Output[0];
                        string? Get(string name) => o.Properties[name]?.Value?.ToString();
                        if (Get("Account") != callers[i].Upn || Get("AccountAfter") != callers[i].Upn)
                        {
                            failures.Enqueue($"runspace {i}: Get-MlvContext showed {Get("Account")}/{Get("AccountAfter")}, not {callers[i].Upn}");
                        }

                        if (Get("Owner") != oids[i] || Get("GotOwner") != oids[i] || Get("GotInterval") != interval.ToString())
                        {
                            failures.Enqueue($"runspace {i}: schedule owner {Get("Owner")}/{Get("GotOwner")} interval {Get("GotInterval")}, expected {oids[i]} / {interval}");
                        }

                        jobs[Guid.Parse(Get("Job")!)] = oids[i];
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue($"runspace {i}: {ex}");
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.True(failures.IsEmpty, string.Join("\n", failures));
            Assert.Equal(runspaces * iterations, jobs.Count);
            foreach (var (job, oid) in jobs)
            {
                Assert.Equal(oid, _api.Control(HttpMethod.Get, $"jobs/{job}").GetProperty("callerOid").GetString());
            }

            // Every request of the test came from one of the eight callers; each made its own share.
            var byCaller = _api.Requests().GroupBy(r => r.TryGetProperty("callerOid", out var c) ? c.GetString() : null).ToDictionary(g => g.Key ?? "(none)", g => g.Count());
            _output.WriteLine("requests by caller: " + string.Join(", ", byCaller.Select(kv => $"{kv.Key}: {kv.Value}")));
            Assert.True(byCaller.Keys.All(k => oids.Contains(k)), "requests from an unknown caller: " + string.Join(", ", byCaller.Keys));
            Assert.Equal(runspaces, byCaller.Count);
        }
        finally
        {
            callers.ForEach(c => c.Session.Dispose());
        }
    }

    [Fact]
    public void ParallelPipelineSharingOneContextHasNoSharedStateFailures()
    {
        (var token, var oid) = _api.UserToken($"parallel-{Guid.NewGuid():N}@contoso.onmicrosoft.com");
        using var ps = PsSession.Create();
        ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null", new Dictionary<string, object?> { ["e"] = _emulator.BaseUri.ToString(), ["t"] = ps.Secure(token) }).ThrowIfFailed();
        const int items = 32;
        const string script = @"
$ctx = Get-MlvContext
$manifest = $MlvManifest
1..$items | ForEach-Object -ThrottleLimit 8 -Parallel {
    Import-Module $using:manifest
    $c = $using:ctx
    $n = $_
    $lh = @('Bronze', 'Silver', 'Gold')[$n % 3]
    $own = Get-MlvContext   # a parallel runspace has no current session of its own
    $s = New-MlvSchedule -Context $c -WorkspaceName Sales -LakehouseName $lh -IntervalMinutes (2000 + $n) -Disabled
    $j = Start-MlvRefresh -Context $c -WorkspaceName Sales -LakehouseName $lh -PassThru
    $got = Get-MlvJobInstance -Context $c -WorkspaceName Sales -LakehouseName $lh -Id $j.Id
    $listed = @(Get-MlvSchedule -Context $c -WorkspaceName Sales -LakehouseName $lh | Where-Object { $_.Id -eq $s.Id })
    Remove-MlvSchedule -Context $c -WorkspaceName Sales -LakehouseName $lh -Id $s.Id -Confirm:$false
    [pscustomobject]@{ N = $n; Lakehouse = $lh; HasOwnContext = ($null -ne $own); Interval = $s.Configuration.Interval; Owner = $s.Owner.Id; Job = $j.Id; GotJob = $got.Id; GotLakehouse = $got.LakehouseName; Listed = $listed.Count }
}";
        var (result, took, hung) = Watchdog.Run(ps, script, new Dictionary<string, object?> { ["items"] = items, ["MlvManifest"] = ModuleLocator.ManifestPath }, TimeSpan.FromSeconds(120));
        _output.WriteLine($"{items} parallel iterations in {took.TotalSeconds:0.0} s");
        Assert.False(hung, "the parallel pipeline did not end");
        ClearErrors.AssertAllClear(result.AllErrors, "parallel pipeline");
        Assert.True(!result.AllErrors.Any(), result.Describe());
        Assert.Equal(items, result.Output.Count);
        var seen = new HashSet<int>();
        foreach (var o in result.Output)
        {
            string? Get(string name) => o.Properties[name]?.Value?.ToString();
            var n = int.Parse(Get("N")!);
            Assert.True(seen.Add(n));
            Assert.Equal("False", Get("HasOwnContext"));
            Assert.Equal((2000 + n).ToString(), Get("Interval"));
            Assert.Equal(oid, Get("Owner"));
            Assert.Equal(Get("Job"), Get("GotJob"));
            Assert.Equal(Get("Lakehouse"), Get("GotLakehouse"));
            Assert.Equal("1", Get("Listed"));
        }

        // Nothing was left behind and nothing was created twice.
        foreach (var lakehouse in Lakehouses)
        {
            Assert.Empty(_api.ListAll($"v1/workspaces/{_emulator.WorkspaceId("Sales")}/items/{_emulator.LakehouseId("Sales", lakehouse)}/jobs/RefreshMaterializedLakeViews/schedules", token));
        }

        Assert.Equal(items, _api.Requests().Count(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.EndsWith("/schedules", StringComparison.Ordinal)));
    }

    public void Dispose() => _api.Dispose();
}

/// <summary>
/// Soak: 2,050 module operations — schedule create/change/read/delete, refresh starts with and without
/// -Wait, waits, cancels, job reads — from 50 runspaces in parallel (each its own caller), against an emulator that
/// injects 10% 429s, 5% 5xx, 2% dropped connections (before or after processing) and 1% truncated bodies from a
/// fixed seed. Every operation must end in success or a clear module error, without hanging; afterwards the
/// emulator's state and request log must show no job started twice for one intended start and no schedule lost
/// or duplicated. Intent is tracked per operation: every start uses a lakehouse of its own, every create a unique
/// interval, so each thing in the emulator can be matched to the one operation that meant it.
/// </summary>
public sealed class SoakReliabilityTests : IClassFixture<ReliabilityEmulatorFixture>, IDisposable
{
    private const int Workers = 50;
    private const int Operations = 2_050;
    private const int FastPerWorker = 30;
    private const int SlowPerWorker = 12;
    private const int ScheduleLakehousesPerWorker = 3;
    private const int MaxSchedulesPerLakehouse = 16;
    private const int FaultSeed = 20260601;
    private static readonly TimeSpan OperationLimit = TimeSpan.FromSeconds(60);

    private readonly EmulatorServer _emulator;
    private readonly EmulatorApi _api;
    private readonly ITestOutputHelper _output;
    private int _nextInterval = 100_000;
    private int _remaining = Operations;

    public SoakReliabilityTests(ReliabilityEmulatorFixture fixture, ITestOutputHelper output)
    {
        _emulator = fixture.Emulator;
        _emulator.Reset();
        _api = new EmulatorApi(_emulator);
        _output = output;
    }

    private enum Op { NewSchedule, SetSchedule, GetSchedule, RemoveSchedule, Start, StartWait, WaitJob, StartSlow, StopJob, GetJob }

    private static readonly (Op Op, int Weight)[] Mix =
    {
        (Op.NewSchedule, 14), (Op.SetSchedule, 9), (Op.GetSchedule, 10), (Op.RemoveSchedule, 7), (Op.Start, 14),
        (Op.StartWait, 8), (Op.WaitJob, 8), (Op.StartSlow, 7), (Op.StopJob, 7), (Op.GetJob, 16),
    };

    private sealed class TrackedSchedule
    {
        public Guid Id;
        public Guid Lakehouse;
        public int Interval;
        public int? OtherInterval;   // a Set that ended in an error: either value may be stored
        public bool MaybeRemoved;    // a Remove that ended in an error
    }

    private sealed class TrackedStart
    {
        public Guid Lakehouse;
        public Guid? Job;            // null: the start ended in an error (0 or 1 job may exist)
        public bool Waited;          // -Wait succeeded: the job must have completed
        public bool Slow;
        public bool Stopped;         // Stop succeeded: the job must be cancelled
        public bool StopTried;
    }

    private sealed class Worker
    {
        public int Index;
        public PsSession Session = null!;
        public string Oid = "";
        public Guid Workspace;
        public List<Guid> Fast = new();
        public List<Guid> Slow = new();
        public List<Guid> ScheduleLakehouses = new();
        public int NextFast;
        public int NextSlow;
        public List<TrackedSchedule> Schedules = new();
        public List<TrackedSchedule> RemovedSchedules = new();
        public List<(Guid Lakehouse, int Interval)> MaybeCreated = new();
        public List<TrackedStart> Starts = new();
        public List<OpOutcome> Outcomes = new();
        public Random Random = null!;
        public TimeSpan Took;
    }

    private sealed record OpOutcome(Op Op, bool Ok, TimeSpan Took, bool Hung, List<string> ErrorIds, string? Problem);

    [Fact]
    public void TwoThousandOperationsUnderFaultsEndInSuccessOrClearErrorsAndLoseNothing()
    {
        var workers = new List<Worker>();
        try
        {
            for (var w = 0; w < Workers; w++)
            {
                var worker = new Worker { Index = w, Random = new Random(FaultSeed + w) };
                var fast = _api.Seed($"Soak{w:00}", "Fast", FastPerWorker + ScheduleLakehousesPerWorker, durationSeconds: 0.5);
                var slow = _api.Seed($"Soak{w:00}", "Slow", SlowPerWorker, durationSeconds: 3600);
                worker.Workspace = fast.Workspace;
                worker.Fast = fast.Lakehouses.Take(FastPerWorker).ToList();
                worker.ScheduleLakehouses = fast.Lakehouses.Skip(FastPerWorker).ToList();
                worker.Slow = slow.Lakehouses;
                (var token, var oid) = _api.UserToken($"soak{w:00}@contoso.onmicrosoft.com");
                worker.Oid = oid;
                worker.Session = PsSession.Create();
                worker.Session.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null",
                    new Dictionary<string, object?> { ["e"] = _emulator.BaseUri.ToString(), ["t"] = worker.Session.Secure(token) }).ThrowIfFailed();
                worker.Session.SetVariable("ws", worker.Workspace);
                worker.Session.SetVariable("ConfirmPreference", "None");
                worker.Session.SetVariable("VerbosePreference", "Continue"); // the client's request lines, for a hang's diagnosis
                workers.Add(worker);
            }

            _api.Faults(new
            {
                seed = FaultSeed,
                rates = new { throttle = 0.10, serverError = 0.05, drop = 0.02, truncate = 0.01 },
                dropPhase = "either",
                retryAfterSeconds = 1,
                throttle = new { jobSubmissionsPerMinute = 0, jobStatusReadsPerMinute = 0, requestsPerMinute = 0 },
            });

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var threads = workers.Select(worker => new System.Threading.Thread(() => RunWorker(worker)) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            var took = watch.Elapsed;

            _api.ClearFaults();
            Report(workers, took);
            Verify(workers);
        }
        finally
        {
            _api.ClearFaults();
            workers.ForEach(w => w.Session?.Dispose());
        }
    }

    private void RunWorker(Worker worker)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Operations are drawn from one pool, so that a runspace slowed by retries does fewer and all end together.
        while (System.Threading.Interlocked.Decrement(ref _remaining) >= 0)
        {
            var op = Pick(worker);
            try
            {
                worker.Outcomes.Add(Execute(worker, op));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                worker.Outcomes.Add(new OpOutcome(op, false, TimeSpan.Zero, false, new List<string>(), "the test harness failed: " + ex));
            }
        }

        worker.Took = watch.Elapsed;
    }

    private Op Pick(Worker w)
    {
        var roll = w.Random.Next(Mix.Sum(m => m.Weight));
        var op = Mix.First(m => (roll -= m.Weight) < 0).Op;
        var anySchedule = w.Schedules.Any(s => s.OtherInterval is null && !s.MaybeRemoved);
        var anyFastJob = w.Starts.Any(s => !s.Slow && s.Job is not null);
        var anySlowJob = w.Starts.Any(s => s.Slow && s.Job is not null && !s.StopTried);
        return op switch
        {
            Op.SetSchedule or Op.RemoveSchedule or Op.GetSchedule when !anySchedule => Op.NewSchedule,
            Op.NewSchedule when w.ScheduleLakehouses.All(l => Count(w, l) >= MaxSchedulesPerLakehouse) => Op.GetSchedule,
            Op.Start or Op.StartWait when w.NextFast >= w.Fast.Count => Op.GetJob,
            Op.StartSlow when w.NextSlow >= w.Slow.Count => Op.GetJob,
            Op.StopJob when !anySlowJob => w.NextSlow < w.Slow.Count ? Op.StartSlow : Op.GetJob,
            Op.WaitJob or Op.GetJob when !anyFastJob => w.NextFast < w.Fast.Count ? Op.Start : Op.NewSchedule,
            _ => op,
        };
    }

    private static int Count(Worker w, Guid lakehouse) =>
        w.Schedules.Count(s => s.Lakehouse == lakehouse) + w.MaybeCreated.Count(m => m.Lakehouse == lakehouse);

    private OpOutcome Execute(Worker w, Op op)
    {
        var r = w.Random;
        switch (op)
        {
            case Op.NewSchedule:
                {
                    var lh = w.ScheduleLakehouses.Where(l => Count(w, l) < MaxSchedulesPerLakehouse).OrderBy(_ => r.Next()).First();
                    var interval = System.Threading.Interlocked.Increment(ref _nextInterval);
                    return Run(w, op, "New-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -IntervalMinutes $i -Disabled", new() { ["lh"] = lh, ["i"] = interval }, result =>
                    {
                        var created = Assert.Single(result.Output);
                        Assert.Equal(interval.ToString(), Config(created, "Interval"));
                        w.Schedules.Add(new TrackedSchedule { Id = (Guid)created.Properties["Id"].Value, Lakehouse = lh, Interval = interval });
                    }, () => w.MaybeCreated.Add((lh, interval)));
                }

            case Op.SetSchedule:
                {
                    var s = PickSchedule(w);
                    var interval = System.Threading.Interlocked.Increment(ref _nextInterval);
                    return Run(w, op, "Set-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -Id $id -IntervalMinutes $i -PassThru", new() { ["lh"] = s.Lakehouse, ["id"] = s.Id, ["i"] = interval }, result =>
                    {
                        Assert.Equal(interval.ToString(), Config(Assert.Single(result.Output), "Interval"));
                        s.Interval = interval;
                    }, () => s.OtherInterval = interval);
                }

            case Op.GetSchedule:
                {
                    var s = PickSchedule(w);
                    if (r.Next(2) == 0)
                    {
                        return Run(w, op, "Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -Id $id", new() { ["lh"] = s.Lakehouse, ["id"] = s.Id }, result =>
                            Assert.Equal(s.Interval.ToString(), Config(Assert.Single(result.Output), "Interval")), () => { });
                    }

                    // The list must hold every schedule this worker knows to exist on the lakehouse, each once.
                    var known = w.Schedules.Where(k => k.Lakehouse == s.Lakehouse && k.OtherInterval is null && !k.MaybeRemoved).ToList();
                    return Run(w, op, "Get-MlvSchedule -WorkspaceId $ws -LakehouseId $lh", new() { ["lh"] = s.Lakehouse }, result =>
                    {
                        var listed = result.Output.Select(o => (Guid)o.Properties["Id"].Value).ToList();
                        Assert.Equal(listed.Count, listed.Distinct().Count());
                        foreach (var k in known)
                        {
                            Assert.Contains(k.Id, listed);
                        }
                    }, () => { });
                }

            case Op.RemoveSchedule:
                {
                    var s = PickSchedule(w);
                    return Run(w, op, "Remove-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -Id $id -Confirm:$false", new() { ["lh"] = s.Lakehouse, ["id"] = s.Id }, result =>
                    {
                        w.Schedules.Remove(s);
                        w.RemovedSchedules.Add(s);
                    }, () => s.MaybeRemoved = true);
                }

            case Op.Start:
            case Op.StartWait:
            case Op.StartSlow:
                {
                    var slow = op == Op.StartSlow;
                    var lh = slow ? w.Slow[w.NextSlow++] : w.Fast[w.NextFast++];
                    var start = new TrackedStart { Lakehouse = lh, Slow = slow };
                    w.Starts.Add(start);
                    var script = op == Op.StartWait
                        ? "Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -Wait"
                        : "Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -PassThru";
                    return Run(w, op, script, new() { ["lh"] = lh }, result =>
                    {
                        var job = Assert.Single(result.Output);
                        start.Job = (Guid)job.Properties["Id"].Value;
                        if (op == Op.StartWait)
                        {
                            Assert.Equal("Completed", job.Properties["Status"].Value?.ToString());
                            start.Waited = true;
                        }
                    }, () => { });
                }

            case Op.WaitJob:
                {
                    var s = w.Starts.Where(k => !k.Slow && k.Job is not null).OrderBy(_ => r.Next()).First();
                    return Run(w, op, "Wait-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", new() { ["lh"] = s.Lakehouse, ["job"] = s.Job }, result =>
                    {
                        var job = Assert.Single(result.Output);
                        Assert.Equal(s.Job, (Guid)job.Properties["Id"].Value);
                        Assert.Equal("Completed", job.Properties["Status"].Value?.ToString());
                    }, () => { });
                }

            case Op.StopJob:
                {
                    var s = w.Starts.Where(k => k.Slow && k.Job is not null && !k.StopTried).OrderBy(_ => r.Next()).First();
                    s.StopTried = true;
                    var wait = r.Next(2) == 0;
                    return Run(w, op, "Stop-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job -Confirm:$false" + (wait ? " -Wait" : " -PassThru"), new() { ["lh"] = s.Lakehouse, ["job"] = s.Job }, result =>
                    {
                        var job = Assert.Single(result.Output);
                        Assert.Equal(s.Job, (Guid)job.Properties["Id"].Value);
                        if (wait)
                        {
                            Assert.Equal("Cancelled", job.Properties["Status"].Value?.ToString());
                        }

                        s.Stopped = true;
                    }, () => { });
                }

            default:
                {
                    var s = w.Starts.Where(k => !k.Slow && k.Job is not null).OrderBy(_ => r.Next()).First();
                    if (r.Next(3) == 0)
                    {
                        return Run(w, op, "Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -First 5", new() { ["lh"] = s.Lakehouse }, result =>
                            Assert.Equal(s.Job, (Guid)Assert.Single(result.Output).Properties["Id"].Value), () => { });
                    }

                    return Run(w, op, "Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", new() { ["lh"] = s.Lakehouse, ["job"] = s.Job }, result =>
                        Assert.Equal(s.Job, (Guid)Assert.Single(result.Output).Properties["Id"].Value), () => { });
                }
        }
    }

    private static TrackedSchedule PickSchedule(Worker w)
    {
        var candidates = w.Schedules.Where(s => s.OtherInterval is null && !s.MaybeRemoved).ToList();
        return candidates[w.Random.Next(candidates.Count)];
    }

    private static string? Config(PSObject schedule, string name) =>
        PSObject.AsPSObject(schedule.Properties["Configuration"].Value).Properties[name]?.Value?.ToString();

    /// <summary>
    /// Runs one operation. No error: <paramref name="succeeded"/> checks the output and records the outcome (a failed
    /// check is a wrong answer, reported). Errors: each must be clear; <paramref name="failed"/> records that the
    /// outcome is unknown.
    /// </summary>
    private OpOutcome Run(Worker w, Op op, string script, Dictionary<string, object?> variables, Action<PsResult> succeeded, Action failed)
    {
        var (result, took, hung) = Watchdog.Run(w.Session, script, variables, OperationLimit);
        var errors = result.AllErrors.ToList();
        var ids = errors.Select(ClearErrors.ErrorId).ToList();
        if (hung)
        {
            failed();
            // What the service saw of it: every request about the objects the operation named.
            var named = variables.Values.OfType<Guid>().Select(g => g.ToString()).ToList();
            var seen = _api.Requests().Where(e => named.Any(n => e.GetProperty("path").GetString()!.Contains(n, StringComparison.OrdinalIgnoreCase)))
                .Select(e => $"{e.GetProperty("time").GetString()} {e.GetProperty("method").GetString()} {e.GetProperty("path").GetString()} -> {e.GetProperty("status").GetInt32()}" +
                             (e.TryGetProperty("fault", out var f) ? " fault " + f.GetString() : ""));
            return new OpOutcome(op, false, took, true, ids,
                $"did not end within {OperationLimit.TotalSeconds} s: {script} ({string.Join(", ", variables.Select(v => $"{v.Key}={v.Value}"))})\n" +
                $"started {DateTime.UtcNow - took:HH:mm:ss.fff}Z; requests:\n  {string.Join("\n  ", seen)}\n" +
                $"verbose:\n  {string.Join("\n  ", result.Verbose.Select(v => v.Message))}\nwarnings:\n  {string.Join("\n  ", result.Warnings.Select(v => v.Message))}");
        }

        if (errors.Count > 0)
        {
            failed();
            var problem = errors.Select(e => ClearErrors.Problem(e) is string p ? $"{p}\n{e}\n{e.Exception}" : null).FirstOrDefault(p => p != null);
            return new OpOutcome(op, false, took, false, ids, problem is null ? null : $"{script}: {problem}");
        }

        try
        {
            succeeded(result);
            return new OpOutcome(op, true, took, false, ids, null);
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException || ex is InvalidCastException || ex is NullReferenceException)
        {
            failed();
            return new OpOutcome(op, false, took, false, ids, $"{script}: succeeded with a wrong answer: {ex.Message}\n{result.Describe()}");
        }
    }

    private void Report(List<Worker> workers, TimeSpan took)
    {
        var all = workers.SelectMany(w => w.Outcomes).ToList();
        _output.WriteLine($"{all.Count} operations by {workers.Count} runspaces in {took.TotalSeconds:0.0} s (per runspace: median {Median(workers.Select(w => w.Took.TotalSeconds)):0.0} s, max {workers.Max(w => w.Took.TotalSeconds):0.0} s); {all.Count(o => o.Ok)} succeeded, {all.Count(o => !o.Ok)} ended in errors, {all.Count(o => o.Hung)} hung.");
        foreach (var g in all.GroupBy(o => o.Op).OrderBy(g => g.Key))
        {
            _output.WriteLine($"  {g.Key,-15} {g.Count(),4} ops, {g.Count(o => !o.Ok),3} errors, median {Median(g.Select(o => o.Took.TotalSeconds)):0.00} s, max {g.Max(o => o.Took.TotalSeconds):0.0} s");
        }

        foreach (var g in all.SelectMany(o => o.ErrorIds).GroupBy(id => id).OrderByDescending(g => g.Count()))
        {
            _output.WriteLine($"  error {g.Key}: {g.Count()}");
        }

        var faults = _api.Requests().Select(r => r.TryGetProperty("fault", out var f) ? f.GetString() : null).Where(f => f != null).GroupBy(f => f!.Split(':')[0] + (f!.StartsWith("drop", StringComparison.Ordinal) ? ":" + f.Split(':')[1] : "")).ToList();
        _output.WriteLine($"  requests: {_api.Requests().Count}; injected faults: " + string.Join(", ", faults.Select(g => $"{g.Key} {g.Count()}")));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private void Verify(List<Worker> workers)
    {
        var all = workers.SelectMany(w => w.Outcomes).ToList();
        var problems = all.Where(o => o.Problem != null).Select(o => $"{o.Op}: {o.Problem}").ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} operation(s) did not end in success or a clear error:\n" + string.Join("\n\n", problems.Take(10)));
        Assert.True(all.Count == Operations && Operations >= 2000, $"{all.Count} operations ran");
        // With ten attempts per request, faults at these rates should rarely exhaust the retries: many errors would
        // mean the module gives up too early (or the test is wrong), even if each error is clear.
        var errors = all.Count(o => !o.Ok);
        Assert.True(errors <= all.Count / 20, $"{errors} of {all.Count} operations ended in errors");

        (var token, _) = _api.UserToken("soak-auditor@contoso.onmicrosoft.com");
        var log = _api.Requests();
        var findings = new List<string>();
        foreach (var w in workers)
        {
            VerifySchedules(w, token, log, findings);
            VerifyJobs(w, token, log, findings);
        }

        Assert.True(findings.Count == 0, $"{findings.Count} finding(s) in the emulator's state:\n" + string.Join("\n", findings.Take(30)));
    }

    private void VerifySchedules(Worker w, string token, List<JsonElement> log, List<string> findings)
    {
        foreach (var lh in w.ScheduleLakehouses)
        {
            var stored = _api.ListAll($"v1/workspaces/{w.Workspace}/items/{lh}/jobs/RefreshMaterializedLakeViews/schedules", token)
                .Select(s => (Id: s.GetProperty("id").GetGuid(), Interval: s.GetProperty("configuration").GetProperty("interval").GetInt32()))
                .ToList();
            var accounted = new HashSet<Guid>();
            foreach (var s in w.Schedules.Where(s => s.Lakehouse == lh))
            {
                var found = stored.Where(x => x.Id == s.Id).ToList();
                if (found.Count == 0 && !s.MaybeRemoved)
                {
                    findings.Add($"worker {w.Index}: schedule {s.Id} (interval {s.Interval}) was LOST");
                }

                if (found.Count == 1 && found[0].Interval != s.Interval && found[0].Interval != s.OtherInterval)
                {
                    findings.Add($"worker {w.Index}: schedule {s.Id} has interval {found[0].Interval}, expected {s.Interval}{(s.OtherInterval is int o ? " or " + o : "")}");
                }

                accounted.Add(s.Id);
            }

            foreach (var s in w.RemovedSchedules.Where(s => s.Lakehouse == lh))
            {
                if (stored.Any(x => x.Id == s.Id))
                {
                    findings.Add($"worker {w.Index}: schedule {s.Id} was removed successfully but still exists");
                }
            }

            // What no successful operation returned must be the result of a create that ended in an error: at most one
            // schedule per such create (matched by its unique interval), none for anything else.
            foreach (var extra in stored.Where(x => !accounted.Contains(x.Id)))
            {
                var matches = w.MaybeCreated.Count(m => m.Lakehouse == lh && m.Interval == extra.Interval);
                if (matches == 0)
                {
                    findings.Add($"worker {w.Index}: schedule {extra.Id} (interval {extra.Interval}) was DUPLICATED or made by nobody");
                }
            }

            foreach (var g in stored.GroupBy(x => x.Interval).Where(g => g.Count() > 1))
            {
                findings.Add($"worker {w.Index}: {g.Count()} schedules with interval {g.Key} (DUPLICATED)");
            }
        }

        // The log: every create intent (unique interval) reached the handler at most once.
        var creates = log.Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.EndsWith("/schedules", StringComparison.Ordinal)
                                     && Caller(r) == w.Oid && Processed(r) == 201)
            .Select(r => JsonDocument.Parse(r.GetProperty("body").GetString()!).RootElement.GetProperty("configuration").GetProperty("interval").GetInt32())
            .GroupBy(i => i).Where(g => g.Count() > 1).ToList();
        findings.AddRange(creates.Select(g => $"worker {w.Index}: the create with interval {g.Key} was processed {g.Count()} times"));
    }

    private void VerifyJobs(Worker w, string token, List<JsonElement> log, List<string> findings)
    {
        var submissions = log.Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.EndsWith("/instances", StringComparison.Ordinal)
                                         && Caller(r) == w.Oid && Processed(r) == 202)
            .GroupBy(r => Guid.Parse(r.GetProperty("path").GetString()!.Split('/')[5])).ToDictionary(g => g.Key, g => g.Count());
        foreach (var lh in w.Fast.Concat(w.Slow))
        {
            var jobs = _api.ListAll($"v1/workspaces/{w.Workspace}/items/{lh}/jobs/instances", token)
                .Where(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews").ToList();
            var start = w.Starts.FirstOrDefault(s => s.Lakehouse == lh);
            submissions.TryGetValue(lh, out var processed);
            if (processed > 1)
            {
                findings.Add($"worker {w.Index}: lakehouse {lh}: the start was processed {processed} times (STARTED TWICE)");
            }

            if (start is null)
            {
                if (jobs.Count > 0)
                {
                    findings.Add($"worker {w.Index}: lakehouse {lh} was never started but has {jobs.Count} job(s)");
                }

                continue;
            }

            if (jobs.Count > 1)
            {
                findings.Add($"worker {w.Index}: lakehouse {lh} has {jobs.Count} jobs for one intended start (STARTED TWICE)");
                continue;
            }

            if (start.Job is Guid id)
            {
                if (jobs.Count != 1 || jobs[0].GetProperty("id").GetGuid() != id)
                {
                    findings.Add($"worker {w.Index}: lakehouse {lh}: the start returned job {id} but the service has {string.Join(", ", jobs.Select(j => j.GetProperty("id").GetGuid()))}");
                    continue;
                }

                var status = jobs[0].GetProperty("status").GetString()!;
                if (start.Waited && status != "Completed")
                {
                    findings.Add($"worker {w.Index}: job {id} was waited for as Completed but is {status}");
                }

                if (start.Stopped && status != "Cancelled")
                {
                    findings.Add($"worker {w.Index}: job {id} was stopped successfully but is {status}");
                }

                if (start.Slow && !start.StopTried && status != "InProgress" && status != "NotStarted")
                {
                    findings.Add($"worker {w.Index}: job {id} was never stopped but is {status}");
                }
            }
        }
    }

    private static string? Caller(JsonElement entry) => entry.TryGetProperty("callerOid", out var c) ? c.GetString() : null;

    /// <summary>What the handler answered (also when a fault then dropped or cut the answer); 0 when it never ran.</summary>
    private static int Processed(JsonElement entry)
    {
        if (entry.TryGetProperty("handlerStatus", out var handler))
        {
            return handler.GetInt32();
        }

        var fault = entry.TryGetProperty("fault", out var f) ? f.GetString() : null;
        return fault is null || fault.StartsWith("truncate", StringComparison.Ordinal) || fault.StartsWith("slow", StringComparison.Ordinal)
            ? entry.GetProperty("status").GetInt32()
            : 0;
    }

    public void Dispose() => _api.Dispose();
}
