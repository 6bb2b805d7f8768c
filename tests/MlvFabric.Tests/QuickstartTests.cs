using System.Collections.Generic;
using System.IO;
using MlvFabric.Emulator;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>The README quickstart, exactly as written, against the emulator (it sets IDENTITY_* variables).</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class QuickstartTests
{
    [Fact]
    public async System.Threading.Tasks.Task ReadmeQuickstartRunsAgainstTheEmulator()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { RetryAfterSeconds = 1, ManagedIdentitySecret = "mlvfabric-emulator" });
        using var spec = new SpecConformanceWatch(emulator);
        var script = Quickstart.Extract(File.ReadAllText(Path.Combine(ModuleLocator.RepoRoot, "README.md")), emulator.BaseUri.ToString());
        using var env = new EnvironmentScope(new Dictionary<string, string?> { ["IDENTITY_ENDPOINT"] = null, ["IDENTITY_HEADER"] = null });
        var output = new StringWriter();
        using var ps = PsSession.Create(host: new TextHost(output, 200, plainText: true));

        var result = ps.Run("$ErrorActionPreference = 'Stop'\n& {\n" + script + "\n} | Out-Default");

        result.ThrowIfFailed();
        Assert.Contains("Sales", output.ToString());
        Assert.Contains("Bronze", output.ToString());
        Assert.True(spec.Checked > 5, $"only {spec.Checked} requests were checked");
        spec.AssertConforms();
    }
}
