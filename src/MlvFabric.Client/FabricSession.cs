using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using MlvFabric.Client.Auth;
using MlvFabric.Client.Http;

namespace MlvFabric.Client;

/// <summary>
/// A signed-in connection to the Fabric API: its identity, its token cache and its <see cref="Client"/>.
/// Thread-safe. <see cref="ToString"/> and every property are safe to print: the token is never exposed.
/// </summary>
public sealed class FabricSession : IDisposable
{
    private readonly TokenManager _tokens;
    private readonly FabricHttp _http;
    private int _disposed;

    private FabricSession(FabricConnectionOptions options, Uri endpoint, TokenManager tokens, FabricHttp http, FabricClient client, JwtClaims? claims)
    {
        Options = options;
        Endpoint = endpoint;
        AuthMethod = options.AuthMethod;
        _tokens = tokens;
        _http = http;
        Client = client;
        Account = claims?.Account ?? (options.AuthMethod == FabricAuthMethod.ManagedIdentity ? options.ClientId ?? options.ResourceId : options.ClientId);
        TenantId = claims?["tid"] ?? options.TenantId;
        ObjectId = claims?["oid"];
        IdentityType = ResolveIdentityType(options.AuthMethod, claims);
        ConnectedAt = options.TimeProvider.GetUtcNow();
    }

    /// <summary>Signs in (acquiring the first token, so bad credentials fail here) and returns the session.</summary>
    public static Task<FabricSession> ConnectAsync(FabricConnectionOptions options, CancellationToken ct = default) =>
        ConnectAsync(options, null, ct);

    /// <summary>As <see cref="ConnectAsync(FabricConnectionOptions, CancellationToken)"/> with a given credential (tests).</summary>
    internal static async Task<FabricSession> ConnectAsync(FabricConnectionOptions options, TokenCredential? credential, CancellationToken ct)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options = options.Clone();
        var endpoint = FabricConnectionOptions.NormalizeEndpoint(options.Endpoint);
        if (options.HttpTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("HttpTimeout must be positive.", nameof(options));
        }

        if (options.MaxAttempts < 1)
        {
            options.MaxAttempts = 1;
        }

        var cred = credential ?? CredentialFactory.Create(options);
        var tokens = new TokenManager(cred, string.IsNullOrWhiteSpace(options.Scope) ? FabricConnectionOptions.DefaultScope : options.Scope, options.AuthMethod,
            options.TimeProvider);
        var first = await tokens.GetAsync(ct).ConfigureAwait(false);
        JwtClaims.TryParse(first.Value, out var parsed);
        var claims = parsed;
        if (claims != null && claims["tid"] == null && claims.Account == null)
        {
            claims = null;
        }

        FabricSession? session = null;
        var http = new FabricHttp(options, endpoint, tokens, () => session?.IdentityType ?? FabricIdentityType.Unknown);
        var key = $"{endpoint.GetLeftPart(UriPartial.Authority)}|{claims?["tid"] ?? options.TenantId}|{claims?["oid"] ?? claims?.Account ?? options.ClientId ?? options.AuthMethod.ToString()}";
        var reads = RateLimiter.GetShared("reads|" + key, options.JobStatusReadsPerWindow, options.JobRateWindow, options.TimeProvider);
        var submissions = RateLimiter.GetShared("submissions|" + key, options.JobSubmissionsPerWindow, options.JobRateWindow, options.TimeProvider);
        var client = new FabricClient(http, reads, submissions);
        session = new FabricSession(options, endpoint, tokens, http, client, claims);
        FabricLog.Verbose($"Connected to {endpoint} as {session.Account ?? "(unknown account)"} ({session.IdentityType}, {options.AuthMethod}); token valid until {ErrorText.Utc(first.ExpiresOn)}.");
        return session;
    }

    private static FabricIdentityType ResolveIdentityType(FabricAuthMethod method, JwtClaims? claims)
    {
        switch (method)
        {
            case FabricAuthMethod.ManagedIdentity:
                return FabricIdentityType.ManagedIdentity;
            case FabricAuthMethod.ClientSecret:
            case FabricAuthMethod.ClientCertificate:
                return FabricIdentityType.ServicePrincipal;
            case FabricAuthMethod.InteractiveBrowser:
            case FabricAuthMethod.DeviceCode:
                return FabricIdentityType.User;
            default:
                return claims?.IdentityType ?? FabricIdentityType.Unknown;
        }
    }

    internal FabricConnectionOptions Options { get; }

    /// <summary>The API base, ending in <c>/v1/</c>.</summary>
    public Uri Endpoint { get; }

    public FabricAuthMethod AuthMethod { get; }

    /// <summary>User principal name, or the app/client id of a service principal or managed identity.</summary>
    public string? Account { get; }

    public string? TenantId { get; }

    /// <summary>Object id of the signed-in principal, when the token says.</summary>
    public string? ObjectId { get; }

    public FabricIdentityType IdentityType { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Expiry of the token in use (moves forward as it is renewed).</summary>
    public DateTimeOffset TokenExpiresOn => _tokens.Current?.ExpiresOn ?? DateTimeOffset.MinValue;

    /// <summary>False for an access-token session: it ends when that token expires.</summary>
    public bool CanRenewToken => _tokens.CanRenew;

    public FabricClient Client { get; }

    internal TokenManager Tokens => _tokens;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _http.Dispose();
        }
    }

    public override string ToString() =>
        $"{Account ?? "(unknown account)"} @ {Endpoint.GetLeftPart(UriPartial.Authority)} ({AuthMethod}, token until {ErrorText.Utc(TokenExpiresOn)})";
}
