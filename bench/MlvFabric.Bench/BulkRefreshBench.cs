using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>One bulk-refresh run: N lakehouses, Retry-After, queue and run seconds, the scheduler's per-minute limits.</summary>
internal sealed record BulkScenario(string Name, int Lakehouses, int RetryAfterSeconds, double QueueSeconds, double RunSeconds, int SubmissionsPerMinute = 50, int ReadsPerMinute = 50)
{
    public double JobSeconds => QueueSeconds + RunSeconds;

    /// <summary>"N:retryAfter:queue:run" (limits stay 50/50), e.g. 500:60:5:235.</summary>
    public static BulkScenario Parse(string text)
    {
        var p = text.Split(':');
        if (p.Length != 4)
        {
            throw new ArgumentException($"A bulk scenario is N:retryAfter:queueSeconds:runSeconds (got '{text}').");
        }

        return new BulkScenario($"custom {text}", int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture),
            double.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The earliest time (s after the first submission) at which a caller who knew every run time could know all jobs
    /// ended: submission k no earlier than 60·⌊k/S⌋ (S per sliding minute); job k ends at its submission + queue + run;
    /// its first read is allowed Retry-After after the 202, so its end is known no earlier than submission +
    /// max(queue + run, Retry-After); one read per job, at most R per sliding minute (greedy in order of due time,
    /// which is optimal for a window limit).
    /// </summary>
    public double LowerBoundSeconds()
    {
        var due = new double[Lakehouses];
        for (var k = 0; k < Lakehouses; k++)
        {
            due[k] = 60.0 * (k / SubmissionsPerMinute) + Math.Max(JobSeconds, RetryAfterSeconds);
        }

        Array.Sort(due);
        var read = new double[Lakehouses];
        double last = 0;
        for (var k = 0; k < Lakehouses; k++)
        {
            read[k] = Math.Max(due[k], k >= ReadsPerMinute ? read[k - ReadsPerMinute] + 60.0 : 0);
            last = Math.Max(last, read[k]);
        }

        return last;
    }

    /// <summary>Reads per job a poller needs when it reads exactly at every Retry-After from the 202 on.</summary>
    public int RetryAfterPacedReads => Math.Max(1, (int)Math.Ceiling(JobSeconds / Math.Max(1, RetryAfterSeconds)));
}

/// <summary>
/// <c>Get-MlvLakehouse -WorkspaceName Bench | Start-MlvRefresh -Wait</c> over N seeded lakehouses with the emulator at
/// the scheduler's limits (50 submissions and 50 job reads per caller per minute) and fixed job durations; wall time
/// against the lower bound those force, failures, duplicate jobs and polling from the emulator's own request log and state.
/// </summary>
internal static class BulkRefreshBench
{
    private static readonly Regex JobRead = new(@"/jobs/instances/([0-9a-fA-F-]{36})$", RegexOptions.Compiled);
    private static readonly Regex Submission = new(@"/lakehouses/([0-9a-fA-F-]{36})/jobs/[^/]+/instances$|/items/([0-9a-fA-F-]{36})/jobs/([^/]+/)?instances$", RegexOptions.Compiled);

    private static async Task<Outcome[]> SequentialAsync(IReadOnlyList<BulkScenario> scenarios)
    {
        var list = new List<Outcome>();
        for (var i = 0; i < scenarios.Count; i++)
        {
            list.Add(await RunOneAsync(scenarios[i], i));
        }

        return list.ToArray();
    }

