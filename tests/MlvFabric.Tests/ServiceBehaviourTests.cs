using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// How the module behaves when the service does something a script cannot control: a job status the
/// module does not know, a tenant that refuses service principals on MLV job calls, an access token that expires
/// during a wait; and what -Verbose and -Debug show of the requests.
/// </summary>
public sealed class ServiceBehaviourTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";

    /// <summary>A wait must end long before this; -Timeout is only the safety net against a hang (an error no test expects).</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromMinutes(2);

    // "GET /v1/workspaces/… → 200 OK in 3 ms (request id 0f…)": method, path, status, duration, request id.
    private static readonly Regex RequestLine = new(
        @"^(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/v1/\S*) → (?<status>\d{3})[^()]* in \d+ ms \(request id (?<id>[0-9A-Za-z-]+)\)$",
        RegexOptions.CultureInvariant);

    public ServiceBehaviourTests(EmulatorFixture fixture) : base(fixture)
    {
        foreach (var lakehouse in new[] { "Bronze", "Silver", "Gold" })
        {
            Control.SetLakehouse("Sales", lakehouse, new { durationSeconds = 1.5, queueSeconds = 0.5 });
        }
    }

    [Fact]
    public void AWaitOnAJobReportingAnUnknownStatusEndsWithOneWarningAndTheInstance()
    {
        // Every Gold run reports "Paused" until cancelled: a status outside the contract that never changes.
        Control.SetLakehouse("Sales", "Gold", new { unknownStatus = "Paused" });

        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -Wait -Timeout {NoHang.TotalSeconds.ToString(CultureInfo.InvariantCulture)}");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors); // not a timeout, not a failure
        var job = Assert.Single(result.Output);
        Assert.Single(StatusReads(requests, IdOf(job))); // the wait ended at the first read that found 'Paused'

        Assert.Equal("Paused", Text(job, "Status"));
        Assert.Equal("Gold", Text(job, "LakehouseName"));
        // Reported once, by the cmdlet (the client only logs it as Verbose).
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("'Paused'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Sales/Gold", warning.Message, StringComparison.Ordinal);
        Assert.Equal("Paused", Control.JobStatus(IdOf(job))); // still reported so: the module stopped waiting, not the job
    }

    [Fact]
    public void AServicePrincipalRefusedOnMlvJobCallsIsToldPlainlyWhichSignInsToUse()
    {
        Control.SetSettings(new { refuseAppTokensOnMlvJobs = true });
        using var app = PsSession.Connected(Emulator, "servicePrincipal");

        (var result, var requests) = RunLoggedIn(app, $"Start-MlvRefresh {Gold} -Wait");

        var error = Assert.Single(result.AllErrors);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.StartsWith("FabricApi.PrincipalTypeNotSupported", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        var message = error.ErrorDetails?.Message ?? error.Exception.Message;
        Assert.Contains("This tenant's MLV job APIs refuse service principals", message, StringComparison.Ordinal);
        Assert.Contains("this session signs in as a service principal", message, StringComparison.Ordinal);
        Assert.Contains("Connect-MlvFabric (interactive browser sign-in)", message, StringComparison.Ordinal);
        Assert.Contains("Connect-MlvFabric -UseDeviceCode", message, StringComparison.Ordinal);
        Assert.Contains("Connect-MlvFabric -AccessToken with an access token issued to a user", message, StringComparison.Ordinal);
        Assert.Contains("403", message, StringComparison.Ordinal);
        // A role would not help: the recommendation is to sign in as a user.
        Assert.Contains("sign in as a user", error.ErrorDetails!.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain("Contributor", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Empty(result.Output);

        // Refused by the service (never run), and refused once: not retried.
        var post = Assert.Single(requests, r => r.Method == "POST");
        Assert.Equal(403, post.Status);
        Assert.DoesNotContain(requests, r => r.Method == "GET" && r.Path.Contains("/jobs/instances/", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void AnAccessTokenThatExpiresDuringAWaitEndsItWithAClearErrorNamingTheExpiry()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0, queueSeconds = 0.0 });
        using var shortLived = PsSession.Create();
        // Long enough for the sign-in and the submission; the wait then goes on until the token expires.
        var token = Emulator.MintTokenFor(Guid.NewGuid().ToString(), "user", 10);
        var mark = Log.Mark();
        var result = shortLived.Run(
            "Connect-MlvFabric -Endpoint $MlvTestEndpoint -AccessToken $MlvTestToken | Out-Null\n" +
            "(Get-MlvContext).TokenExpiresOn\n" +
            $"Start-MlvRefresh {Gold} -Wait -Timeout {NoHang.TotalSeconds.ToString(CultureInfo.InvariantCulture)}",
            new Dictionary<string, object?> { ["MlvTestEndpoint"] = Emulator.BaseUri.ToString(), ["MlvTestToken"] = shortLived.Secure(token) });
        var requests = Log.Since(mark);

        // The session knows the token's own expiry (its 'exp' claim), and the error names it.
        var expiresOn = (DateTimeOffset)Assert.Single(result.Output).BaseObject;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(ExpiryClaim(token)), expiresOn);
        Assert.Equal(202, Assert.Single(requests, r => r.Method == "POST").Status); // submitted before the expiry
        var error = Assert.Single(result.AllErrors);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain("MlvJobWaitTimeout", error.FullyQualifiedErrorId, StringComparison.Ordinal); // not the safety net
        var message = error.Exception.Message;
        var expiry = expiresOn.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        Assert.Contains($"expired at {expiry}", message, StringComparison.Ordinal);
        Assert.Contains("Connect again", message, StringComparison.Ordinal);
        // No token text anywhere (the session's scan checks every stream too).
        Assert.DoesNotContain(token.Split('.')[1], result.AllText(), StringComparison.Ordinal);
        // Nothing was read after the refusal: the wait ended with it.
        var refusal = requests.FindIndex(r => r.Status == 401);
        Assert.True(refusal < 0 || refusal == requests.Count - 1, "requests after the expiry: " + string.Join("; ", requests));

        // The refresh itself goes on in Fabric (another session sees it running).
        var newest = RunOk($"Get-MlvJobInstance {Gold}").Output.First();
        Assert.Equal("InProgress", Text(newest, "Status"));
    }

    [Fact]
    public void VerboseShowsOneLinePerRequestAndEachRetry()
    {
        // The first page of Sales' lakehouses fails once with 503: one retry, after its Retry-After.
        SetFaults(new
        {
            script = new object[]
            {
                new { method = "GET", pathPattern = "/v1/workspaces/*/lakehouses", fault = "serverError", status = 503, count = 1, retryAfterSeconds = 1 },
            },
        });

        (var result, var requests) = RunLogged("Get-MlvLakehouse -WorkspaceName Sales -Verbose");

        result.ThrowIfFailed();
        Assert.Equal(new[] { "Bronze", "Gold", "Silver" }, result.Output.Select(o => Text(o, "Name") ?? Text(o, "DisplayName")).OrderBy(n => n));
        var lines = result.Verbose.Select(v => RequestLine.Match(v.Message)).Where(m => m.Success).ToList();
        // One line per request the service saw, in order, with its status.
        Assert.Equal(
            requests.Select(r => $"{r.Method} {r.Path} {r.Status}"),
            lines.Select(m => $"{m.Groups["method"].Value} {m.Groups["path"].Value.Split('?')[0]} {m.Groups["status"].Value}"));
        Assert.Contains(lines, m => m.Groups["status"].Value == "503");
        Assert.All(lines, m => Assert.True(Guid.TryParse(m.Groups["id"].Value, out _), $"request id '{m.Groups["id"].Value}'"));
        // The retry itself.
        var lakehouses = $"/v1/workspaces/{Emulator.WorkspaceId("Sales")}/lakehouses";
        var retry = Assert.Single(result.Verbose, v => v.Message.StartsWith("Retrying ", StringComparison.Ordinal));
        Assert.StartsWith($"Retrying GET {lakehouses} after attempt 1 (", retry.Message, StringComparison.Ordinal);
        Assert.Contains(": waiting ", retry.Message, StringComparison.Ordinal);
        Assert.Contains("503", retry.Message, StringComparison.Ordinal);
        Assert.Contains("Retry-After 1", retry.Message, StringComparison.Ordinal);
        Assert.Empty(result.Debug); // headers only with -Debug
    }

    [Fact]
    public void RequestLinesFollowThePreferenceVariablesAndTheCommonParameters()
    {
        using var session = PsSession.Connected(Emulator);
        const string Get = "Get-MlvLakehouse -WorkspaceName Sales -Name Gold";
        bool HasRequestLines(PsResult r) => r.Verbose.Any(v => RequestLine.IsMatch(v.Message));
        bool HasHeaders(PsResult r) => r.Debug.Any(d => d.Message.StartsWith("Response 200 to GET /v1/", StringComparison.Ordinal));

        var quiet = session.Run(Get);
        var byVariable = session.Run($"$VerbosePreference = 'Continue'; {Get}");
        var switchedOff = session.Run($"$VerbosePreference = 'Continue'; {Get} -Verbose:$false");
        var fromCaller = session.Run($"function Invoke-Runbook {{ [CmdletBinding()] param() {Get} }}; $VerbosePreference = 'SilentlyContinue'; Invoke-Runbook -Verbose");
        var debugByVariable = session.Run($"$DebugPreference = 'Continue'; {Get}");

        foreach (var r in new[] { quiet, byVariable, switchedOff, fromCaller, debugByVariable })
        {
            r.ThrowIfFailed();
            Assert.Single(r.Output);
        }

        Assert.False(HasRequestLines(quiet), quiet.Describe());
        Assert.Empty(quiet.Debug);
        Assert.True(HasRequestLines(byVariable), byVariable.Describe());
        Assert.False(HasRequestLines(switchedOff), switchedOff.Describe());
        Assert.True(HasRequestLines(fromCaller), fromCaller.Describe());
        Assert.True(HasHeaders(debugByVariable), debugByVariable.Describe());
        Assert.False(HasRequestLines(debugByVariable), debugByVariable.Describe());
    }

    [Fact]
    public void DebugShowsHeadersWithAuthorizationRedacted()
    {
        using var session = PsSession.Create();
        var token = Emulator.MintTokenFor(Guid.NewGuid().ToString());
        session.Run(
            "Connect-MlvFabric -Endpoint $MlvTestEndpoint -AccessToken $MlvTestToken | Out-Null",
            new Dictionary<string, object?> { ["MlvTestEndpoint"] = Emulator.BaseUri.ToString(), ["MlvTestToken"] = session.Secure(token) }).ThrowIfFailed();

        var result = session.Run("Get-MlvLakehouse -WorkspaceName Sales -Name Gold -Debug");

        result.ThrowIfFailed();
        Assert.Single(result.Output);
        var requestsHeaders = result.Debug.Select(d => d.Message).Where(m => Regex.IsMatch(m, @"^GET /v1/\S+ \(attempt \d+\)\n")).ToList();
        Assert.NotEmpty(requestsHeaders);
        Assert.All(requestsHeaders, m =>
        {
            Assert.Contains("  Authorization: Bearer ***", m, StringComparison.Ordinal);
            Assert.Contains("  Accept: application/json", m, StringComparison.Ordinal);
        });
        Assert.Contains(result.Debug, d => d.Message.StartsWith("Response 200 to GET /v1/", StringComparison.Ordinal) && d.Message.Contains("RequestId: ", StringComparison.Ordinal));
        var all = result.AllText();
        Assert.DoesNotContain(token, all, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], all, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[0] + ".", all, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- helpers

    private static long ExpiryClaim(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("exp").GetInt64();
    }

    private (PsResult Result, List<LoggedRequest> Requests) RunLoggedIn(PsSession session, string script)
    {
        var mark = Log.Mark();
        var result = session.Run(script);
        return (result, Log.Since(mark));
    }

    private void SetFaults(object faults)
    {
        using var http = new HttpClient { BaseAddress = Emulator.BaseUri };
        using var content = new StringContent(JsonSerializer.Serialize(faults), Encoding.UTF8, "application/json");
        using var response = http.PutAsync("_emulator/faults", content).GetAwaiter().GetResult();
        Assert.True(response.IsSuccessStatusCode, $"PUT /_emulator/faults: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }
}
