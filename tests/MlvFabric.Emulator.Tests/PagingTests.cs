using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Continuation tokens and URIs on every list.</summary>
public sealed class PagingTests : EmulatorTest
{
    public PagingTests(EmulatorFixture fixture) : base(fixture) { }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Api.Faults(new { throttle = new { jobStatusReadsPerMinute = 0 } });
    }

    private async Task GenerateHistory(Guid lakehouse, int count, object? extra = null)
    {
        var body = extra ?? new { count };
        (await Api.Control(HttpMethod.Post, $"lakehouses/{lakehouse}/jobs/history", body)).AssertStatus(201);
    }

    [Fact]
    public async Task JobInstancesPageThroughWithTheUriAndWithTheToken()
    {
        await GenerateHistory(Gold, 130);
        var path = $"{It(Sales, Gold)}/jobs/instances";

        var byUri = await Api.ListAllAsync(path);
        Assert.Equal(130 + SeededTableMaintenanceRuns, byUri.Count);
        Assert.Equal(130 + SeededTableMaintenanceRuns, byUri.Select(j => j.GetProperty("id").GetString()).Distinct().Count());
        var starts = byUri.Select(j => j.GetProperty("startTimeUtc").GetString()).ToList();
        Assert.Equal(starts.OrderByDescending(s => s, StringComparer.Ordinal), starts);

        var byToken = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = (await Api.Get(token is null ? path : $"{path}?continuationToken={token}")).AssertStatus(200).Json;
            pages++;
            byToken.AddRange(page.GetProperty("value").EnumerateArray());
            if (page.TryGetProperty("continuationToken", out var t))
            {
                token = t.GetString();
                var uri = page.GetProperty("continuationUri").GetString()!;
                Assert.StartsWith(Server.BaseUri.ToString(), uri);
                Assert.EndsWith("continuationToken=" + token, uri);
            }
            else
            {
                Assert.False(page.TryGetProperty("continuationUri", out _));
                token = null;
            }
        }
        while (token != null);
        Assert.Equal(3, pages);
        Assert.Equal(byUri.Select(j => j.GetRawText()), byToken.Select(j => j.GetRawText()));
    }

    [Fact]
    public async Task TheTokenIsAcceptedEncodedAndDecodedAndABadOneIs400()
    {
        await GenerateHistory(Gold, 60);
        var path = $"{It(Sales, Gold)}/jobs/instances";
        var first = (await Api.Get(path)).Json;
        var encoded = first.GetProperty("continuationToken").GetString()!;
        Assert.Contains("%3D", encoded); // percent-encoded in the body, like the service's
        var decoded = Uri.UnescapeDataString(encoded);
        var a = (await Api.Get($"{path}?continuationToken={encoded}")).AssertStatus(200).Json;
        var b = (await Api.Get($"{path}?continuationToken={Uri.EscapeDataString(encoded)}")).AssertStatus(200).Json;
        var c = (await Api.Get($"{path}?continuationToken={decoded}")).AssertStatus(200).Json;
        Assert.Equal(10 + SeededTableMaintenanceRuns, a.GetProperty("value").GetArrayLength());
        Assert.Equal(a.GetRawText(), b.GetRawText());
        Assert.Equal(a.GetRawText(), c.GetRawText());
        (await Api.Get($"{path}?continuationToken=garbage")).AssertError(400, "InvalidContinuationToken");
        // A token from another kind of list is refused.
        var wsToken = Uri.EscapeDataString(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("1,1,w")));
        (await Api.Get($"{path}?continuationToken={wsToken}")).AssertError(400, "InvalidContinuationToken");
    }

    [Fact]
    public async Task ListsKeepOtherQueryParametersInTheContinuationUri()
    {
        await Api.Settings(new { pageSize = 2 });
        var first = (await Api.Get($"v1/workspaces/{Sales}/items?type=Lakehouse")).AssertStatus(200).Json;
        var uri = first.GetProperty("continuationUri").GetString()!;
        Assert.Contains("type=Lakehouse", uri);
        var all = await Api.ListAllAsync($"v1/workspaces/{Sales}/items?type=Lakehouse");
        Assert.Equal(new[] { "Bronze", "Silver", "Gold" }, all.Select(i => i.GetProperty("displayName").GetString()));
    }

    [Fact]
    public async Task EveryListPages()
    {
        await Api.Settings(new { pageSize = 3 });
        (await Api.Control(HttpMethod.Post, "seed/lakehouses", new { workspace = "Sales", count = 5, namePrefix = "Extra" })).AssertStatus(201);
        for (var i = 0; i < 4; i++)
        {
            (await Api.Control(HttpMethod.Post, "seed/lakehouses", new { workspace = $"More{i}", count = 1 })).AssertStatus(201);
        }

        Assert.Equal(6, (await Api.ListAllAsync("v1/workspaces")).Count);
        Assert.Equal(8, (await Api.ListAllAsync($"v1/workspaces/{Sales}/lakehouses")).Count);
        Assert.Equal(8, (await Api.ListAllAsync($"v1/workspaces/{Sales}/items?type=lakehouse")).Count);
        Assert.Equal(9, (await Api.ListAllAsync($"v1/workspaces/{Sales}/items")).Count);

        var schedules = $"{It(Sales, Gold)}/jobs/{Mlv}/schedules";
        for (var i = 0; i < 8; i++)
        {
            (await Api.Post(schedules, Bodies.Cron(10 + i))).AssertStatus(201);
        }

        var listed = await Api.ListAllAsync(schedules);
        Assert.Equal(Enumerable.Range(10, 8), listed.Select(s => s.GetProperty("configuration").GetProperty("interval").GetInt32()));

        var defs = $"{Lh(Sales, Gold)}/mlvExecutionDefinitions";
        for (var i = 0; i < 7; i++)
        {
            (await Api.Post(defs, new { displayName = $"def{i}", currentLakehouseExecutionContext = new { mode = "All" } })).AssertStatus(201);
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"def{i}"), (await Api.ListAllAsync(defs)).Select(d => d.GetProperty("displayName").GetString()));
    }

    [Fact]
    public async Task TheJobListHoldsEveryJobTypeOfTheItem()
    {
        await GenerateHistory(Gold, 0, new { count = 120, otherJobTypeEvery = 4 });
        var all = await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances");
        Assert.Equal(120 + SeededTableMaintenanceRuns, all.Count);
        Assert.Equal(90, MlvRuns(all).Count());
        Assert.Equal(30 + SeededTableMaintenanceRuns, all.Count(j => j.GetProperty("jobType").GetString() == "TableMaintenance"));
        // The spec's list has no jobType filter: the parameter is ignored.
        var filtered = await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances?jobType={Mlv}");
        Assert.Equal(all.Select(j => j.GetRawText()), filtered.Select(j => j.GetRawText()));
    }

    [Fact]
    public async Task HistoryBeyondTheCapIsKeptWhenLifted()
    {
        await GenerateHistory(Gold, 1000);
        var live = await Api.RunAsync(Sales, Gold);
        var all = await Api.ListAllAsync($"{It(Sales, Gold)}/jobs/instances");
        Assert.Equal(1001 + SeededTableMaintenanceRuns, all.Count);
        Assert.Equal(live.ToString(), all[0].GetProperty("id").GetString());
    }
}
