using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;

namespace MlvFabric.Bench;

/// <summary>
/// dotnet run -c Release --project bench/MlvFabric.Bench [-- --quick] [--only import,percall,stop,stream,status,bulk,soak]
///     [--bulk N:retryAfter:queue:run[,…]] [--bulk-sequential] [--soak-ops N] [--soak-seed S] [--no-write]
/// Child probes (spawned by the bench itself): --import-probe with|without [baseUri token], --stream-probe baseUri token lakehouse stream|collect|live:N.
/// </summary>
internal static class Program
{
    private static readonly string[] AllBenchmarks = { "import", "percall", "stop", "stream", "status", "bulk", "soak" };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--import-probe")
        {
            return ImportBench.Probe(args);
        }

        if (args.Length > 0 && args[0] == "--import-breakdown")
        {
            return ImportBench.Breakdown();
        }

        if (args.Length > 0 && args[0] == "--stream-probe")
        {
            return StreamingBench.Probe(args);
        }

        var quick = args.Contains("--quick");
        var write = !args.Contains("--no-write");
        var only = Value(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? AllBenchmarks;
        foreach (var name in only)
        {
            if (!AllBenchmarks.Contains(name))
            {
                Console.Error.WriteLine($"Unknown benchmark '{name}': use {string.Join(", ", AllBenchmarks)}.");
                return 2;
            }
        }

        var scenarios = Value(args, "--bulk") is string custom
            ? custom.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(BulkScenario.Parse).ToList()
            : DefaultScenarios(quick);

        var snapshot = ModuleHost.Snapshot();
        try
        {
            return await RunAsync(args, quick, write, only, scenarios);
        }
        finally
        {
            PrecompiledEngine.Delete(); // the import section's compiled pwsh copy, if it made one
            try
            {
                if (snapshot != null)
                {
                    System.IO.Directory.Delete(snapshot, recursive: true);
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task<int> RunAsync(string[] args, bool quick, bool write, string[] only, List<BulkScenario> scenarios)
    {
        var started = DateTime.UtcNow;
        var mode = (quick ? "quick" : "full") + (only.Length == AllBenchmarks.Length ? "" : " (" + string.Join(", ", only) + ")");
        var sections = new List<Section> { Machine.Describe(mode) };
        Console.Write(sections[0].ToText());

        var soakOps = Value(args, "--soak-ops") is string ops ? int.Parse(ops, CultureInfo.InvariantCulture) : quick ? 400 : SoakBench.DefaultOperations;
        var soakSeed = Value(args, "--soak-seed") is string seed ? int.Parse(seed, CultureInfo.InvariantCulture) : SoakBench.DefaultSeed;

        // Order: the short, CPU-sensitive figures first; the long bulk run, then the fault soak (CPU-heavy), last.
        foreach (var name in AllBenchmarks.Where(only.Contains))
        {
            var section = name switch
            {
                "import" => await ImportBench.RunAsync(quick),
                "percall" => await PerCallBench.RunAsync(quick),
                "stop" => await StopBench.RunAsync(quick),
                "stream" => await StreamingBench.RunAsync(quick),
                "status" => await RefreshStatusBench.RunAsync(quick),
                "soak" => await SoakBench.RunAsync(soakOps, soakSeed, quick),
                _ => await BulkRefreshBench.RunAsync(scenarios, quick, args.Contains("--bulk-sequential")),
            };
            sections.Add(section);
            Console.Write(section.ToText());
        }

        var summary = Summary(sections);
        Console.WriteLine();
        Console.WriteLine(summary);
        if (write)
        {
            var (md, json) = ResultsFile.Write(started, sections, summary);
            Console.WriteLine($"Results: {md}");
            Console.WriteLine($"         {json}");
            if (!quick && only.Length == AllBenchmarks.Length && Value(args, "--bulk") is null && Value(args, "--soak-ops") is null)
            {
                ResultsFile.UpdateReadme(md, summary);
            }
        }

        return 0;
    }

    /// <summary>
    /// Full: 500 lakehouses at the service's Retry-After (60 s), with round run times (queue 5 s included) in the three
    /// regimes the client's author describes: shorter than Retry-After (every job has ended by its first allowed read),
    /// between Retry-After and 2 × Retry-After + 60 s (reads that find a job still running cost slots later jobs need;
    /// expected ≈ 1.1) and longer than that (expected ≈ 1.0). Quick: the same at 100 lakehouses (two minute-windows) with Retry-After and runs
    /// scaled down to 10 s, so that it ends in about two minutes.
    /// </summary>
    private static List<BulkScenario> DefaultScenarios(bool quick) => quick
        ? new List<BulkScenario>
        {
            new("quick, runs < Retry-After", 100, 10, 1, 4),
            new("quick, Retry-After < runs < 2·RA + 60 s", 100, 10, 1, 29),
            new("quick, runs > 2·RA + 60 s", 100, 10, 1, 89),
        }
        : new List<BulkScenario>
        {
            new("30-second runs (< Retry-After)", 500, 60, 5, 25),
            new("2-minute runs (Retry-After < run < 2·RA + 60 s)", 500, 60, 5, 115),
            new("5-minute runs (> 2·RA + 60 s)", 500, 60, 5, 295),
        };

    private static string Summary(IEnumerable<Section> sections)
    {
        var lines = new List<string> { "Targets:" };
        foreach (var s in sections.Where(s => s.Data.ContainsKey("met")))
        {
            // A section may say more than met/MISSED (a target that reads two ways, or the engine it was judged on).
            var verdict = s.Data["verdict"]?.GetValue<string>() ?? (s.Data["met"]!.GetValue<bool>() ? "met" : "MISSED");
            lines.Add($"- {s.Title}: {verdict}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
