using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// Fault soak: N module operations — <c>Start-MlvRefresh -Wait</c> (whole lineage and with an execution
/// definition) and schedule / execution-definition creates, changes and removals — from several runspaces, each its
/// own caller, against an emulator that injects throttling, 5xx, dropped connections (before and after processing),
/// truncated and slow answers, scripted drops of answers to creating POSTs, and runs with its clock behind the
/// caller's (10 s, then 1 h). Every intent is unique (a lakehouse refreshed once, a schedule interval, a definition
/// name), so each processed request in the emulator's log and each object in its state is matched to the one operation
/// that meant it: jobs lost, duplicated, reported with a wrong id or status, hangs, outcomes reported as unknown.
/// </summary>
internal static class SoakBench
{
    public const int DefaultOperations = 2_000;
    public const int DefaultSeed = 20261206;

    private const int MaxSchedulesPerLakehouse = 16; // the emulator allows 20 per item
    private const int ScheduleLakehousesPerWorker = 3;
    private static readonly TimeSpan OperationLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FaultTick = TimeSpan.FromSeconds(10);
    private static readonly Regex RunPath = new(@"/(?:items|lakehouses)/([0-9a-fA-F-]{36})/jobs/[^/]+/instances$", RegexOptions.Compiled | RegexOptions.IgnoreCase);
    private static readonly Regex SchedulesPath = new(@"/(?:items|lakehouses)/([0-9a-fA-F-]{36})/jobs/[^/]+/schedules$", RegexOptions.Compiled | RegexOptions.IgnoreCase);
    private static readonly Regex DefinitionsPath = new(@"/lakehouses/([0-9a-fA-F-]{36})/mlvExecutionDefinitions$", RegexOptions.Compiled | RegexOptions.IgnoreCase);
    private static readonly Regex AnyGuid = new(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.Compiled);

    private enum Kind { Refresh, RefreshDefinition, NewSchedule, SetSchedule, RemoveSchedule, NewDefinition, SetDefinition, RemoveDefinition }

    private static readonly (Kind Kind, int Weight)[] Mix =
    {
        (Kind.Refresh, 36), (Kind.RefreshDefinition, 12), (Kind.NewSchedule, 12), (Kind.SetSchedule, 9), (Kind.RemoveSchedule, 5),
        (Kind.NewDefinition, 14), (Kind.SetDefinition, 7), (Kind.RemoveDefinition, 5),
    };

    /// <summary>The service's clock relative to the caller's, and the share of the operations run under it.</summary>
    private sealed record Phase(string Name, TimeSpan Skew, double Share);

    private static readonly Phase[] Phases =
    {
        new("clocks agree", TimeSpan.Zero, 0.3),
        new("service clock 10 s behind", TimeSpan.FromSeconds(-10), 0.4),
        new("service clock 1 h behind", TimeSpan.FromHours(-1), 0.3),
    };

    private sealed class Tracked
    {
        public Guid Id;
        public Guid Lakehouse;
        public string Value = "";                      // schedule: interval; definition: description
        public string Key = "";                        // schedule: its create's interval; definition: its name
        public HashSet<string> Possible = new();       // values a change that ended in an error may have left
        public bool MaybeRemoved;
        public bool Removed;
        public bool Refreshed;                         // definition: used by a refresh
    }

    private sealed record ErrorInfo(string Id, string Message, bool OutcomeUnknown, HashSet<Guid> Named);

    private sealed class Op
    {
        public int Number;
        public Kind Kind;
        public int Worker;
        public string Phase = "";
        public Guid Lakehouse;
        public Guid? Target;                           // the schedule or definition changed or removed; the definition refreshed with
        public string? Intent;                         // schedule interval or definition name (creates), new value (changes)
        public string Script = "";
        public DateTime StartUtc;
        public DateTime EndUtc;
        public bool Hung;
        public Guid? ReportedId;
        public string? ReportedStatus;
        public string? ReportedValue;
        public List<ErrorInfo> Errors = new();
        public int ExtraOutput;
        public string? HarnessFailure;
        public bool Ok => !Hung && Errors.Count == 0 && HarnessFailure is null;
    }

    private sealed class Worker
    {
        public int Index;
        public string Oid = "";
        public string Token = "";
        public Runspace Runspace = null!;
        public Random Random = null!;
        public Guid Workspace;
        public Queue<Guid> Fresh = new();
        public List<Guid> ScheduleLakehouses = new();
        public List<Tracked> Schedules = new();
        public List<Tracked> Definitions = new();
        public List<(Guid Lakehouse, string Key)> MaybeCreatedSchedules = new();
        public List<(Guid Lakehouse, string Key)> MaybeCreatedDefinitions = new();
        public List<Op> Ops = new();
    }

    private sealed class Run
    {
        public EmulatorServer Emulator = null!;
        public EmulatorClient Control = null!;
        public int Seed;
        public int Remaining;
        public int NextOp;
        public int NextInterval = 100_000;
        public int NextName;
        public DateTime Deadline;
        public bool CeilingHit;
        public string Phase = "";
        public int ScriptedInjected;
    }

