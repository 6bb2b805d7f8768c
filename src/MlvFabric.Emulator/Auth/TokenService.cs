using System;
using System.Collections.Concurrent;
using System.Text.Json;
using MlvFabric.Emulator.Http;

namespace MlvFabric.Emulator.Auth;

/// <summary>What to put in a minted token.</summary>
internal sealed class TokenRequest
{
    /// <summary><c>user</c> or <c>servicePrincipal</c> (also <c>app</c>, <c>sp</c>, <c>managedIdentity</c>).</summary>
    public string Kind { get; set; } = "user";
    public int LifetimeSeconds { get; set; } = 3600;
    public string? Oid { get; set; }
    public string? Upn { get; set; }
    public string? AppId { get; set; }
    public string? TenantId { get; set; }
    public string? Audience { get; set; }
}

internal sealed record MintedToken(string AccessToken, DateTime ExpiresOnUtc, string Oid, bool IsApp);

/// <summary>
/// Unsigned JWTs (<c>alg: none</c>): minting for tests and the managed-identity endpoint, and reading the
/// <c>Authorization</c> header. Signatures are not checked (any well-formed token for the Fabric audience is
/// accepted); expiry is checked against real wall-clock UTC, not the emulator clock.
/// </summary>
internal sealed class TokenService
{
    public const string FabricAudience = "https://api.fabric.microsoft.com";

    /// <summary>Audiences accepted on /v1 (the Power BI one is what older tokens for Fabric carry).</summary>
    private static readonly string[] AcceptedAudiences =
    {
        FabricAudience, FabricAudience + "/", "https://analysis.windows.net/powerbi/api",
    };

    public const string DefaultUpn = "emulator.user@contoso.onmicrosoft.com";
    public static readonly string DefaultUserOid = StableIds.Principal("user:" + DefaultUpn).ToString();
    public static readonly string DefaultAppId = StableIds.Principal("app:mlvfabric-emulator-sp").ToString();
    public static readonly string ManagedIdentityAppId = StableIds.Principal("app:system-assigned-managed-identity").ToString();

    private readonly ConcurrentDictionary<string, CallerIdentity> _cache = new(StringComparer.Ordinal);
    private readonly string _tenantId;

    public TokenService(string tenantId) => _tenantId = tenantId;

    public string TenantId => _tenantId;

