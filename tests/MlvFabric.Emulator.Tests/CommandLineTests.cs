using System;
using System.Threading.Tasks;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Program options and the loopback rule.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void FlagsMapOntoOptions()
    {
        var o = CommandLine.Parse(new[] { "--urls", "http://127.0.0.1:5080", "--retry-after", "60", "--page-size=7", "--refuse-app-tokens", "--dedupe-status", "Cancelled" })!;
        Assert.Equal("http://127.0.0.1:5080", o.Urls);
        Assert.Equal(60, o.RetryAfterSeconds);
        Assert.Equal(7, o.PageSize);
        Assert.True(o.RefuseAppTokensOnMlvJobs);
        Assert.Equal("Cancelled", o.DedupeStatus);
        Assert.False(o.ServeArticleForms);
        Assert.True(CommandLine.Parse(new[] { "--serve-article-forms" })!.ServeArticleForms);
        Assert.Contains("--serve-article-forms", CommandLine.Help());
        Assert.Null(CommandLine.Parse(new[] { "--help" }));
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--nope" }));
        Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--page-size", "x" }));
    }

    [Fact]
    public async Task NonLoopbackUrlsAreRefusedUnlessAllowed()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Urls = "http://0.0.0.0:0" }));
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Urls = "http://*:0" }));
        await Assert.ThrowsAsync<ArgumentException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Urls = "https://127.0.0.1:0" }));
        EmulatorServer.CheckUrls(new EmulatorOptions { Urls = "http://localhost:5080;http://[::1]:5081" });
        EmulatorServer.CheckUrls(new EmulatorOptions { Urls = "http://0.0.0.0:5080", AllowRemote = true });
    }

    [Fact]
    public async Task ASeedFileReplacesTheBuiltInTenant()
    {
        var seed = """
        { "tenantName": "Fabrikam", "workspaces": [ { "name": "Ops", "lakehouses": [ { "name": "Lake", "durationSeconds": 1,
          "mlvs": [ { "name": "a.one" }, { "name": "a.two", "dependsOn": ["a.one"] } ] } ] } ] }
        """;
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { SeedJson = seed });
        Assert.Equal(StableIds.Lakehouse("Ops", "Lake"), server.LakehouseId("Ops", "Lake"));
        Assert.Throws<ArgumentException>(() => server.WorkspaceId("Sales"));
        Assert.StartsWith("http://127.0.0.1:", server.BaseUri.ToString());
    }
}
