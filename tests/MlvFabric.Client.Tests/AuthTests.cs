using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using MlvFabric.Client.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Client.Tests;

/// <summary>Sign-in flows, claims, token renewal and expiry.</summary>
public sealed class AuthTests : EmulatorTest
{
    public AuthTests(EmulatorFixture f) : base(f) { }

    /// <summary>Mints emulator tokens on demand; optionally lies about the expiry of the first one.</summary>
    private sealed class MintingCredential : TokenCredential
    {
        private readonly EmulatorFixture _f;
        private readonly int _lifetimeSeconds;
        private readonly TimeProvider? _clock;
        private readonly string _oid = Guid.NewGuid().ToString();
        public int Calls;
        public bool FirstAlreadyExpired;

        /// <param name="f"></param>
        /// <param name="lifetimeSeconds"></param>
        /// <param name="clock">When given, the tokens' expiry is on this clock (the emulator accepts them for an hour).</param>
        public MintingCredential(EmulatorFixture f, int lifetimeSeconds, TimeProvider? clock = null)
        {
            _f = f;
            _lifetimeSeconds = lifetimeSeconds;
            _clock = clock;
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref Calls);
            if (call == 1 && FirstAlreadyExpired)
            {
                // A token the service will refuse (its exp is now), which claims to be good for an hour.
                var dead = _f.UserToken(0, _oid);
                return new AccessToken(dead, DateTimeOffset.UtcNow.AddHours(1));
            }
            Thread.Sleep(50); // make racing callers overlap
            var token = _f.UserToken(_clock == null ? _lifetimeSeconds : 3600, _oid);
            return new AccessToken(token, (_clock?.GetUtcNow() ?? DateTimeOffset.UtcNow).AddSeconds(_lifetimeSeconds));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(Task.Run(() => GetToken(requestContext, cancellationToken)));
    }

    [Fact]
    public async Task AccessTokenSessionReadsClaims()
    {
        using var _ = Logging();
        using var session = await F.ConnectAsync();
        Assert.Equal(FabricAuthMethod.AccessToken, session.AuthMethod);
        Assert.Equal("emulator.user@contoso.onmicrosoft.com", session.Account);
        Assert.Equal(F.Server.TenantId, session.TenantId);
        Assert.Equal(FabricIdentityType.User, session.IdentityType);
        Assert.False(session.CanRenewToken);
        Assert.InRange(session.TokenExpiresOn, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Equal(new Uri(F.Server.BaseUri, "v1/"), session.Endpoint);
        F.AssertNoToken(session.ToString(), "the session's ToString");
        F.AssertNoToken(session.Client.ToString(), "the client's ToString");

        using var app = await F.ConnectAsync(token: F.AppToken());
        Assert.Equal(FabricIdentityType.ServicePrincipal, app.IdentityType);
    }

    [Fact]
    public async Task ExpiredOrMalformedAccessTokensFailAtConnectWithAClearMessage()
    {
        using var _ = Logging();
        var expired = F.UserToken(-60);
        var ex = await ThrowsNoToken<FabricAuthenticationException>(() => FabricSession.ConnectAsync(F.Options(expired)));
        Assert.Contains("expired at", ex.Message);
        Assert.Contains("UTC", ex.Message);
        Assert.Contains("Connect again", ex.Message);
        Assert.NotNull(ex.ExpiredOn);

        var garbage = await ThrowsNoToken<FabricAuthenticationException>(() => FabricSession.ConnectAsync(F.Options("not-a-jwt")));
        Assert.Contains("not a JSON Web Token", garbage.Message);
        Assert.DoesNotContain("not-a-jwt", garbage.Message);
    }

    [Fact]
    public async Task AccessTokenThatExpiresMidSessionSaysWhenAndWhatToDo()
    {
        using var _ = Logging();
        var token = F.UserToken(3600);
        var clock = new TestClock(); // made after the token: its exp is at most an hour after the clock's start
        using var http = new HttpTracker(clock);
        using var session = await ConnectAsync(clock, http, token: token);
        await session.Client.GetWorkspaceAsync(F.Sales);
        clock.Advance(TimeSpan.FromHours(1));
        var ex = await ThrowsNoToken<FabricAuthenticationException>(() => session.Client.GetWorkspaceAsync(F.Sales));
        Assert.Contains("expired at " + session.TokenExpiresOn.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC", ex.Message);
        Assert.Single(http.To("/v1/workspaces/")); // the expired token was not sent
    }

    [Fact]
    public async Task TokensAreRenewedBeforeExpiryOnceForConcurrentCallers()
    {
        using var _ = Logging();
        var clock = new TestClock();
        var credential = new MintingCredential(F, 3, clock);
        using var session = await FabricSession.ConnectAsync(F.Options("unused", o =>
        {
            o.AuthMethod = FabricAuthMethod.ClientSecret;
            o.TimeProvider = clock;
        }), credential, default);
        Assert.Equal(1, credential.Calls);
        var first = session.TokenExpiresOn;
        await session.Client.GetWorkspaceAsync(F.Sales);
        clock.Advance(TimeSpan.FromSeconds(2.6));
        await session.Client.GetWorkspaceAsync(F.Sales);
        Assert.Equal(1, credential.Calls);

        // 10% of a 3-second lifetime before expiry (at 2.7 s), the token is renewed; eight parallel callers share one renewal.
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => session.Client.GetWorkspaceAsync(F.Sales)));
        Assert.Equal(2, credential.Calls);
        Assert.True(session.TokenExpiresOn > first);
        Assert.DoesNotContain(await F.RequestsAsync(), r => r.Status == 401);
    }