    public MintedToken Mint(TokenRequest request)
    {
        var kind = (request.Kind ?? "user").Trim().ToLowerInvariant();
        var isApp = kind switch
        {
            "user" => false,
            "serviceprincipal" or "app" or "sp" or "managedidentity" or "mi" => true,
            _ => throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"Token kind '{request.Kind}' is not known: use 'user' or 'servicePrincipal'."),
        };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var exp = now + request.LifetimeSeconds;
        var tid = request.TenantId ?? _tenantId;
        string oid;
        using (var stream = new System.IO.MemoryStream())
        {
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("aud", request.Audience ?? FabricAudience);
                w.WriteString("iss", $"https://sts.windows.net/{tid}/");
                w.WriteNumber("iat", now);
                w.WriteNumber("nbf", Math.Min(now, exp));
                w.WriteNumber("exp", exp);
                w.WriteString("tid", tid);
                if (isApp)
                {
                    var appId = request.AppId ?? (kind is "managedidentity" or "mi" ? ManagedIdentityAppId : DefaultAppId);
                    oid = request.Oid ?? StableIds.Principal("sp:" + appId).ToString();
                    w.WriteString("oid", oid);
                    w.WriteString("appid", appId);
                    w.WriteString("idtyp", "app");
                    w.WriteString("sub", oid);
                }
                else
                {
                    var upn = request.Upn ?? DefaultUpn;
                    oid = request.Oid ?? (request.Upn is null ? DefaultUserOid : StableIds.Principal("user:" + upn).ToString());
                    w.WriteString("oid", oid);
                    w.WriteString("upn", upn);
                    w.WriteString("name", upn.Split('@')[0]);
                    w.WriteString("idtyp", "user");
                    w.WriteString("scp", "Item.Execute.All Item.ReadWrite.All Lakehouse.Execute.All Lakehouse.ReadWrite.All Workspace.Read.All");
                    w.WriteString("sub", oid);
                }
                w.WriteEndObject();
            }
            var header = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8);
            var token = header + "." + Base64Url(stream.ToArray()) + ".";
            return new MintedToken(token, DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime, oid, isApp);
        }
    }

    /// <summary>Reads an <c>Authorization</c> header value; throws the 401 the service would answer.</summary>
    public CallerIdentity Authenticate(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            throw Unauthorized(ErrorCodes.Unauthorized, "The request has no Authorization header: send 'Authorization: Bearer <token>'.");
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthorized(ErrorCodes.Unauthorized, "The Authorization header must use the Bearer scheme.");
        }

        var token = authorization.Substring(7).Trim();
        if (!_cache.TryGetValue(token, out var caller))
        {
            caller = Parse(token);
            if (_cache.Count > 10_000)
            {
                _cache.Clear();
            }

            _cache[token] = caller;
        }
        if (caller.ExpiresUnix <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            throw Unauthorized(ErrorCodes.TokenExpired,
                $"The access token expired at {DateTimeOffset.FromUnixTimeSeconds(caller.ExpiresUnix).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
        }

        if (_revoked.TryGetValue(caller.Oid, out var revokedAt) && caller.IssuedUnix <= revokedAt)
        {
            throw Unauthorized(ErrorCodes.InvalidToken, "The access token has been revoked.");
        }

        return caller;
    }

    /// <summary>
    /// Refuses every token of <paramref name="oid"/> issued until now (a password reset or a revoked session): later
    /// requests with them get 401 <c>InvalidToken</c>. Tokens minted from the next second on are accepted.
    /// </summary>
    public void Revoke(string oid) => _revoked[oid] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.OrdinalIgnoreCase);

    private static CallerIdentity Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw Unauthorized(ErrorCodes.InvalidToken, "The access token is malformed: expected a JWT (header.payload.signature).");
        }

        JsonDocument payload;
        try
        {
            using (JsonDocument.Parse(FromBase64Url(parts[0]))) { }
            payload = JsonDocument.Parse(FromBase64Url(parts[1]));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw Unauthorized(ErrorCodes.InvalidToken, "The access token is malformed: its header or payload is not base64url JSON.");
        }
        using (payload)
        {
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Unauthorized(ErrorCodes.InvalidToken, "The access token payload is not a JSON object.");
            }

            if (!AudienceOk(root))
            {
                throw Unauthorized(ErrorCodes.InvalidToken, $"The access token is not for the audience '{FabricAudience}'.");
            }

            if (!root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number)
            {
                throw Unauthorized(ErrorCodes.InvalidToken, "The access token has no 'exp' claim.");
            }

            var oid = Str(root, "oid");
            if (oid is null || !Guid.TryParse(oid, out _))
            {
                throw Unauthorized(ErrorCodes.InvalidToken, "The access token has no 'oid' claim.");
            }

            if (root.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number
                && nbf.GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300)
            {
                throw Unauthorized(ErrorCodes.InvalidToken, "The access token is not valid yet ('nbf' is in the future).");
            }

            var isApp = string.Equals(Str(root, "idtyp"), "app", StringComparison.OrdinalIgnoreCase)
                        || (Str(root, "upn") is null && Str(root, "appid") is not null && Str(root, "scp") is null);
            var iat = root.TryGetProperty("iat", out var issued) && issued.ValueKind == JsonValueKind.Number ? (long)issued.GetDouble() : 0;
            return new CallerIdentity(oid, Str(root, "tid") ?? "", isApp, Str(root, "upn"), Str(root, "appid"),
                (long)exp.GetDouble(), iat);
        }
    }

    private static bool AudienceOk(JsonElement root)
    {
        if (!root.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            return Array.Exists(AcceptedAudiences, a => string.Equals(a, aud.GetString(), StringComparison.OrdinalIgnoreCase));
        }

        if (aud.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in aud.EnumerateArray())
            {
                if (a.ValueKind == JsonValueKind.String
                    && Array.Exists(AcceptedAudiences, x => string.Equals(x, a.GetString(), StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ApiException Unauthorized(string code, string message) => new(401, code, message);

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return Convert.FromBase64String(s);
    }
}