    public static async Task<Section> RunAsync(IReadOnlyList<BulkScenario> scenarios, bool quick, bool sequential)
    {
        var section = new Section("bulk", "Bulk refresh at the service's limits: `Get-MlvLakehouse | Start-MlvRefresh -Wait` (target wall / lower bound ≤ 1.10, 0 failures, 0 duplicates)")
            .Header("scenario", "lakehouses", "Retry-After", "job (queue + run)", "lower bound", "wall time", "**ratio**", "failures", "duplicate jobs", "job reads / job (min 1; Retry-After-paced)", "429s (submit / read)", "tail after last job end");
        var results = new System.Text.Json.Nodes.JsonArray();
        var allMet = true;
        // Scenarios run at the same time, each against its own emulator as its own caller (the limits are per caller,
        // the client's pacing per identity and endpoint), so a full run takes as long as its longest scenario. The polling
        // is a few requests per second in all: the scenarios do not compete for the CPU in any way that shows at this scale.
        var outcomes = sequential
            ? await SequentialAsync(scenarios)
            : await Task.WhenAll(scenarios.Select((s, i) => Task.Run(() => RunOneAsync(s, i))));
        for (var i = 0; i < scenarios.Count; i++)
        {
            var scenario = scenarios[i];
            var r = outcomes[i];
            var met = r.Ratio <= 1.10 && r.Failures == 0 && r.Duplicates == 0;
            allMet &= met;
            section.Row(scenario.Name, Fmt.N(scenario.Lakehouses), scenario.RetryAfterSeconds + " s", $"{Fmt.N(scenario.QueueSeconds)} + {Fmt.N(scenario.RunSeconds)} s",
                Fmt.S(r.LowerBound), Fmt.S(r.Wall), "**" + Fmt.N(r.Ratio, "0.000") + "**" + (met ? "" : " (missed)"), Fmt.N(r.Failures), Fmt.N(r.Duplicates),
                $"{Fmt.N(r.ReadsPerJob, "0.00")} ({Fmt.N(1)}; {scenario.RetryAfterPacedReads})", $"{r.Submit429} / {r.Read429}", Fmt.S(r.Tail));
            foreach (var note in r.Notes)
            {
                section.Note($"{scenario.Name}: {note}");
            }

            results.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = scenario.Name,
                ["lakehouses"] = scenario.Lakehouses,
                ["retryAfterSeconds"] = scenario.RetryAfterSeconds,
                ["queueSeconds"] = scenario.QueueSeconds,
                ["runSeconds"] = scenario.RunSeconds,
                ["submissionsPerMinute"] = scenario.SubmissionsPerMinute,
                ["readsPerMinute"] = scenario.ReadsPerMinute,
                ["lowerBoundSeconds"] = r.LowerBound,
                ["wallSeconds"] = r.Wall,
                ["ratio"] = r.Ratio,
                ["failures"] = r.Failures,
                ["duplicateJobs"] = r.Duplicates,
                ["jobReadsPerJob"] = r.ReadsPerJob,
                ["minimumReadsPerJob"] = 1,
                ["retryAfterPacedReadsPerJob"] = scenario.RetryAfterPacedReads,
                ["submit429"] = r.Submit429,
                ["read429"] = r.Read429,
                ["listRequests"] = r.ListRequests,
                ["lastSubmissionSeconds"] = r.LastSubmission,
                ["lastJobEndSeconds"] = r.LastJobEnd,
                ["tailSeconds"] = r.Tail,
                ["met"] = met,
            });
        }

        section.Note(sequential ? "Scenarios ran one after another." : "Scenarios ran at the same time, each against its own emulator as its own caller (limits and the client's pacing are per caller).");
        section.Note("Lower bound: submission k (0-based) no earlier than 60·⌊k/50⌋ s; its end known no earlier than submission + max(queue + run, Retry-After); one read per job, at most 50 reads per sliding minute. Wall time counts from the script's start (lakehouse listing included) to its return.");
        section.Note("Job reads / job: GETs of job instances that the emulator answered 200, divided by the jobs; the minimum any caller needs is 1 (a read after the end; Retry-After forbids reading earlier, never later); Retry-After-paced is what a poller reading at every Retry-After would need. 429s are answers the emulator refused (the client paces itself, so normally 0).");
        section.Note("Duplicate jobs: job instances beyond one per lakehouse in the emulator's state (every lakehouse was refreshed once).");
        if (quick)
        {
            section.Note("--quick: 100 lakehouses, i.e. two minute-windows at the same 50-per-minute limits (how long a bulk run takes is set by the number of windows, N ÷ limit, so fewer lakehouses at a proportionally lower limit would take just as long), with Retry-After and run times scaled down to 10 s and a few seconds. The end effects (the last window, the probe's reads) weigh five times more than with 500 lakehouses: the full run is the figure.");
        }

