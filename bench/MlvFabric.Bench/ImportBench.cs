using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
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

    public sealed record ProbeResult(double OpenMs, double ImportMs, double TrivialMs, double TotalMs, double ConnectMs, double FirstCallMs, double SecondCallMs);

    /// <summary>Child process entry (--import-probe &lt;manifest|none&gt; [baseUri token]): prints one JSON line.</summary>
    public static int Probe(string[] args)
    {
        string? manifest = args.Length > 1 && args[1] != "none" ? args[1] : null;
        string? endpoint = args.Length > 2 ? args[2] : null;
        string? token = args.Length > 3 ? args[3] : null;

        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        using Runspace runspace = ModuleHost.OpenRunspace();
        double open = sw.Elapsed.TotalMilliseconds;
        double import = 0;
        if (manifest != null)
        {
            sw.Restart();
            ModuleHost.Invoke(runspace, $"Import-Module '{manifest}' -ErrorAction Stop");
            import = sw.Elapsed.TotalMilliseconds;
        }

        sw.Restart();
        ModuleHost.Invoke(runspace, Trivial);
        double trivial = sw.Elapsed.TotalMilliseconds;
        double sum = total.Elapsed.TotalMilliseconds;

        double connect = 0, first = 0, second = 0;
        if (manifest != null && endpoint != null && token != null)
        {
            (connect, first, second) = FirstCalls(runspace, new Uri(endpoint), token);
        }

        Console.WriteLine(JsonSerializer.Serialize(new ProbeResult(open, import, trivial, sum, connect, first, second)));
        return 0;
    }

    /// <summary>An empty script module (manifest + one-line psm1): the engine's own cost of a first Import-Module.</summary>
    private static string EmptyModule()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlvfabric-bench", "EmptyModule");
        System.IO.Directory.CreateDirectory(dir);
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "EmptyModule.psd1"),
            "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '1.0.0'; GUID = '6f1d2c3b-0a4e-4f5d-9c8b-7a6e5d4c3b2a'; FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "EmptyModule.psm1"), "$script:loaded = $true\n");
        return System.IO.Path.Combine(dir, "EmptyModule.psd1");
    }

    /// <summary>A real pwsh to time end to end, if one is at hand (PATH, or the repository's .tools from CI); else null.</summary>
    private static string? FindPwsh()
    {
        foreach (string candidate in new[] { System.IO.Path.Combine(ModuleHost.RepoRoot, ".tools", "pwsh"), System.IO.Path.Combine(ModuleHost.RepoRoot, ".tools", "pwsh.exe") })
        {
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in new[] { "pwsh", "pwsh.exe" })
            {
                string candidate = System.IO.Path.Combine(dir, name);
                if (System.IO.File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Wall time of `pwsh -NoProfile -NonInteractive -Command …` (ms).</summary>
    private static double TimePwsh(string pwsh, string command)
    {
        var info = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command })
        {
            info.ArgumentList.Add(a);
        }

        var sw = Stopwatch.StartNew();
        using Process p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh -Command {command} failed ({p.ExitCode}): {err}");
        }

        return sw.Elapsed.TotalMilliseconds;
    }

    public sealed record BreakdownResult(double LoaderMs, double BinaryModuleMs, double ManifestMs, double FirstCmdletMetadataMs);

    /// <summary>
    /// Child process entry (--import-breakdown): the import's steps one by one in a fresh process, after the engine's
    /// own first script: the bootstrap (loading the cmdlet assembly, the loader and its AssemblyLoadContext); Import-Module of the cmdlet assembly alone; then the
    /// manifest (psm1 again, which finds everything loaded, plus the format and type files); then Get-Command -Syntax of
    /// one cmdlet (parameter metadata, which PowerShell builds lazily).
    /// </summary>
    public static int Breakdown()
    {
        string moduleDir = System.IO.Path.GetDirectoryName(ModuleHost.ManifestPath)!;
        string bin = System.IO.Path.Combine(moduleDir, "bin");
        using Runspace runspace = ModuleHost.OpenRunspace();
        ModuleHost.Invoke(runspace, Trivial);
        var sw = Stopwatch.StartNew();
        // As the psm1 does it.
        ModuleHost.Invoke(runspace, $"$null = [System.Activator]::CreateInstanceFrom('{System.IO.Path.Combine(bin, "MlvFabric.dll")}', 'MlvFabric.Infrastructure.ModuleBootstrap')");

        double loader = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, $"Import-Module '{System.IO.Path.Combine(bin, "MlvFabric.dll")}' -ErrorAction Stop");
        double binary = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, $"Import-Module '{ModuleHost.ManifestPath}' -ErrorAction Stop");
        double manifest = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, "$null = Get-Command Start-MlvRefresh -Syntax");
        double metadata = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine(JsonSerializer.Serialize(new BreakdownResult(loader, binary, manifest, metadata)));
        return 0;
    }

    private static (double Connect, double First, double Second) FirstCalls(Runspace runspace, Uri endpoint, string token)
    {
        var sw = Stopwatch.StartNew();
        ModuleHost.Connect(runspace, endpoint, token);
        double connect = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace");
        double first = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        ModuleHost.Invoke(runspace, "$null = Get-MlvWorkspace");
        double second = sw.Elapsed.TotalMilliseconds;
        return (connect, first, second);
    }

    public static async Task<Section> RunAsync(bool quick)
    {
        int childSamples = quick ? 5 : 15;
        int warmSamples = quick ? 10 : 30;
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        string token = emulator.MintToken();
        Console.WriteLine($"Import cost: {childSamples} child processes per variant (without / MlvFabric / empty module), {warmSamples} warm samples per variant…");

        string empty = EmptyModule();
        var childWith = new List<ProbeResult>();
        var childWithout = new List<ProbeResult>();
        var childEmpty = new List<ProbeResult>();
        for (int i = 0; i < childSamples; i++)
        {
            // Interleaved, so that a change in the machine's load hits every variant alike.
            childWithout.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChild("--import-probe", "none")))!);
            childWith.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChild("--import-probe", ModuleHost.ManifestPath, emulator.BaseUri.ToString(), token)))!);
            childEmpty.Add(JsonSerializer.Deserialize<ProbeResult>(LastLine(ModuleHost.RunChild("--import-probe", empty)))!);
        }

        // End to end in a real pwsh process, when one is available.
        string? pwsh = FindPwsh();
        var pwshWithout = new List<double>();
        var pwshWith = new List<double>();
        var pwshEmpty = new List<double>();
        if (pwsh != null)
        {
            TimePwsh(pwsh, Trivial); // first start: disk cache
            for (int i = 0; i < childSamples; i++)
            {
                pwshWithout.Add(TimePwsh(pwsh, Trivial));
                pwshWith.Add(TimePwsh(pwsh, $"Import-Module '{ModuleHost.ManifestPath}' -ErrorAction Stop; {Trivial}"));
                pwshEmpty.Add(TimePwsh(pwsh, $"Import-Module '{empty}' -ErrorAction Stop; {Trivial}"));
            }
        }

        var breakdown = new List<BreakdownResult>();
        for (int i = 0; i < Math.Max(3, childSamples / 3); i++)
        {
            breakdown.Add(JsonSerializer.Deserialize<BreakdownResult>(LastLine(ModuleHost.RunChild("--import-breakdown")))!);
        }

        // Warm: load the module into this process once, then fresh runspaces.
        using (Runspace warmup = ModuleHost.OpenRunspace())
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
        for (int i = 0; i < warmSamples + 2; i++)
        {
            var sw = Stopwatch.StartNew();
            using (Runspace bare = ModuleHost.OpenRunspace())
            {
                ModuleHost.Invoke(bare, Trivial);
                double without = sw.Elapsed.TotalMilliseconds;
                if (i >= 2)
                {
                    warmWithout.Add(without);
                }
            }

            sw.Restart();
            using Runspace runspace = ModuleHost.OpenRunspace();
            var importWatch = Stopwatch.StartNew();
            ModuleHost.Import(runspace);
            double import = importWatch.Elapsed.TotalMilliseconds;
            ModuleHost.Invoke(runspace, Trivial);
            double with = sw.Elapsed.TotalMilliseconds;
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

        double firstAdded = Fmt.Median(childWith.Select(r => r.TotalMs)) - Fmt.Median(childWithout.Select(r => r.TotalMs));
        double emptyAdded = Fmt.Median(childEmpty.Select(r => r.TotalMs)) - Fmt.Median(childWithout.Select(r => r.TotalMs));
        double pwshAdded = pwsh == null ? double.NaN : Fmt.Median(pwshWith) - Fmt.Median(pwshWithout);
        double pwshEmptyAdded = pwsh == null ? double.NaN : Fmt.Median(pwshEmpty) - Fmt.Median(pwshWithout);
        double warmAdded = Fmt.Median(warmWith) - Fmt.Median(warmWithout);
        const double target = 150;

        var section = new Section("import", "Import cost (target: well under 150 ms added)")
            .Header("figure", "first in process (child processes)", "warm (module already loaded in the process)");
        section.Row("fresh runspace + trivial command, without the module (median)",
            Fmt.Ms(Fmt.Median(childWithout.Select(r => r.TotalMs))), Fmt.Ms(Fmt.Median(warmWithout)));
        section.Row("fresh runspace + Import-Module + trivial command (median)",
            Fmt.Ms(Fmt.Median(childWith.Select(r => r.TotalMs))), Fmt.Ms(Fmt.Median(warmWith)));
        section.Row("**added by Import-Module** (difference of medians)", "**" + Fmt.Ms(firstAdded) + "**", "**" + Fmt.Ms(warmAdded) + "**");
        section.Row("control: an empty script module, added (difference of medians)", Fmt.Ms(emptyAdded), "");
        section.Row("MlvFabric beyond the empty module", Fmt.Ms(firstAdded - emptyAdded), "");
        if (pwsh != null)
        {
            section.Row($"end to end, `pwsh -NoProfile -Command` process (median of {childSamples}): without / with MlvFabric / with the empty module",
                $"{Fmt.Ms(Fmt.Median(pwshWithout))} / {Fmt.Ms(Fmt.Median(pwshWith))} / {Fmt.Ms(Fmt.Median(pwshEmpty))}", "");
            section.Row("end to end in pwsh: **added by Import-Module MlvFabric** (empty module: added)", $"**{Fmt.Ms(pwshAdded)}** ({Fmt.Ms(pwshEmptyAdded)})", "");
        }

        section.Row("Import-Module command alone (median; p90)",
            $"{Fmt.Ms(Fmt.Median(childWith.Select(r => r.ImportMs)))}; {Fmt.Ms(Fmt.Percentile(childWith.Select(r => r.ImportMs), 90))}",
            $"{Fmt.Ms(Fmt.Median(warmImport))}; {Fmt.Ms(Fmt.Percentile(warmImport, 90))}");
        section.Row("first cmdlet call: Connect-MlvFabric -AccessToken (median)", Fmt.Ms(Fmt.Median(childWith.Select(r => r.ConnectMs))), Fmt.Ms(Fmt.Median(warmConnect)));
        section.Row("first API call: Get-MlvWorkspace (median)", Fmt.Ms(Fmt.Median(childWith.Select(r => r.FirstCallMs))), Fmt.Ms(Fmt.Median(warmFirst)));
        section.Row("second Get-MlvWorkspace (median)", Fmt.Ms(Fmt.Median(childWith.Select(r => r.SecondCallMs))), Fmt.Ms(Fmt.Median(warmSecond)));
        section.Row("first in process, step by step (median of " + breakdown.Count + "): bootstrap (cmdlet assembly, loader, AssemblyLoadContext) / Import-Module of the cmdlet dll / manifest (psm1, formats, types) / first `Get-Command -Syntax`",
            $"{Fmt.Ms(Fmt.Median(breakdown.Select(b => b.LoaderMs)))} / {Fmt.Ms(Fmt.Median(breakdown.Select(b => b.BinaryModuleMs)))} / {Fmt.Ms(Fmt.Median(breakdown.Select(b => b.ManifestMs)))} / {Fmt.Ms(Fmt.Median(breakdown.Select(b => b.FirstCmdletMetadataMs)))}", "");
        section.Row("samples", childSamples + " processes per variant", warmSamples + " + " + warmSamples + " runspaces");
        section.Note($"Target ≤ 150 ms added: first in process {Fmt.Verdict(firstAdded <= target)} ({Fmt.Ms(firstAdded)}; an empty module adds {Fmt.Ms(emptyAdded)} here), warm {Fmt.Verdict(warmAdded <= target)} ({Fmt.Ms(warmAdded)})" +
                     (pwsh != null ? $", end to end in pwsh {Fmt.Verdict(pwshAdded <= target)} ({Fmt.Ms(pwshAdded)})." : "."));
        section.Note("First in process = a new `dotnet` process per sample whose first runspace imports the module: it pays JIT of the module's code and of PowerShell's module loading, the private AssemblyLoadContext and Azure.Core/Azure.Identity loading. The without-module samples pay the engine's own first-script JIT, so the difference is what the module adds.");
        section.Note("The PowerShell engine here is the System.Management.Automation NuGet package, whose assemblies are IL only (not ReadyToRun), so the engine's own first-use code (module loading, format and type files) is JIT-compiled on the first import; the empty-module control measures that floor. " +
                     (pwsh != null ? $"The pwsh rows use {System.IO.Path.GetRelativePath(ModuleHost.RepoRoot, pwsh)} ({(pwsh.Contains(".tools") ? "the dotnet-tool PowerShell that CI installs, also IL only" : "from PATH")}); an installed pwsh (deb/msi/tar.gz) ships a precompiled engine and pays less of that floor." : "No pwsh was found (PATH or .tools/), so there is no end-to-end row."));
        section.Note("First cmdlet calls run against an in-process emulator on loopback (network time ≈ 0); in the first-in-process column they include loading and JIT of the client, Azure.Core and HttpClient.");

        section.Data["firstInProcessAddedMs"] = firstAdded;
        section.Data["warmAddedMs"] = warmAdded;
        section.Data["firstInProcessImportCommandMs"] = Fmt.Median(childWith.Select(r => r.ImportMs));
        section.Data["warmImportCommandMs"] = Fmt.Median(warmImport);
        section.Data["firstInProcessConnectMs"] = Fmt.Median(childWith.Select(r => r.ConnectMs));
        section.Data["firstInProcessFirstCallMs"] = Fmt.Median(childWith.Select(r => r.FirstCallMs));
        section.Data["warmConnectMs"] = Fmt.Median(warmConnect);
        section.Data["warmFirstCallMs"] = Fmt.Median(warmFirst);
        section.Data["breakdownLoaderMs"] = Fmt.Median(breakdown.Select(b => b.LoaderMs));
        section.Data["breakdownBinaryModuleMs"] = Fmt.Median(breakdown.Select(b => b.BinaryModuleMs));
        section.Data["breakdownManifestMs"] = Fmt.Median(breakdown.Select(b => b.ManifestMs));
        section.Data["breakdownFirstSyntaxMs"] = Fmt.Median(breakdown.Select(b => b.FirstCmdletMetadataMs));
        section.Data["firstInProcessEmptyModuleAddedMs"] = emptyAdded;
        section.Data["firstInProcessBeyondEmptyModuleMs"] = firstAdded - emptyAdded;
        if (pwsh != null)
        {
            section.Data["pwshAddedMs"] = pwshAdded;
            section.Data["pwshEmptyModuleAddedMs"] = pwshEmptyAdded;
            section.Data["pwsh"] = System.IO.Path.GetRelativePath(ModuleHost.RepoRoot, pwsh);
        }

        section.Data["childSamples"] = childSamples;
        section.Data["warmSamples"] = warmSamples;
        section.Data["targetMs"] = target;
        section.Data["met"] = firstAdded <= target && warmAdded <= target;
        return section;
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
}
