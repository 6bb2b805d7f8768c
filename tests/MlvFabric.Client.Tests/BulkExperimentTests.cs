using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http.Json;
using System.Threading.Tasks;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlvFabric.Client.Tests;

/// <summary>
/// Opt-in (MLVFABRIC_SLOW_TESTS=1; takes minutes): many lakehouses started and waited for at the scheduler's
/// real limits (50 submissions and 50 reads a minute), the way Start-MlvRefresh -Wait drives the client.
/// Prints wall time against the lower bound the limits force. Figures belong in bench/, not here.
/// </summary>
public sealed class BulkExperimentTests : EmulatorTest
{
    private readonly ITestOutputHelper _out;

    public BulkExperimentTests(EmulatorFixture f, ITestOutputHelper output) : base(f) => _out = output;

    [Fact]
    public async Task BulkRefreshAtTheLimits()
    {
        if (Environment.GetEnvironmentVariable("MLVFABRIC_SLOW_TESTS") != "1")
        {
            return;
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("MLVFABRIC_BULK_COUNT"), out var c) ? c : 100;
        var duration = double.TryParse(Environment.GetEnvironmentVariable("MLVFABRIC_BULK_DURATION"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 20;
        using var _ = Logging();
        using (var seed = await F.Control.PostAsJsonAsync("seed/lakehouses", new { workspace = "Bench", count, durationSeconds = duration, queueSeconds = 0 }))
        {
            seed.EnsureSuccessStatusCode();
        }

        using var session = await F.ConnectAsync();
        var client = session.Client;
        var ws = F.Server.WorkspaceId("Bench");
        var lakehouses = await client.ListLakehousesAsync(ws).ToListAsync();
        Assert.Equal(count, lakehouses.Count);

        var sw = Stopwatch.StartNew();
        using var group = client.StartJobWait();
        foreach (var lh in lakehouses)
        {
            group.Add(JobInstanceRef.From(await client.StartRefreshAsync(ws, lh.Id)));
        }

        group.Complete();
        var result = await group.Completion;
        sw.Stop();

        var lowerBound = Math.Floor((count - 1) / 50.0) * 60 + duration;
        var requests = await F.RequestsAsync();
        var reads = requests.Count(r => r.Method == "GET" && r.Path.Contains("/jobs/instances/"));
        _out.WriteLine($"{count} jobs: {sw.Elapsed.TotalSeconds:0.0} s, lower bound {lowerBound:0} s, ratio {sw.Elapsed.TotalSeconds / lowerBound:0.00}; " +
                       $"{reads} reads ({reads / (double)count:0.00} per job); 429s: {requests.Count(r => r.Status == 429)}");
        Assert.Equal(count, result.Instances.Count(i => i.Status == JobStatus.Completed));
    }
}