    [Fact]
    public async Task A401TriggersOneRenewalAndOneRetry()
    {
        using var _ = Logging();
        var credential = new MintingCredential(F, 3600) { FirstAlreadyExpired = true };
        using var session = await FabricSession.ConnectAsync(F.Options("unused", o => o.AuthMethod = FabricAuthMethod.ClientSecret), credential, default);
        await session.Client.GetWorkspaceAsync(F.Sales);
        Assert.Equal(2, credential.Calls);
        var requests = (await F.RequestsAsync()).Where(r => r.Path.StartsWith("/v1/workspaces/")).ToList();
        Assert.Equal(new[] { 401, 200 }, requests.Select(r => r.Status));
        Assert.Contains(Sink.VerboseLines, l => l.Contains("renewing the token and retrying once"));
    }

    [Fact]
    public async Task ASecond401IsAnErrorNotALoop()
    {
        using var _ = Logging();
        var credential = new AlwaysDeadCredential(F);
        using var session = await FabricSession.ConnectAsync(F.Options("unused", o => o.AuthMethod = FabricAuthMethod.ClientSecret), credential, default);
        var ex = await ThrowsNoToken<FabricAuthenticationException>(() => session.Client.GetWorkspaceAsync(F.Sales));
        Assert.Contains("HTTP 401 TokenExpired", ex.Message);
        Assert.Contains("also after it was renewed", ex.Message);
        Assert.Contains("Connect-MlvFabric", ex.Message);
        Assert.Equal(2, (await F.RequestsAsync()).Count(r => r.Status == 401));
    }

