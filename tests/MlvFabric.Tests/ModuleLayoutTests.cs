using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

public sealed class ModuleLayoutTests
{
    private static string Bin => Path.Combine(ModuleLocator.ModuleDirectory, "bin");

    [Fact]
    public void CmdletAssemblyReferencesNoAuthStackAssembly()
    {
        var references = ReferencedAssemblies(Path.Combine(Bin, "MlvFabric.dll"));

        Assert.Contains("MlvFabric.Client", references);
        Assert.DoesNotContain(references, r =>
            r.StartsWith("Azure.", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Microsoft.Identity", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("System.ClientModel", StringComparison.OrdinalIgnoreCase)
            || r.Equals("System.Text.Json", StringComparison.OrdinalIgnoreCase)
            || r.Equals("System.Memory.Data", StringComparison.OrdinalIgnoreCase));
        Assert.All(references, r => Assert.Contains(r, new[] { "netstandard", "System.Management.Automation", "MlvFabric.Client" }));
    }

    [Fact]
    public void LoaderIsBuiltForTheOldestSupportedPowerShell7Runtime()
    {
        var references = ReferencedAssemblies(Path.Combine(Bin, "MlvFabric.Loader.dll"));
        using var stream = File.OpenRead(Path.Combine(Bin, "MlvFabric.Loader.dll"));
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var runtime = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h)).First(r => md.GetString(r.Name) == "System.Runtime").Version;

