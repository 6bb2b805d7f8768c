using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// What an adversarial review broke, end to end through the module: duplicate starts under clock skew, foreign
/// answers, started jobs lost from view when a wait ends, slow failure where nothing answers, throttling that ended a
/// bulk start, silent waits, a name cache that never forgot, and inputs the service would refuse.
/// </summary>
public sealed class AdversarialReviewTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";

    public AdversarialReviewTests(EmulatorFixture fixture)
        : base(fixture)
    {
        foreach (var lakehouse in new[] { "Gold", "Silver" })
        {
            Control.SetLakehouse("Sales", lakehouse, new { durationSeconds = 1.5, queueSeconds = 0.3 });
        }
    }

    // ---------------------------------------------------------------- 1. clock skew

    [Theory]
    [InlineData(-10)]
    [InlineData(-3600)]
    [InlineData(600)]
    public void ALostStartAnswerUnderClockSkewIsFoundNotSentAgain(int skewSeconds)
    {
        Emulator.SetClock(DateTime.UtcNow.AddSeconds(skewSeconds));
        DropStartAnswerOnce();

        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -Wait -Verbose");

        result.ThrowIfFailed();
        var job = Assert.Single(result.Output);
        Assert.Equal("Completed", Text(job, "Status"));
        Assert.Single(requests, r => r.Method == "POST");
        Assert.Equal(IdOf(job), Assert.Single(Control.Jobs("Gold", mlvOnly: true)).GetProperty("id").GetGuid());
    }

    // ---------------------------------------------------------------- 2. foreign answers

    [Fact]
    public void AnAnswerAboutAnotherJobIsAnErrorForTheJobAskedForAndTheOtherWaitsGoOn()
    {
        var started = RunOk("'Gold', 'Silver' | ForEach-Object { Start-MlvRefresh -WorkspaceName Sales -LakehouseName $_ -PassThru }").Output.ToArray();
        Assert.Equal(2, started.Length);
        var gold = IdOf(started.Single(j => Text(j, "LakehouseName") == "Gold"));
        var silver = IdOf(started.Single(j => Text(j, "LakehouseName") == "Silver"));
        var foreign = Guid.Parse("11111111-1111-1111-1111-111111111111");
        var body = JsonSerializer.Serialize(new { id = foreign, jobType = "RefreshMaterializedLakeViews", invokeType = "Manual", status = "Completed" });
        Control.SetFaults(new { script = new[] { new { method = "GET", pathPattern = $"*/jobs/instances/{gold}", fault = "override", status = 200, body, count = 100 } } });
        Ps.SetVariable("started", started);

        var result = Ps.Run("$started | Wait-MlvJobInstance");

        var done = Assert.Single(result.Output);
        Assert.Equal(silver, IdOf(done));
        Assert.Equal("Completed", Text(done, "Status"));
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("FabricProtocolError", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(gold.ToString(), error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(foreign.ToString(), error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Output, o => IdOf(o) == foreign);
    }

    // ---------------------------------------------------------------- 3. jobs started before a failure

    [Fact]
    public void ATokenThatExpiresDuringAWaitNamesTheJobThatGoesOn()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600, queueSeconds = 0.3 });
        using var ps = PsSession.Create();
        // Long enough for the sign-in and the submission; the wait then goes on until the token expires.
        var token = Emulator.MintTokenFor(Guid.NewGuid().ToString(), "user", lifetimeSeconds: 10);

        var result = ps.Run($"Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null; Start-MlvRefresh {Gold} -Wait",
            new Dictionary<string, object?> { ["e"] = Emulator.BaseUri.ToString(), ["t"] = ps.Secure(token) });

        var started = Assert.Single(Control.Jobs("Gold", mlvOnly: true)).GetProperty("id").GetGuid();
        Assert.Contains(result.Warnings, w => w.Message.Contains("cannot be renewed", StringComparison.Ordinal));
        var named = Assert.Single(result.AllErrors, e => e.Exception.GetType().Name == "MlvJobWaitInterruptedException");
        Assert.StartsWith("FabricAuthenticationFailed", named.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(started, IdOf(PSObject.AsPSObject(named.TargetObject)));
        Assert.Contains(started.ToString(), named.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Sales/Gold", named.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("goes on in Fabric", named.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("Wait-MlvJobInstance", named.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.NotEqual("Cancelled", Control.JobStatus(started));
    }

    [Theory]
    [InlineData("user")]
    [InlineData("servicePrincipal")]
    public void ARevokedTokenIsReportedAsRevoked(string kind)
    {
        var oid = Guid.NewGuid().ToString();
        using var ps = PsSession.Create();
        ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null",
            new Dictionary<string, object?> { ["e"] = Emulator.BaseUri.ToString(), ["t"] = ps.Secure(Emulator.MintTokenFor(oid, kind)) }).ThrowIfFailed();
        Control.RevokeTokens(oid);

        var result = ps.Run($"Get-MlvJobInstance {Gold} -First 1");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("FabricAuthenticationFailed", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("revoked", error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("service principal", error.Exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    // ---------------------------------------------------------------- 4. nothing answers

    [Fact]
    public void ARefusedConnectionFailsAfterAFewVisibleRetriesNamingTheEndpoint()
    {
        var port = ClosedPort();
        using var ps = PsSession.Create();
        ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t | Out-Null",
            new Dictionary<string, object?> { ["e"] = $"http://127.0.0.1:{port}/", ["t"] = ps.Secure(Emulator.MintToken()) }).ThrowIfFailed();

        var result = ps.Run("Get-MlvWorkspace -Verbose");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("FabricConnectionFailed", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains($"Could not connect to http://127.0.0.1:{port}", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-Endpoint", error.Exception.Message, StringComparison.Ordinal);
        var attempts = int.Parse(Regex.Match(error.Exception.Message, @"tried (\d+) time").Groups[1].Value);
        Assert.InRange(attempts, 2, 9); // a few quick tries within the connect limit, not the ten of a flaky service
        Assert.Equal(attempts - 1, result.Verbose.Count(v => v.Message.StartsWith("Retrying GET /v1/workspaces", StringComparison.Ordinal)));
        // The third try waits 2 to 4 s (backoff doubles from 1 s, with jitter): long enough to show as progress.
        Assert.Contains(result.Progress, p => p.Activity == "Retrying a request to Fabric" && p.RecordType == ProgressRecordType.Processing && p.SecondsRemaining >= 2);
        Assert.Contains(result.Progress, p => p.Activity == "Retrying a request to Fabric" && p.RecordType == ProgressRecordType.Completed);
    }

    // ---------------------------------------------------------------- 5. throttling

    [Fact]
    public void A429StormOnTheStartIsWaitedOutAsTheServiceSays()
    {
        Control.SetFaults(new { script = new[] { new { method = "POST", pathPattern = "*/jobs/*/instances", fault = "throttle", count = 11, retryAfterSeconds = 1 } } });

        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -PassThru -Verbose");

        result.ThrowIfFailed();
        Assert.Single(result.Output);
        Assert.Equal(11, requests.Count(r => r.Method == "POST" && r.Status == 429));
        Assert.Single(requests, r => r.Method == "POST" && r.Status == 202);
        Assert.Single(Control.Jobs("Gold", mlvOnly: true));
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("Retrying POST ", StringComparison.Ordinal) && v.Message.Contains("after attempt 11 (429", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- 6. silent waits

    [Fact]
    public void SinceStopsReadingTheHistoryWhereTheRestCannotMatch()
    {
        Control.SetSettings(new { pageSize = 20 });
        Control.AddHistory("Sales", "Gold", new { count = 300, intervalMinutes = 10 });
        var recent = IdOf(Assert.Single(RunOk($"Start-MlvRefresh {Gold} -Wait").Output));

        (var result, var requests) = RunLogged($"Get-MlvJobInstance {Gold} -Since ([datetime]::UtcNow.AddHours(-2))");

        result.ThrowIfFailed();
        Assert.Equal(recent, IdOf(Assert.Single(result.Output)));
        Assert.Single(requests, r => r.Method == "GET" && r.Path.EndsWith("/jobs/instances", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- 7. the name cache

    [Fact]
    public void ALakehouseCreatedDuringTheSessionIsFoundByName()
    {
        RunOk("Get-MlvSchedule -WorkspaceName Sales -LakehouseName Gold | Out-Null"); // the session now knows Sales' lakehouses
        var created = Control.AddLakehouses("Sales", "Fresh", 1).Single();

        var result = RunOk($"Get-MlvSchedule -WorkspaceName Sales -LakehouseName {created}");

        Assert.Empty(result.Output);
        Assert.Empty(Ps.Run("Get-MlvLakehouse -WorkspaceName Sales -Name NoSuchLakehouse").Output);
    }

    // ---------------------------------------------------------------- 8. inputs the service would refuse

    [Theory]
    [InlineData("('x' * 100000)", "100,000 characters long")]
    [InlineData("\"bad`0name\"", "control character (U+0000")]
    public void ADefinitionNameTheServiceWouldRefuseIsRefusedBeforeSending(string name, string problem)
    {
        var error = AssertRefused($"New-MlvExecutionDefinition {Gold} -Name {name} -SelectedMlv gold.sales_daily", "InvalidExecutionDefinitionName", ErrorCategory.InvalidArgument);
        Assert.Contains(problem, error.Exception.Message, StringComparison.Ordinal);
        Assert.NotNull(error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void AnEnabledScheduleThatHasAlreadyEndedIsRefusedAndADisabledOneWarned()
    {
        const string past = "-IntervalMinutes 60 -StartDateTime '2020-01-01T00:00:00Z' -EndDateTime '2021-01-01T00:00:00Z'";
        var error = AssertRefused($"New-MlvSchedule {Gold} {past}", "ScheduleEndInPast", ErrorCategory.InvalidArgument);
        Assert.Contains("-Disabled", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);

        var disabled = RunOk($"New-MlvSchedule {Gold} {past} -Disabled");
        Assert.Single(disabled.Output);
        Assert.Contains(disabled.Warnings, w => w.Message.Contains("already passed", StringComparison.Ordinal));

        var enabled = IdOf(Assert.Single(RunOk($"New-MlvSchedule {Gold} -IntervalMinutes 30").Output));
        (var set, var requests) = RunLogged($"Set-MlvSchedule {Gold} -Id {enabled} -StartDateTime '2020-01-01T00:00:00Z' -EndDateTime '2021-01-01T00:00:00Z'");
        Assert.StartsWith("ScheduleEndInPast", Assert.Single(set.AllErrors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.DoesNotContain(requests, r => r.IsChange);
    }

    // ---------------------------------------------------------------- helpers

    private void DropStartAnswerOnce() =>
        Control.SetFaults(new { script = new[] { new { method = "POST", pathPattern = "*/jobs/*/instances", fault = "drop", phase = "response", count = 1 } } });

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
