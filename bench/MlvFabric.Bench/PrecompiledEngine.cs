using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace MlvFabric.Bench;

/// <summary>
/// Precompiled (ReadyToRun) copies of the PowerShell engine, as users run it: pwsh's release packages (deb, rpm, msi,
/// tar.gz, zip) ship ReadyToRun assemblies and Windows PowerShell's are NGEN'd, while the NuGet engine the bench hosts
/// and the dotnet-tool pwsh are IL only, so their first import JIT-compiles PowerShell's own module-loading code.
/// Both are made once per run: the bench host under its bin/ folder (so that its children still find the repository
/// root), the pwsh copy under the temp folder.
/// </summary>
internal static class PrecompiledEngine
{
    private static string Root => Path.Combine(Path.GetTempPath(), "mlvfabric-bench", "precompiled-" + Environment.ProcessId);

    /// <summary>
    /// <c>dotnet publish</c> of this bench with PublishReadyToRun for this machine's RID: the same code with a
    /// ReadyToRun System.Management.Automation; its <c>--import-probe</c> children measure a precompiled engine.
    /// Returns the published MlvFabric.Bench.dll, or null (and why) when the ReadyToRun compiler can't be restored.
    /// </summary>
    public static (string? HostDll, string? Why) PublishHost()
    {
        var output = Path.Combine(ModuleHost.RepoRoot, "bench", "MlvFabric.Bench", "bin", "precompiled-host");
        var project = Path.Combine(ModuleHost.RepoRoot, "bench", "MlvFabric.Bench", "MlvFabric.Bench.csproj");
        var (exit, log) = Run(ModuleHost.DotnetHost(), "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "-v", "q", "-nologo");
        var dll = Path.Combine(output, "MlvFabric.Bench.dll");
        return exit == 0 && File.Exists(dll) ? (dll, null) : (null, "dotnet publish -p:PublishReadyToRun=true failed: " + LastLines(log));
    }

    /// <summary>
    /// A copy of a pwsh installation whose managed assemblies are compiled to ReadyToRun with crossgen2 (from the NuGet
    /// cache, where <see cref="PublishHost"/> restored it). Returns the copy's pwsh.dll, or null and why.
    /// </summary>
    public static (string? PwshDll, string? Why) CompilePwsh(string pwsh)
    {
        var source = PwshDirectory(pwsh);
        if (source is null)
        {
            return (null, $"no pwsh.dll found behind {pwsh}");
        }

        var crossgen = FindCrossgen();
        if (crossgen is null)
        {
            return (null, "crossgen2 for " + RuntimeInformation.RuntimeIdentifier + " " + Environment.Version + " is not in the NuGet cache");
        }

        var target = Path.Combine(Root, "pwsh");
        CopyDirectory(source, target);
        var framework = RuntimeEnvironment.GetRuntimeDirectory();
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var failures = new List<string>();
        // The engine's managed assemblies (not the ones the runtime itself ships, which are precompiled already).
        var assemblies = Directory.GetFiles(source, "*.dll").Where(IsManagedIL).ToArray();
        Parallel.ForEach(assemblies, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, dll =>
        {
            var (exit, log) = Run(crossgen, dll, "-o", Path.Combine(target, Path.GetFileName(dll)), "-r", Path.Combine(framework, "*.dll"),
                "-r", Path.Combine(source, "*.dll"), "--targetos:" + os, "--targetarch:" + arch, "-O");
            if (exit != 0)
            {
                lock (failures)
                {
                    failures.Add(Path.GetFileName(dll) + ": " + LastLines(log));
                }
            }
        });

        // An assembly crossgen2 can't compile stays IL (copied above); the rest of the engine is still precompiled.
        var pwshDll = Path.Combine(target, "pwsh.dll");
        return File.Exists(pwshDll) && failures.Count < assemblies.Length / 2
            ? (pwshDll, failures.Count == 0 ? null : $"{failures.Count} of {assemblies.Length} assemblies stayed IL")
            : (null, "crossgen2 failed: " + string.Join("; ", failures.Take(3)));
    }

    public static void Delete()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The folder holding pwsh.dll behind a pwsh launcher (a dotnet-tool shim or an installation).</summary>
    private static string? PwshDirectory(string pwsh)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(pwsh))!;
        if (File.Exists(Path.Combine(dir, "pwsh.dll")))
        {
            return dir;
        }

        // dotnet tool install --tool-path X: X/.store/powershell/<v>/powershell/<v>/tools/<tfm>/any/<unix|win>/pwsh.dll
        var store = Path.Combine(dir, ".store", "powershell");
        if (!Directory.Exists(store))
        {
            return null;
        }

        var platform = OperatingSystem.IsWindows() ? "win" : "unix";
        return Directory.EnumerateFiles(store, "pwsh.dll", SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName)
            .FirstOrDefault(d => Path.GetFileName(d) == platform);
    }

    private static string? FindCrossgen()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(packages, "microsoft.netcore.app.crossgen2." + RuntimeInformation.RuntimeIdentifier, Environment.Version.ToString(), "tools");
        foreach (var name in new[] { "crossgen2", "crossgen2.exe" })
        {
            if (File.Exists(Path.Combine(package, name)))
            {
                return Path.Combine(package, name);
            }
        }

        return null;
    }

    /// <summary>A managed assembly with no native code yet (crossgen2 refuses the others).</summary>
    private static bool IsManagedIL(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
            var cor = reader.PEHeaders.CorHeader;
            return cor != null && reader.HasMetadata && cor.ManagedNativeHeaderDirectory.Size == 0
                   && (cor.Flags & System.Reflection.PortableExecutable.CorFlags.ILOnly) != 0;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }
    }

    private static (int Exit, string Log) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    private static string LastLines(string log) =>
        string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
