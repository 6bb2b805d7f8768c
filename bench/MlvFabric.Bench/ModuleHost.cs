using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Security;
using System.Text.RegularExpressions;

namespace MlvFabric.Bench;

/// <summary>Where the built module is, and fresh PowerShell engines with or without it.</summary>
internal static class ModuleHost
{
    private static readonly Lazy<string> RepoRootValue = new(FindRepoRoot);

    public static string RepoRoot => RepoRootValue.Value;

    public static string ModuleVersion =>
        Regex.Match(File.ReadAllText(Path.Combine(RepoRoot, "MlvFabric.psd1")), @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;

    /// <summary>out/MlvFabric/&lt;version&gt;/MlvFabric.psd1 — the only way the bench loads the module.</summary>
    public static string ManifestPath
    {
        get
        {
            // MLVFABRIC_BENCH_MANIFEST: the run's private copy (Snapshot), or another layout to measure (an experiment).
            var path = Environment.GetEnvironmentVariable("MLVFABRIC_BENCH_MANIFEST") is { Length: > 0 } other
                ? Path.GetFullPath(other)
                : Path.Combine(RepoRoot, "out", "MlvFabric", ModuleVersion, "MlvFabric.psd1");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The built module is missing at '{path}'. Build it with: dotnet build -c Release src/MlvFabric");
            }

            return path;
        }
    }

    /// <summary>
    /// Copies the built module (out/MlvFabric/&lt;version&gt;/) to a private folder and points this process and its child
    /// probes at the copy (through MLVFABRIC_BENCH_MANIFEST): a build elsewhere on the machine (tests rewrite out/) must not
    /// swap the module under a run that takes minutes. Returns the folder to delete at the end.
    /// </summary>
    public static string? Snapshot()
    {
        if (Environment.GetEnvironmentVariable("MLVFABRIC_BENCH_MANIFEST") is { Length: > 0 })
        {
            return null; // an experiment names its own layout
        }

        var source = Path.GetDirectoryName(Path.Combine(RepoRoot, "out", "MlvFabric", ModuleVersion, "MlvFabric.psd1"))!;
        if (!File.Exists(Path.Combine(source, "MlvFabric.psd1")))
        {
            throw new InvalidOperationException($"The built module is missing at '{source}'. Build it with: dotnet build -c Release src/MlvFabric");
        }

        var root = Path.Combine(Path.GetTempPath(), "mlvfabric-bench", "module-" + Environment.ProcessId);
        var target = Path.Combine(root, "MlvFabric", ModuleVersion);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }

        Environment.SetEnvironmentVariable("MLVFABRIC_BENCH_MANIFEST", Path.Combine(target, "MlvFabric.psd1"));
        return root;
    }

    /// <summary>"Release" or "Debug" (the built MlvFabric.dll's AssemblyConfigurationAttribute), so results say what was measured.</summary>
    public static string ModuleConfiguration()
    {
        var dll = Path.Combine(Path.GetDirectoryName(ManifestPath)!, "bin", "MlvFabric.dll");
        try
        {
            // Read the attribute without loading the assembly into this process (the module loads its own copy).
            using var stream = File.OpenRead(dll);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = md.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != System.Reflection.Metadata.HandleKind.MemberReference)
                {
                    continue;
                }

                var ctor = md.GetMemberReference((System.Reflection.Metadata.MemberReferenceHandle)attribute.Constructor);
                if (ctor.Parent.Kind != System.Reflection.Metadata.HandleKind.TypeReference)
                {
                    continue;
                }

                var type = md.GetTypeReference((System.Reflection.Metadata.TypeReferenceHandle)ctor.Parent);
                if (md.GetString(type.Name) != nameof(AssemblyConfigurationAttribute))
                {
                    continue;
                }

                var blob = md.GetBlobReader(attribute.Value);
                blob.ReadUInt16(); // prolog
                return blob.ReadSerializedString() ?? "unknown";
            }

            return "unknown";
        }
        catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is InvalidOperationException)
        {
            return "unknown";
        }
    }

    public static Runspace OpenRunspace()
    {
        var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        return runspace;
    }

    public static Collection<PSObject> Invoke(Runspace runspace, string script, IDictionary<string, object?>? variables = null)
    {
        if (variables != null)
        {
            foreach (var pair in variables)
            {
                runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            }
        }

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        var output = ps.Invoke();
        if (ps.HadErrors && ps.Streams.Error.Count > 0)
        {
            throw new InvalidOperationException($"Script failed: {script}\n" + string.Join("\n", ps.Streams.Error.Select(e => $"[{e.FullyQualifiedErrorId}] {e}")));
        }

        return output;
    }

    public static void Import(Runspace runspace) => Invoke(runspace, $"Import-Module '{ManifestPath}' -ErrorAction Stop");

    public static void Connect(Runspace runspace, Uri emulatorBase, string token) =>
        Invoke(runspace, "Connect-MlvFabric -Endpoint $BenchEndpoint -AccessToken $BenchToken | Out-Null",
            new Dictionary<string, object?> { ["BenchEndpoint"] = emulatorBase.ToString(), ["BenchToken"] = Secure(token) });

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>The dotnet host that runs child probes (this process's, when it is one).</summary>
    public static string DotnetHost()
    {
        var process = Environment.ProcessPath;
        if (process != null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return process;
        }

        foreach (var root in new[] { Environment.GetEnvironmentVariable("DOTNET_ROOT"), Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")) })
        {
            if (root is null)
            {
                continue;
            }

            foreach (var name in new[] { "dotnet", "dotnet.exe" })
            {
                var candidate = Path.Combine(root, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return "dotnet";
    }

    /// <summary>Runs <c>dotnet &lt;this dll&gt; args</c> and returns its standard output (throws on a non-zero exit).</summary>
    public static string RunChild(params string[] args) => RunChildOn(null, args);

    /// <summary>As <see cref="RunChild"/>, on another build of this bench (null: this one), e.g. a precompiled publish.</summary>
    public static string RunChildOn(string? hostDll, params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(hostDll ?? Assembly.GetExecutingAssembly().Location);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var child = Process.Start(info) ?? throw new InvalidOperationException("Could not start a child process.");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException("A child probe did not finish within 10 minutes.");
        }

        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"Child probe '{string.Join(' ', args)}' exited with {child.ExitCode}:\n{stderr.Result}\n{stdout}");
        }

        return stdout;
    }

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MlvFabric.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Cannot find the repository root (MlvFabric.sln) above " + AppContext.BaseDirectory);
    }
}
