using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// <c>Get-MlvRefreshStatus -WorkspaceName BenchStatus</c> over N seeded lakehouses (each with a short job history, every
/// third with a schedule) against the emulator at its default limits (50 job-status reads per caller per sliding
/// minute): wall time against the lower bound the read limit forces, and the reads it made.
/// </summary>
internal static class RefreshStatusBench
{
    private const int ReadsPerMinute = 50;

    /// <summary>The N-th job-history read (one per lakehouse, at least) cannot go before 60·⌊(N−1)/50⌋ s.</summary>
    public static double LowerBoundSeconds(int lakehouses) => 60.0 * ((lakehouses - 1) / ReadsPerMinute);

    public static async Task<Section> RunAsync(bool quick)
    {
        var n = quick ? 100 : 300;
        const string workspace = "BenchStatus";
        var bound = LowerBoundSeconds(n);
        Console.WriteLine($"Refresh status: {n} lakehouses at {ReadsPerMinute} job reads per minute; lower bound {Fmt.S(bound)}…");
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { RequestLogCapacity = 200_000 });
        using var control = new EmulatorClient(emulator);
        var (_, lakehouses) = await control.SeedAsync(workspace, n, 1, 0);
        var token = await control.TokenAsync($"status-{Guid.NewGuid():N}@contoso.onmicrosoft.com");
        for (var i = 0; i < lakehouses.Count; i++)
        {
            // A short history: mostly successes, some failing streaks (failures are drawn per instance).
            await control.ControlAsync(HttpMethod.Post, $"lakehouses/{lakehouses[i]}/jobs/history", new { count = 5, intervalMinutes = 120, durationSeconds = 300, failureRate = i % 5 == 0 ? 0.8 : 0.05, seed = i + 1 });
        }

        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, emulator.BaseUri, token);
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace"); // warm the engine and the HTTP path; not a job call
        // Every third lakehouse gets a schedule (through the module: schedule calls are not job reads).
        ModuleHost.Invoke(runspace, $"$i = 0; Get-MlvLakehouse -WorkspaceName {workspace} | ForEach-Object {{ if ($i++ % 3 -eq 0) {{ $_ }} }} | " +
            "New-MlvSchedule -IntervalMinutes 240 -TimeZone UTC -StartDateTime ([DateTime]::UtcNow.AddDays(1)) | Out-Null");

        var mark = control.Mark();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Get-MlvRefreshStatus -WorkspaceName {workspace}");
        var watch = Stopwatch.StartNew();
        var output = ps.Invoke();
        var wall = watch.Elapsed.TotalSeconds;

        var log = control.RequestsSince(mark);
        var jobLists = log.Where(e => e.Method == "GET" && e.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase)).ToList();
        var lists200 = jobLists.Count(e => e.Status == 200);
        var lists429 = jobLists.Count(e => e.Status == 429);
        var scheduleLists = log.Count(e => e.Method == "GET" && e.Path.EndsWith("/schedules", StringComparison.OrdinalIgnoreCase));
        var errors = ps.Streams.Error.Count;
        var verdicts = output.GroupBy(o => o.Properties["Verdict"]?.Value?.ToString() ?? "?").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        var upFront = ps.Streams.Warning.Select(w => w.Message).FirstOrDefault();
        var progress = ps.Streams.Progress.Count;
        var ratio = wall / bound;
        var met = ratio <= 1.10 && errors == 0 && output.Count == n && lists429 == 0;

        Console.WriteLine($"  wall {Fmt.S(wall)} / lower bound {Fmt.S(bound)} = {Fmt.N(ratio, "0.000")}; {lists200} job-list reads (429: {lists429}); {errors} errors");
        var section = new Section("status", "Refresh status of many lakehouses: `Get-MlvRefreshStatus` at the service's job-read limit (target wall / lower bound ≤ 1.10, one job-history read per lakehouse, no 429, no error)")
            .Header("lakehouses", "read limit", "lower bound", "wall time", "**ratio**", "job-history reads (200 / 429)", "schedule lists", "objects", "errors");
        section.Row(Fmt.N(n), $"{ReadsPerMinute} per minute", Fmt.S(bound), Fmt.S(wall), "**" + Fmt.N(ratio, "0.000") + "**" + (met ? "" : " (missed)"),
            $"{lists200} / {lists429}", Fmt.N(scheduleLists), Fmt.N(output.Count), Fmt.N(errors));
        section.Note($"Lower bound: one job-history page per lakehouse at least, at most {ReadsPerMinute} per sliding minute, so the {n}th read cannot go before 60·⌊({n}−1)/{ReadsPerMinute}⌋ s = {Fmt.S(bound)}. Wall time counts from the script's start (workspace and lakehouse lookups included) to its return.");
        section.Note("Verdicts: " + string.Join(", ", verdicts) + $". The cmdlet's up-front message: \"{upFront}\"; {progress} progress records.");
        if (errors > 0)
        {
            section.Note("errors: " + string.Join("; ", ps.Streams.Error.Take(5).Select(e => $"[{e.FullyQualifiedErrorId}] {e}")));
        }

        if (quick)
        {
            section.Note("--quick: 100 lakehouses (two minute-windows: the end effects weigh three times more); the full run reads 300.");
        }

        section.Data["lakehouses"] = n;
        section.Data["lowerBoundSeconds"] = bound;
        section.Data["wallSeconds"] = wall;
        section.Data["ratio"] = ratio;
        section.Data["jobListReads200"] = lists200;
        section.Data["jobListReads429"] = lists429;
        section.Data["scheduleLists"] = scheduleLists;
        section.Data["objects"] = output.Count;
        section.Data["errors"] = errors;
        section.Data["met"] = met;
        return section;
    }
}
