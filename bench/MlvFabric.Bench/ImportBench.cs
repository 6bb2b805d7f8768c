using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>
/// What <c>Import-Module MlvFabric</c> adds to a fresh engine, and the first cmdlet calls after it.
/// First-in-process (the first import also pays JIT, the module's AssemblyLoadContext and its dependencies): one
/// child process per sample, <c>--import-probe with|without</c>; added = median(with) − median(without), where each
/// sample is "open a fresh runspace, [import,] run one trivial command". Warm: the same pair of sequences in this
/// process after the module has been loaded once, alternating.
/// </summary>
internal static class ImportBench
{
    private const string Trivial = "$null = 1";

    public sealed record ProbeResult(double OpenMs, double ImportMs, double TrivialMs, double TotalMs, double ConnectMs, double FirstCallMs, double SecondCallMs,
        long ImportJitMethods, double ImportJitMs);

    /// <summary>A timed script: wall time, methods JIT-compiled meanwhile, time spent compiling them.</summary>
    public sealed record Timing(double Ms, long JitMethods, double JitMs);

    /// <summary>Runs a script; its wall time, and the methods JIT-compiled meanwhile (all threads) and the time spent compiling them.</summary>
    private static Timing TimedStep(Runspace runspace, string script)
    {
        var methods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var compiling = System.Runtime.JitInfo.GetCompilationTime();
        var sw = Stopwatch.StartNew();
        ModuleHost.Invoke(runspace, script);
        var ms = sw.Elapsed.TotalMilliseconds;
        return new Timing(ms, System.Runtime.JitInfo.GetCompiledMethodCount() - methods, (System.Runtime.JitInfo.GetCompilationTime() - compiling).TotalMilliseconds);
    }

    /// <summary>Child process entry (--import-probe &lt;manifest|none&gt; [baseUri token]): prints one JSON line.</summary>
    public static int Probe(string[] args)
    {
        var manifest = args.Length > 1 && args[1] != "none" ? args[1] : null;
        var endpoint = args.Length > 2 ? args[2] : null;
        var token = args.Length > 3 ? args[3] : null;

        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        using var runspace = ModuleHost.OpenRunspace();
        var open = sw.Elapsed.TotalMilliseconds;
        var import = manifest != null ? TimedStep(runspace, $"Import-Module '{manifest}' -ErrorAction Stop") : new Timing(0, 0, 0);

        sw.Restart();
        ModuleHost.Invoke(runspace, Trivial);
        var trivial = sw.Elapsed.TotalMilliseconds;
        var sum = total.Elapsed.TotalMilliseconds;

        double connect = 0, first = 0, second = 0;
        if (manifest != null && endpoint != null && token != null)
        {
            (connect, first, second) = FirstCalls(runspace, new Uri(endpoint), token);
        }

        Console.WriteLine(JsonSerializer.Serialize(new ProbeResult(open, import.Ms, trivial, sum, connect, first, second, import.JitMethods, import.JitMs)));
        return 0;
    }

