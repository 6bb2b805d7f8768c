namespace MlvFabric.Emulator.Auth;

/// <summary>Who made a request, from the token's claims.</summary>
internal sealed record CallerIdentity(string Oid, string TenantId, bool IsApp, string? Upn, string? AppId, long ExpiresUnix, long IssuedUnix = 0)
{
    /// <summary>The schedule owner's <c>type</c>.</summary>
    public string PrincipalType => IsApp ? "ServicePrincipal" : "User";
}
