using System;
using System.Collections.Generic;
using System.IO;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// Sign-in flows through the module with Azure.Identity's real code paths: managed identity (the emulator serves
/// the Azure Automation / App Service endpoint) and Azure CLI reuse (a stand-in az on PATH). These change
/// process environment variables, so they run alone.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SignInTests : IClassFixture<EmulatorFixture>
{
    private readonly EmulatorFixture _fixture;

    public SignInTests(EmulatorFixture fixture) => _fixture = fixture;

    private string Endpoint => _fixture.Emulator.BaseUri.ToString();

    [Fact]
    public void ManagedIdentityConnectsThroughTheAutomationEndpointAndMakesCalls()
    {
        using var env = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["IDENTITY_ENDPOINT"] = _fixture.Emulator.ManagedIdentityEndpoint.ToString(),
            ["IDENTITY_HEADER"] = _fixture.Emulator.ManagedIdentityHeaderSecret,
        });
        using var ps = PsSession.Create();

        var result = ps.Run("$null = Connect-MlvFabric -Identity -Endpoint $e; Get-MlvContext; Get-MlvWorkspace -Name Sales",
            new Dictionary<string, object?> { ["e"] = Endpoint });

        result.ThrowIfFailed();
        Assert.Equal("ManagedIdentity", result.Output[0].Properties["AuthMethod"].Value.ToString());
        Assert.Equal("Sales", result.Output[1].Properties["DisplayName"].Value.ToString());
    }

    [Fact]
    public void ManagedIdentityWithAWrongSecretFailsWithAnAuthenticationError()
    {
        using var env = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["IDENTITY_ENDPOINT"] = _fixture.Emulator.ManagedIdentityEndpoint.ToString(),
            ["IDENTITY_HEADER"] = "not-the-secret",
        });
        using var ps = PsSession.Create();

        var result = ps.Run("Connect-MlvFabric -Identity -Endpoint $e", new Dictionary<string, object?> { ["e"] = Endpoint });

        ErrorRecordAssert.Single(result, "FabricAuthenticationFailed", System.Management.Automation.ErrorCategory.AuthenticationError);
        Assert.Empty(ps.Run("Get-MlvContext").Output);
    }

    [Fact]
    public void AzureCliSignInIsReusedThroughAStandInAz()
    {
        var token = _fixture.Emulator.MintToken();
        var bin = Directory.CreateTempSubdirectory("mlv-az-").FullName;
        try
        {
            var az = Path.Combine(bin, "az");
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var expiresOn = DateTime.Now.AddHours(1).ToString("yyyy-MM-dd HH:mm:ss.ffffff");
            File.WriteAllText(az, "#!/bin/sh\n" +
                "case \"$*\" in *get-access-token*) ;; *) echo \"unexpected: $*\" >&2; exit 1;; esac\n" +
                $"echo '{{\"accessToken\":\"{token}\",\"expiresOn\":\"{expiresOn}\",\"expires_on\":{expires},\"subscription\":\"00000000-0000-0000-0000-000000000000\",\"tenant\":\"{_fixture.Emulator.TenantId}\",\"tokenType\":\"Bearer\"}}'\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            using var env = new EnvironmentScope(new Dictionary<string, string?>
            {
                ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            });
            using var ps = PsSession.Create();
            ps.Secure(token);

            var result = ps.Run("$null = Connect-MlvFabric -UseAzureCli -Endpoint $e; (Get-MlvContext).AuthMethod; (Get-MlvWorkspace).Count",
                new Dictionary<string, object?> { ["e"] = Endpoint });

            result.ThrowIfFailed();
            Assert.Equal("AzureCli", result.Output[0].ToString());
            Assert.Equal(2, (int)result.Output[1].BaseObject); // the seed's Sales and Finance
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }
}
