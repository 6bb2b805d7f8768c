using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Emulator.Tests;

/// <summary>Bearer tokens, app-token refusal and the managed-identity endpoint.</summary>
public sealed class AuthTests : EmulatorTest
{
    public AuthTests(EmulatorFixture fixture) : base(fixture) { }

    private static string Jwt(object payload)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"none","typ":"JWT"}""") + "." + B64(JsonSerializer.Serialize(payload)) + ".";
    }

    [Theory]
    [InlineData(null, "Unauthorized")]
    [InlineData("Basic dXNlcjpwYXNz", "Unauthorized")]
    [InlineData("Bearer not-a-jwt", "InvalidToken")]
    [InlineData("Bearer a.b.c", "InvalidToken")]
    public async Task MissingOrMalformedTokensAre401(string? authorization, string errorCode)
    {
        Api.Token = null;
        var reply = await Api.Send(HttpMethod.Get, $"v1/workspaces/{Sales}", authorization: authorization);
        reply.AssertError(401, errorCode);
        Assert.StartsWith("Bearer", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task ExpiredTokensAreTokenExpiredByWallClockNotEmulatorClock()
    {
        Api.Token = Server.MintToken(lifetimeSeconds: -60);
        (await Api.Get("v1/workspaces")).AssertError(401, "TokenExpired");
        // Moving the emulator clock back does not revive it, and moving it forward does not expire a good one.
        await Api.SetClock("2020-01-01T00:00:00Z");
        (await Api.Get("v1/workspaces")).AssertError(401, "TokenExpired");
        Api.Token = Server.MintToken();
        await Api.AdvanceMinutes(60 * 24 * 365);
        (await Api.Get("v1/workspaces")).AssertStatus(200);
    }

    [Fact]
    public async Task TokensForAnotherAudienceOrWithoutOidAreInvalidToken()
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Api.Token = Jwt(new { aud = "https://graph.microsoft.com", exp, oid = Guid.NewGuid() });
        (await Api.Get("v1/workspaces")).AssertError(401, "InvalidToken");
        Api.Token = Jwt(new { aud = "https://api.fabric.microsoft.com", exp });
        (await Api.Get("v1/workspaces")).AssertError(401, "InvalidToken");
        Api.Token = Jwt(new { aud = "https://api.fabric.microsoft.com", exp, oid = Guid.NewGuid(), upn = "x@y.z" });
        (await Api.Get("v1/workspaces")).AssertStatus(200);
    }

    [Fact]
    public async Task MintedTokensCarryTheDocumentedClaims()
    {
        var before = DateTime.UtcNow;
        var reply = (await Api.Control(HttpMethod.Post, "tokens", new { kind = "servicePrincipal", lifetimeSeconds = 600 })).AssertStatus(200).Json;
        var after = DateTime.UtcNow;
        var token = reply.GetProperty("accessToken").GetString()!;
        // Ten minutes from when it was minted (in whole seconds), while the request ran.
        Assert.InRange(DateTime.Parse(reply.GetProperty("expiresOn").GetString()!).ToUniversalTime(), before.AddSeconds(599), after.AddSeconds(600));
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("", parts[2]);
        static JsonElement Decode(string s) => JsonDocument.Parse(Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + (4 - s.Length % 4) % 4, '='))).RootElement;
        Assert.Equal("none", Decode(parts[0]).GetProperty("alg").GetString());
        var claims = Decode(parts[1]);
        foreach (var claim in new[] { "aud", "exp", "iat", "nbf", "oid", "tid", "appid", "idtyp" })
        {
            Assert.True(claims.TryGetProperty(claim, out _), claim);
        }

        Assert.Equal("app", claims.GetProperty("idtyp").GetString());
        Assert.Equal("https://api.fabric.microsoft.com", claims.GetProperty("aud").GetString());
        var user = Decode(Server.MintToken().Split('.')[1]);
        Assert.Equal("user", user.GetProperty("idtyp").GetString());
        Assert.True(user.TryGetProperty("upn", out _));
        Assert.Equal(Server.TenantId, user.GetProperty("tid").GetString());
    }

    [Fact]
    public async Task AppTokensWorkByDefaultAndOwnSchedulesAsServicePrincipal()
    {
        Api.Token = Server.MintToken("servicePrincipal");
        var s = (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/schedules", Bodies.Cron())).AssertStatus(201).Json;
        Assert.Equal("ServicePrincipal", s.GetProperty("owner").GetProperty("type").GetString());
        await Api.RunAsync(Sales, Gold);
    }

    [Fact]
    public async Task AppTokensCanBeRefusedOnMLVJobCalls()
    {
        await Api.Settings(new { refuseAppTokensOnMlvJobs = true });
        Api.Token = Server.MintToken("servicePrincipal");
        var e = (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertError(403, "PrincipalTypeNotSupported");
        Assert.Contains("user", e.GetProperty("message").GetString());
        (await Api.Get($"{It(Sales, Gold)}/jobs/{Mlv}/schedules")).AssertError(403, "PrincipalTypeNotSupported");
        (await Api.Get($"{It(Sales, Gold)}/jobs/instances")).AssertError(403, "PrincipalTypeNotSupported");
        // Lookups are not job calls.
        (await Api.Get($"v1/workspaces/{Sales}/lakehouses")).AssertStatus(200);
        Api.Token = Server.MintToken();
        (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/instances")).AssertStatus(202);
    }

    [Fact]
    public async Task ManagedIdentityEndpointBehavesLikeAppService()
    {
        using var http = new HttpClient();
        var url = $"{Server.ManagedIdentityEndpoint}?api-version=2019-08-01&resource={Uri.EscapeDataString("https://api.fabric.microsoft.com")}";

        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Add("X-IDENTITY-HEADER", Server.ManagedIdentityHeaderSecret);
            var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var response = await http.SendAsync(request);
            var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
            Assert.Equal("https://api.fabric.microsoft.com", body.GetProperty("resource").GetString());
            var expiresOn = long.Parse(body.GetProperty("expires_on").GetString()!);
            Assert.InRange(expiresOn, before + 3600, after + 3600); // an hour from when it was issued
            Api.Token = body.GetProperty("access_token").GetString();
            var s = (await Api.Post($"{It(Sales, Gold)}/jobs/{Mlv}/schedules", Bodies.Cron())).AssertStatus(201).Json;
            Assert.Equal("ServicePrincipal", s.GetProperty("owner").GetProperty("type").GetString());
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, url + "&client_id=11111111-2222-3333-4444-555555555555"))
        {
            request.Headers.Add("X-IDENTITY-HEADER", Server.ManagedIdentityHeaderSecret);
            var body = JsonDocument.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("11111111-2222-3333-4444-555555555555", body.GetProperty("client_id").GetString());
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Add("X-IDENTITY-HEADER", "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(url)).StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"{Server.ManagedIdentityEndpoint}?api-version=2019-08-01"))
        {
            request.Headers.Add("X-IDENTITY-HEADER", Server.ManagedIdentityHeaderSecret);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task ControlEndpointsNeedNoToken()
    {
        Api.Token = null;
        (await Api.Control(HttpMethod.Get, "clock")).AssertStatus(200);
        (await Api.Control(HttpMethod.Get, "nope")).AssertError(404, "EntityNotFound");
    }
}
