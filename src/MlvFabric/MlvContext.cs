using System;
using MlvFabric.Client;

namespace MlvFabric;

/// <summary>
/// A signed-in Fabric session, as Connect-MlvFabric returns it and Get-MlvContext shows it. It never exposes the
/// token. Safe to share across threads and runspaces (pass it with -Context, e.g. into ForEach-Object -Parallel).
/// </summary>
public sealed class MlvContext : IDisposable
{
    internal MlvContext(FabricSession session)
    {
        Session = session;
        ConnectedAt = DateTimeOffset.UtcNow;
    }

    public string? Account => Session.Account;

    public string? TenantId => Session.TenantId;

    public Uri Endpoint => Session.Endpoint;

    public string AuthMethod => Session.AuthMethod.ToString();

    public string IdentityType => Session.IdentityType.ToString();

    /// <summary>When the current access token expires (UTC); renewed automatically where the sign-in allows it.</summary>
    public DateTimeOffset TokenExpiresOn => Session.TokenExpiresOn;

    public DateTimeOffset ConnectedAt { get; }

    internal FabricSession Session { get; }

    internal FabricClient Client => Session.Client;

    public override string ToString() => $"{Account} @ {Endpoint}";

    public void Dispose() => Session.Dispose();
}
