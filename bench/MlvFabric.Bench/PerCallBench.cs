using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// <c>Get-MlvJobInstance -Id</c> repeated N times — in a PowerShell loop (one call per id), and as one call given the N
/// ids — against the same GET made with a raw HttpClient from C#
/// (one handler, keep-alive), against the in-process emulator with its job-read limit lifted. Rounds alternate
/// between the two so load changes hit both. Also: requests per call (request log) and new TCP connections during the
/// measured rounds (Kestrel's connection metric, cross-checked with /proc/net/tcp).
/// </summary>
internal static class PerCallBench
{
    public static async Task<Section> RunAsync(bool quick)
    {
        var perRound = quick ? 200 : 500;
        var rounds = quick ? 5 : 9;
        var latencyCalls = quick ? 40 : 100;
        const int latencyMs = 20;

        using var connections = new ConnectionCounter();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { JobStatusReadsPerMinute = 0, JobSubmissionsPerMinute = 0 });
        using var control = new EmulatorClient(emulator);
        var ws = emulator.WorkspaceId("Sales");
        var lh = emulator.LakehouseId("Sales", "Gold");
        var token = await control.TokenAsync("percall@contoso.onmicrosoft.com");

        // One job instance to read (a finished one: a plain 200, no Retry-After).
        using var raw = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
        raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        raw.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using (var post = await raw.PostAsync(new Uri(emulator.ApiBaseUri, $"workspaces/{ws}/lakehouses/{lh}/jobs/RefreshMaterializedLakeViews/instances"), new ByteArrayContent(Array.Empty<byte>())))
        {
            post.EnsureSuccessStatusCode();
            var job = Guid.Parse(post.Headers.Location!.AbsolutePath.Split('/').Last());
            emulator.AdvanceClock(TimeSpan.FromMinutes(5));
            return await MeasureAsync(emulator, control, connections, raw, ws, lh, job, token, perRound, rounds, latencyCalls, latencyMs);
        }
    }

    private static async Task<Section> MeasureAsync(EmulatorServer emulator, EmulatorClient control, ConnectionCounter connections, HttpClient raw,
        Guid ws, Guid lh, Guid job, string token, int perRound, int rounds, int latencyCalls, int latencyMs)
    {
        Uri url = new(emulator.ApiBaseUri, $"workspaces/{ws}/items/{lh}/jobs/instances/{job}");
        Console.WriteLine($"Per-call overhead: {rounds} rounds × {perRound} calls per variant…");

        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, emulator.BaseUri, token);
        runspace.SessionStateProxy.SetVariable("ws", ws);
        runspace.SessionStateProxy.SetVariable("lh", lh);
        runspace.SessionStateProxy.SetVariable("job", job);
        // Every PowerShell variant: one script, timed, divided by the number of reads it makes.
        double Timed(string script, int calls)
        {
            runspace.SessionStateProxy.SetVariable("BenchCalls", calls);
            var sw = Stopwatch.StartNew();
            ModuleHost.Invoke(runspace, script);
            return sw.Elapsed.TotalMilliseconds / calls;
        }

        double LoopRound(string body, int calls) => Timed("for ($i = 0; $i -lt $BenchCalls; $i++) { " + body + " }", calls);

        double ModuleRound(int calls) => LoopRound("$null = Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $job", calls);

        // The same N reads as one call: -Id takes an array, and the cmdlet reads the ids one after another.
        double ArrayRound(int calls)
        {
            runspace.SessionStateProxy.SetVariable("BenchIds", Enumerable.Repeat(job, calls).ToArray());
            return Timed("$null = Get-MlvJobInstance -WorkspaceId $ws -LakehouseId $lh -Id $BenchIds", calls);
        }

        double FloorRound(int calls) => LoopRound("Out-Null -InputObject $job", calls);

        async Task<double> RawRound(int calls, bool parse)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                using var response = await raw.GetAsync(url);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsByteArrayAsync();
                if (parse)
                {
                    using var doc = JsonDocument.Parse(body);
                    _ = doc.RootElement.GetProperty("status").GetString();
                }
            }

            return sw.Elapsed.TotalMilliseconds / calls;
        }

        // The module's client alone, called from C# (reflection: the bench never references module types), to split the
        // module's cost into client and cmdlet layer.
        var context = ModuleHost.Invoke(runspace, "Get-MlvContext")[0].BaseObject;
        var client = context.GetType().GetProperty("Client", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.GetValue(context)!;
        var getJob = client.GetType().GetMethod("GetJobInstanceAsync", new[] { typeof(Guid), typeof(Guid), typeof(Guid), typeof(System.Threading.CancellationToken) })!;

        async Task<double> ClientRound(int calls)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                await (Task)getJob.Invoke(client, new object[] { ws, lh, job, System.Threading.CancellationToken.None })!;
            }

            return sw.Elapsed.TotalMilliseconds / calls;
        }

        // The bridge pattern alone (BridgeProbe.cs): a trivial cmdlet, direct and through a copy of the async bridge.
        runspace.SessionStateProxy.SetVariable("BenchAssembly", typeof(TestBenchDirectCommand).Assembly);
        ModuleHost.Invoke(runspace, "Import-Module -Assembly $BenchAssembly");
        TestBenchRawGetCommand.Http = raw;
        runspace.SessionStateProxy.SetVariable("url", url);

        double ProbeRound(string cmdlet, int calls) => LoopRound("$null = " + cmdlet, calls);

        // Warm-up: JIT, name caches, connection pools on both sides.
        ModuleRound(100);
        ArrayRound(100);
        await ClientRound(100);
        await RawRound(100, false);
        await RawRound(100, true);
        FloorRound(100);
        ProbeRound("Test-BenchDirect -Id $job", 100);
        ProbeRound("Test-BenchBridged -Id $job", 100);
        ProbeRound("Test-BenchRawGet -Url $url", 100);

        var openedBefore = connections.Opened;
        var establishedBefore = ConnectionCounter.EstablishedTo(emulator.BaseUri.Port);
        var mark = control.Mark();
        var module = new List<double>();
        var array = new List<double>();
        var rawOnly = new List<double>();
        var rawParse = new List<double>();
        var floor = new List<double>();
        var clientOnly = new List<double>();
        var direct = new List<double>();
        var bridged = new List<double>();
        var rawGetCmdlet = new List<double>();
        long moduleRequests = 0;
        long arrayRequests = 0;
        for (var r = 0; r < rounds; r++)
        {
            var before = control.Mark();
            module.Add(ModuleRound(perRound));
            moduleRequests += control.RequestsSince(before).Count;
            before = control.Mark();
            array.Add(ArrayRound(perRound));
            arrayRequests += control.RequestsSince(before).Count;
            clientOnly.Add(await ClientRound(perRound));
            rawOnly.Add(await RawRound(perRound, false));
            rawParse.Add(await RawRound(perRound, true));
            floor.Add(FloorRound(perRound));
            direct.Add(ProbeRound("Test-BenchDirect -Id $job", perRound));
            bridged.Add(ProbeRound("Test-BenchBridged -Id $job", perRound));
            rawGetCmdlet.Add(ProbeRound("Test-BenchRawGet -Url $url", perRound));
        }

        var newConnections = connections.Opened - openedBefore;
        var establishedAfter = ConnectionCounter.EstablishedTo(emulator.BaseUri.Port);
        var requestsPerCall = moduleRequests / (double)(rounds * perRound);
        var requestsPerArrayId = arrayRequests / (double)(rounds * perRound);
        var errors = control.RequestsSince(mark).Count(e => e.Status != 200);

        // The same with a simulated service latency (every /v1 answer delayed), where the fixed overhead matters less.
        await control.ControlAsync(HttpMethod.Put, "faults", new { rates = new { slow = 1.0 }, slowMs = latencyMs, throttle = new { jobStatusReadsPerMinute = 0, jobSubmissionsPerMinute = 0 } });
        var moduleSlow = ModuleRound(latencyCalls);
        var arraySlow = ArrayRound(latencyCalls);
        var rawSlow = await RawRound(latencyCalls, false);
        await control.ControlAsync(HttpMethod.Delete, "faults");

        double m = Fmt.Median(module), rw = Fmt.Median(rawOnly), rp = Fmt.Median(rawParse), fl = Fmt.Median(floor), cl = Fmt.Median(clientOnly);
        var ratio = m / rw;
        var ar = Fmt.Median(array);
        var arrayRatio = ar / rw;
        const double target = 1.5;
        var noNewConnections = newConnections == 0;
        var loopMet = ratio <= target && noNewConnections;
        var arrayMet = arrayRatio <= target && noNewConnections;

        var section = new Section("perCall", "Per-call overhead: Get-MlvJobInstance -Id vs raw HttpClient (target ≤ 1.5×, no new connection per call)")
            .Header("variant", "per call (median of rounds)", "min round", "max round", "ratio to raw");
        section.Row("**Get-MlvJobInstance -Id $id** in a PowerShell loop (one call per id)", "**" + Fmt.Ms(m) + "**", Fmt.Ms(module.Min()), Fmt.Ms(module.Max()), "**" + Fmt.X(ratio) + "**");
        section.Row($"**Get-MlvJobInstance -Id $ids** (one call given the {perRound} ids; per id)", "**" + Fmt.Ms(ar) + "**", Fmt.Ms(array.Min()), Fmt.Ms(array.Max()), "**" + Fmt.X(arrayRatio) + "**");
        section.Row("raw HttpClient GET, body read (C#)", Fmt.Ms(rw), Fmt.Ms(rawOnly.Min()), Fmt.Ms(rawOnly.Max()), Fmt.X(1));
        section.Row("raw HttpClient GET + JSON parse (C#)", Fmt.Ms(rp), Fmt.Ms(rawParse.Min()), Fmt.Ms(rawParse.Max()), Fmt.X(rp / rw));
        section.Row("the module's client alone: FabricClient.GetJobInstanceAsync from C#", Fmt.Ms(cl), Fmt.Ms(clientOnly.Min()), Fmt.Ms(clientOnly.Max()), Fmt.X(cl / rw));
        var rg = Fmt.Median(rawGetCmdlet);
        section.Row("cmdlet floor: a minimal binary cmdlet making the same GET (raw HttpClient, waited for on the pipeline thread)", Fmt.Ms(rg), Fmt.Ms(rawGetCmdlet.Min()), Fmt.Ms(rawGetCmdlet.Max()), Fmt.X(rg / rw));
        section.Row("engine floor: `Out-Null -InputObject $job` in the same loop", Fmt.Ms(fl), Fmt.Ms(floor.Min()), Fmt.Ms(floor.Max()), Fmt.X(fl / rw));
        double dr = Fmt.Median(direct), br = Fmt.Median(bridged);
        section.Row("diagnostic: trivial binary cmdlet, direct WriteObject (no request)", Fmt.Ms(dr), Fmt.Ms(direct.Min()), Fmt.Ms(direct.Max()), Fmt.X(dr / rw));
        section.Row("diagnostic: the same through a copy of the module's async bridge (no request)", Fmt.Ms(br), Fmt.Ms(bridged.Min()), Fmt.Ms(bridged.Max()), Fmt.X(br / rw));
        section.Row($"with {latencyMs} ms service latency: module, loop", Fmt.Ms(moduleSlow), "", "", Fmt.X(moduleSlow / rawSlow));
        section.Row($"with {latencyMs} ms service latency: module, one call given the ids", Fmt.Ms(arraySlow), "", "", Fmt.X(arraySlow / rawSlow));
        section.Row($"with {latencyMs} ms service latency: raw", Fmt.Ms(rawSlow), "", "", Fmt.X(1));
        section.Note($"{rounds} rounds × {perRound} calls per variant, alternating; {Fmt.N(requestsPerCall, "0.###")} HTTP requests per module call in the loop, {Fmt.N(requestsPerArrayId, "0.###")} per id given as an array; {errors} non-200 answers.");
        section.Note($"Connections: {newConnections} new TCP connection(s) accepted by the emulator during the {rounds * perRound * 5} measured GETs " +
                     $"(Kestrel `kestrel.active_connections`; established to the port before/after: {establishedBefore}/{establishedAfter}) → {(noNewConnections ? "no new connection per call" : "NEW CONNECTIONS WERE OPENED")}.");
        section.Note($"Target ≤ {target}×, N ids given to one call: {Fmt.Verdict(arrayMet)} ({Fmt.X(arrayRatio)}: the module's own overhead, the client's {Fmt.X(cl / rw)} plus output; the reads run one after another as in the raw loop, none is skipped or run in parallel).");
        section.Note($"Target ≤ {target}×, a PowerShell loop of single calls: {Fmt.Verdict(loopMet)} ({Fmt.X(ratio)}; the module adds {Fmt.Ms(m - rw)} per call on loopback, of which the client (token, request, retry/limiter plumbing, JSON, mapping) accounts for {Fmt.Ms(cl - rw)} and the cmdlet layer (binding, async bridge, output, and the wait on the pipeline thread that any cmdlet has: see the cmdlet floor) for {Fmt.Ms(m - cl)}; a core cmdlet call costs {Fmt.Ms(fl)} in the same loop).");
        section.Note($"Diagnostic rows: a do-nothing cmdlet costs {Fmt.Ms(dr)} per call written directly and {Fmt.Ms(br)} through a copy of the module's AsyncBridge (bodies started on the pipeline thread; one thread-pool hop before the write, as a request has; writes after it queued for the pipeline thread): the bridge pattern alone accounts for about {Fmt.Ms(br - dr)} of the cmdlet layer's {Fmt.Ms(m - cl)}.");
        section.Note($"Cmdlet floor: any cmdlet that makes this request from a PowerShell loop costs {Fmt.Ms(rg)} ({Fmt.X(rg / rw)} raw): the loop waits on the pipeline thread, which the completion on a thread-pool thread must wake, where the C# loop's continuation simply goes on with the next request; against that floor the module is at {Fmt.X(m / rg)}.");
        section.Note($"The latency rows delay every emulator answer by {latencyMs} ms ({latencyCalls} calls each): the same fixed overhead against a service that is not on loopback.");

        section.Data["moduleMsPerCall"] = m;
        section.Data["rawMsPerCall"] = rw;
        section.Data["rawParseMsPerCall"] = rp;
        section.Data["engineFloorMsPerCall"] = fl;
        section.Data["clientMsPerCall"] = cl;
        section.Data["diagnosticDirectCmdletMsPerCall"] = dr;
        section.Data["diagnosticBridgedCmdletMsPerCall"] = br;
        section.Data["cmdletFloorMsPerCall"] = rg;
        section.Data["ratioToCmdletFloor"] = m / rg;
        section.Data["ratio"] = ratio;
        section.Data["arrayMsPerId"] = ar;
        section.Data["arrayRatio"] = arrayRatio;
        section.Data["arrayMsPerIdWithLatency"] = arraySlow;
        section.Data["requestsPerArrayId"] = requestsPerArrayId;
        section.Data["loopMet"] = loopMet;
        section.Data["arrayMet"] = arrayMet;
        section.Data["verdict"] = $"N ids in one call {Fmt.Verdict(arrayMet)} ({Fmt.X(arrayRatio)}); a PowerShell loop of single calls {Fmt.Verdict(loopMet)} ({Fmt.X(ratio)}; a minimal cmdlet making the same GET: {Fmt.X(rg / rw)})";
        section.Data["requestsPerCall"] = requestsPerCall;
        section.Data["newConnections"] = newConnections;
        section.Data["latencyMs"] = latencyMs;
        section.Data["moduleMsPerCallWithLatency"] = moduleSlow;
        section.Data["rawMsPerCallWithLatency"] = rawSlow;
        section.Data["ratioWithLatency"] = moduleSlow / rawSlow;
        section.Data["target"] = target;
        section.Data["met"] = loopMet && arrayMet;
        return section;
    }
}
