using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// MlvFabric next to a module that owns another Azure.Core (Az.Accounts in real sessions), in both load orders.
/// Each order runs in its own process, because a process can only load the module for the first time once.
/// </summary>
public sealed class IsolationTests : IClassFixture<EmulatorFixture>
{
    private const string NeighbourAzureCoreVersion = "1.44.1.0";
    private readonly EmulatorFixture _fixture;

    public IsolationTests(EmulatorFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("before")]
    [InlineData("after")]
    public async Task ModuleWorksWithAnotherAzureCoreInTheDefaultContext(string neighbourOrder)
    {
        (var exitCode, var output) = await RunProbeAsync(neighbourOrder);

        Assert.True(exitCode == 0, output);
        Assert.Contains("RESULT ok", output);
        var loaded = ParseAssemblies(output);

        // Both Azure.Core copies side by side: the neighbour's in Default, ours in the module's context.
        Assert.Contains(loaded["Azure.Core"], a => a.Version == NeighbourAzureCoreVersion && a.Context == "Default");
        Assert.Contains(loaded["Azure.Core"], a => a.Version != NeighbourAzureCoreVersion && a.Context == "MlvFabric");
        Assert.All(loaded["MlvFabric.Client"], a => Assert.Equal("MlvFabric", a.Context));
        Assert.All(loaded["MlvFabric"], a => Assert.Equal("Default", a.Context));
    }

    private async Task<(int ExitCode, string Output)> RunProbeAsync(string order)
    {
        var probe = ProbePath();
        var neighbour = Path.Combine(AppContext.BaseDirectory, "assets", "azure.core-1.44.1", "Azure.Core.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { probe, order, ModuleLocator.ManifestPath, _fixture.Emulator.BaseUri.ToString(), neighbour })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MLV_PROBE_TOKEN"] = _fixture.Emulator.MintToken();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string ProbePath()
    {
        // Same configuration and framework folder as this test assembly: .../bin/<Configuration>/net10.0/
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var path = Path.Combine(ModuleLocator.RepoRoot, "tests", "MlvFabric.IsolationProbe", "bin", configuration, framework, "MlvFabric.IsolationProbe.dll");
        Assert.True(File.Exists(path), "Isolation probe not built: " + path);
        return path;
    }

    private static Dictionary<string, List<(string Version, string Context)>> ParseAssemblies(string output)
    {
        var result = new Dictionary<string, List<(string, string)>>();
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("ASSEMBLY ", StringComparison.Ordinal)))
        {
            var parts = line.Substring("ASSEMBLY ".Length).Trim().Split('|');
            if (!result.TryGetValue(parts[0], out var list))
            {
                result[parts[0]] = list = new List<(string, string)>();
            }

            list.Add((parts[1], parts[2]));
        }

        return result;
    }
}