        section.Data["scenarios"] = results;
        section.Data["met"] = allMet;
        return section;
    }

    private sealed record Outcome(double LowerBound, double Wall, double Ratio, int Failures, int Duplicates, double ReadsPerJob, int Submit429, int Read429,
        int ListRequests, double LastSubmission, double LastJobEnd, double Tail, List<string> Notes);

    private static async Task<Outcome> RunOneAsync(BulkScenario s, int index)
    {
        // A workspace name of its own: lakehouse ids are derived from workspace and lakehouse names, and the client keeps
        // a little process-wide state per lakehouse id (starts in flight), which concurrent scenarios must not share.
        var workspace = "Bench" + (index + 1).ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"Bulk refresh '{s.Name}': {s.Lakehouses} lakehouses, Retry-After {s.RetryAfterSeconds} s, jobs {s.QueueSeconds} + {s.RunSeconds} s; lower bound {Fmt.S(s.LowerBoundSeconds())}…");
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            RetryAfterSeconds = s.RetryAfterSeconds,
            JobSubmissionsPerMinute = s.SubmissionsPerMinute,
            JobStatusReadsPerMinute = s.ReadsPerMinute,
            RequestLogCapacity = 200_000,
        });
        using var control = new EmulatorClient(emulator);
        var (workspaceId, lakehouses) = await control.SeedAsync(workspace, s.Lakehouses, s.RunSeconds, s.QueueSeconds);
        var token = await control.TokenAsync($"bulk-{Guid.NewGuid():N}@contoso.onmicrosoft.com");

        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Import(runspace);
        ModuleHost.Connect(runspace, emulator.BaseUri, token);
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace"); // warm the engine and the HTTP path; not a job call

        var mark = control.Mark();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Get-MlvLakehouse -WorkspaceName {workspace} | Start-MlvRefresh -Wait");
        var startedUtc = DateTime.UtcNow;
        var wallWatch = Stopwatch.StartNew();
        var output = ps.Invoke();
        var wall = wallWatch.Elapsed.TotalSeconds;

        var log = control.RequestsSince(mark);
        var notes = new List<string>();
        var submissions = log.Where(e => e.Method == "POST" && Submission.IsMatch(e.Path)).ToList();
        var accepted = submissions.Where(e => (e.HandlerStatus ?? e.Status) == 202).ToList();
        var submit429 = submissions.Count(e => e.Status == 429);
        var reads = log.Where(e => e.Method == "GET" && JobRead.IsMatch(e.Path)).ToList();
        var read429 = reads.Count(e => e.Status == 429);
        var reads200 = reads.Count(e => e.Status == 200);
        var lists = log.Count(e => e.Method == "GET" && e.Path.EndsWith("/instances", StringComparison.Ordinal));

        // Emulator state: jobs per lakehouse, and when each ended.
        var duplicates = 0;
        var lastEnd = DateTime.MinValue;
        var jobIds = new HashSet<Guid>();
        foreach (var lh in lakehouses)
        {
            var detail = await control.ControlAsync(HttpMethod.Get, $"lakehouses/{lh}");
            var jobs = detail.GetProperty("jobs").GetInt32();
            duplicates += Math.Max(0, jobs - 1);
        }

        foreach (var e in reads)
        {
            jobIds.Add(Guid.Parse(JobRead.Match(e.Path).Groups[1].Value));
        }

        foreach (var job in jobIds)
        {
            var detail = await control.ControlAsync(HttpMethod.Get, $"jobs/{job}");
            if (detail.TryGetProperty("endUtc", out var end) && end.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                // The emulator's clock runs in real time here (no offset), so its stamps compare with the wall clock.
                var endUtc = DateTime.SpecifyKind(DateTime.Parse(end.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
                if (endUtc > lastEnd)
                {
                    lastEnd = endUtc;
                }
            }
        }

        var statuses = output.Select(o => o.Properties["Status"]?.Value?.ToString() ?? "?").GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var completed = statuses.TryGetValue("Completed", out var c) ? c : 0;
        var errors = ps.Streams.Error.Count;
        var failures = errors + (s.Lakehouses - completed);
        if (errors > 0)
        {
            notes.Add("errors: " + string.Join("; ", ps.Streams.Error.Take(5).Select(e => $"[{e.FullyQualifiedErrorId}] {e}")));
        }

        if (completed != s.Lakehouses)
        {
            notes.Add("output statuses: " + string.Join(", ", statuses.Select(kv => $"{kv.Key} {kv.Value}")));
        }

        if (Environment.GetEnvironmentVariable("MLVFABRIC_BENCH_TIMELINE") is string timelineDir && timelineDir.Length > 0)
        {
            // Diagnosis: every request of the scenario (seconds from the start, method, path, status), for plotting.
            System.IO.Directory.CreateDirectory(timelineDir);
            var file = System.IO.Path.Combine(timelineDir, $"bulk-{index}-{s.Lakehouses}-{s.RetryAfterSeconds}-{s.QueueSeconds}-{s.RunSeconds}.csv");
            System.IO.File.WriteAllLines(file, new[] { "seconds,method,path,status" }.Concat(log.Select(e =>
                string.Create(CultureInfo.InvariantCulture, $"{(e.TimeUtc - startedUtc).TotalSeconds:0.000},{e.Method},{e.Path},{e.Status}"))));
            Console.WriteLine($"  timeline: {file}");
        }

        var lastSubmission = accepted.Count == 0 ? 0 : (accepted.Max(e => e.TimeUtc) - startedUtc).TotalSeconds;
        var lastJobEnd = lastEnd == DateTime.MinValue ? double.NaN : (lastEnd - startedUtc).TotalSeconds;
        var tail = wall - lastJobEnd;
        var lowerBound = s.LowerBoundSeconds();
        notes.Add($"{accepted.Count} submissions accepted (last at {Fmt.S(lastSubmission)}), {reads200} job reads answered 200 for {jobIds.Count} jobs, {lists} job-list reads; " +
                  $"last job ended at {Fmt.S(lastJobEnd)}, the cmdlet returned at {Fmt.S(wall)}; {ps.Streams.Warning.Count} warnings, {ps.Streams.Progress.Count} progress records.");
        Console.WriteLine($"  {s.Name}: wall {Fmt.S(wall)} / lower bound {Fmt.S(lowerBound)} = {Fmt.N(wall / lowerBound, "0.000")}; failures {failures}; duplicates {duplicates}; reads/job {Fmt.N(reads200 / (double)Math.Max(1, s.Lakehouses), "0.00")}; 429s {submit429}/{read429}");
        return new Outcome(lowerBound, wall, wall / lowerBound, failures, duplicates, reads200 / (double)Math.Max(1, s.Lakehouses), submit429, read429, lists,
            lastSubmission, lastJobEnd, tail, notes);
    }
}
