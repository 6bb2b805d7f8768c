using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// <c>Get-MlvJobInstance … | ForEach-Object { $n++ }</c> over 100,000 job instances against 1,000: time to the first
/// object and memory. Each listing runs in a child process (<c>--stream-probe</c>) that holds only the engine and
/// the module, so its memory figures are the module's and not the emulator's (which stays in this process).
/// </summary>
internal static class StreamingBench
{
    /// <summary>PeakLive: the largest GC.GetTotalMemory(true) the consumer took, every LiveEvery objects (live mode only).</summary>
    public sealed record ProbeResult(int Objects, double FirstMs, double TotalMs, long BaselineManaged, long PeakManaged,
        long BaselineWorkingSet, long PeakWorkingSet, int Gen0, int Gen1, int Gen2, long AllocatedBytes, long Retained,
        int LiveEvery = 0, int LivePoints = 0, long PeakLive = 0)
    {
        public long LiveGrowth => LivePoints > 0 ? PeakLive - BaselineManaged : 0;
    }

    /// <summary>Child entry: --stream-probe baseUri token lakehouseName stream|collect|live:N</summary>
    public static int Probe(string[] args)
    {
        var endpoint = new Uri(args[1]);
        var token = args[2];
        var lakehouse = args[3];
        var mode = args.Length > 4 ? args[4] : "stream";
        var liveEvery = mode.StartsWith("live:", StringComparison.Ordinal) ? int.Parse(mode.Substring(5), CultureInfo.InvariantCulture) : 0;

        // The emulator's job-read limit is lifted for this figure; lift the client's too (it paces job-list pages at 50
        // per minute by default, which would make 2,000 pages take 40 minutes). Only this child process is affected.
        Environment.SetEnvironmentVariable("MLVFABRIC_JOB_STATUS_READS_PER_MINUTE", "0");
        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, endpoint, token);
        // Warm-up on another lakehouse: JIT of the list path, the name caches, the connection.
        ModuleHost.Invoke(runspace, "Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Bronze | ForEach-Object { $null = $_ }");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baselineManaged = GC.GetTotalMemory(true);
        var baselineWs = Environment.WorkingSet;
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        long peakManaged = baselineManaged, peakWs = baselineWs;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(false));
                peakWs = Math.Max(peakWs, Environment.WorkingSet);
                Thread.Sleep(5);
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        sampler.Start();

        // The consumer: ForEach-Object that keeps nothing; or, as the control, the whole list collected into a variable.
        // In live mode it also forces a full blocking GC every N objects (at N/2, 3N/2, …) and keeps the largest
        // heap left: what the listing holds at that moment, without the garbage a sampled peak includes.
        const string start = "$t0 = [System.Diagnostics.Stopwatch]::GetTimestamp(); $first = 0; $n = 0; $peak = 0; $points = 0; ";
        const string end = "$end = [System.Diagnostics.Stopwatch]::GetTimestamp(); \"$n $($first - $t0) $($end - $t0) $peak $points\"";
        var list = $"Get-MlvJobInstance -WorkspaceName Sales -LakehouseName '{lakehouse}'";
        var live = liveEvery > 0
            ? $"if ($n % {liveEvery} -eq {liveEvery / 2}) {{ $m = [GC]::GetTotalMemory($true); if ($m -gt $peak) {{ $peak = $m }}; $points++ }}"
            : "";
        var script = mode == "collect"
            ? start + $"$all = @({list}); $n = $all.Count; $first = $t0; " + end
            : start + $"{list} | ForEach-Object {{ if ($n -eq 0) {{ $first = [System.Diagnostics.Stopwatch]::GetTimestamp() }}; $n++; {live} }}; " + end;
        var result = ModuleHost.Invoke(runspace, script).Single().ToString();
        stop.Cancel();
        sampler.Join();
        int gen0 = GC.CollectionCount(0) - g0, gen1 = GC.CollectionCount(1) - g1, gen2 = GC.CollectionCount(2) - g2;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        // Retained after the pipeline (the runspace still holds the script's variables): what the consumer kept.
        var retained = GC.GetTotalMemory(true) - baselineManaged;

        var parts = result.Split(' ');
        double ToMs(string ticks) => long.Parse(ticks, CultureInfo.InvariantCulture) * 1000.0 / Stopwatch.Frequency;
        var probe = new ProbeResult(int.Parse(parts[0], CultureInfo.InvariantCulture), ToMs(parts[1]), ToMs(parts[2]), baselineManaged, peakManaged,
            baselineWs, peakWs, gen0, gen1, gen2, allocated, retained,
            liveEvery, int.Parse(parts[4], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
        Console.WriteLine(JsonSerializer.Serialize(probe));
        return 0;
    }

    public static async Task<Section> RunAsync(bool quick)
    {
        var large = 100_000;
        var small = 1_000;
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { JobStatusReadsPerMinute = 0, JobSubmissionsPerMinute = 0 });
        using var control = new EmulatorClient(emulator);
        var token = await control.TokenAsync("stream@contoso.onmicrosoft.com");
        Console.WriteLine($"Streaming: generating {large:N0} + {small:N0} job instances…");
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Gold")}/jobs/history", new { count = large, liftCap = true, intervalMinutes = 1, durationSeconds = 30 });
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Silver")}/jobs/history", new { count = small, liftCap = true, intervalMinutes = 1, durationSeconds = 30 });
        await control.ControlAsync(HttpMethod.Post, $"lakehouses/{emulator.LakehouseId("Sales", "Bronze")}/jobs/history", new { count = 60, liftCap = true });
        var pageSize = (await control.ControlAsync(HttpMethod.Get, "settings")).GetProperty("pageSize").GetInt32();

        var repeats = quick ? 1 : 3;
        var smallRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Silver")).ToList();
        var largeRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Gold")).ToList();
        var collected = Run(emulator, token, "Gold", "collect"); // control: what keeping the 100,000 instances costs
        Console.WriteLine($"  1k: first {string.Join(" / ", smallRuns.Select(r => Fmt.Ms(r.FirstMs)))}, total {string.Join(" / ", smallRuns.Select(r => Fmt.Ms(r.TotalMs)))}; " +
                          $"100k: first {string.Join(" / ", largeRuns.Select(r => Fmt.Ms(r.FirstMs)))}, total {string.Join(" / ", largeRuns.Select(r => Fmt.Ms(r.TotalMs)))}");
        // Live memory in runs of their own: the forced full GCs would distort the timing runs. Every 1,000 objects for
        // 100,000 (100 points); every 100 for 1,000, which would otherwise get a single point.
        const int smallEvery = 100, largeEvery = 1_000;
        var smallLiveRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Silver", $"live:{smallEvery}")).ToList();
        var largeLiveRuns = Enumerable.Range(0, repeats).Select(_ => Run(emulator, token, "Gold", $"live:{largeEvery}")).ToList();

        ProbeResult S(Func<ProbeResult, double> by, bool useSmall) => (useSmall ? smallRuns : largeRuns).OrderBy(by).ElementAt(repeats / 2);
        var s = S(r => r.TotalMs, true);
        var l = S(r => r.TotalMs, false);
        // A few milliseconds, so taken as the median of its own: the run with the median total may have had its first
        // page delayed by the load of a shared machine.
        double sFirst = S(r => r.FirstMs, true).FirstMs, lFirst = S(r => r.FirstMs, false).FirstMs;
        var sLive = smallLiveRuns.OrderBy(r => r.LiveGrowth).ElementAt(repeats / 2);
        var lLive = largeLiveRuns.OrderBy(r => r.LiveGrowth).ElementAt(repeats / 2);
        var countsOk = smallRuns.Concat(smallLiveRuns).All(r => r.Objects == small) && largeRuns.Concat(largeLiveRuns).All(r => r.Objects == large);
        double growth(ProbeResult r) => r.PeakManaged - r.BaselineManaged;
        double wsGrowth(ProbeResult r) => r.PeakWorkingSet - r.BaselineWorkingSet;

        var section = new Section("streaming", "Streaming: Get-MlvJobInstance | ForEach-Object over 100,000 vs 1,000 job instances (time to first object and live memory must not grow)")
            .Header("figure", Fmt.N(small) + " instances", Fmt.N(large) + " instances", "100k / 1k", "control: 100,000 collected (`$all = @(…)`)");
        var c = collected;
        var liveRatio = lLive.LiveGrowth / (double)Math.Max(1, sLive.LiveGrowth);
        section.Row("objects received", Fmt.N(s.Objects), Fmt.N(l.Objects), "", Fmt.N(c.Objects));
        section.Row("**time to first object**", "**" + Fmt.Ms(sFirst) + "**", "**" + Fmt.Ms(lFirst) + "**", Fmt.X(lFirst / sFirst), "(after the last)");
        section.Row("total time", Fmt.Ms(s.TotalMs), Fmt.S(l.TotalMs / 1000), Fmt.X(l.TotalMs / s.TotalMs), Fmt.S(c.TotalMs / 1000));
        section.Row("throughput", Fmt.N(s.Objects / (s.TotalMs / 1000), "0") + " /s", Fmt.N(l.Objects / (l.TotalMs / 1000), "0") + " /s", "", Fmt.N(c.Objects / (c.TotalMs / 1000), "0") + " /s");
        section.Row("**peak live heap growth** (full GC every N objects: max of GC.GetTotalMemory(true) over the baseline)",
            $"**{Fmt.MiB(sLive.LiveGrowth)}** (N = {smallEvery}, {sLive.LivePoints} points)", $"**{Fmt.MiB(lLive.LiveGrowth)}** (N = {largeEvery:N0}, {lLive.LivePoints} points)",
            Fmt.X(liveRatio), Fmt.MiB(c.Retained) + " (retained at the end)");
        section.Row("peak managed heap growth, incl. garbage (sampled GC.GetTotalMemory every 5 ms)", Fmt.MiB(growth(s)), Fmt.MiB(growth(l)), Fmt.X(growth(l) / Math.Max(1, growth(s))), Fmt.MiB(growth(c)));
        section.Row("retained at the end (after a full GC, over the baseline)", Fmt.MiB(s.Retained), Fmt.MiB(l.Retained), "", Fmt.MiB(c.Retained));
        section.Row("peak working set growth (process)", Fmt.MiB(wsGrowth(s)), Fmt.MiB(wsGrowth(l)), "", Fmt.MiB(wsGrowth(c)));
        section.Row("GCs gen0 / gen1 / gen2", $"{s.Gen0} / {s.Gen1} / {s.Gen2}", $"{l.Gen0} / {l.Gen1} / {l.Gen2}", "", $"{c.Gen0} / {c.Gen1} / {c.Gen2}");
        section.Row("allocated per object", Fmt.N(s.AllocatedBytes / (double)Math.Max(1, s.Objects), "0") + " B", Fmt.N(l.AllocatedBytes / (double)Math.Max(1, l.Objects), "0") + " B", "", Fmt.N(c.AllocatedBytes / (double)Math.Max(1, c.Objects), "0") + " B");
        section.Note($"Each listing runs in a fresh child process (engine + module only; the emulator, with the generated history, stays in the parent) after a warm-up listing; {repeats} run(s) per count: time to first object is their median, the other rows the run with the median total time; live heap growth is the median of {repeats} separate run(s). Page size {pageSize} (the emulator's default), so 100,000 instances are {large / pageSize:N0} pages read one after another as the pipeline consumes them; the job-read limit is lifted for this figure.");
        var firstRatio = lFirst / sFirst;
        var liveDelta = lLive.LiveGrowth - sLive.LiveGrowth;
        // Streaming = what the listing holds does not follow the count: 100× the instances may add a constant (the
        // pipeline's bounded queue, one page) but not 1 MiB (10 bytes per instance), and the first object comes as
        // soon as for 1,000.
        const long liveTolerance = 1024 * 1024;
        var streams = countsOk && firstRatio < 2 && liveDelta < liveTolerance;
        section.Note("Streaming holds when time to first object and live memory do not grow with the number of instances: 100× the instances cost about 100× the time but not more memory. " +
                     $"Here: time to first object {Fmt.X(firstRatio)} that of 1,000; peak live heap growth {Fmt.MiB(lLive.LiveGrowth)} against {Fmt.MiB(sLive.LiveGrowth)} ({Fmt.X(liveRatio)}, {(liveDelta >= 0 ? "+" : "")}{Fmt.MiB(liveDelta)}; tolerance +{Fmt.MiB(liveTolerance)}), " +
                     $"while keeping the 100,000 costs {Fmt.MiB(c.Retained)} → {(streams ? "streams (nothing is kept)" : "DOES NOT STREAM")}.");
        section.Note("Live heap growth comes from separate runs whose consumer forces a full blocking GC (`[GC]::GetTotalMemory($true)`) every N objects, at N/2, 3N/2, …, and keeps the largest heap left over the baseline (a full GC before the listing): the instances in flight (the cmdlet's bounded output queue, the page being read) and anything the module keeps per instance or per page. " +
                     "The sampled peak is not that figure: it includes garbage up to the next collection, and a 100,000 listing runs almost only gen0 collections (see the GC row), each of which promotes the objects in flight to gen1, where they stay as garbage until a gen1 collection; a 1,000 listing allocates less than one gen0 budget (no GC runs), so its sampled peak is simply all it allocated. " +
                     "The control keeps every instance (as `$all = @(Get-MlvJobInstance …)` does), which is what a module that buffered its list would cost.");
        if (!countsOk)
        {
            section.Note("OBJECT COUNT MISMATCH: " + string.Join(", ", smallRuns.Concat(largeRuns).Concat(smallLiveRuns).Concat(largeLiveRuns).Select(r => r.Objects)));
        }

        section.Data["small"] = JsonSerializer.SerializeToNode(s);
        section.Data["large"] = JsonSerializer.SerializeToNode(l);
        section.Data["smallLive"] = JsonSerializer.SerializeToNode(sLive);
        section.Data["largeLive"] = JsonSerializer.SerializeToNode(lLive);
        section.Data["pageSize"] = pageSize;
        section.Data["repeats"] = repeats;
        section.Data["countsOk"] = countsOk;
        section.Data["collected"] = JsonSerializer.SerializeToNode(c);
        section.Data["firstObjectMsSmall"] = sFirst;
        section.Data["firstObjectMsLarge"] = lFirst;
        section.Data["firstObjectRatio"] = firstRatio;
        section.Data["liveGrowthSmall"] = sLive.LiveGrowth;
        section.Data["liveGrowthLarge"] = lLive.LiveGrowth;
        section.Data["liveGrowthRatio"] = liveRatio;
        section.Data["liveGrowthDelta"] = liveDelta;
        section.Data["liveGrowthTolerance"] = liveTolerance;
        section.Data["met"] = streams;
        return section;
    }

    private static ProbeResult Run(EmulatorServer emulator, string token, string lakehouse, string mode = "stream") =>
        JsonSerializer.Deserialize<ProbeResult>(ModuleHost.RunChild("--stream-probe", emulator.BaseUri.ToString(), token, lakehouse, mode)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last())!;
}
