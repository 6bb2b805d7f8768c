using System.Linq;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

public sealed class ConnectTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public ConnectTests(EmulatorFixture fixture) => _fixture = fixture;

    [Fact]
    public void AccessTokenConnectsAndGetMlvContextShowsTheSessionWithoutTheToken()
    {
        using PsSession ps = PsSession.Connected(_fixture.Emulator);

        PsResult result = ps.Run("Get-MlvContext");
        result.ThrowIfFailed();
        var context = Assert.Single(result.Output);
        Assert.Equal("AccessToken", context.Properties["AuthMethod"].Value.ToString());
        Assert.StartsWith(_fixture.Emulator.BaseUri.ToString().TrimEnd('/'), context.Properties["Endpoint"].Value.ToString());
        Assert.NotNull(context.Properties["Account"].Value);
        Assert.DoesNotContain(context.Properties, p => p.Name.Contains("Token") && p.Name != "TokenExpiresOn");
    }

    [Fact]
    public void CmdletsRefuseToRunBeforeConnect()
    {
        using PsSession ps = PsSession.Create();

        PsResult result = ps.Run("Get-MlvWorkspace");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("MlvNotConnected", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-MlvFabric", error.Exception.Message);
    }

    [Fact]
    public void DisconnectClearsTheContext()
    {
        using PsSession ps = PsSession.Connected(_fixture.Emulator);

        PsResult result = ps.Run("Disconnect-MlvFabric; Get-MlvContext");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void TwoRunspacesNeverShareAContext()
    {
        using PsSession first = PsSession.Connected(_fixture.Emulator);
        using PsSession second = PsSession.Create();

        Assert.Single(first.Run("Get-MlvContext").Output);
        Assert.Empty(second.Run("Get-MlvContext").Output);
    }

    [Fact]
    public void GetMlvWorkspaceListsTheSeededWorkspaces()
    {
        using PsSession ps = PsSession.Connected(_fixture.Emulator);

        PsResult result = ps.Run("Get-MlvWorkspace -Name S*, Finance");

        result.ThrowIfFailed();
        Assert.Equal(new[] { "Finance", "Sales" }, result.Output.Select(w => w.Properties["DisplayName"].Value.ToString()).OrderBy(n => n));
    }

    [Fact]
    public void GetMlvWorkspaceReportsALiteralNameThatMatchesNothing()
    {
        using PsSession ps = PsSession.Connected(_fixture.Emulator);

        PsResult result = ps.Run("Get-MlvWorkspace -Name Nope, Sal*");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("WorkspaceNotFound", error.FullyQualifiedErrorId);
        Assert.Equal("Nope", error.TargetObject);
        Assert.Single(result.Output);
    }
}
