using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace MlvFabric.Client.Auth;

/// <summary>
/// The few claims the session shows, read from a JWT's payload with a base64url + JSON decode. No signature
/// check (the service does that); no JWT library (see binary-module-craft §9.3). Never echoes the token.
/// </summary>
internal sealed class JwtClaims
{
    private readonly Dictionary<string, string> _strings = new Dictionary<string, string>(StringComparer.Ordinal);

    private JwtClaims() { }

    internal DateTimeOffset? ExpiresOn { get; private set; }
    internal DateTimeOffset? IssuedAt { get; private set; }
    internal bool HasScp => _strings.ContainsKey("scp");

    internal string? this[string name] => _strings.TryGetValue(name, out var v) ? v : null;

    internal static bool TryParse(string? token, out JwtClaims claims)
    {
        claims = new JwtClaims();
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var parts = token!.Split('.');
        if (parts.Length < 2)
        {
            return false;
        }

        byte[] payload;
        try
        {
            payload = Base64UrlDecode(parts[1]);
        }
        catch (FormatException)
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        claims._strings[p.Name] = p.Value.GetString() ?? "";
                        break;
                    case JsonValueKind.Number:
                        claims._strings[p.Name] = p.Value.GetRawText();
                        if (p.Value.TryGetDouble(out var number))
                        {
                            if (p.Name == "exp")
                            {
                                claims.ExpiresOn = FromUnix(number);
                            }
                            else if (p.Name == "iat")
                            {
                                claims.IssuedAt = FromUnix(number);
                            }
                        }
                        break;
                }
            }
            // Some issuers write exp as a string.
            if (claims.ExpiresOn == null && claims._strings.TryGetValue("exp", out var expText) &&
                double.TryParse(expText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var exp))
            {
                claims.ExpiresOn = FromUnix(exp);
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static DateTimeOffset? FromUnix(double seconds)
    {
        if (double.IsNaN(seconds) || seconds < 0 || seconds > 253402300799)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
    }

    internal static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4)
        {
            case 2: s += "=="; break;
            case 3: s += "="; break;
            case 1: throw new FormatException("Invalid base64url length.");
        }
        return Convert.FromBase64String(s);
    }

    /// <summary>The account to show: user principal name, else app id, else object id.</summary>
    internal string? Account =>
        this["upn"] ?? this["unique_name"] ?? this["preferred_username"] ?? this["email"] ?? this["appid"] ?? this["azp"] ?? this["oid"] ?? this["sub"];

    internal FabricIdentityType IdentityType
    {
        get
        {
            var idtyp = this["idtyp"];
            if (string.Equals(idtyp, "user", StringComparison.OrdinalIgnoreCase))
            {
                return FabricIdentityType.User;
            }

            if (string.Equals(idtyp, "app", StringComparison.OrdinalIgnoreCase))
            {
                return this["xms_mirid"] != null ? FabricIdentityType.ManagedIdentity : FabricIdentityType.ServicePrincipal;
            }

            if (HasScp || this["upn"] != null || this["unique_name"] != null)
            {
                return FabricIdentityType.User;
            }

            if (this["xms_mirid"] != null)
            {
                return FabricIdentityType.ManagedIdentity;
            }

            if (this["appid"] != null || this["azp"] != null || this["roles"] != null)
            {
                return FabricIdentityType.ServicePrincipal;
            }

            return FabricIdentityType.Unknown;
        }
    }

    public override string ToString() => "JwtClaims";
}

internal static class SecureText
{
    /// <summary>The plain text of a SecureString (the credential types need it); freed from unmanaged memory at once.</summary>
    internal static string? ToPlain(System.Security.SecureString? secure)
    {
        if (secure == null)
        {
            return null;
        }

        var ptr = IntPtr.Zero;
        try
        {
            ptr = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(secure);
            return System.Runtime.InteropServices.Marshal.PtrToStringUni(ptr) ?? "";
        }
        finally
        {
            if (ptr != IntPtr.Zero)
            {
                System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
