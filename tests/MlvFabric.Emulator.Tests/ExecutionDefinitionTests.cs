using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>MLV execution definitions: CRUD, validation, cascade, subset runs.</summary>
public sealed class ExecutionDefinitionTests : EmulatorTest
{
    public ExecutionDefinitionTests(EmulatorFixture fixture) : base(fixture) { }

    private string Defs => $"{Lh(Sales, Gold)}/mlvExecutionDefinitions";

    private static object Selected(string name, params string[] mlvs) =>
        new { displayName = name, currentLakehouseExecutionContext = new { mode = "Selected", selectedMlvs = mlvs } };

    private async Task<string> Create(object body) =>
        (await Api.Post(Defs, body)).AssertStatus(201).Json.GetProperty("id").GetString()!;

    [Fact]
    public async Task CreateGetListPatchDelete()
    {
        var body = new
        {
            displayName = "gold-kpis",
            description = "KPIs only",
            settings = new { refreshMode = "Full", environment = new { referenceType = "ById", itemId = Guid.Empty, workspaceId = Sales } },
            currentLakehouseExecutionContext = new { mode = "Selected", selectedMlvs = new[] { "gold.kpi_summary" } },
            extendedLineageExecutionContext = new { mode = "Selected", selectedLakehouses = new[] { new { referenceType = "ById", itemId = Silver, workspaceId = Sales } } },
        };
        var created = await Api.Post(Defs, body);
        created.AssertStatus(201);
        var d = created.Json;
        var id = d.GetProperty("id").GetString()!;
        Assert.Equal($"{Server.BaseUri}v1/workspaces/{Sales}/lakehouses/{Gold}/mlvExecutionDefinitions/{id}", created.Location);
        Assert.Equal("Full", d.GetProperty("settings").GetProperty("refreshMode").GetString());
        Assert.Equal("gold.kpi_summary", d.GetProperty("currentLakehouseExecutionContext").GetProperty("selectedMlvs")[0].GetString());
        Assert.Equal(Silver.ToString(), d.GetProperty("extendedLineageExecutionContext").GetProperty("selectedLakehouses")[0].GetProperty("itemId").GetString());

        // Case-insensitive path.
        var got = (await Api.Get($"{Lh(Sales, Gold)}/mlvexecutiondefinitions/{id}")).AssertStatus(200).Json;
        Assert.Equal(d.GetRawText(), got.GetRawText());

        var minimal = (await Api.Post(Defs, new { displayName = "all", currentLakehouseExecutionContext = new { mode = "all" } })).AssertStatus(201).Json;
        Assert.Equal(new[] { "id", "displayName", "currentLakehouseExecutionContext" }, minimal.EnumerateObject().Select(p => p.Name));
        Assert.Equal("All", minimal.GetProperty("currentLakehouseExecutionContext").GetProperty("mode").GetString());

        var list = (await Api.Get(Defs)).AssertStatus(200).Json.GetProperty("value");
        Assert.Equal(2, list.GetArrayLength());

        // Partial update: only the name changes.
        var patched = (await Api.Patch($"{Defs}/{id}", new { displayName = "gold-kpis-2" })).AssertStatus(200).Json;
        Assert.Equal("gold-kpis-2", patched.GetProperty("displayName").GetString());
        Assert.Equal("KPIs only", patched.GetProperty("description").GetString());
        Assert.Equal("Full", patched.GetProperty("settings").GetProperty("refreshMode").GetString());
        Assert.Equal(d.GetProperty("currentLakehouseExecutionContext").GetRawText(), patched.GetProperty("currentLakehouseExecutionContext").GetRawText());
        var cleared = (await Api.Patch($"{Defs}/{id}", "{\"description\":null}")).AssertStatus(200).Json;
        Assert.False(cleared.TryGetProperty("description", out _));

        (await Api.Delete($"{Defs}/{id}")).AssertStatus(200);
        (await Api.Get($"{Defs}/{id}")).AssertError(404, "EntityNotFound");
        (await Api.Delete($"{Defs}/{id}")).AssertError(404, "EntityNotFound");
    }

