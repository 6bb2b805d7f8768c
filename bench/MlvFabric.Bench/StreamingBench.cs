using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// <c>Get-MlvJobInstance … | ForEach-Object { $n++ }</c> over 100,000 job instances against 1,000: time to the first
/// object and peak memory. Each listing runs in a child process (<c>--stream-probe</c>) that holds only the engine and
/// the module, so its memory figures are the module's and not the emulator's (which stays in this process).
/// </summary>
internal static class StreamingBench
{
    public sealed record ProbeResult(int Objects, double FirstMs, double TotalMs, long BaselineManaged, long PeakManaged, long PeakHeapAfterGc,
        long BaselineWorkingSet, long PeakWorkingSet, int Gen0, int Gen1, int Gen2, long AllocatedBytes, long Retained);

    /// <summary>Child entry: --stream-probe baseUri token lakehouseName expectedCount</summary>
    public static int Probe(string[] args)
    {
        var endpoint = new Uri(args[1]);
        string token = args[2];
        string lakehouse = args[3];
        bool collect = args.Length > 4 && args[4] == "collect";

        // The emulator's job-read limit is lifted for this figure; lift the client's too (it paces job-list pages at 50
        // per minute by default, which would make 2,000 pages take 40 minutes). Only this child process is affected.
        Environment.SetEnvironmentVariable("MLVFABRIC_JOB_STATUS_READS_PER_MINUTE", "0");
        using Runspace runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, endpoint, token);
        // Warm-up on another lakehouse: JIT of the list path, the name caches, the connection.
        ModuleHost.Invoke(runspace, "Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Bronze | ForEach-Object { $null = $_ }");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long baselineManaged = GC.GetTotalMemory(true);
        long baselineWs = Environment.WorkingSet;
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);

        long peakManaged = baselineManaged, peakWs = baselineWs, peakAfterGc = 0;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                peakWs = Math.Max(peakWs, Environment.WorkingSet);
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index > 0)
                {
                    peakAfterGc = Math.Max(peakAfterGc, info.HeapSizeBytes);
                }

                Thread.Sleep(5);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        sampler.Start();

        // The consumer: ForEach-Object that keeps nothing; or, as the control, the whole list collected into a variable.
        string script = collect
            ? "$t0 = [System.Diagnostics.Stopwatch]::GetTimestamp(); " +
              $"$all = @(Get-MlvJobInstance -WorkspaceName Sales -LakehouseName '{lakehouse}'); $n = $all.Count; $first = $t0; " +
              "$end = [System.Diagnostics.Stopwatch]::GetTimestamp(); [GC]::Collect(); \"$n $($first - $t0) $($end - $t0)\""
            : "$t0 = [System.Diagnostics.Stopwatch]::GetTimestamp(); $first = 0; $n = 0; " +
              $"Get-MlvJobInstance -WorkspaceName Sales -LakehouseName '{lakehouse}' | ForEach-Object {{ if ($n -eq 0) {{ $first = [System.Diagnostics.Stopwatch]::GetTimestamp() }}; $n++ }}; " +
              "$end = [System.Diagnostics.Stopwatch]::GetTimestamp(); [GC]::Collect(); \"$n $($first - $t0) $($end - $t0)\"";
        string result = ModuleHost.Invoke(runspace, script).Single().ToString();
        stop.Cancel();
        sampler.Join();
        // Retained at the end of the pipeline (after a full GC inside the script): what the consumer kept.
        long retained = GC.GetTotalMemory(true) - baselineManaged;

        string[] parts = result.Split(' ');
        double ToMs(string ticks) => long.Parse(ticks, CultureInfo.InvariantCulture) * 1000.0 / Stopwatch.Frequency;
        var probe = new ProbeResult(int.Parse(parts[0], CultureInfo.InvariantCulture), ToMs(parts[1]), ToMs(parts[2]), baselineManaged, peakManaged, peakAfterGc,
            baselineWs, peakWs, GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, GC.GetTotalAllocatedBytes(precise: true) - allocated, retained);
        Console.WriteLine(JsonSerializer.Serialize(probe));
        return 0;
    }

    public static async Task<Section> RunAsync(bool quick)
    {
        int large = 100_000;
        int small = 1_000;
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { JobStatusReadsPerMinute = 0, JobSubmissionsPerMinute = 0 });
        using var control = new EmulatorClient(emulator);
        string token = await control.TokenAsync("stream@contoso.onmicrosoft.com");
        Console.WriteLine($"Streaming: generating {large:N0} + {small:N0} job instances…");
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Gold")}/jobs/history", new { count = large, liftCap = true, intervalMinutes = 1, durationSeconds = 30 });
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Silver")}/jobs/history", new { count = small, liftCap = true, intervalMinutes = 1, durationSeconds = 30 });
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Bronze")}/jobs/history", new { count = 60, liftCap = true });
        int pageSize = (await control.ControlAsync(HttpMethod.Get, "settings")).GetProperty("pageSize").GetInt32();

        int repeats = quick ? 1 : 3;
        var smallRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Silver")).ToList();
        var largeRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Gold")).ToList();
        var collected = Run(emulator, token, "Gold", collect: true); // control: what keeping the 100,000 instances costs
        Console.WriteLine($"  1k: first {Fmt.Ms(smallRuns.Min(r => r.FirstMs))}, total {Fmt.Ms(smallRuns.Min(r => r.TotalMs))}; 100k: first {Fmt.Ms(largeRuns.Min(r => r.FirstMs))}, total {Fmt.Ms(largeRuns.Min(r => r.TotalMs))}");

        ProbeResult S(Func<ProbeResult, double> by, bool useSmall) => (useSmall ? smallRuns : largeRuns).OrderBy(by).ElementAt(repeats / 2);
        var s = S(r => r.TotalMs, true);
        var l = S(r => r.TotalMs, false);
        bool countsOk = smallRuns.All(r => r.Objects == small) && largeRuns.All(r => r.Objects == large);
        double growth(ProbeResult r) => r.PeakManaged - r.BaselineManaged;
        double wsGrowth(ProbeResult r) => r.PeakWorkingSet - r.BaselineWorkingSet;

        var section = new Section("streaming", "Streaming: Get-MlvJobInstance | ForEach-Object over 100,000 vs 1,000 job instances (time to first object and live memory must not grow)")
            .Header("figure", Fmt.N(small) + " instances", Fmt.N(large) + " instances", "100k / 1k", "control: 100,000 collected (`$all = @(…)`)");
        var c = collected;
        section.Row("objects received", Fmt.N(s.Objects), Fmt.N(l.Objects), "", Fmt.N(c.Objects));
        section.Row("**time to first object**", "**" + Fmt.Ms(s.FirstMs) + "**", "**" + Fmt.Ms(l.FirstMs) + "**", Fmt.X(l.FirstMs / s.FirstMs), "(after the last)");
        section.Row("total time", Fmt.Ms(s.TotalMs), Fmt.S(l.TotalMs / 1000), Fmt.X(l.TotalMs / s.TotalMs), Fmt.S(c.TotalMs / 1000));
        section.Row("throughput", Fmt.N(s.Objects / (s.TotalMs / 1000), "0") + " /s", Fmt.N(l.Objects / (l.TotalMs / 1000), "0") + " /s", "", Fmt.N(c.Objects / (c.TotalMs / 1000), "0") + " /s");
        section.Row("**peak managed heap growth** (sampled GC.GetTotalMemory, incl. garbage)", "**" + Fmt.MiB(growth(s)) + "**", "**" + Fmt.MiB(growth(l)) + "**", Fmt.X(growth(l) / Math.Max(1, growth(s))), Fmt.MiB(growth(c)));
        section.Row("peak heap size after a GC during the listing", Fmt.MiB(s.PeakHeapAfterGc), Fmt.MiB(l.PeakHeapAfterGc), "", Fmt.MiB(c.PeakHeapAfterGc));
        section.Row("**retained at the end** (after a full GC, over the baseline)", "**" + Fmt.MiB(s.Retained) + "**", "**" + Fmt.MiB(l.Retained) + "**", "", Fmt.MiB(c.Retained));
        section.Row("peak working set growth (process)", Fmt.MiB(wsGrowth(s)), Fmt.MiB(wsGrowth(l)), "", Fmt.MiB(wsGrowth(c)));
        section.Row("GCs gen0 / gen1 / gen2", $"{s.Gen0} / {s.Gen1} / {s.Gen2}", $"{l.Gen0} / {l.Gen1} / {l.Gen2}", "", $"{c.Gen0} / {c.Gen1} / {c.Gen2}");
        section.Row("allocated per object", Fmt.N(s.AllocatedBytes / (double)Math.Max(1, s.Objects), "0") + " B", Fmt.N(l.AllocatedBytes / (double)Math.Max(1, l.Objects), "0") + " B", "", Fmt.N(c.AllocatedBytes / (double)Math.Max(1, c.Objects), "0") + " B");
        section.Note($"Each listing runs in a fresh child process (engine + module only; the emulator, with the generated history, stays in the parent) after a warm-up listing; median of {repeats} run(s) by total time. Page size {pageSize} (the emulator's default), so 100,000 instances are {large / pageSize:N0} pages read one after another as the pipeline consumes them; the job-read limit is lifted for this figure.");
        double firstRatio = l.FirstMs / s.FirstMs;
        // Streaming = the listing's memory does not follow the count: its peak growth stays a small fraction of what
        // keeping the instances costs (the control), and the first object comes as soon as for 1,000.
        double memoryShare = growth(l) / Math.Max(1, growth(c));
        bool streams = countsOk && firstRatio < 2 && memoryShare < 0.25;
        section.Note("Streaming holds when time to first object and memory do not grow with the number of instances: 100× the instances cost about 100× the time but not 100× the memory. " +
                     $"Here: time to first object {Fmt.X(firstRatio)} that of 1,000; peak heap growth {Fmt.MiB(growth(l))} against {Fmt.MiB(growth(c))} when the same 100,000 are collected ({Fmt.N(memoryShare * 100, "0")}%) → {(streams ? "streams (nothing is kept)" : "DOES NOT STREAM")}.");
        section.Note("The sampled peak includes garbage up to the next gen0 collection: a 1,000-instance listing allocates less than one gen0 budget (no GC ran), so its peak is simply all it allocated. The control keeps every instance (as `$all = @(Get-MlvJobInstance …)` does), which is what a module that buffered its list would cost.");
        if (!countsOk)
        {
            section.Note("OBJECT COUNT MISMATCH: " + string.Join(", ", smallRuns.Concat(largeRuns).Select(r => r.Objects)));
        }

        section.Data["small"] = JsonSerializer.SerializeToNode(s);
        section.Data["large"] = JsonSerializer.SerializeToNode(l);
        section.Data["pageSize"] = pageSize;
        section.Data["repeats"] = repeats;
        section.Data["countsOk"] = countsOk;
        section.Data["collected"] = JsonSerializer.SerializeToNode(c);
        section.Data["firstObjectRatio"] = firstRatio;
        section.Data["peakGrowthShareOfCollected"] = memoryShare;
        section.Data["met"] = streams;
        return section;
    }

    private static ProbeResult Run(EmulatorServer emulator, string token, string lakehouse, bool collect = false) =>
        JsonSerializer.Deserialize<ProbeResult>(ModuleHost.RunChild("--stream-probe", emulator.BaseUri.ToString(), token, lakehouse, collect ? "collect" : "stream")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last())!;
}
