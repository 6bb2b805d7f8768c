using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// Ctrl+C during a wait: <c>Start-MlvRefresh -Wait</c> on an hour-long run whose first status read asks to come back in an
/// hour (<c>Retry-After: 3600</c>), stopped with <c>PowerShell.Stop()</c> once that read is in the log. The figure is how
/// long <c>Stop()</c> takes to return (the tests check that the stop ends the wait and that the refresh goes on).
/// </summary>
internal static class StopBench
{
    private const double TargetMs = 1000;

    public static async Task<Section> RunAsync(bool quick)
    {
        var runs = quick ? 5 : 20;
        Console.WriteLine($"Stop: {runs} waits stopped in their sleep…");
        await using var emulator = await EmulatorServer.StartAsync();
        using var control = new EmulatorClient(emulator);
        var gold = emulator.LakehouseId("Sales", "Gold");
        await control.ControlAsync(HttpMethod.Put, $"lakehouses/{gold}/settings", new { durationSeconds = 3600.0, queueSeconds = 0.0 });

        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, emulator.BaseUri, await control.TokenAsync($"stop-{Guid.NewGuid():N}@contoso.onmicrosoft.com"));
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace"); // warm the engine and the HTTP path

        var stops = new List<double>();
        var stopped = 0;
        for (var i = 0; i < runs; i++)
        {
            await control.ControlAsync(HttpMethod.Put, "faults", new
            {
                script = new[]
                {
                    new { method = "GET", pathPattern = "*/jobs/instances/*", fault = "override", phase = "response", headers = new Dictionary<string, string> { ["Retry-After"] = "3600" }, count = 1 },
                },
            });
            var mark = control.Mark();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Gold -Wait -AttachIfRunning");
            var running = ps.BeginInvoke();
            while (!control.RequestsSince(mark).Any(e => e.Method == "GET" && e.Path.Contains("/jobs/instances/", StringComparison.OrdinalIgnoreCase)))
            {
                Thread.Sleep(10);
            }

            var watch = Stopwatch.StartNew();
            ps.Stop();
            stops.Add(watch.Elapsed.TotalMilliseconds);
            try
            {
                ps.EndInvoke(running);
            }
            catch (PipelineStoppedException)
            {
                stopped++;
            }
        }

        var median = Fmt.Median(stops);
        var max = stops.Max();
        var met = max <= TargetMs && stopped == runs;
        Console.WriteLine($"  Stop() returned after median {Fmt.Ms(median)}, max {Fmt.Ms(max)}; {stopped} of {runs} ended PipelineStopped");
        var section = new Section("stop", $"Ctrl+C during a wait: `PowerShell.Stop()` on `Start-MlvRefresh -Wait` sleeping for the service's Retry-After (target: every stop within {TargetMs:0} ms)")
            .Header("stops", "median", "max", "ended PipelineStopped");
        section.Row(Fmt.N(runs), Fmt.Ms(median), Fmt.Ms(max) + (met ? "" : " (missed)"), $"{stopped} / {runs}");
        section.Note("Each run attaches to the same hour-long refresh (the first run starts it); its first status read is answered with `Retry-After: 3600`, so only the stop can end the wait. The time counts from `Stop()` to its return.");
        section.Data["runs"] = runs;
        section.Data["medianMs"] = median;
        section.Data["maxMs"] = max;
        section.Data["stopped"] = stopped;
        section.Data["met"] = met;
        return section;
    }
}