    /// <summary>An empty script module (manifest + one-line psm1): the engine's own cost of a first Import-Module.</summary>
    private static string EmptyModule()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlvfabric-bench", "EmptyModule");
        System.IO.Directory.CreateDirectory(dir);
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "EmptyModule.psd1"),
            "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '1.0.0'; GUID = '6f1d2c3b-0a4e-4f5d-9c8b-7a6e5d4c3b2a'; FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "EmptyModule.psm1"), "$script:loaded = $true\n");
        return System.IO.Path.Combine(dir, "EmptyModule.psd1");
    }

    /// <summary>A real pwsh to time end to end, if one is at hand (PATH, or the repository's .tools from CI); else null.</summary>
    private static string? FindPwsh()
    {
        foreach (var candidate in new[] { System.IO.Path.Combine(ModuleHost.RepoRoot, ".tools", "pwsh"), System.IO.Path.Combine(ModuleHost.RepoRoot, ".tools", "pwsh.exe") })
        {
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "pwsh", "pwsh.exe" })
            {
                var candidate = System.IO.Path.Combine(dir, name);
                if (System.IO.File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Wall time of `pwsh -NoProfile -NonInteractive -Command …` (ms); launcher: pwsh, or dotnet and a pwsh.dll.</summary>
    private static double TimePwsh(string[] launcher, string command)
    {
        var info = new ProcessStartInfo(launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in launcher.Skip(1).Concat(new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command }))
        {
            info.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh -Command {command} failed ({p.ExitCode}): {err}");
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    public sealed record BreakdownResult(Timing Loader, Timing BinaryModule, Timing Manifest, Timing FirstCmdletMetadata);

    /// <summary>
    /// Child process entry (--import-breakdown): the import's steps one by one in a fresh process, after the engine's
    /// own first script: the bootstrap (loading the cmdlet assembly, the loader and its AssemblyLoadContext); Import-Module of the cmdlet assembly alone; then the
    /// manifest (psm1 again, which finds everything loaded, plus the format and type files); then Get-Command -Syntax of
    /// one cmdlet (parameter metadata, which PowerShell builds lazily). Each step also reports the methods JIT-compiled
    /// during it and the time spent compiling them.
    /// </summary>
    public static int Breakdown()
    {
        var moduleDir = System.IO.Path.GetDirectoryName(ModuleHost.ManifestPath)!;
        var bin = System.IO.Path.Combine(moduleDir, "bin");
        using var runspace = ModuleHost.OpenRunspace();
        ModuleHost.Invoke(runspace, Trivial);

        // As the psm1 does it.
        var loader = TimedStep(runspace, $"$null = [System.Activator]::CreateInstanceFrom('{System.IO.Path.Combine(bin, "MlvFabric.dll")}', 'MlvFabric.Loading.ModuleBootstrap')");
        var binary = TimedStep(runspace, $"Import-Module '{System.IO.Path.Combine(bin, "MlvFabric.dll")}' -ErrorAction Stop");
        var manifest = TimedStep(runspace, $"Import-Module '{ModuleHost.ManifestPath}' -ErrorAction Stop");
        var metadata = TimedStep(runspace, "$null = Get-Command Start-MlvRefresh -Syntax");
        Console.WriteLine(JsonSerializer.Serialize(new BreakdownResult(loader, binary, manifest, metadata)));
        return 0;
    }

    private static (double Connect, double First, double Second) FirstCalls(Runspace runspace, Uri endpoint, string token)
    {
        var sw = Stopwatch.StartNew();
        ModuleHost.Connect(runspace, endpoint, token);
        var connect = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace");
        var first = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace");
        var second = sw.Elapsed.TotalMilliseconds;
        return (connect, first, second);
    }

    /// <summary>The first-in-process samples of one engine (a build of this bench: null = this process's, IL only).</summary>
    private sealed class EngineSamples
    {
        public EngineSamples(string name, string? hostDll)
        {
            Name = name;
            HostDll = hostDll;
        }

        public string Name { get; }
        public string? HostDll { get; }
        public List<ProbeResult> Without { get; } = new();
        public List<ProbeResult> With { get; } = new();
        public List<ProbeResult> Empty { get; } = new();
        public List<BreakdownResult> Breakdown { get; } = new();
        public double Added => Fmt.Median(With.Select(r => r.TotalMs)) - Fmt.Median(Without.Select(r => r.TotalMs));
        public double EmptyAdded => Fmt.Median(Empty.Select(r => r.TotalMs)) - Fmt.Median(Without.Select(r => r.TotalMs));

        public string StepByStep()
        {
            string Step(Func<BreakdownResult, Timing> step) =>
                $"{Fmt.Ms(Fmt.Median(Breakdown.Select(b => step(b).Ms)))} ({Fmt.N(Fmt.Median(Breakdown.Select(b => (double)step(b).JitMethods)), "0")} JIT, {Fmt.Ms(Fmt.Median(Breakdown.Select(b => step(b).JitMs)))})";
            return $"{Step(b => b.Loader)} / {Step(b => b.BinaryModule)} / {Step(b => b.Manifest)} / {Step(b => b.FirstCmdletMetadata)}";
        }
    }

    /// <summary>End-to-end `pwsh -Command` samples of one pwsh.</summary>
    private sealed class PwshSamples
    {
        public PwshSamples(string name, string[] launcher)
        {
            Name = name;
            Launcher = launcher;
        }

        public string Name { get; }
        public string[] Launcher { get; }
        public List<double> Without { get; } = new();
        public List<double> With { get; } = new();
        public List<double> Empty { get; } = new();
        public double Added => Fmt.Median(With) - Fmt.Median(Without);
        public double EmptyAdded => Fmt.Median(Empty) - Fmt.Median(Without);
    }

    public static async Task<Section> RunAsync(bool quick)
    {
        var childSamples = quick ? 5 : 15;
        var warmSamples = quick ? 10 : 30;
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        var token = emulator.MintToken();

        // The engine users run is precompiled (pwsh's release packages are ReadyToRun; Windows PowerShell is NGEN'd); the
        // NuGet engine hosted here and the dotnet-tool pwsh are IL only. Both are measured; the target applies to the first.
        Console.WriteLine("Import cost: publishing a precompiled (ReadyToRun) build of the bench and compiling a copy of pwsh…");
        var (precompiledHost, hostWhy) = PrecompiledEngine.PublishHost();
        var pwsh = FindPwsh();
        var pwshWhy = pwsh is null ? "no pwsh found (PATH or .tools/)" : null;
        string? precompiledPwsh = null;
        if (pwsh != null)
        {
            (precompiledPwsh, pwshWhy) = PrecompiledEngine.CompilePwsh(pwsh);
        }

        var engines = new List<EngineSamples>();
        if (precompiledHost != null)
        {
            engines.Add(new EngineSamples("precompiled", precompiledHost));
        }

        engines.Add(new EngineSamples("IL only", null));
        var pwshes = new List<PwshSamples>();
        if (precompiledPwsh != null)
        {
            pwshes.Add(new PwshSamples("precompiled", new[] { ModuleHost.DotnetHost(), precompiledPwsh }));
        }

        if (pwsh != null)
        {
            pwshes.Add(new PwshSamples("IL only", new[] { pwsh }));
        }

        Console.WriteLine($"Import cost: {childSamples} child processes per variant (without / MlvFabric / empty module) on {engines.Count} engine(s), {pwshes.Count} pwsh, {warmSamples} warm samples per variant…");
        var empty = EmptyModule();
        foreach (var p in pwshes)
        {
            TimePwsh(p.Launcher, Trivial); // first start: disk cache
        }

        for (var i = 0; i < childSamples; i++)
        {
            // Interleaved, so that a change in the machine's load hits every variant alike.
            foreach (var e in engines)
            {
                e.Without.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChildOn(e.HostDll, "--import-probe", "none")))!);
                e.With.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChildOn(e.HostDll, "--import-probe", ModuleHost.ManifestPath, emulator.BaseUri.ToString(), token)))!);
                e.Empty.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChildOn(e.HostDll, "--import-probe", empty)))!);
            }

            foreach (var p in pwshes)
            {
                p.Without.Add(TimePwsh(p.Launcher, Trivial));
                p.With.Add(TimePwsh(p.Launcher, $"Import-Module '{ModuleHost.ManifestPath}' -ErrorAction Stop; {Trivial}"));
                p.Empty.Add(TimePwsh(p.Launcher, $"Import-Module '{empty}' -ErrorAction Stop; {Trivial}"));
            }
        }

        for (var i = 0; i < Math.Max(3, childSamples / 3); i++)
        {
            foreach (var e in engines)
            {
                e.Breakdown.Add(JsonSerializer.Deserialize<BreakdownResult>(LastLine(ModuleHost.RunChildOn(e.HostDll, "--import-breakdown")))!);
            }
        }

        // Warm: load the module into this process once, then fresh runspaces.
        using (var warmup = ModuleHost.OpenRunspace())
        {
            ModuleHost.Import(warmup);
            FirstCalls(warmup, emulator.BaseUri, token);
        }

        var warmWith = new List<double>();
        var warmWithout = new List<double>();
        var warmImport = new List<double>();
        var warmConnect = new List<double>();
        var warmFirst = new List<double>();
        var warmSecond = new List<double>();
        for (var i = 0; i < warmSamples + 2; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var bare = ModuleHost.OpenRunspace())
            {
                ModuleHost.Invoke(bare, Trivial);
                var without = sw.Elapsed.TotalMilliseconds;
                if (i >= 2)
                {
                    warmWithout.Add(without);
                }
            }

            sw.Restart();
            using var runspace = ModuleHost.OpenRunspace();
            var importWatch = Stopwatch.StartNew();
            ModuleHost.Import(runspace);
            var import = importWatch.Elapsed.TotalMilliseconds;
            ModuleHost.Invoke(runspace, Trivial);
            var with = sw.Elapsed.TotalMilliseconds;
            var (connect, first, second) = FirstCalls(runspace, emulator.BaseUri, token);
            if (i >= 2)
            {
                warmWith.Add(with);
                warmImport.Add(import);
                warmConnect.Add(connect);
                warmFirst.Add(first);
                warmSecond.Add(second);
            }
        }

        var warmAdded = Fmt.Median(warmWith) - Fmt.Median(warmWithout);
        const double target = 150;
        var main = engines[0];
        var mainPwsh = pwshes.FirstOrDefault();

        var section = new Section("import", "Import cost (target: well under 150 ms added)")
            .Header(new[] { "figure" }.Concat(engines.Select(e => $"first in process, {e.Name} engine")).Append("warm (module already loaded in the process)").ToArray());
        void Row(string figure, Func<EngineSamples, string> perEngine, string warm) =>
            section.Row(new[] { figure }.Concat(engines.Select(perEngine)).Append(warm).ToArray());
        static string MedianOf(IEnumerable<ProbeResult> samples, Func<ProbeResult, double> value) => Fmt.Ms(Fmt.Median(samples.Select(value)));

        Row("fresh runspace + trivial command, without the module (median)", e => MedianOf(e.Without, r => r.TotalMs), Fmt.Ms(Fmt.Median(warmWithout)));
        Row("fresh runspace + Import-Module + trivial command (median)", e => MedianOf(e.With, r => r.TotalMs), Fmt.Ms(Fmt.Median(warmWith)));
        Row("**added by Import-Module** (difference of medians)", e => "**" + Fmt.Ms(e.Added) + "**", "**" + Fmt.Ms(warmAdded) + "**");
        Row("control: an empty script module, added (difference of medians)", e => Fmt.Ms(e.EmptyAdded), "");
        Row("MlvFabric beyond the empty module", e => Fmt.Ms(e.Added - e.EmptyAdded), "");
        Row("methods JIT-compiled during Import-Module (median; time spent compiling)",
            e => $"{Fmt.N(Fmt.Median(e.With.Select(r => (double)r.ImportJitMethods)), "0")} ({Fmt.Ms(Fmt.Median(e.With.Select(r => r.ImportJitMs)))})", "");
        foreach (var p in pwshes)
        {
            section.Row(new[] { $"end to end, {p.Name} pwsh: `pwsh -NoProfile -Command` process (median of {childSamples}), without / with MlvFabric / with the empty module" }
                .Concat(engines.Select(e => e.Name == p.Name ? $"{Fmt.Ms(Fmt.Median(p.Without))} / {Fmt.Ms(Fmt.Median(p.With))} / {Fmt.Ms(Fmt.Median(p.Empty))}" : ""))
                .Append("").ToArray());
            section.Row(new[] { $"end to end, {p.Name} pwsh: **added by Import-Module MlvFabric** (empty module: added)" }
                .Concat(engines.Select(e => e.Name == p.Name ? $"**{Fmt.Ms(p.Added)}** ({Fmt.Ms(p.EmptyAdded)})" : ""))
                .Append("").ToArray());
        }

        Row("Import-Module command alone (median; p90)",
            e => $"{MedianOf(e.With, r => r.ImportMs)}; {Fmt.Ms(Fmt.Percentile(e.With.Select(r => r.ImportMs), 90))}",
            $"{Fmt.Ms(Fmt.Median(warmImport))}; {Fmt.Ms(Fmt.Percentile(warmImport, 90))}");
        Row("first cmdlet call: Connect-MlvFabric -AccessToken (median)", e => MedianOf(e.With, r => r.ConnectMs), Fmt.Ms(Fmt.Median(warmConnect)));
        Row("first API call: Get-MlvWorkspace (median)", e => MedianOf(e.With, r => r.FirstCallMs), Fmt.Ms(Fmt.Median(warmFirst)));
        Row("second Get-MlvWorkspace (median)", e => MedianOf(e.With, r => r.SecondCallMs), Fmt.Ms(Fmt.Median(warmSecond)));
        Row($"first in process, step by step (median of {main.Breakdown.Count}; methods JIT-compiled, time compiling): bootstrap (cmdlet assembly, loader, AssemblyLoadContext) / Import-Module of the cmdlet dll / manifest (psm1 again, formats, types) / first `Get-Command -Syntax`",
            e => e.StepByStep(), "");
        Row("samples", _ => childSamples + " processes per variant", warmSamples + " + " + warmSamples + " runspaces");

        var met = main.HostDll != null && main.Added <= target && warmAdded <= target && (mainPwsh is null || mainPwsh.Added <= target);
        section.Note($"Target ≤ {target} ms added, on the precompiled engine users run: {(main.HostDll is null ? "NOT MEASURED (" + hostWhy + ")" : Fmt.Verdict(met))} — " +
                     string.Join(", ", engines.Select(e => $"first in process on the {e.Name} engine {Fmt.Ms(e.Added)} (an empty module adds {Fmt.Ms(e.EmptyAdded)})")) +
                     string.Concat(pwshes.Select(p => $", end to end in the {p.Name} pwsh {Fmt.Ms(p.Added)}")) + $", warm {Fmt.Ms(warmAdded)}.");
        section.Note("First in process = a new `dotnet` process per sample whose first runspace imports the module: it pays loading (and, where code is not precompiled, JIT) of the module's code and of PowerShell's module loading, the private AssemblyLoadContext and Azure.Core/Azure.Identity. The without-module samples pay the engine's own first script, so the difference is what the module adds.");
        section.Note("Engines: \"precompiled\" is a `dotnet publish -p:PublishReadyToRun=true` build of this bench, i.e. the same System.Management.Automation 7.6.9 compiled ahead of time, as pwsh's release packages (deb, rpm, msi, tar.gz, zip) ship it; " +
                     "\"IL only\" is the NuGet package as is (the engine of the earlier results files), whose first import JIT-compiles PowerShell's own module loading (the empty-module control measures that floor). " +
                     (pwsh is null ? "No pwsh was found (PATH or .tools/), so there are no end-to-end rows."
                         : $"The pwsh rows use {System.IO.Path.GetRelativePath(ModuleHost.RepoRoot, pwsh)} (the dotnet-tool PowerShell 7.6.9 that CI installs, IL only)" +
                           (precompiledPwsh != null ? " and a copy of it whose assemblies crossgen2 compiled to ReadyToRun" + (pwshWhy != null ? " (" + pwshWhy + ")" : "") : " (no precompiled copy: " + pwshWhy + ")") + ".") +
                     " The module's own assemblies are IL in every row (one build serves Windows PowerShell 5.1 and PowerShell 7 on every OS).");
        section.Note("First cmdlet calls run against an in-process emulator on loopback (network time ≈ 0); in the first-in-process columns they include loading the client, Azure.Core and HttpClient.");

        foreach (var e in engines)
        {
            var k = e.HostDll is null ? "il" : "precompiled";
            section.Data[k + "FirstInProcessAddedMs"] = e.Added;
            section.Data[k + "EmptyModuleAddedMs"] = e.EmptyAdded;
            section.Data[k + "BeyondEmptyModuleMs"] = e.Added - e.EmptyAdded;
            section.Data[k + "ImportCommandMs"] = Fmt.Median(e.With.Select(r => r.ImportMs));
            section.Data[k + "ImportJitMethods"] = Fmt.Median(e.With.Select(r => (double)r.ImportJitMethods));
            section.Data[k + "ImportJitMs"] = Fmt.Median(e.With.Select(r => r.ImportJitMs));
            section.Data[k + "ConnectMs"] = Fmt.Median(e.With.Select(r => r.ConnectMs));
            section.Data[k + "FirstCallMs"] = Fmt.Median(e.With.Select(r => r.FirstCallMs));
            section.Data[k + "BreakdownLoaderMs"] = Fmt.Median(e.Breakdown.Select(b => b.Loader.Ms));
            section.Data[k + "BreakdownBinaryModuleMs"] = Fmt.Median(e.Breakdown.Select(b => b.BinaryModule.Ms));
            section.Data[k + "BreakdownManifestMs"] = Fmt.Median(e.Breakdown.Select(b => b.Manifest.Ms));
            section.Data[k + "BreakdownFirstSyntaxMs"] = Fmt.Median(e.Breakdown.Select(b => b.FirstCmdletMetadata.Ms));
        }

        foreach (var p in pwshes)
        {
            var k = p.Name == "IL only" ? "pwshIl" : "pwshPrecompiled";
            section.Data[k + "AddedMs"] = p.Added;
            section.Data[k + "EmptyModuleAddedMs"] = p.EmptyAdded;
        }

        // Keys of the earlier results files (IL-only engine), so that they stay comparable.
        var il = engines.Last();
        section.Data["firstInProcessAddedMs"] = il.Added;
        section.Data["firstInProcessEmptyModuleAddedMs"] = il.EmptyAdded;
        section.Data["firstInProcessBeyondEmptyModuleMs"] = il.Added - il.EmptyAdded;
        section.Data["warmAddedMs"] = warmAdded;
        section.Data["warmImportCommandMs"] = Fmt.Median(warmImport);
        section.Data["warmConnectMs"] = Fmt.Median(warmConnect);
        section.Data["warmFirstCallMs"] = Fmt.Median(warmFirst);
        if (pwshes.FirstOrDefault(p => p.Name == "IL only") is PwshSamples ilPwsh)
        {
            section.Data["pwshAddedMs"] = ilPwsh.Added;
            section.Data["pwshEmptyModuleAddedMs"] = ilPwsh.EmptyAdded;
            section.Data["pwsh"] = System.IO.Path.GetRelativePath(ModuleHost.RepoRoot, pwsh!);
        }

        section.Data["childSamples"] = childSamples;
        section.Data["warmSamples"] = warmSamples;
        section.Data["targetMs"] = target;
        section.Data["met"] = met;
        section.Data["verdict"] = $"{(main.HostDll is null ? "NOT MEASURED on a precompiled engine" : Fmt.Verdict(met))} on the precompiled engine users run ({Fmt.Ms(main.Added)} first in process" +
                                  (mainPwsh is { Name: "precompiled" } ? $", {Fmt.Ms(mainPwsh.Added)} end to end in pwsh" : "") + $"); IL-only engine: {Fmt.Ms(il.Added)}";
        return section;
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
}
