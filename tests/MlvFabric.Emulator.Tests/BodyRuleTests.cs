using System;
using System.Linq;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>
/// Bodies as the spec types them: no body where the operation takes none, and no <c>null</c> where the schema has an
/// object (there is no way to unlink an execution definition from a schedule).
/// </summary>
public sealed class BodyRuleTests : EmulatorTest
{
    public BodyRuleTests(EmulatorFixture fixture) : base(fixture) { }

    private const string Config = """{"type": "Cron", "startDateTime": "2030-01-01T00:00:00Z", "endDateTime": "2030-12-31T00:00:00Z", "localTimeZoneId": "UTC", "interval": 10}""";

    private string Schedules => $"{It(Sales, Gold)}/jobs/{Mlv}/schedules";

    private async Task<string> Definition() =>
        (await Api.Post($"{Lh(Sales, Gold)}/mlvExecutionDefinitions", new { displayName = "all", currentLakehouseExecutionContext = new { mode = "All" } }))
        .AssertStatus(201).Json.GetProperty("id").GetString()!;

    private async Task<int> MlvRunCount() =>
        MlvRuns((await Api.Get($"{It(Sales, Gold)}/jobs/instances")).Json.GetProperty("value").EnumerateArray()).Count();

    [Theory]
    [InlineData("lakehouses/{lh}/jobs/refreshMaterializedLakeViews/instances")]
    [InlineData("lakehouses/{lh}/jobs/instances?jobType=RefreshMaterializedLakeViews")]
    public async Task TheLakehouseRunTakesNoBody(string path)
    {
        var url = $"v1/workspaces/{Sales}/" + path.Replace("{lh}", Gold.ToString());
        var def = await Definition();
        (await Api.Post(url, "{}")).AssertError(400, "InvalidRequest");
        (await Api.Post(url, new { executionData = new { mlvExecutionDefinitionId = def } })).AssertError(400, "InvalidRequest");
        (await Api.Post(url, "null")).AssertError(400, "InvalidRequest");
        Assert.Equal(0, await MlvRunCount());
        (await Api.Post(url, " ")).AssertStatus(202); // blank is no body
        (await Api.Post(url)).AssertStatus(202);
    }

    [Fact]
    public async Task TheItemsRunRefusesNullExecutionDataAndParameters()
    {
        var run = $"{It(Sales, Gold)}/jobs/{Mlv}/instances";
        (await Api.Post(run, """{"executionData": null}""")).AssertError(400, "InvalidRequest");
        (await Api.Post(run, """{"executionData": "x"}""")).AssertError(400, "InvalidRequest");
        (await Api.Post(run, new { parameters = Array.Empty<object>() })).AssertError(400, "FeatureNotAvailable");
        Assert.Equal(0, await MlvRunCount());
        var def = await Definition();
        (await Api.Post(run, new { executionData = new { mlvExecutionDefinitionId = def } })).AssertStatus(202);
        (await Api.Post(run, "{}")).AssertStatus(202);
    }

    [Fact]
    public async Task AScheduleRefusesNullExecutionDataOnCreateAndUpdate()
    {
        (await Api.Post(Schedules, $$"""{"enabled": true, "configuration": {{Config}}, "executionData": null}""")).AssertError(400, "InvalidRequest");
        (await Api.Post($"{Lh(Sales, Gold)}/jobs/refreshMaterializedLakeViews/schedules",
            $$"""{"enabled": true, "configuration": {{Config}}, "executionData": null}""")).AssertError(400, "InvalidRequest");
        Assert.Empty((await Api.Get(Schedules)).Json.GetProperty("value").EnumerateArray());

        var def = await Definition();
        var id = (await Api.Post(Schedules, "{\"enabled\": true, \"configuration\": " + Config + ", \"executionData\": {\"mlvExecutionDefinitionId\": \"" + def + "\"}}"))
            .AssertStatus(201).Json.GetProperty("id").GetString();
        (await Api.Patch($"{Schedules}/{id}", $$"""{"enabled": false, "configuration": {{Config}}, "executionData": null}""")).AssertError(400, "InvalidRequest");
        (await Api.Patch($"{Lh(Sales, Gold)}/jobs/refreshMaterializedLakeViews/schedules/{id}",
            $$"""{"enabled": false, "configuration": {{Config}}, "executionData": null}""")).AssertError(400, "InvalidRequest");
        var kept = (await Api.Get($"{Schedules}/{id}")).AssertStatus(200).Json;
        Assert.True(kept.GetProperty("enabled").GetBoolean());
        Assert.Equal(def, kept.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());

        // Omitted keeps the link; PATCH still needs enabled and a complete configuration.
        var patched = (await Api.Patch($"{Schedules}/{id}", $$"""{"enabled": false, "configuration": {{Config}}}""")).AssertStatus(200).Json;
        Assert.Equal(def, patched.GetProperty("executionData").GetProperty("mlvExecutionDefinitionId").GetString());
        (await Api.Patch($"{Schedules}/{id}", $$"""{"configuration": {{Config}}}""")).AssertError(400, "InvalidRequest");
        (await Api.Patch($"{Schedules}/{id}", """{"enabled": true}""")).AssertError(400, "InvalidRequest");
        (await Api.Patch($"{Schedules}/{id}", """{"enabled": true, "configuration": {"type": "Cron", "interval": 10}}""")).AssertError(400, "InvalidConfiguration");
    }
}
