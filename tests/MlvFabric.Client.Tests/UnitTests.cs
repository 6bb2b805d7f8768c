using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Auth;
using MlvFabric.Client.Http;
using MlvFabric.Client.Json;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Pure unit cases: parsing, guards, and protocol oddities served by a fake handler.</summary>
public sealed class UnitTests
{
    private static readonly Guid Ws = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Lh = Guid.Parse("22222222-2222-2222-2222-222222222222");
    private static readonly Guid Job = Guid.Parse("33333333-3333-3333-3333-333333333333");

    internal static string FakeJwt(DateTimeOffset exp, string extra = "\"upn\":\"someone@contoso.com\",\"idtyp\":\"user\",\"tid\":\"t1\",\"oid\":\"o1\"")
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("{\"alg\":\"none\"}") + "." + B64("{\"exp\":" + exp.ToUnixTimeSeconds() + "," + extra + "}") + ".sig";
    }

    private sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, int, HttpResponseMessage> _answer;
        public readonly ConcurrentQueue<string> Seen = new ConcurrentQueue<string>();
        private int _count;

        public FakeHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) => _answer = answer;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Enqueue(request.Method + " " + request.RequestUri);
            var n = Interlocked.Increment(ref _count);
            var response = _answer(request, n);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static Task<FabricSession> Connect(FakeHandler handler, string endpoint = "https://fabric.test/", TimeProvider? clock = null) =>
        FabricSession.ConnectAsync(new FabricConnectionOptions
        {
            Endpoint = new Uri(endpoint),
            AuthMethod = FabricAuthMethod.AccessToken,
            AccessToken = EmulatorFixture.Secure(FakeJwt(DateTimeOffset.UtcNow.AddHours(1))),
            HttpMessageHandler = handler,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            ReconcileWindow = TimeSpan.FromMilliseconds(200),
            TimeProvider = clock ?? TimeProvider.System,
        });

    [Theory]
    [InlineData("https://api.fabric.microsoft.com", "https://api.fabric.microsoft.com/v1/")]
    [InlineData("https://api.fabric.microsoft.com/v1", "https://api.fabric.microsoft.com/v1/")]
    [InlineData("https://api.fabric.microsoft.com/v1/", "https://api.fabric.microsoft.com/v1/")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/v1/")]
    [InlineData("http://localhost:5000/v1", "http://localhost:5000/v1/")]
    [InlineData("https://fabric.sovereign.example/api/", "https://fabric.sovereign.example/api/v1/")]
    public void EndpointIsNormalised(string given, string expected) =>
        Assert.Equal(expected, FabricConnectionOptions.NormalizeEndpoint(new Uri(given)).ToString());

    [Fact]
    public void EndpointDefaultsToThePublicCloudAndRefusesPlainHttpOffLoopback()
    {
        Assert.Equal("https://api.fabric.microsoft.com/v1/", FabricConnectionOptions.NormalizeEndpoint(null).ToString());
        var ex = Assert.Throws<ArgumentException>(() => FabricConnectionOptions.NormalizeEndpoint(new Uri("http://fabric.example.com/")));
        Assert.Contains("https", ex.Message);
    }

    [Theory]
    [InlineData("https://api.fabric.microsoft.com/v1/workspaces/x", true)]
    [InlineData("https://API.FABRIC.MICROSOFT.COM/v1/x", true)]
    [InlineData("http://api.fabric.microsoft.com/v1/x", false)]      // scheme downgrade
    [InlineData("https://evil.example.com/v1/x", false)]             // foreign host
    [InlineData("https://api.fabric.microsoft.com:8443/v1/x", false)] // another port
    [InlineData("https://api.fabric.microsoft.com.evil.com/v1/x", false)]
    public void TokenGoesOnlyToTheEndpointHost(string target, bool allowed) =>
        Assert.Equal(allowed, UriGuard.IsAllowed(new Uri(target), new Uri("https://api.fabric.microsoft.com/v1/")));

    [Fact]
    public void RetryAfterSecondsAndDates()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfterParser.ParseText("7", null, now));
        Assert.Equal(TimeSpan.FromSeconds(1.5), RetryAfterParser.ParseText("1.5", null, now));
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.ParseText("-3", null, now));
        Assert.Null(RetryAfterParser.ParseText("soon", null, now));
        Assert.Null(RetryAfterParser.ParseText("", null, now));
        // An HTTP date is measured against the response's own Date header (clock skew does not matter)...
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfterParser.ParseText("Sun, 01 Mar 2026 12:00:30 GMT", now, now.AddHours(-5)));
        // ... and against the local clock without one; a date in the past means now.
        Assert.Equal(TimeSpan.FromSeconds(45), RetryAfterParser.ParseText("Sun, 01 Mar 2026 12:00:45 GMT", null, now));
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.ParseText("Sun, 01 Mar 2026 11:00:00 GMT", null, now));

        var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.Date = now;
        response.Headers.TryAddWithoutValidation("Retry-After", "Sun, 01 Mar 2026 12:00:02 GMT");
        Assert.Equal(TimeSpan.FromSeconds(2), RetryAfterParser.Parse(response, now.AddMinutes(10)));
    }

    [Fact]
    public void ServiceTimesWithoutZAreUTC()
    {
        var t = Mapper.ParseUtc("2024-06-22T06:35:00.7812154");
        Assert.Equal(DateTimeKind.Utc, t!.Value.Kind);
        Assert.Equal(new DateTime(2024, 6, 22, 6, 35, 0, DateTimeKind.Utc).AddTicks(7812154), t.Value);
        Assert.Equal(new DateTime(2024, 6, 22, 6, 35, 0, DateTimeKind.Utc), Mapper.ParseUtc("2024-06-22T06:35:00Z"));
        Assert.Equal(new DateTime(2024, 6, 22, 4, 35, 0, DateTimeKind.Utc), Mapper.ParseUtc("2024-06-22T06:35:00+02:00"));
        Assert.Null(Mapper.ParseUtc("yesterday"));
        Assert.Null(Mapper.ParseUtc(null));
    }

    [Theory]
    [InlineData("2024-06-22T06:35:00.7812154", "2024-06-22T06:35:00.7812154Z")]
    [InlineData("2024-06-22T06:35:00.7812154Z", "2024-06-22T06:35:00.7812154Z")]
    [InlineData("2024-06-22T06:35:00.7812154+02:00", "2024-06-22T04:35:00.7812154Z")]
    [InlineData("2024-06-22T06:35:00.7812154-05:30", "2024-06-22T12:05:00.7812154Z")]
    [InlineData("2024-06-22T06:35:00.78", "2024-06-22T06:35:00.7800000Z")]
    [InlineData(" 2024-06-22T06:35:00.7812154 ", "2024-06-22T06:35:00.7812154Z")]
    [InlineData("2024-06-22 06:35:00.1", "2024-06-22T06:35:00.1000000Z")]
    public void ServiceTimesParseToTheSameUTCInstantInEveryShape(string text, string expectedUtc)
    {
        var parsed = Mapper.ParseUtc(text);
        Assert.Equal(DateTimeKind.Utc, parsed!.Value.Kind);
        Assert.Equal(expectedUtc, parsed.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void JwtClaimsAreReadWithoutAJWTLibrary()
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(5);
        Assert.True(JwtClaims.TryParse(FakeJwt(exp), out var user));
        Assert.Equal(exp.ToUnixTimeSeconds(), user.ExpiresOn!.Value.ToUnixTimeSeconds());
        Assert.Equal("someone@contoso.com", user.Account);
        Assert.Equal(FabricIdentityType.User, user.IdentityType);
        Assert.True(JwtClaims.TryParse(FakeJwt(exp, "\"appid\":\"app-1\",\"idtyp\":\"app\",\"xms_mirid\":\"/subscriptions/x\""), out var mi));
        Assert.Equal(FabricIdentityType.ManagedIdentity, mi.IdentityType);
        Assert.Equal("app-1", mi.Account);
        Assert.True(JwtClaims.TryParse(FakeJwt(exp, "\"appid\":\"app-2\""), out var sp));
        Assert.Equal(FabricIdentityType.ServicePrincipal, sp.IdentityType);
        Assert.False(JwtClaims.TryParse("abc", out _));
        Assert.False(JwtClaims.TryParse("a.%%%.c", out _));
    }

    [Fact]
    public void JobStatusHelpersNeverCrashOnNewValues()
    {
        Assert.True(JobStatus.IsTerminal("deduped"));
        Assert.True(JobStatus.IsRunning("NotStarted"));
        Assert.False(JobStatus.IsKnown("Paused"));
        Assert.False(JobStatus.IsTerminal(null));
        Assert.Equal("Completed", JobStatus.Normalize("completed"));
        Assert.Equal("Paused", JobStatus.Normalize("Paused"));
        Assert.True(JobStatus.IsSuperseded("Cancelled"));
        Assert.True(MlvJobTypes.IsMlvRefresh("materializedLakeViews"));
        Assert.False(MlvJobTypes.IsMlvRefresh("TableMaintenance"));
    }

    [Fact]
    public async Task RateLimiterNeverPutsMoreThanTheLimitInAWindow()
    {
        // On the test's clock: each slot is granted exactly when one of the last three leaves the window.
        var clock = new TestClock();
        var origin = clock.GetTimestamp();
        var limiter = new RateLimiter(3, TimeSpan.FromMilliseconds(400), clock); // and a margin of 4 ms
        var grants = new System.Collections.Generic.List<(TimeSpan Waited, TimeSpan At)>();
        for (var i = 0; i < 7; i++)
        {
            var (waited, grant) = await clock.RunAsync(limiter.AcquireAsync(default));
            grants.Add((waited, clock.GetElapsedTime(origin, grant!.At)));
        }

        Assert.Equal(new[] { 0.0, 0, 0, 404, 404, 404, 808 }, grants.Select(g => g.At.TotalMilliseconds));
        Assert.Equal(new[] { 0.0, 0, 0, 404, 0, 0, 404 }, grants.Select(g => g.Waited.TotalMilliseconds)); // a burst of three goes at once
        limiter.Block(TimeSpan.FromMinutes(5));
        Assert.False(limiter.TryAcquire(out var wait));
        Assert.Equal(TimeSpan.FromMinutes(5), wait);
    }

    [Fact]
    public async Task UnknownFieldsAreIgnoredAndAMissingIdIsAProtocolError()
    {
        var handler = new FakeHandler((r, n) => r.RequestUri!.AbsolutePath.EndsWith("/workspaces")
            ? Json("{\"value\":[{\"id\":\"" + Ws + "\",\"displayName\":\"A\",\"brandNew\":{\"x\":[1,2]},\"capacityId\":\"not-a-guid\"}],\"extra\":true}")
            : Json("{\"displayName\":\"no id\"}"));
        using var session = await Connect(handler);
        var list = await session.Client.ListWorkspacesAsync().ToListAsync();
        Assert.Equal("A", Assert.Single(list).DisplayName);
        Assert.Null(list[0].CapacityId);
        var ex = await Assert.ThrowsAsync<FabricProtocolException>(() => session.Client.GetWorkspaceAsync(Ws));
        Assert.Contains("without an id", ex.Message);
        Assert.Equal("/v1/workspaces/" + Ws, ex.Path);
    }

    [Fact]
    public async Task MalformedJSONOnAReadIsRetriedThenReported()
    {
        var handler = new FakeHandler((r, n) => n == 1
            ? Json("{\"id\":\"" + Ws + "\",\"displayName\":")
            : Json("{\"id\":\"" + Ws + "\",\"displayName\":\"Sales\"}"));
        using var session = await Connect(handler);
        Assert.Equal("Sales", (await session.Client.GetWorkspaceAsync(Ws)).DisplayName);
        Assert.Equal(2, handler.Seen.Count);

        var broken = new FakeHandler((r, n) => Json("<html>oops</html>"));
        using var session2 = await FabricSession.ConnectAsync(new FabricConnectionOptions
        {
            Endpoint = new Uri("https://fabric.test/"),
            AuthMethod = FabricAuthMethod.AccessToken,
            AccessToken = EmulatorFixture.Secure(FakeJwt(DateTimeOffset.UtcNow.AddHours(1))),
            HttpMessageHandler = broken,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxAttempts = 3,
        });
        var ex = await Assert.ThrowsAsync<FabricProtocolException>(() => session2.Client.GetWorkspaceAsync(Ws));
        Assert.Contains("not valid JSON", ex.Message);
        Assert.Equal(3, broken.Seen.Count);
    }

    [Fact]
    public async Task AContinuationUriOnAnotherHostGivesItsTokenToTheConnectedEndpoint()
    {
        var handler = new FakeHandler((r, n) => n == 1
            ? Json("{\"value\":[{\"id\":\"" + Ws + "\"}],\"continuationUri\":\"https://westus.fabric.example.com/v1/workspaces?continuationToken=abc%3D&x=1\"}")
            : Json("{\"value\":[{\"id\":\"" + Lh + "\"}]}"));
        using var session = await Connect(handler);
        var list = await session.Client.ListWorkspacesAsync().ToListAsync();
        Assert.Equal(2, list.Count);
        Assert.Equal(2, handler.Seen.Count);
        Assert.EndsWith("https://fabric.test/v1/workspaces?continuationToken=abc%3D", handler.Seen.Last());
        Assert.DoesNotContain(handler.Seen, s => s.Contains("westus"));
    }

    [Fact]
    public async Task AContinuationUriWithoutATokenEndsTheListWithAProtocolError()
    {
        var handler = new FakeHandler((r, n) => Json("{\"value\":[{\"id\":\"" + Ws + "\"}],\"continuationUri\":\"https://evil.example.com/v1/workspaces?page=2\"}"));
        using var session = await Connect(handler);
        var items = 0;
        var ex = await Assert.ThrowsAsync<FabricProtocolException>(async () =>
        {
            await foreach (var _ in session.Client.ListWorkspacesAsync())
            {
                items++;
            }
        });
        Assert.Equal(1, items);
        Assert.Contains("continuationToken", ex.Message);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task AContinuationTokenRepeatsTheRequestWithTheToken()
    {
        var handler = new FakeHandler((r, n) => n == 1
            ? Json("{\"value\":[{\"id\":\"" + Ws + "\"}],\"continuationToken\":\"LDEsMTAwMDAwLDA%3D\"}")
            : Json("{\"value\":[{\"id\":\"" + Lh + "\"}]}"));
        using var session = await Connect(handler);
        var list = await session.Client.ListWorkspacesAsync().ToListAsync();
        Assert.Equal(2, list.Count);
        Assert.EndsWith("/v1/workspaces?continuationToken=LDEsMTAwMDAwLDA%3D", handler.Seen.Last());
    }

    [Theory]
    [InlineData("https://evil.example.com")]   // another host (regional, private link)
    [InlineData("http://fabric.test")]         // downgraded to http
    public async Task AJobLocationElsewhereGivesItsJobIdAndTheJobIsReadOnTheConnectedEndpoint(string origin)
    {
        var handler = new FakeHandler((r, n) =>
        {
            if (r.Method == HttpMethod.Get)
            {
                return Json("{\"id\":\"" + Job + "\",\"status\":\"Completed\",\"invokeType\":\"Manual\",\"jobType\":\"RefreshMaterializedLakeViews\"}");
            }

            var response = new HttpResponseMessage(HttpStatusCode.Accepted);
            response.Headers.Location = new Uri($"{origin}/v1/workspaces/{Ws}/items/{Lh}/jobs/instances/{Job}");
            response.Headers.TryAddWithoutValidation("Retry-After", "60");
            return response;
        });
        using var session = await Connect(handler);
        var submission = await session.Client.StartRefreshAsync(Ws, Lh);
        Assert.Equal(Job, submission.JobInstanceId);
        Assert.Equal($"https://fabric.test/v1/workspaces/{Ws}/items/{Lh}/jobs/instances/{Job}", submission.Location!.ToString());
        var job = await session.Client.GetJobInstanceAsync(Ws, Lh, submission.JobInstanceId);
        Assert.Equal("Completed", job.Status);
        Assert.All(handler.Seen, s => Assert.Contains("https://fabric.test/v1/", s));
        Assert.Equal($"POST https://fabric.test/v1/workspaces/{Ws}/items/{Lh}/jobs/RefreshMaterializedLakeViews/instances", handler.Seen.First());
    }

    [Fact]
    public async Task AReSentStartThatTheServiceSkipsFollowsTheRefreshTheFirstStartBegan()
    {
        // The first start's answer is lost and the (lagging) job list does not show its job in time, so the start is
        // sent again; the service skips the second (Deduped) because the first runs: that first one is returned.
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();
        var posts = 0;
        static string J(Guid id, string status) =>
            "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"invokeType\":\"Manual\",\"jobType\":\"RefreshMaterializedLakeViews\"}";
        var handler = new FakeHandler((r, n) =>
        {
            var path = r.RequestUri!.AbsolutePath;
            if (r.Method == HttpMethod.Post)
            {
                if (Interlocked.Increment(ref posts) == 1)
                {
                    throw new HttpRequestException("The response ended prematurely.", new System.IO.IOException("connection reset"));
                }

                var accepted = new HttpResponseMessage(HttpStatusCode.Accepted);
                accepted.Headers.Location = new Uri($"https://fabric.test/v1/workspaces/{Ws}/items/{Lh}/jobs/instances/{second}");
                return accepted;
            }
            if (path.EndsWith("/jobs/instances/" + second))
            {
                return Json(J(second, "Deduped"));
            }

            return Json(Volatile.Read(ref posts) < 2 ? "{\"value\":[]}" : "{\"value\":[" + J(second, "Deduped") + "," + J(first, "InProgress") + "]}");
        });
        using var session = await Connect(handler);

        var submission = await session.Client.StartRefreshAsync(Ws, Lh);

        Assert.Equal(first, submission.JobInstanceId);
        Assert.True(submission.Reconciled);
        Assert.Equal(2, handler.Seen.Count(s => s.StartsWith("POST ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheJobListIsTheItemSListOfEveryTypeAndOnlyMLVRefreshesComeOut()
    {
        static string J(Guid id, string? type) =>
            "{\"id\":\"" + id + "\",\"status\":\"Completed\",\"invokeType\":\"Scheduled\"" + (type == null ? "" : ",\"jobType\":\"" + type + "\"") + "}";
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var handler = new FakeHandler((r, n) => Json("{\"value\":[" + J(a, "RefreshMaterializedLakeViews") + "," + J(Guid.NewGuid(), "TableMaintenance") + "," +
                                                     "{\"jobType\":\"TableMaintenance\"}," + J(b, "materializedLakeViews") + "," + J(Guid.NewGuid(), null) + "," +
                                                     J(c, "REFRESHMATERIALIZEDLAKEVIEWS") + "]}"));
        using var session = await Connect(handler);
        var jobs = await session.Client.ListJobInstancesAsync(Ws, Lh).ToListAsync();
        Assert.Equal(new[] { a, b, c }, jobs.Select(j => j.Id).ToArray());
        Assert.Equal($"GET https://fabric.test/v1/workspaces/{Ws}/items/{Lh}/jobs/instances", Assert.Single(handler.Seen));
    }

    [Fact]
    public async Task AScheduleUpdateNeverSendsExecutionDataNull()
    {
        string? body = null;
        var handler = new FakeHandler((r, n) =>
        {
            body = r.Content?.ReadAsStringAsync().GetAwaiter().GetResult();
            return Json("{\"id\":\"" + Job + "\",\"enabled\":true,\"configuration\":{\"type\":\"Cron\",\"interval\":5}}");
        });
        using var session = await Connect(handler);
        var configuration = new MlvFabric.Scheduling.ScheduleConfiguration
        {
            Type = "Cron",
            Interval = 5,
            StartDateTime = "2026-01-01T00:00:00Z",
            EndDateTime = "2027-01-01T00:00:00Z",
            LocalTimeZoneId = "UTC",
        };
        await session.Client.UpdateScheduleAsync(Ws, Lh, Job, new ScheduleRequest { Enabled = true, Configuration = configuration });
        Assert.DoesNotContain("executionData", body);
        Assert.Equal($"PATCH https://fabric.test/v1/workspaces/{Ws}/items/{Lh}/jobs/RefreshMaterializedLakeViews/schedules/{Job}", handler.Seen.Last());

        var definition = Guid.NewGuid();
        await session.Client.UpdateScheduleAsync(Ws, Lh, Job, new ScheduleRequest { Enabled = true, Configuration = configuration, ExecutionDefinitionId = definition });
        Assert.Contains("\"executionData\":{\"mlvExecutionDefinitionId\":\"" + definition + "\"}", body);
    }

    [Fact]
    public async Task OwnersAndReferencesKeepWhatTheSpecReturns()
    {
        var handler = new FakeHandler((r, n) => r.RequestUri!.AbsolutePath.Contains("/schedules/")
            ? Json("{\"id\":\"" + Job + "\",\"enabled\":true,\"owner\":{\"id\":\"" + Ws + "\",\"displayName\":\"Nightly app\",\"type\":\"ServicePrincipal\"," +
                   "\"servicePrincipalDetails\":{\"aadAppId\":\"" + Lh + "\"}}}")
            : Json("{\"id\":\"" + Job + "\",\"displayName\":\"d\",\"settings\":{\"refreshMode\":\"Incremental\",\"environment\":{\"referenceType\":\"ByVariable\"," +
                   "\"variableReference\":\"$(/**/Lib/Env)\"}},\"currentLakehouseExecutionContext\":{\"mode\":\"Some\"},\"extendedLineageExecutionContext\":{\"mode\":\"Selected\"," +
                   "\"selectedLakehouses\":[{\"referenceType\":\"ById\",\"itemId\":\"" + Lh + "\",\"workspaceId\":\"" + Ws + "\"},{\"referenceType\":\"ByVariable\",\"variableReference\":\"$(/**/Lib/Up)\"}]}}"));
        using var session = await Connect(handler);

        var schedule = await session.Client.GetScheduleAsync(Ws, Lh, Job);
        Assert.Equal("Nightly app", schedule.Owner!.DisplayName);
        Assert.Equal(MlvPrincipalTypes.ServicePrincipal, schedule.Owner.Type);
        Assert.Equal(Lh.ToString(), schedule.Owner.AppId);

        var definition = await session.Client.GetExecutionDefinitionAsync(Ws, Lh, Job);
        Assert.Equal("Incremental", definition.RefreshMode); // an enum value this code does not know, kept
        Assert.Equal("Some", definition.Mode);
        Assert.Equal(MlvItemReferenceTypes.ByVariable, definition.Environment!.ReferenceType);
        Assert.Null(definition.Environment.ItemId);
        Assert.Equal("$(/**/Lib/Env)", definition.Environment.VariableReference);
        Assert.Equal(2, definition.ExtendedLineageLakehouses.Count);
        Assert.Equal(Lh, definition.ExtendedLineageLakehouses[0].ItemId);
        Assert.Null(definition.ExtendedLineageLakehouses[1].ItemId);
        Assert.Equal("$(/**/Lib/Up)", definition.ExtendedLineageLakehouses[1].ToString());
    }

    [Fact]
    public async Task AnUnknownStatusEndsTheWaitForThatJobInTheOutcomeNotAWarning()
    {
        var handler = new FakeHandler((r, n) => Json("{\"id\":\"" + Job + "\",\"status\":\"Paused\",\"invokeType\":\"Manual\",\"jobType\":\"RefreshMaterializedLakeViews\"}"));
        using var session = await Connect(handler);
        var sink = new CollectingSink();
        using (FabricLog.Use(sink))
        {
            var result = await session.Client.WaitForJobsAsync(new[] { new JobInstanceRef(Ws, Lh, Job) },
                new JobWaitOptions { Timeout = TimeSpan.FromSeconds(10) });
            var outcome = Assert.Single(result.Jobs);
            Assert.Equal(JobWaitState.UnknownStatus, outcome.State);
            Assert.Equal("Paused", outcome.Instance!.Status);
            Assert.False(result.TimedOut);
            Assert.Single(result.Instances);
        }
        // The outcome carries it (the caller reports it); the log only notes it as Verbose.
        Assert.Contains(sink.VerboseLines, l => l.Contains("'Paused'"));
        Assert.Empty(sink.WarningLines);
    }

    [Fact]
    public async Task RetryAfterAsAnHTTPDateIsHonoured()
    {
        var clock = new TestClock();
        var sentAt = new ConcurrentQueue<TimeSpan>();
        var handler = new FakeHandler((r, n) =>
        {
            sentAt.Enqueue(clock.Elapsed);
            if (n == 1)
            {
                // The service's clock is an hour ahead of this machine's: Retry-After counts from its Date header.
                var throttled = Json("{\"errorCode\":\"RequestBlocked\",\"message\":\"slow down\"}", (HttpStatusCode)429);
                var date = clock.GetUtcNow().AddHours(1);
                throttled.Headers.Date = date;
                throttled.Headers.TryAddWithoutValidation("Retry-After", date.AddSeconds(3).ToString("r"));
                return throttled;
            }
            return Json("{\"id\":\"" + Ws + "\"}");
        });
        using var session = await Connect(handler, clock: clock);
        await clock.RunAsync(session.Client.GetWorkspaceAsync(Ws));
        Assert.Equal(new[] { TimeSpan.Zero, TimeSpan.FromSeconds(3) }, sentAt);
    }

    [Fact]
    public async Task ErrorsCarryStatusCodeRequestIdAndDetails()
    {
        var handler = new FakeHandler((r, n) =>
        {
            var response = Json("{\"errorCode\":\"InsufficientPrivileges\",\"message\":\"The caller does not have sufficient permissions.\",\"requestId\":\"req-1\"," +
                                "\"moreDetails\":[{\"errorCode\":\"Detail\",\"message\":\"more\",\"relatedResource\":{\"resourceId\":\"x\",\"resourceType\":\"Lakehouse\"}}]}",
                HttpStatusCode.Forbidden);
            return response;
        });
        using var session = await Connect(handler);
        var ex = await Assert.ThrowsAsync<FabricApiException>(() => session.Client.GetLakehouseAsync(Ws, Lh));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Equal("InsufficientPrivileges", ex.ErrorCode);
        Assert.Equal("req-1", ex.RequestId);
        Assert.Equal("The caller does not have sufficient permissions.", ex.ServiceMessage);
        Assert.Equal("Lakehouse", ex.MoreDetails.Single().RelatedResource!.ResourceType);
        Assert.Equal($"/v1/workspaces/{Ws}/lakehouses/{Lh}", ex.Path);
        Assert.Equal("GET", ex.Method);
        Assert.False(ex.IsServicePrincipalRefusal); // a user, and not a job call
        Assert.Single(handler.Seen); // 403 is not retried
    }

    [Fact]
    public async Task ABodyThatIsNotJSONOnAnErrorStillGivesAClearError()
    {
        var handler = new FakeHandler((r, n) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>gateway</html>") };
            response.Headers.TryAddWithoutValidation("x-ms-public-api-error-code", "EntityNotFound");
            response.Headers.TryAddWithoutValidation("RequestId", "rid-9");
            return response;
        });
        using var session = await Connect(handler);
        var ex = await Assert.ThrowsAsync<FabricApiException>(() => session.Client.GetWorkspaceAsync(Ws));
        Assert.Equal("EntityNotFound", ex.ErrorCode);
        Assert.Equal("rid-9", ex.RequestId);
        Assert.Contains("404", ex.Message);
    }
}