    public static async Task<Section> RunAsync(int operations, int seed, bool quick)
    {
        var workers = Math.Clamp(operations / 100, 4, 20);
        var ceiling = TimeSpan.FromMinutes(quick ? 8 : 25);
        Console.WriteLine($"Fault soak: {operations} operations, seed {seed}, {workers} runspaces (each its own caller), phases {string.Join(" / ", Phases.Select(p => p.Name))}; ceiling {ceiling.TotalMinutes} min…");

        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            RetryAfterSeconds = 1,
            JobSubmissionsPerMinute = 0,
            JobStatusReadsPerMinute = 0,
            RequestLogCapacity = 1_000_000,
            FaultSeed = seed,
            RandomSeed = seed,
        });
        using var control = new EmulatorClient(emulator);
        var run = new Run { Emulator = emulator, Control = control, Seed = seed };
        var pool = new List<Worker>();
        try
        {
            var setup = Stopwatch.StartNew();
            var random = new Random(seed);
            var freshPerWorker = (int)Math.Ceiling(operations / (double)workers * 0.8) + 10;
            for (var w = 0; w < workers; w++)
            {
                // Runs of 1, 1.5 or 2 s after 0.3 s in the queue: a wait takes a few polls at Retry-After 1 s.
                var duration = 1 + random.Next(3) * 0.5;
                var fresh = await control.SeedAsync($"Soak{w:00}", freshPerWorker, duration, 0.3, "Refresh");
                var schedules = await control.SeedAsync($"Soak{w:00}", ScheduleLakehousesPerWorker, duration, 0.3, "Schedules");
                var oidBytes = new byte[16];
                random.NextBytes(oidBytes);
                var worker = new Worker
                {
                    Index = w,
                    Oid = new Guid(oidBytes).ToString(),
                    Random = new Random(seed * 31 + w),
                    Workspace = fresh.Workspace,
                    Fresh = new Queue<Guid>(fresh.Lakehouses),
                    ScheduleLakehouses = schedules.Lakehouses,
                };
                worker.Token = emulator.MintTokenFor(worker.Oid, lifetimeSeconds: 6 * 3600);
                worker.Runspace = OpenSession(emulator, worker);
                pool.Add(worker);
            }

            Console.WriteLine($"  setup: {workers * (freshPerWorker + ScheduleLakehousesPerWorker)} lakehouses, {workers} runspaces with the module imported and connected in {Fmt.S(setup.Elapsed.TotalSeconds)}");

            using var stopFaults = new CancellationTokenSource();
            var wall = Stopwatch.StartNew();
            run.Deadline = DateTime.UtcNow + ceiling;
            var faults = DriveFaultsAsync(run, stopFaults.Token);
            var phaseTimes = new List<(Phase Phase, int Ops, double Seconds)>();
            var assigned = 0;
            for (var p = 0; p < Phases.Length && !run.CeilingHit; p++)
            {
                var phase = Phases[p];
                var quota = p == Phases.Length - 1 ? operations - assigned : (int)Math.Round(operations * phase.Share);
                assigned += quota;
                // Between phases no operation is in flight: moving the service's clock under a running wait would make
                // its job look not yet started for as long as the clock went back.
                await control.ControlAsync(HttpMethod.Post, "clock/set", new { utcNow = (DateTime.UtcNow + phase.Skew).ToString("o", CultureInfo.InvariantCulture) });
                run.Phase = phase.Name;
                run.Remaining = quota;
                var phaseWatch = Stopwatch.StartNew();
                var before = pool.Sum(w => w.Ops.Count);
                var threads = pool.Select(w => new Thread(() => RunWorker(run, w)) { IsBackground = true, Name = $"soak-{w.Index}" }).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                phaseTimes.Add((phase, pool.Sum(w => w.Ops.Count) - before, phaseWatch.Elapsed.TotalSeconds));
                Console.WriteLine($"  phase '{phase.Name}': {phaseTimes[^1].Ops} operations in {Fmt.S(phaseTimes[^1].Seconds)}");
            }

            var seconds = wall.Elapsed.TotalSeconds;
            stopFaults.Cancel();
            await faults;
            await control.ControlAsync(HttpMethod.Delete, "faults");
            await control.ControlAsync(HttpMethod.Post, "clock/set", new { utcNow = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture) });
            // Jobs of operations that ended in errors or hung may still run: let every one of them end before the audit.
            await Task.Delay(TimeSpan.FromSeconds(3));
            return await AuditAsync(run, pool, operations, seed, seconds, phaseTimes, ceiling);
        }
        finally
        {
            foreach (var w in pool)
            {
                w.Runspace?.Dispose();
            }
        }
    }

    private static Runspace OpenSession(EmulatorServer emulator, Worker worker)
    {
        var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, emulator.BaseUri, worker.Token);
        runspace.SessionStateProxy.SetVariable("ConfirmPreference", "None");
        runspace.SessionStateProxy.SetVariable("ProgressPreference", "SilentlyContinue");
        runspace.SessionStateProxy.SetVariable("ws", worker.Workspace);
        return runspace;
    }

    /// <summary>
    /// Every <see cref="FaultTick"/>: new rate draws (a seed of their own) and a fresh script of answers lost after
    /// processing on every creating or changing request, 503s on job reads and 429s with a longer Retry-After on starts.
    /// Script entries are taken by whichever caller's request matches first.
    /// </summary>
    private static async Task DriveFaultsAsync(Run run, CancellationToken ct)
    {
        for (var tick = 0; !ct.IsCancellationRequested; tick++)
        {
            run.ScriptedInjected += await ScriptedUsedAsync(run.Control);
            await run.Control.ControlAsync(HttpMethod.Put, "faults", new
            {
                seed = run.Seed + tick,
                rates = new { throttle = 0.08, serverError = 0.05, drop = 0.03, truncate = 0.02, slow = 0.01 },
                dropPhase = "either",
                slowMs = 1500,
                retryAfterSeconds = 1,
                script = new object[]
                {
                    new { method = "POST", pathPattern = "/v1/workspaces/*/jobs/*/instances", fault = "drop", phase = "response", count = 2 },
                    new { method = "POST", pathPattern = "/v1/workspaces/*/schedules", fault = "drop", phase = "response", count = 1 },
                    new { method = "POST", pathPattern = "/v1/workspaces/*/mlvExecutionDefinitions", fault = "drop", phase = "response", count = 1 },
                    new { method = "PATCH", pathPattern = "/v1/workspaces/*", fault = "drop", phase = "response", count = 1 },
                    new { method = "DELETE", pathPattern = "/v1/workspaces/*", fault = "drop", phase = "response", count = 1 },
                    new { method = "GET", pathPattern = "/v1/workspaces/*/jobs/instances/*", fault = "serverError", status = 503, retryAfterSeconds = 2, count = 2 },
                    new { method = "POST", pathPattern = "/v1/workspaces/*/jobs/*/instances", fault = "throttle", retryAfterSeconds = 3, count = 1 },
                },
                throttle = new { jobSubmissionsPerMinute = 0, jobStatusReadsPerMinute = 0, requestsPerMinute = 0 },
            });
            try
            {
                await Task.Delay(FaultTick, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        run.ScriptedInjected += await ScriptedUsedAsync(run.Control);
    }

    private static async Task<int> ScriptedUsedAsync(EmulatorClient control)
    {
        var settings = await control.ControlAsync(HttpMethod.Get, "faults");
        return settings.TryGetProperty("script", out var script)
            ? script.EnumerateArray().Sum(e => e.GetProperty("count").GetInt32() - e.GetProperty("remaining").GetInt32())
            : 0;
    }

    private static void RunWorker(Run run, Worker w)
    {
        while (Interlocked.Decrement(ref run.Remaining) >= 0)
        {
            if (DateTime.UtcNow > run.Deadline)
            {
                run.CeilingHit = true;
                return;
            }

            var op = new Op { Number = Interlocked.Increment(ref run.NextOp), Worker = w.Index, Phase = run.Phase, Kind = Pick(w) };
            try
            {
                Execute(run, w, op);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                op.HarnessFailure = ex.ToString();
            }

            w.Ops.Add(op);
        }
    }

    private static Kind Pick(Worker w)
    {
        var roll = w.Random.Next(Mix.Sum(m => m.Weight));
        var kind = Mix.First(m => (roll -= m.Weight) < 0).Kind;
        var fresh = w.Fresh.Count > 0;
        var anySchedule = w.Schedules.Any(Changeable);
        var anyDefinition = w.Definitions.Any(Changeable);
        var scheduleRoom = w.ScheduleLakehouses.Any(l => SchedulesOn(w, l) < MaxSchedulesPerLakehouse);
        return kind switch
        {
            Kind.Refresh or Kind.NewDefinition when !fresh => anySchedule ? Kind.SetSchedule : Kind.NewSchedule,
            Kind.RefreshDefinition when !w.Definitions.Any(d => Changeable(d) && !d.Refreshed) => fresh ? Kind.NewDefinition : Kind.NewSchedule,
            Kind.SetSchedule or Kind.RemoveSchedule when !anySchedule => Kind.NewSchedule,
            Kind.SetDefinition or Kind.RemoveDefinition when !anyDefinition => fresh ? Kind.NewDefinition : Kind.NewSchedule,
            Kind.NewSchedule when !scheduleRoom => anySchedule ? Kind.SetSchedule : Kind.Refresh,
            _ => kind,
        };
    }

    /// <summary>Known to exist with a known value: safe to change, remove or refresh with.</summary>
    private static bool Changeable(Tracked t) => !t.Removed && !t.MaybeRemoved && t.Possible.Count == 0;

    private static int SchedulesOn(Worker w, Guid lakehouse) =>
        w.Schedules.Count(s => s.Lakehouse == lakehouse && !s.Removed) + w.MaybeCreatedSchedules.Count(m => m.Lakehouse == lakehouse);

    private static void Execute(Run run, Worker w, Op op)
    {
        var r = w.Random;
        var vars = new Dictionary<string, object?>();
        Tracked? target = null;
        switch (op.Kind)
        {
            case Kind.Refresh:
                op.Lakehouse = w.Fresh.Dequeue();
                op.Script = "Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -Wait";
                break;
            case Kind.RefreshDefinition:
                target = Choose(r, w.Definitions.Where(d => Changeable(d) && !d.Refreshed));
                target.Refreshed = true;
                op.Lakehouse = target.Lakehouse;
                op.Target = target.Id;
                op.Script = "Start-MlvRefresh -WorkspaceId $ws -LakehouseId $lh -ExecutionDefinition $id -Wait";
                break;
            case Kind.NewSchedule:
                op.Lakehouse = Choose(r, w.ScheduleLakehouses.Where(l => SchedulesOn(w, l) < MaxSchedulesPerLakehouse));
                op.Intent = Interlocked.Increment(ref run.NextInterval).ToString(CultureInfo.InvariantCulture);
                op.Script = "New-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -IntervalMinutes $value -Disabled";
                break;
            case Kind.SetSchedule:
                target = Choose(r, w.Schedules.Where(Changeable));
                op.Intent = Interlocked.Increment(ref run.NextInterval).ToString(CultureInfo.InvariantCulture);
                op.Script = "Set-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -Id $id -IntervalMinutes $value -PassThru";
                break;
            case Kind.RemoveSchedule:
                target = Choose(r, w.Schedules.Where(Changeable));
                op.Script = "Remove-MlvSchedule -WorkspaceId $ws -LakehouseId $lh -Id $id -Confirm:$false";
                break;
            case Kind.NewDefinition:
                op.Lakehouse = w.Fresh.Dequeue();
                op.Intent = $"soak-{w.Index:00}-{Interlocked.Increment(ref run.NextName):00000}";
                op.Script = r.Next(2) == 0
                    ? "New-MlvExecutionDefinition -WorkspaceId $ws -LakehouseId $lh -Name $value"
                    : "New-MlvExecutionDefinition -WorkspaceId $ws -LakehouseId $lh -Name $value -RefreshMode Full -Description 'soak'";
                break;
            case Kind.SetDefinition:
                target = Choose(r, w.Definitions.Where(Changeable));
                op.Intent = $"description {Interlocked.Increment(ref run.NextName):00000}";
                op.Script = "Set-MlvExecutionDefinition -WorkspaceId $ws -LakehouseId $lh -Id $id -Description $value -PassThru";
                break;
            case Kind.RemoveDefinition:
                target = Choose(r, w.Definitions.Where(Changeable));
                op.Script = "Remove-MlvExecutionDefinition -WorkspaceId $ws -LakehouseId $lh -Id $id -Confirm:$false";
                break;
        }

        if (target != null)
        {
            op.Lakehouse = target.Lakehouse;
            op.Target = target.Id;
            vars["id"] = target.Id;
        }

        vars["lh"] = op.Lakehouse;
        vars["value"] = op.Intent;
        Invoke(run, w, op, vars);
        Record(w, op, target);
    }

    private static T Choose<T>(Random r, IEnumerable<T> candidates)
    {
        var list = candidates.ToList();
        return list[r.Next(list.Count)];
    }

    /// <summary>Runs the operation's script with a watchdog; a run past <see cref="OperationLimit"/> is stopped and is a hang.</summary>
    private static void Invoke(Run run, Worker w, Op op, Dictionary<string, object?> vars)
    {
        foreach (var (name, value) in vars)
        {
            w.Runspace.SessionStateProxy.SetVariable(name, value);
        }

        var ps = PowerShell.Create();
        ps.Runspace = w.Runspace;
        ps.AddScript(op.Script);
        var output = new PSDataCollection<PSObject>();
        op.StartUtc = DateTime.UtcNow;
        var pending = ps.BeginInvoke<PSObject, PSObject>(null, output);
        if (!pending.AsyncWaitHandle.WaitOne(OperationLimit))
        {
            op.Hung = true;
            var stopping = ps.BeginStop(null, null);
            if (!stopping.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(15)))
            {
                // The pipeline would not stop: leave it and its runspace behind (disposing either would wait for it) and
                // go on in a new session of the same caller.
                w.Runspace = OpenSession(run.Emulator, w);
                op.EndUtc = DateTime.UtcNow;
                return;
            }
        }

        try
        {
            if (pending.IsCompleted)
            {
                ps.EndInvoke(pending);
            }
        }
        catch (RuntimeException ex)
        {
            op.Errors.Add(Describe(ex.ErrorRecord));
        }

        op.EndUtc = DateTime.UtcNow;
        op.Errors.AddRange(ps.Streams.Error.Select(Describe));
        if (op.Hung)
        {
            op.Errors.RemoveAll(e => e.Id == "PipelineStopped");
        }

        var first = output.FirstOrDefault();
        if (first != null)
        {
            op.ReportedId = first.Properties["Id"]?.Value is Guid id ? id : null;
            op.ReportedStatus = first.Properties["Status"]?.Value?.ToString();
            op.ReportedValue = op.Kind switch
            {
                Kind.NewSchedule or Kind.SetSchedule => PSObject.AsPSObject(first.Properties["Configuration"]?.Value ?? new object()).Properties["Interval"]?.Value?.ToString(),
                Kind.NewDefinition => first.Properties["DisplayName"]?.Value?.ToString(),
                Kind.SetDefinition => first.Properties["Description"]?.Value?.ToString(),
                _ => null,
            };
        }

        op.ExtraOutput = Math.Max(0, output.Count - 1);
        ps.Dispose();
    }

    private static ErrorInfo Describe(ErrorRecord e)
    {
        var unknown = false;
        for (var x = e.Exception; x != null; x = x.InnerException)
        {
            // The module's exception types live in its own load context: read the flag by name.
            unknown |= x.GetType().GetProperty("OutcomeUnknown")?.GetValue(x) is true;
        }

        var message = e.ToString();
        unknown |= message.Contains("may or may not", StringComparison.OrdinalIgnoreCase) || message.Contains("outcome is unknown", StringComparison.OrdinalIgnoreCase);
        var named = new HashSet<Guid>(AnyGuid.Matches(message + " " + e.ErrorDetails?.Message + " " + e.ErrorDetails?.RecommendedAction).Select(m => Guid.Parse(m.Value)));
        if (e.TargetObject is object target)
        {
            if (PSObject.AsPSObject(target).Properties["Id"]?.Value is Guid targetId)
            {
                named.Add(targetId);
            }

            foreach (Match m in AnyGuid.Matches(target.ToString() ?? ""))
            {
                named.Add(Guid.Parse(m.Value));
            }
        }

        return new ErrorInfo(e.FullyQualifiedErrorId.Split(',')[0], message, unknown, named);
    }

    /// <summary>What the worker now knows exists (for later changes and for the audit of the final state).</summary>
    private static void Record(Worker w, Op op, Tracked? target)
    {
        switch (op.Kind)
        {
            case Kind.NewSchedule:
            case Kind.NewDefinition:
                {
                    var schedule = op.Kind == Kind.NewSchedule;
                    if (op.Ok && op.ReportedId is Guid id)
                    {
                        var created = new Tracked { Id = id, Lakehouse = op.Lakehouse, Key = op.Intent!, Value = schedule ? op.Intent! : "" };
                        (schedule ? w.Schedules : w.Definitions).Add(created);
                    }
                    else
                    {
                        (schedule ? w.MaybeCreatedSchedules : w.MaybeCreatedDefinitions).Add((op.Lakehouse, op.Intent!));
                    }

                    break;
                }

            case Kind.SetSchedule:
            case Kind.SetDefinition:
                if (op.Ok)
                {
                    target!.Value = op.Intent!;
                }
                else
                {
                    target!.Possible.Add(op.Intent!);
                }

                break;
            case Kind.RemoveSchedule:
            case Kind.RemoveDefinition:
                if (op.Ok)
                {
                    target!.Removed = true;
                }
                else
                {
                    target!.MaybeRemoved = true;
                }

                break;
        }
    }

    // ---------------------------------------------------------------- evidence

    private sealed class Findings
    {
        public int Lost;
        public int Duplicated;
        public int Wrong;
        public int Hangs;
        public int Unknown;
        public int CreatesUnreported;
        public int NotCompleted;
        public int HarnessFailures;
        public Dictionary<string, int> StartAnswersLost = new();   // by phase
        public int CreateAnswersLost;
        public int ChangeAnswersLost;
        public List<string> Examples = new();

        public void Add(string what, Op? op, string detail, List<LogEntry>? requests = null)
        {
            if (Examples.Count >= 40)
            {
                return;
            }

            var head = op is null ? what : $"{what}: op #{op.Number} ({op.Kind}, worker {op.Worker}, phase '{op.Phase}', lakehouse {op.Lakehouse}) `{op.Script}`";
            var reqs = requests is null || requests.Count == 0 ? "" : "; requests: " + string.Join(", ", requests.Select(Short));
            Examples.Add($"{head}: {detail}{reqs}");
        }
    }

    private static string Short(LogEntry e) =>
        $"{e.TimeUtc:HH:mm:ss.fff} {e.Method} …{Tail(e.Path)} → {e.Status}" + (e.HandlerStatus is int h && h != e.Status ? $" (handler {h})" : "") + (e.Fault is null ? "" : $" [{e.Fault}]");

    private static string Tail(string path)
    {
        var parts = path.Split('/');
        return string.Join('/', parts.Skip(Math.Max(0, parts.Length - 3)));
    }

    private static async Task<Section> AuditAsync(Run run, List<Worker> pool, int requested, int seed, double seconds, List<(Phase Phase, int Ops, double Seconds)> phaseTimes, TimeSpan ceiling)
    {
        var control = run.Control;
        var auditor = run.Emulator.MintTokenFor(Guid.NewGuid().ToString(), lifetimeSeconds: 3600);
        var log = control.RequestsSince(0);
        var byCaller = log.Where(e => e.CallerOid != null).GroupBy(e => e.CallerOid!).ToDictionary(g => g.Key, g => g.ToList());
        var f = new Findings();
        var ops = pool.SelectMany(w => w.Ops).OrderBy(o => o.Number).ToList();

        foreach (var w in pool)
        {
            var mine = byCaller.TryGetValue(w.Oid, out var list) ? list : new List<LogEntry>();
            var startedIn = new HashSet<string>();
            foreach (var op in w.Ops)
            {
                // The worker's requests are its operations' requests, one operation at a time.
                var requests = mine.Where(e => e.TimeUtc >= op.StartUtc && e.TimeUtc <= op.EndUtc).ToList();
                if (op.Hung)
                {
                    f.Hangs++;
                    f.Add("HANG", op, $"did not end within {OperationLimit.TotalSeconds} s", requests);
                }

                if (op.Errors.Any(e => e.OutcomeUnknown))
                {
                    f.Unknown++;
                }

                // The paths the issue is about: the service acted, and the module never got its answer.
                if (requests.Any(e => e.Method != "GET" && e.Processed is >= 200 and < 300 && e.Status != e.Processed))
                {
                    switch (op.Kind)
                    {
                        case Kind.Refresh or Kind.RefreshDefinition:
                            f.StartAnswersLost[op.Phase] = f.StartAnswersLost.GetValueOrDefault(op.Phase) + 1;
                            break;
                        case Kind.NewSchedule or Kind.NewDefinition:
                            f.CreateAnswersLost++;
                            break;
                        default:
                            f.ChangeAnswersLost++;
                            break;
                    }
                }

                if (op.ExtraOutput > 0)
                {
                    f.Wrong++;
                    f.Add("WRONG (more than one object output)", op, $"{op.ExtraOutput + 1} objects", requests);
                }

                if (op.HarnessFailure != null)
                {
                    f.HarnessFailures++;
                    f.Add("HARNESS FAILURE", op, op.HarnessFailure, requests);
                }

                switch (op.Kind)
                {
                    case Kind.Refresh:
                    case Kind.RefreshDefinition:
                        await AuditRefreshAsync(control, w, op, startedIn.Add(op.Phase), auditor, requests, f);
                        break;
                    case Kind.NewSchedule:
                    case Kind.NewDefinition:
                        AuditCreate(op, requests, f);
                        break;
                    case Kind.SetSchedule:
                    case Kind.SetDefinition:
                        if (op.Ok && op.ReportedValue != op.Intent)
                        {
                            f.Wrong++;
                            f.Add("WRONG", op, $"reported '{op.ReportedValue}', set '{op.Intent}'", requests);
                        }

                        break;
                }
            }

            AuditFinalState(control, w, auditor, f, log);
        }

        return Report(run, pool, ops, log, f, requested, seed, seconds, phaseTimes, ceiling);
    }

    private static async Task AuditRefreshAsync(EmulatorClient control, Worker w, Op op, bool firstInPhase, string auditor, List<LogEntry> requests, Findings f)
    {
        var processed = requests.Where(e => e.Method == "POST" && e.Processed == 202 && RunPath.Match(e.Path) is { Success: true } m && Guid.Parse(m.Groups[1].Value) == op.Lakehouse).ToList();
        // Oldest first: the lakehouse is refreshed by this operation only, so the first job is the one it started.
        var jobs = ListAll(control, $"v1/workspaces/{w.Workspace}/items/{op.Lakehouse}/jobs/instances", auditor)
            .Where(j => j.GetProperty("jobType").GetString() == "RefreshMaterializedLakeViews").Reverse().ToList();
        var jobIds = jobs.Select(j => j.GetProperty("id").GetGuid()).ToList();
        string JobList() => string.Join(", ", jobs.Select(j => $"{j.GetProperty("id").GetGuid()} {j.GetProperty("status").GetString()}"));
        var labels = new List<string>();
        var details = new List<string>();
        if (processed.Count > 1 || jobs.Count > 1)
        {
            f.Duplicated++;
            labels.Add("DUPLICATED");
            details.Add($"{processed.Count} starts processed (202 by the handler), jobs oldest first: {JobList()}");
        }

        if (!op.Hung && jobs.Count == 0 && (op.Ok || processed.Count > 0))
        {
            f.Wrong++;
            labels.Add("WRONG");
            details.Add($"{processed.Count} starts processed, but the lakehouse has no job");
        }
        else if (!op.Hung && jobs.Count > 0 && op.ReportedId is Guid reported)
        {
            var detail = await control.ControlAsync(HttpMethod.Get, $"jobs/{reported}");
            var final = detail.GetProperty("status").GetString()!;
            if (reported != jobIds[0])
            {
                f.Wrong++;
                labels.Add("WRONG (another job than the one started)");
                details.Add($"output {reported} {op.ReportedStatus} (emulator: {final}{Superseded(detail)}); the start made {jobIds[0]} ({jobs[0].GetProperty("status").GetString()})");
            }
            else if (!string.Equals(final, op.ReportedStatus, StringComparison.Ordinal))
            {
                f.Wrong++;
                labels.Add("WRONG (final status)");
                details.Add($"output {reported} {op.ReportedStatus}; the emulator's final status is {final}");
            }
            else if (final != "Completed")
            {
                f.NotCompleted++;
                labels.Add("not Completed (reported as the emulator has it)");
                details.Add($"{reported} {final}");
            }
        }
        else if (!op.Hung && jobs.Count > 0 && !op.Errors.Any(e => jobIds.Any(e.Named.Contains)))
        {
            f.Lost++;
            labels.Add("LOST");
            details.Add($"job {jobIds[0]} ({jobs[0].GetProperty("status").GetString()}) was started ({processed.Count} start(s) processed) but the module reported neither it nor any job");
        }

        if (labels.Count > 0)
        {
            var lh = op.Lakehouse.ToString();
            var relevant = requests.Where(e => e.Path.Contains(lh, StringComparison.OrdinalIgnoreCase) || jobIds.Any(j => e.Path.Contains(j.ToString(), StringComparison.OrdinalIgnoreCase))).ToList();
            if (firstInPhase)
            {
                // A client learns the service's clock from its own jobs: the first start after the clock moved is the one at risk.
                details.Add("the worker's first start since the service's clock was set for this phase");
            }

            f.Add(string.Join(" + ", labels), op, string.Join("; ", details) + (op.ReportedId is null ? Reported(op) : ""), relevant);
        }
    }

    private static string Reported(Op op) =>
        op.ReportedId is Guid id ? $"; the module output {id} {op.ReportedStatus}"
        : op.Errors.Count > 0 ? "; the module reported: " + string.Join(" | ", op.Errors.Select(e => $"[{e.Id}] {Clip(e.Message)}"))
        : "";

    private static string Superseded(JsonElement detail) =>
        detail.TryGetProperty("supersededBy", out var by) && by.ValueKind == JsonValueKind.String ? $", superseded by {by.GetString()}" : "";

    private static string Clip(string text) => text.Length > 300 ? text.Substring(0, 300) + "…" : text;

    /// <summary>A create is duplicated when its unique key reached the handler and was created more than once.</summary>
    private static void AuditCreate(Op op, List<LogEntry> requests, Findings f)
    {
        var schedule = op.Kind == Kind.NewSchedule;
        var path = schedule ? SchedulesPath : DefinitionsPath;
        var created = requests.Where(e => e.Method == "POST" && e.Processed == 201 && path.IsMatch(e.Path) && KeyOf(e, schedule) == op.Intent).ToList();
        if (created.Count > 1)
        {
            f.Duplicated++;
            f.Add("DUPLICATED", op, $"the create of '{op.Intent}' was processed {created.Count} times{Reported(op)}", requests);
        }

        if (op.Ok && op.ReportedValue != op.Intent)
        {
            f.Wrong++;
            f.Add("WRONG", op, $"reported '{op.ReportedValue}' ({op.ReportedId}), created '{op.Intent}'", requests);
        }

        if (!op.Ok && !op.Hung && created.Count > 0 && !op.Errors.Any(e => e.OutcomeUnknown))
        {
            f.CreatesUnreported++;
            f.Add("CREATED BUT REPORTED AS FAILED", op, string.Join(" | ", op.Errors.Select(e => $"[{e.Id}] {Clip(e.Message)}")), requests);
        }
    }

    private static string? KeyOf(LogEntry e, bool schedule)
    {
        if (e.Body is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(e.Body);
            return schedule
                ? doc.RootElement.GetProperty("configuration").GetProperty("interval").GetInt32().ToString(CultureInfo.InvariantCulture)
                : doc.RootElement.GetProperty("displayName").GetString();
        }
        catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The emulator's schedules and definitions on the worker's lakehouses against what the worker knows: each known one
    /// still there (unless removed) with a value some operation set, nothing removed still there, and nothing there that
    /// no create meant (at most one per create that ended in an error).
    /// </summary>
    private static void AuditFinalState(EmulatorClient control, Worker w, string auditor, Findings f, List<LogEntry> log)
    {
        void Check(string what, IEnumerable<Guid> lakehouses, Func<Guid, string> listPath, Func<JsonElement, string> key, Func<JsonElement, string> value,
            List<Tracked> known, List<(Guid Lakehouse, string Key)> maybe)
        {
            foreach (var lh in lakehouses.Distinct())
            {
                var stored = ListAll(control, listPath(lh), auditor).Select(x => (Id: x.GetProperty("id").GetGuid(), Key: key(x), Value: value(x))).ToList();
                foreach (var t in known.Where(t => t.Lakehouse == lh))
                {
                    var found = stored.Where(s => s.Id == t.Id).ToList();
                    if (t.Removed && found.Count > 0)
                    {
                        f.Wrong++;
                        f.Add($"WRONG ({what} removed successfully but still there)", null, $"worker {w.Index}: {what} {t.Id} on {lh}");
                    }
                    else if (!t.Removed && !t.MaybeRemoved && found.Count == 0)
                    {
                        f.Lost++;
                        f.Add($"LOST ({what})", null, $"worker {w.Index}: {what} {t.Id} ('{t.Key}') on {lh} was created and never removed, but is gone");
                    }
                    else if (found.Count == 1 && found[0].Value != t.Value && !t.Possible.Contains(found[0].Value))
                    {
                        f.Wrong++;
                        f.Add($"WRONG ({what} value)", null, $"worker {w.Index}: {what} {t.Id} has '{found[0].Value}', expected '{t.Value}'" + (t.Possible.Count > 0 ? " or " + string.Join(", ", t.Possible) : ""));
                    }
                }

                var knownIds = known.Select(t => t.Id).ToHashSet();
                foreach (var extra in stored.Where(s => !knownIds.Contains(s.Id)))
                {
                    if (!maybe.Any(m => m.Lakehouse == lh && m.Key == extra.Key))
                    {
                        f.Duplicated++;
                        f.Add($"DUPLICATED ({what} made by no operation)", null, $"worker {w.Index}: {what} {extra.Id} ('{extra.Key}') on {lh}");
                    }
                }

                foreach (var g in stored.GroupBy(s => s.Key).Where(g => g.Count() > 1))
                {
                    f.Duplicated++;
                    f.Add($"DUPLICATED ({what})", null, $"worker {w.Index}: {g.Count()} {what}s '{g.Key}' on {lh}");
                }
            }
        }

        // A schedule is keyed by its create's interval only while unchanged; a changed one is matched by id.
        Check("schedule", w.ScheduleLakehouses, lh => $"v1/workspaces/{w.Workspace}/items/{lh}/jobs/RefreshMaterializedLakeViews/schedules",
            x => x.GetProperty("configuration").GetProperty("interval").GetInt32().ToString(CultureInfo.InvariantCulture),
            x => x.GetProperty("configuration").GetProperty("interval").GetInt32().ToString(CultureInfo.InvariantCulture),
            w.Schedules, w.MaybeCreatedSchedules);
        Check("execution definition", w.Definitions.Select(d => d.Lakehouse).Concat(w.MaybeCreatedDefinitions.Select(m => m.Lakehouse)),
            lh => $"v1/workspaces/{w.Workspace}/lakehouses/{lh}/mlvExecutionDefinitions",
            x => x.GetProperty("displayName").GetString()!,
            x => x.TryGetProperty("description", out var d) && d.GetString() is string s && s.StartsWith("description ", StringComparison.Ordinal) ? s : "",
            w.Definitions, w.MaybeCreatedDefinitions);
    }

    private static List<JsonElement> ListAll(EmulatorClient control, string path, string token)
    {
        var items = new List<JsonElement>();
        var next = path;
        while (next != null)
        {
            var page = control.SendAsync(HttpMethod.Get, next, token: token).GetAwaiter().GetResult();
            items.AddRange(page.GetProperty("value").EnumerateArray());
            next = page.TryGetProperty("continuationUri", out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
        }

        return items;
    }

    // ---------------------------------------------------------------- report

    private static Section Report(Run run, List<Worker> pool, List<Op> ops, List<LogEntry> log, Findings f, int requested, int seed, double seconds,
        List<(Phase Phase, int Ops, double Seconds)> phaseTimes, TimeSpan ceiling)
    {
        var faults = log.Where(e => e.Fault != null).GroupBy(e => e.Fault!.StartsWith("slow", StringComparison.Ordinal) ? "slow" : e.Fault!)
            .OrderByDescending(g => g.Count()).ToList();
        var faultCount = faults.Sum(g => g.Count());
        var met = f.Lost == 0 && f.Duplicated == 0 && f.Wrong == 0 && f.Hangs == 0 && f.HarnessFailures == 0 && ops.Count >= requested;
        string Target(int value) => value == 0 ? "0 (met)" : "0 (**MISSED**)";

        var section = new Section("soak", "Fault soak: module operations under mixed faults and clock skew (target 0 lost, 0 duplicated, 0 wrong, 0 hangs)")
            .Header("figure", "value", "target");
        section.Row("operations", $"{ops.Count} of {requested} ({string.Join(", ", ops.GroupBy(o => o.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))})", "≥ 2,000");
        section.Row("faults injected", $"{faultCount} in {log.Count} requests ({string.Join(", ", faults.Select(g => $"{g.Key} {g.Count()}"))}); {run.ScriptedInjected} of them scripted", "");
        section.Row("operations whose answer was lost after the service acted", $"starts {f.StartAnswersLost.Values.Sum()} ({string.Join(", ", phaseTimes.Select(p => $"{p.Phase.Name}: {f.StartAnswersLost.GetValueOrDefault(p.Phase.Name)}"))}), creates {f.CreateAnswersLost}, changes {f.ChangeAnswersLost}", "");
        section.Row("jobs lost (and schedules / definitions lost)", Fmt.N(f.Lost), Target(f.Lost));
        section.Row("jobs / schedules / definitions duplicated", Fmt.N(f.Duplicated), Target(f.Duplicated));
        section.Row("wrong final statuses or ids", Fmt.N(f.Wrong), Target(f.Wrong));
        section.Row("hangs (> " + OperationLimit.TotalSeconds + " s)", Fmt.N(f.Hangs), Target(f.Hangs));
        section.Row("outcomes reported as unknown", Fmt.N(f.Unknown), "");
        section.Row("creates processed but reported as failed (not as unknown)", Fmt.N(f.CreatesUnreported), "");
        section.Row("operations that ended in errors", $"{ops.Count(o => !o.Ok && !o.Hung)} ({string.Join(", ", ops.SelectMany(o => o.Errors.Select(e => e.Id)).GroupBy(x => x).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))})", "");
        section.Row("harness failures (the bench's own; expected 0)", Fmt.N(f.HarnessFailures), "");
        section.Row("refreshes reported not Completed (as the emulator has them)", Fmt.N(f.NotCompleted), "");
        section.Row("duration", $"{Fmt.S(seconds)} ({string.Join(", ", phaseTimes.Select(p => $"{p.Phase.Name}: {p.Ops} ops in {Fmt.S(p.Seconds)}"))})", $"ceiling {ceiling.TotalMinutes:0} min");
        var durations = ops.Select(o => (o.EndUtc - o.StartUtc).TotalSeconds).ToList();
        section.Row("operation time (median / p95 / max)", $"{Fmt.S(Fmt.Median(durations))} / {Fmt.S(Fmt.Percentile(durations, 95))} / {Fmt.S(durations.DefaultIfEmpty(0).Max())}", "");

        section.Note($"Seed {seed}: the operations each runspace draws and the emulator's fault draws (re-seeded every {FaultTick.TotalSeconds:0} s) follow from it; how the {pool.Count} runspaces interleave does not, so counts vary a little between runs of the same seed.");
        section.Note($"{pool.Count} runspaces in this process, each its own caller (a minted token per oid, `Connect-MlvFabric -AccessToken`), the module imported from the built layout; the emulator in-process on loopback with Retry-After 1 s, the scheduler's per-minute limits lifted (the client still paces itself); lakehouse runs 1–2 s after 0.3 s queued.");
        section.Note("Faults: rates 8% 429 (Retry-After 1 s), 5% 5xx (500 or 503), 3% dropped connections (before or after processing), 2% truncated bodies, 1% slow (1.5 s); every 10 s a script of answers dropped after processing (2 run POSTs, a schedule create, a definition create, a PATCH, a DELETE), two 503s (Retry-After 2 s) on job reads and a 429 (Retry-After 3 s) on a run POST. Clock: the service's clock equal to the caller's, then 10 s behind, then 1 h behind (set between phases, with no operation in flight).");
        section.Note("Jobs lost: a start the service processed (202 by the handler) whose job the module reported neither as output nor in an error (an error naming the job, in its message or as TargetObject). Duplicated: more than one processed start or job for one intended refresh (each lakehouse is refreshed by one operation), or more than one create processed or stored for one intended create (unique interval or name), or a schedule/definition no operation meant. Wrong: the module output a job other than the first one its start made, or a status other than the emulator's final status for that job (`GET /_emulator/jobs/{id}`), or a changed value other than the one set, or a removed object still there. Hangs: operations stopped by the watchdog. Each figure counts operations (an operation whose start was processed three times is one duplicated operation), plus schedules/definitions found wrong in the final state. Unknown: errors that say the outcome is unknown (`OutcomeUnknown`, \"may or may not\").");
        if (run.CeilingHit)
        {
            section.Note($"The section's ceiling ({ceiling.TotalMinutes:0} min) stopped the run before all operations ran.");
        }

        foreach (var example in f.Examples)
        {
            section.Note(example);
        }

        section.Data["operations"] = ops.Count;
        section.Data["operationsRequested"] = requested;
        section.Data["seed"] = seed;
        section.Data["runspaces"] = pool.Count;
        section.Data["operationsByKind"] = new JsonObject(ops.GroupBy(o => o.Kind).Select(g => KeyValuePair.Create(g.Key.ToString(), (JsonNode?)g.Count())));
        section.Data["requests"] = log.Count;
        section.Data["faultsInjected"] = faultCount;
        section.Data["faultsByKind"] = new JsonObject(faults.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count())));
        section.Data["scriptedFaults"] = run.ScriptedInjected;
        section.Data["startAnswersLostByPhase"] = new JsonObject(f.StartAnswersLost.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        section.Data["createAnswersLost"] = f.CreateAnswersLost;
        section.Data["changeAnswersLost"] = f.ChangeAnswersLost;
        section.Data["jobsLost"] = f.Lost;
        section.Data["duplicated"] = f.Duplicated;
        section.Data["wrong"] = f.Wrong;
        section.Data["hangs"] = f.Hangs;
        section.Data["outcomeUnknown"] = f.Unknown;
        section.Data["createsReportedFailed"] = f.CreatesUnreported;
        section.Data["operationsWithErrors"] = ops.Count(o => !o.Ok && !o.Hung);
        section.Data["seconds"] = seconds;
        section.Data["phases"] = new JsonArray(phaseTimes.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Phase.Name,
            ["skewSeconds"] = p.Phase.Skew.TotalSeconds,
            ["operations"] = p.Ops,
            ["seconds"] = p.Seconds,
        }).ToArray());
        section.Data["met"] = met;
        section.Data["verdict"] = met
            ? $"met ({ops.Count} operations, {faultCount} faults: 0 lost, 0 duplicated, 0 wrong, 0 hangs; {f.Unknown} reported as unknown)"
            : $"MISSED ({ops.Count} operations, {faultCount} faults: {f.Lost} lost, {f.Duplicated} duplicated, {f.Wrong} wrong, {f.Hangs} hangs; {f.Unknown} reported as unknown)";
        Console.WriteLine($"  soak: {section.Data["verdict"]}");
        return section;
    }
}
