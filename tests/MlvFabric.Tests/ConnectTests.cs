using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
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
        using var ps = PsSession.Connected(_fixture.Emulator);

        var result = ps.Run("Get-MlvContext");
        result.ThrowIfFailed();
        var context = Assert.Single(result.Output);
        Assert.Equal("AccessToken", context.Properties["AuthMethod"].Value.ToString());
        Assert.StartsWith(_fixture.Emulator.BaseUri.ToString().TrimEnd('/'), context.Properties["Endpoint"].Value.ToString());
        Assert.NotNull(context.Properties["Account"].Value);
        Assert.DoesNotContain(context.Properties, p => p.Name.Contains("Token") && p.Name != "TokenExpiresOn");
    }

    [Fact]
    public void VerboseSaysConnectedOnce()
    {
        using var ps = PsSession.Create();
        var token = _fixture.Emulator.MintToken("user");

        var result = ps.Run(
            "Connect-MlvFabric -Endpoint $MlvTestEndpoint -AccessToken $MlvTestToken -Verbose | Out-Null",
            new System.Collections.Generic.Dictionary<string, object?> { ["MlvTestEndpoint"] = _fixture.Emulator.BaseUri.ToString(), ["MlvTestToken"] = ps.Secure(token) });

        result.ThrowIfFailed();
        Assert.Single(result.Verbose, v => v.Message.StartsWith("Connected to ", StringComparison.Ordinal));
        Assert.Equal(result.Verbose.Count, result.Verbose.Select(v => v.Message).Distinct().Count());
    }

    [Fact]
    public void CmdletsRefuseToRunBeforeConnect()
    {
        using var ps = PsSession.Create();

        var result = ps.Run("Get-MlvWorkspace");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("MlvNotConnected", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-MlvFabric", error.Exception.Message);
    }

    [Fact]
    public void DisconnectClearsTheContext()
    {
        using var ps = PsSession.Connected(_fixture.Emulator);

        var result = ps.Run("Disconnect-MlvFabric; Get-MlvContext");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void RemoveModuleEndsTheRunspacesSessionAndAFreshImportWorks()
    {
        using var ps = PsSession.Connected(_fixture.Emulator);
        using var log = new EmulatorRequestLog(_fixture.Emulator);
        ps.Run("$kept = Get-MlvContext; Get-MlvWorkspace | Out-Null").ThrowIfFailed();

        var removed = ps.Run($"Remove-Module MlvFabric; Import-Module '{ModuleLocator.ManifestPath}' -ErrorAction Stop; Get-MlvContext");
        removed.ThrowIfFailed();
        Assert.Empty(removed.Output); // the fresh import starts signed out

        // The removed session is disposed: a script that kept it gets an error, and nothing reaches the service.
        var mark = log.Mark();
        var reused = ps.Run("Get-MlvWorkspace -Context $kept");
        Assert.IsType<ObjectDisposedException>(Assert.Single(reused.AllErrors).Exception);
        Assert.Empty(reused.Output);
        Assert.Empty(log.Since(mark));

        // And the fresh import works: a new sign-in, a request answered.
        ps.Connect(_fixture.Emulator);
        Assert.Equal(2, ps.Run("Get-MlvWorkspace").Output.Count);
    }

    [Fact]
    public void RemovingTheModuleFromOneRunspaceLeavesAnothersSessionWorking()
    {
        using var first = PsSession.Connected(_fixture.Emulator);
        using var second = PsSession.Connected(_fixture.Emulator);

        first.Run("Remove-Module MlvFabric").ThrowIfFailed();

        Assert.Equal(2, second.Run("Get-MlvWorkspace").Output.Count);
    }

    [Fact]
    public void TwoRunspacesNeverShareAContext()
    {
        using var first = PsSession.Connected(_fixture.Emulator);
        using var second = PsSession.Create();

        Assert.Single(first.Run("Get-MlvContext").Output);
        Assert.Empty(second.Run("Get-MlvContext").Output);
    }

    [Fact]
    public void GetMlvWorkspaceListsTheSeededWorkspaces()
    {
        using var ps = PsSession.Connected(_fixture.Emulator);

        var result = ps.Run("Get-MlvWorkspace -Name S*, Finance");

        result.ThrowIfFailed();
        Assert.Equal(new[] { "Finance", "Sales" }, result.Output.Select(w => w.Properties["DisplayName"].Value.ToString()).OrderBy(n => n));
    }

    [Fact]
    public void GetMlvWorkspaceReportsALiteralNameThatMatchesNothing()
    {
        using var ps = PsSession.Connected(_fixture.Emulator);

        var result = ps.Run("Get-MlvWorkspace -Name Nope, Sal*");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("WorkspaceNotFound", error.FullyQualifiedErrorId);
        Assert.Equal("Nope", error.TargetObject);
        Assert.Single(result.Output);
    }

    [Fact]
    public void APlainStringTokenWorksWithAWarningThatNeverShowsTheToken()
    {
        using var ps = PsSession.Create();
        var token = _fixture.Emulator.MintToken();
        ps.Secure(token); // registers the text for the stream scan

        var result = ps.Run("$null = Connect-MlvFabric -Endpoint $e -AccessToken $t; (Get-MlvWorkspace).Count",
            new Dictionary<string, object?> { ["e"] = _fixture.Emulator.BaseUri.ToString(), ["t"] = token });

        result.ThrowIfFailed();
        Assert.Contains(result.Warnings, w => w.Message.Contains("SecureString"));
        Assert.Equal(2, (int)result.Output.Single().BaseObject); // the seed's Sales and Finance
    }

    [Fact]
    public void AnExpiredAccessTokenIsRefusedWithItsExpiryTime()
    {
        using var ps = PsSession.Create();
        var token = _fixture.Emulator.MintToken("user", -60);

        var result = ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t",
            new Dictionary<string, object?> { ["e"] = _fixture.Emulator.BaseUri.ToString(), ["t"] = ps.Secure(token) });

        var error = ErrorRecordAssert.Single(result, "FabricAuthenticationFailed", ErrorCategory.AuthenticationError);
        Assert.Contains("expired", error.Exception.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"\d{4}-\d{2}-\d{2}", error.Exception.Message);
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("relative/path")]
    public void AnEndpointThatWouldLeakTheTokenIsRefusedBeforeAnyRequest(string endpoint)
    {
        using var ps = PsSession.Create();

        var result = ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken $t",
            new Dictionary<string, object?> { ["e"] = endpoint, ["t"] = ps.Secure(_fixture.Emulator.MintToken()) });

        var error = Assert.Single(result.AllErrors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(ps.Run("Get-MlvContext").Output);
    }

    [Fact]
    public void AnEmptyTokenIsRefused()
    {
        using var ps = PsSession.Create();

        var result = ps.Run("Connect-MlvFabric -Endpoint $e -AccessToken '  '",
            new Dictionary<string, object?> { ["e"] = _fixture.Emulator.BaseUri.ToString() });

        ErrorRecordAssert.Single(result, "AccessTokenInvalid", ErrorCategory.InvalidArgument);
    }
}