        Assert.Equal(8, runtime.Major); // net8.0 = PowerShell 7.4
        Assert.DoesNotContain(references, r => r.StartsWith("MlvFabric", StringComparison.Ordinal) || r.StartsWith("Azure", StringComparison.Ordinal));
    }

    /// <summary>The client's User-Agent ("MlvFabric/&lt;version&gt;") reports its assembly version: it is the module's.</summary>
    [Fact]
    public void TheClientAssemblyCarriesTheModulesVersion()
    {
        using var reader = new PEReader(File.OpenRead(Path.Combine(Bin, "Dependencies", "MlvFabric.Client.dll")));
        var version = reader.GetMetadataReader().GetAssemblyDefinition().Version;

        Assert.Equal(ModuleLocator.ModuleVersion, version.ToString(3));
    }

    [Fact]
    public void LayoutKeepsDependenciesOutOfPowerShellsProbingPath()
    {
        var binFiles = Directory.GetFiles(Bin, "*.dll").Select(Path.GetFileName).ToArray()!;
        Assert.Equal(new[] { "MlvFabric.Loader.dll", "MlvFabric.dll" }, binFiles.OrderBy(f => f, StringComparer.Ordinal));

        var dependencies = Path.Combine(Bin, "Dependencies");
        foreach (var expected in new[] { "MlvFabric.Client.dll", "Azure.Core.dll", "Azure.Identity.dll", "Microsoft.Identity.Client.dll" })
        {
            Assert.True(File.Exists(Path.Combine(dependencies, expected)), expected + " missing from bin/Dependencies");
        }

        Assert.Empty(Directory.GetFiles(ModuleLocator.ModuleDirectory, "System.Management.Automation.dll", SearchOption.AllDirectories));
    }

    [Fact]
    public void ImportingTheRootManifestSaysToImportTheBuiltModule()
    {
        using var ps = PsSession.Create(importModule: false);
        var result = ps.Run($"Import-Module '{Path.Combine(ModuleLocator.RepoRoot, "MlvFabric.psd1")}'");

        var error = Assert.Single(result.AllErrors);
        Assert.Contains("MlvFabric's source folder, not the module", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains($"Import-Module '{ModuleLocator.ManifestPath}'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(ps.Run("Get-Module MlvFabric").Output);

        // The built manifest is the root one with the built module's lines switched on and the check left out.
        var built = ManifestData.Read(ModuleLocator.ManifestPath);
        Assert.Null(built["ScriptsToProcess"]);
        Assert.Equal(new[] { "MlvFabric.types.ps1xml" }, ((object[])built["TypesToProcess"]!).Select(t => t.ToString()));
        Assert.All((object[])built["FormatsToProcess"]!, f => Assert.True(File.Exists(Path.Combine(ModuleLocator.ModuleDirectory, f.ToString()!)), f + " is listed but not laid out"));
        Assert.Equal(ManifestData.Read(Path.Combine(ModuleLocator.RepoRoot, "MlvFabric.psd1"))["CmdletsToExport"], built["CmdletsToExport"]);
    }

    [Fact]
    public void ManifestPassesTestModuleManifestAndExportsExplicitCmdlets()
    {
        using var ps = PsSession.Create(importModule: false);
        var result = ps.Run($"Test-ModuleManifest -Path '{ModuleLocator.ManifestPath}' -ErrorAction Stop");
        result.ThrowIfFailed();
        var manifest = Assert.Single(result.Output);
        Assert.Equal(ModuleLocator.ModuleVersion, manifest.Properties["Version"].Value.ToString());

        var data = ManifestData.Read(ModuleLocator.ManifestPath);
        var cmdlets = (object[])data["CmdletsToExport"]!;
        Assert.DoesNotContain(cmdlets, c => c.ToString()!.Contains('*'));
        Assert.Equal(new[] { "Core", "Desktop" }, ((object[])data["CompatiblePSEditions"]!).Select(e => e.ToString()).OrderBy(e => e));
        Assert.Equal("5.1", data["PowerShellVersion"]);
        Assert.Null(data["NestedModules"]);
        Assert.Null(data["RequiredAssemblies"]);
        var psData = (Hashtable)((Hashtable)data["PrivateData"]!)["PSData"]!;
        Assert.NotNull(psData["Tags"]);
        Assert.NotNull(psData["ProjectUri"]);
        Assert.NotNull(psData["LicenseUri"]);
        Assert.NotNull(psData["ReleaseNotes"]);
    }

    [Fact]
    public void ImportExportsExactlyTheManifestCmdlets()
    {
        using var ps = PsSession.Create();
        var data = ManifestData.Read(ModuleLocator.ManifestPath);
        var expected = ((object[])data["CmdletsToExport"]!).Select(c => c.ToString()!).OrderBy(c => c).ToArray();

        var commands = ps.Run("Get-Command -Module MlvFabric");
        commands.ThrowIfFailed();
        Assert.Equal(expected, commands.Output.Select(c => c.Properties["Name"].Value.ToString()).OrderBy(c => c).ToArray());
    }

    [Fact]
    public void EveryCmdletIsAtMostThreeClassesFromPSCmdletAndLeavesThePipelineStagesToItsBase()
    {
        using var ps = PsSession.Create();
        var commands = ps.Run("Get-Command -Module MlvFabric -CommandType Cmdlet | ForEach-Object { $_.ImplementingType }");
        commands.ThrowIfFailed();
        var types = commands.Output.Select(o => (Type)o.BaseObject).ToList();
        Assert.Equal(ps.Run("Get-Command -Module MlvFabric").Output.Count, types.Count);

        var stages = new[] { "BeginProcessing", "ProcessRecord", "EndProcessing", "StopProcessing" };
        var mlvCmdlet = types.Select(t => t.Assembly.GetType("MlvFabric.Bases.MlvCmdlet")).First(t => t is not null)!;
        Assert.All(types, type =>
        {
            var chain = new System.Collections.Generic.List<string>();
            for (var t = type; t != typeof(System.Management.Automation.PSCmdlet); t = t.BaseType!)
            {
                Assert.NotNull(t.BaseType);
                chain.Add(t.Name);
            }

            Assert.True(chain.Count <= 3, $"{type.Name}: {string.Join(" -> ", chain)} -> PSCmdlet is more than three classes.");
            if (mlvCmdlet.IsAssignableFrom(type))
            {
                // A cmdlet on the async base overrides hooks only; the stages are sealed there, so no cmdlet has to
                // remember to call them.
                Assert.All(stages, stage => Assert.Equal(mlvCmdlet, type.GetMethod(stage, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.DeclaringType));
            }
        });
    }

    [Fact]
    public void ImportModuleForceKeepsTheCmdletsWorking()
    {
        var expected = ((object[])ManifestData.Read(ModuleLocator.ManifestPath)["CmdletsToExport"]!).Select(c => c.ToString()!).OrderBy(c => c, StringComparer.Ordinal).ToArray();
        using var ps = PsSession.Create();
        var result = ps.Run($"Import-Module '{ModuleLocator.ManifestPath}' -Force -ErrorAction Stop; Import-Module '{ModuleLocator.ManifestPath}' -Force -ErrorAction Stop; Get-Command -Module MlvFabric | ForEach-Object Name; Get-MlvContext");
        result.ThrowIfFailed();
        Assert.Equal(expected, result.Output.Select(o => o.ToString()).OrderBy(c => c, StringComparer.Ordinal));

        var removed = ps.Run($"Remove-Module MlvFabric; Import-Module '{ModuleLocator.ManifestPath}' -ErrorAction Stop; Get-Command -Module MlvFabric | ForEach-Object Name");
        removed.ThrowIfFailed();
        Assert.Equal(expected, removed.Output.Select(o => o.ToString()).OrderBy(c => c, StringComparer.Ordinal));
    }

    private static string[] ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToArray();
    }
}
