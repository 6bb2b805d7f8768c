using System;
using System.Collections.Generic;
using System.Globalization;

namespace MlvFabric.Emulator;

/// <summary>Command-line options → <see cref="EmulatorOptions"/>, one flag per setting.</summary>
internal static class CommandLine
{
    private sealed record Flag(string Name, string Help, Action<EmulatorOptions, string>? Set, Action<EmulatorOptions>? Toggle = null);

    private static readonly Flag[] Flags =
    {
        new("--urls", "listen URL(s), ';'-separated (default http://127.0.0.1:5080)", (o, v) => o.Urls = v),
        new("--allow-remote", "accept non-loopback --urls", null, o => o.AllowRemote = true),
        new("--seed", "seed file (JSON) instead of the built-in tenant", (o, v) => o.SeedFile = v),
        new("--serve-article-forms", "also serve the forms shown in Microsoft's MLV article but absent from the API spec", null, o => o.ServeArticleForms = true),
        new("--retry-after", "Retry-After seconds on 202s and unfinished job reads (default 2)", (o, v) => o.RetryAfterSeconds = Int(v)),
        new("--page-size", "items per list page (default 50)", (o, v) => o.PageSize = Int(v)),
        new("--max-completed-jobs", "finished job instances kept per item (default 100)", (o, v) => o.MaxCompletedJobs = Int(v)),
        new("--max-schedules", "schedules per item (default 20)", (o, v) => o.MaxSchedulesPerItem = Int(v)),
        new("--dedupe-status", "status of a run skipped for an active one: Deduped (default) or Cancelled", (o, v) => o.DedupeStatus = v),
        new("--job-already-completed-status", "HTTP status of JobAlreadyCompleted (default 400)", (o, v) => o.JobAlreadyCompletedStatus = Int(v)),
        new("--job-type-label", "jobType on MLV instances: RefreshMaterializedLakeViews (default) or MaterializedLakeViews", (o, v) => o.JobTypeLabel = v),
        new("--refuse-app-tokens", "403 for app tokens on MLV job-scheduler calls", null, o => o.RefuseAppTokensOnMlvJobs = true),
        new("--one-schedule-per-scope", "409 for a second enabled schedule of the same scope", null, o => o.EnforceOneSchedulePerScope = true),
        new("--job-submissions-per-minute", "per caller (default 50; 0 = unlimited)", (o, v) => o.JobSubmissionsPerMinute = Int(v)),
        new("--job-status-reads-per-minute", "per caller (default 50; 0 = unlimited)", (o, v) => o.JobStatusReadsPerMinute = Int(v)),
        new("--unknown-job-status", "a status outside the contract (e.g. Paused) that new runs report (default off)", (o, v) => o.UnknownJobStatus = v),
        new("--unknown-job-status-seconds", "how long runs report --unknown-job-status (default 0 = until cancelled)", (o, v) => o.UnknownJobStatusSeconds = Double(v)),
        new("--throttle-window-seconds", "length of the throttle windows (default 60)", (o, v) => o.ThrottleWindowSeconds = Int(v)),
        new("--requests-per-minute", "per caller, all /v1 calls (default 0 = off)", (o, v) => o.RequestsPerMinute = Int(v)),
        new("--fault-seed", "seed of fault injection (default 1)", (o, v) => o.FaultSeed = Int(v)),
        new("--random-seed", "seed of job outcomes (default 1)", (o, v) => o.RandomSeed = Int(v)),
        new("--request-log-capacity", "request log entries kept (default 100000)", (o, v) => o.RequestLogCapacity = Int(v)),
        new("--scheduler-tick-ms", "scheduler loop period (default 200)", (o, v) => o.SchedulerTickMilliseconds = Int(v)),
        new("--identity-secret", "X-IDENTITY-HEADER secret of the managed-identity endpoint (default mlvfabric-emulator)", (o, v) => o.ManagedIdentitySecret = v),
        new("--tenant-id", "tenant id in minted tokens", (o, v) => o.TenantId = v),
        new("--start-time", "initial emulator time, UTC ISO 8601 (default now)", (o, v) => o.StartTimeUtc =
            DateTime.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)),
        new("--verbose", "log warnings from the web host", null, o => o.Verbose = true),
    };

    /// <summary>Null when help was asked for; throws <see cref="ArgumentException"/> on bad input.</summary>
    public static EmulatorOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions { Urls = "http://127.0.0.1:5080" };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?" or "/?")
            {
                return null;
            }

            string? value = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            var flag = Array.Find(Flags, f => string.Equals(f.Name, arg, StringComparison.OrdinalIgnoreCase))
                       ?? throw new ArgumentException($"Unknown option '{arg}'. Run with --help for the list.");
            if (flag.Toggle != null)
            {
                flag.Toggle(options);
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"Option '{arg}' needs a value.");
                }

                value = args[++i];
            }
            try
            {
                flag.Set!(options, value);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"Option '{arg}' has a bad value '{value}'.");
            }
        }
        return options;
    }

    public static string Help()
    {
        var lines = new List<string>
        {
            "MlvFabric emulator: a local Microsoft Fabric REST API for MLV refresh schedules and jobs.",
            "",
            "Usage: dotnet run --project src/MlvFabric.Emulator -- [options]",
            "",
        };
        foreach (var f in Flags)
        {
            lines.Add($"  {f.Name + (f.Set != null ? " <value>" : ""),-36} {f.Help}");
        }

        lines.Add("");
        lines.Add("Control surface under /_emulator (tokens, clock, faults, request log, reset): see src/MlvFabric.Emulator/README.md.");
        return string.Join(Environment.NewLine, lines);
    }

    private static int Int(string v) => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Double(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);
}