    private sealed class AlwaysDeadCredential : TokenCredential
    {
        private readonly EmulatorFixture _f;
        public AlwaysDeadCredential(EmulatorFixture f) => _f = f;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new AccessToken(_f.UserToken(0), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>Flows that read the process environment (managed identity, Azure CLI): never in parallel with each other.</summary>
[Collection("Environment")]
public sealed class EnvironmentAuthTests : EmulatorTest
{
    public EnvironmentAuthTests(EmulatorFixture f) : base(f) { }

    [Fact]
    public async Task ManagedIdentityThroughTheRealAzureIdentityPath()
    {
        using var _ = Logging();
        var previousEndpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        var previousHeader = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", F.Server.ManagedIdentityEndpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", F.Server.ManagedIdentityHeaderSecret);
        try
        {
            using var system = await FabricSession.ConnectAsync(new FabricConnectionOptions
            {
                Endpoint = F.Server.BaseUri,
                AuthMethod = FabricAuthMethod.ManagedIdentity,
            });
            Assert.Equal(FabricIdentityType.ManagedIdentity, system.IdentityType);
            Assert.Equal(F.Server.TenantId, system.TenantId);
            Assert.True(system.CanRenewToken);
            Assert.NotEmpty(await system.Client.ListWorkspacesAsync().ToListAsync());

            var clientId = Guid.NewGuid().ToString();
            using var user = await FabricSession.ConnectAsync(new FabricConnectionOptions
            {
                Endpoint = F.Server.BaseUri,
                AuthMethod = FabricAuthMethod.ManagedIdentity,
                ClientId = clientId,
            });
            Assert.Equal(clientId, user.Account);
            Assert.Equal(FabricIdentityType.ManagedIdentity, user.IdentityType);
            await user.Client.GetWorkspaceAsync(F.Sales);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", previousEndpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", previousHeader);
        }
    }

    [Fact]
    public async Task ManagedIdentityWithAWrongSecretFailsAtConnect()
    {
        using var _ = Logging();
        var previousEndpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        var previousHeader = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", F.Server.ManagedIdentityEndpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "wrong-secret");
        try
        {
            var ex = await ThrowsNoToken<FabricAuthenticationException>(() => FabricSession.ConnectAsync(new FabricConnectionOptions
            {
                Endpoint = F.Server.BaseUri,
                AuthMethod = FabricAuthMethod.ManagedIdentity,
                ClientId = Guid.NewGuid().ToString(),
            }));
            Assert.Contains("managed identity", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", previousEndpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", previousHeader);
        }
    }

    [Fact]
    public async Task AzureCLISignInThroughAStandInAzOnPATH()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in is a POSIX shell script
        }

        using var _ = Logging();
        var token = F.UserToken();
        var dir = Directory.CreateTempSubdirectory("mlvfabric-az-").FullName;
        var argsFile = Path.Combine(dir, "args.txt");
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1);
        var json = "{\"accessToken\":\"" + token + "\",\"expiresOn\":\"" + expiresOn.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff") +
                   "\",\"expires_on\":" + expiresOn.ToUnixTimeSeconds() + ",\"subscription\":\"" + Guid.NewGuid() + "\",\"tenant\":\"" + F.Server.TenantId +
                   "\",\"tokenType\":\"Bearer\"}";
        var script = Path.Combine(dir, "az");
        File.WriteAllText(script, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argsFile + "'\ncat <<'EOF'\n" + json + "\nEOF\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var previousPath = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", dir + Path.PathSeparator + previousPath);
        try
        {
            using var session = await FabricSession.ConnectAsync(new FabricConnectionOptions
            {
                Endpoint = F.Server.BaseUri,
                AuthMethod = FabricAuthMethod.AzureCli,
                TenantId = F.Server.TenantId,
            });
            Assert.Equal("emulator.user@contoso.onmicrosoft.com", session.Account);
            Assert.Equal(FabricIdentityType.User, session.IdentityType);
            Assert.InRange(session.TokenExpiresOn, expiresOn.AddSeconds(-2), expiresOn.AddSeconds(2));
            Assert.NotEmpty(await session.Client.ListLakehousesAsync(F.Sales).ToListAsync());

            // Exactly the command line Azure.Identity 1.17.1 runs through /bin/sh.
            var args = File.ReadAllLines(argsFile);
            Assert.Equal($"account get-access-token --output json --resource https://api.fabric.microsoft.com --tenant {F.Server.TenantId}", args[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", previousPath);
            Directory.Delete(dir, true);
        }
    }
}
