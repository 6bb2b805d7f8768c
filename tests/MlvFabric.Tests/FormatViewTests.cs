using System.IO;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>Default output goes through the module's format views: readable tables, not property dumps.</summary>
public sealed class FormatViewTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public FormatViewTests(EmulatorFixture fixture) => _fixture = fixture;

    [Fact]
    public void WorkspacesRenderAsATable()
    {
        var text = Render("Get-MlvWorkspace | Out-Default");

        Assert.Matches(@"Name\s+Id\s+Description", text);
        Assert.Contains("Sales", text);
        Assert.DoesNotContain("CapacityId", text);
    }

    [Fact]
    public void ContextRendersAsAListWithoutTheToken()
    {
        var text = Render("Get-MlvContext | Out-Default");

        Assert.Matches(@"Account\s+:", text);
        Assert.Matches(@"TokenExpiresOn\s+:", text);
        Assert.Matches(@"Endpoint\s+:\s+http://127\.0\.0\.1", text);
    }

    private string Render(string script)
    {
        var writer = new StringWriter();
        using var ps = PsSession.Create(host: new TextHost(writer, 200, plainText: true));
        ps.Connect(_fixture.Emulator);
        ps.Run(script).ThrowIfFailed();
        return writer.ToString();
    }
}