    [Fact]
    public async Task ValidationAndConflicts()
    {
        (await Api.Post(Defs, new { currentLakehouseExecutionContext = new { mode = "All" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, new { displayName = "x" })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, new { displayName = "  ", currentLakehouseExecutionContext = new { mode = "All" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, new { displayName = "x", currentLakehouseExecutionContext = new { mode = "Some" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, new { displayName = "x", currentLakehouseExecutionContext = new { mode = "Selected" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, Selected("x"))).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, Selected("x", "kpi_summary"))).AssertError(400, "InvalidRequest");
        var e = (await Api.Post(Defs, Selected("x", "gold.kpi_summary", "gold.nope"))).AssertError(400, "InvalidRequest");
        Assert.Contains("gold.nope", e.GetProperty("message").GetString());
        (await Api.Post(Defs, new { displayName = "x", currentLakehouseExecutionContext = new { mode = "All" }, settings = new { refreshMode = "Fast" } })).AssertError(400, "InvalidRequest");
        (await Api.Post(Defs, "{bad json")).AssertError(400, "InvalidRequest");

        var id = await Create(Selected("daily", "gold.sales_daily"));
        (await Api.Post(Defs, Selected("DAILY", "gold.customer_ltv"))).AssertError(409, "ConflictingRequest");
        var other = await Create(Selected("other", "gold.customer_ltv"));
        (await Api.Patch($"{Defs}/{other}", new { displayName = "daily" })).AssertError(409, "ConflictingRequest");
        (await Api.Patch($"{Defs}/{other}", new { currentLakehouseExecutionContext = new { mode = "Selected", selectedMlvs = new[] { "gold.missing" } } })).AssertError(400, "InvalidRequest");
        // A rejected PATCH changes nothing.
        Assert.Equal("other", (await Api.Get($"{Defs}/{other}")).Json.GetProperty("displayName").GetString());
        Assert.NotEqual(id, other);
    }

    [Fact]
    public async Task DeletingADefinitionDeletesItsSchedules()
    {
        var def = await Create(Selected("kpis", "gold.kpi_summary"));
        var keep = await Create(Selected("ltv", "gold.customer_ltv"));
        var schedules = $"{It(Sales, Gold)}/jobs/{Mlv}/schedules";
        object Linked(string d) => new
        {
            enabled = true,
            configuration = new { type = "Cron", startDateTime = "2030-01-01T00:00:00Z", endDateTime = "2030-02-01T00:00:00Z", localTimeZoneId = "UTC", interval = 60 },
            executionData = new { mlvExecutionDefinitionId = d },
        };
        var linked = (await Api.Post(schedules, Linked(def))).AssertStatus(201).Json;
        Assert.Equal(def, linked.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());
        (await Api.Post(schedules, Linked(def))).AssertStatus(201);
        var other = (await Api.Post(schedules, Linked(keep))).AssertStatus(201).Json.GetProperty("id").GetString();
        var whole = (await Api.Post(schedules, Bodies.Cron())).AssertStatus(201).Json.GetProperty("id").GetString();

        (await Api.Delete($"{Defs}/{def}")).AssertStatus(200);
        var left = (await Api.Get(schedules)).Json.GetProperty("value").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { other, whole }, left);
    }

    [Fact]
    public async Task ARunWithADefinitionRefreshesTheSelectionAndItsUpstreamOnly()
    {
        var def = await Create(Selected("region", "gold.sales_by_region"));
        var job = await Api.RunAsync(Sales, Gold, new { executionData = new { mlvExecutionDefinitionId = def } });
        var detail = await Api.JobDetailAsync(job);
        Assert.Equal(new[] { "gold.sales_daily", "gold.sales_by_region" }, detail.GetProperty("mlvs").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(def, detail.GetProperty("executionDefinitionId").GetString());
        Assert.False(detail.GetProperty("wholeLineage").GetBoolean());
        // The public instance shows nothing beyond the contract.
        var pub = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal(9, pub.EnumerateObject().Count());

        // A disjoint selection runs alongside; an overlapping one is deduped.
        await Api.LakehouseSettings(Gold, new { queueSeconds = 60 });
        var ltv = await Create(Selected("ltv", "gold.customer_ltv"));
        var a = await Api.RunAsync(Sales, Gold, new { executionData = new { mlvExecutionDefinitionId = def } });
        var b = await Api.RunAsync(Sales, Gold, new { executionData = new { mlvExecutionDefinitionId = ltv } });
        var c = await Api.RunAsync(Sales, Gold);
        Assert.Equal("NotStarted", (await Api.JobAsync(Sales, Gold, b)).GetProperty("status").GetString());
        Assert.Equal("Deduped", (await Api.JobAsync(Sales, Gold, c)).GetProperty("status").GetString());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task AScheduledRunWithADefinitionRefreshesTheSubset()
    {
        var def = await Create(Selected("ltv", "gold.customer_ltv"));
        await Api.SetClock("2030-01-01T00:00:00Z");
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/schedules", new
        {
            enabled = true,
            configuration = new { type = "Cron", startDateTime = "2030-01-01T00:30:00Z", endDateTime = "2030-02-01T00:00:00Z", localTimeZoneId = "UTC", interval = 60 },
            executionData = new { mlvExecutionDefinitionId = def },
        })).AssertStatus(201);
        await Api.AdvanceMinutes(45);
        var job = MlvRuns((await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray()).Single();
        Assert.Equal("Scheduled", job.GetProperty("invokeType").GetString());
        var detail = await Api.JobDetailAsync(Guid.Parse(job.GetProperty("id").GetString()!));
        Assert.Equal(new[] { "gold.customer_ltv" }, detail.GetProperty("mlvs").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(def, detail.GetProperty("executionDefinitionId").GetString());
    }

    [Fact]
    public async Task ASelectedMLVThatNoLongerExistsFailsTheRunWithMLVSELECTEDNOTFOUND()
    {
        var def = await Create(Selected("kpis", "gold.kpi_summary"));
        var removed = (await Api.Control(HttpMethod.Delete, $"lakehouses/{Gold}/mlvs/gold.kpi_summary")).AssertStatus(200).Json;
        Assert.DoesNotContain("gold.kpi_summary", removed.GetProperty("mlvs").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        // The definition still reads back (the service does not edit it).
        Assert.Equal("gold.kpi_summary", (await Api.Get($"{Defs}/{def}")).Json.GetProperty("currentLakehouseExecutionContext").GetProperty("selectedMlvs")[0].GetString());

        var job = await Api.RunAsync(Sales, Gold, new { executionData = new { mlvExecutionDefinitionId = def } });
        await Api.AdvanceMinutes(5);
        var j = await Api.JobAsync(Sales, Gold, job);
        Assert.Equal("Failed", j.GetProperty("status").GetString());
        var reason = j.GetProperty("failureReason");
        Assert.Equal("MLV_SELECTED_NOT_FOUND", reason.GetProperty("errorCode").GetString());
        Assert.Contains("gold.kpi_summary", reason.GetProperty("message").GetString());
        // And a new definition can no longer select it.
        (await Api.Post(Defs, Selected("again", "gold.kpi_summary"))).AssertError(400, "InvalidRequest");
        // Whole-lineage runs still work.
        await Api.AdvanceMinutes(5);
        var whole = await Api.RunAsync(Sales, Gold);
        await Api.AdvanceMinutes(5);
        Assert.Equal("Completed", (await Api.JobAsync(Sales, Gold, whole)).GetProperty("status").GetString());
    }
}
