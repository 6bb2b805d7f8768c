using System;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;

namespace MlvFabric.Client.Auth;

internal static class CredentialFactory
{
    /// <summary>The Azure.Identity credential for the chosen flow (or the static one for an access token).</summary>
    internal static TokenCredential Create(FabricConnectionOptions o)
    {
        var tenant = string.IsNullOrWhiteSpace(o.TenantId) ? null : o.TenantId!.Trim();
        var clientId = string.IsNullOrWhiteSpace(o.ClientId) ? null : o.ClientId!.Trim();
        switch (o.AuthMethod)
        {
            case FabricAuthMethod.InteractiveBrowser:
                {
                    var options = new InteractiveBrowserCredentialOptions { TenantId = tenant };
                    if (clientId != null)
                    {
                        options.ClientId = clientId;
                    }

                    return new InteractiveBrowserCredential(options);
                }
            case FabricAuthMethod.DeviceCode:
                {
                    var callback = o.DeviceCodeCallback;
                    var options = new DeviceCodeCredentialOptions
                    {
                        TenantId = tenant,
                        DeviceCodeCallback = (info, ct) => callback != null ? callback(info.Message, ct) : Task.CompletedTask,
                    };
                    if (clientId != null)
                    {
                        options.ClientId = clientId;
                    }

                    return new DeviceCodeCredential(options);
                }
            case FabricAuthMethod.ManagedIdentity:
                {
                    if (clientId != null && !string.IsNullOrWhiteSpace(o.ResourceId))
                    {
                        throw new ArgumentException("Give either the client id or the resource id of a user-assigned managed identity, not both.");
                    }

                    ManagedIdentityId id;
                    if (clientId != null)
                    {
                        id = ManagedIdentityId.FromUserAssignedClientId(clientId);
                    }
                    else if (!string.IsNullOrWhiteSpace(o.ResourceId))
                    {
                        id = ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(o.ResourceId!.Trim()));
                    }
                    else
                    {
                        id = ManagedIdentityId.SystemAssigned;
                    }

                    return new ManagedIdentityCredential(id);
                }
            case FabricAuthMethod.ClientSecret:
                {
                    RequireTenantAndClient(tenant, clientId, "a client secret");
                    var secret = SecureText.ToPlain(o.ClientSecret);
                    if (string.IsNullOrEmpty(secret))
                    {
                        throw new ArgumentException("A client secret is required for service principal sign-in with a secret.");
                    }

                    return new ClientSecretCredential(tenant, clientId, secret);
                }
            case FabricAuthMethod.ClientCertificate:
                {
                    RequireTenantAndClient(tenant, clientId, "a certificate");
                    var certificate = LoadCertificate(o);
                    return new ClientCertificateCredential(tenant, clientId, certificate);
                }
            case FabricAuthMethod.AccessToken:
                {
                    var token = SecureText.ToPlain(o.AccessToken);
                    if (string.IsNullOrWhiteSpace(token))
                    {
                        throw new ArgumentException("An access token is required for access-token sign-in.");
                    }

                    return StaticTokenCredential.FromToken(token!.Trim(), o.TimeProvider);
                }
            case FabricAuthMethod.AzureCli:
                return new AzureCliCredential(new AzureCliCredentialOptions { TenantId = tenant });
            case FabricAuthMethod.AzurePowerShell:
                return new AzurePowerShellCredential(new AzurePowerShellCredentialOptions { TenantId = tenant });
            default:
                throw new ArgumentOutOfRangeException(nameof(o), o.AuthMethod, "Unknown authentication method.");
        }
    }

    private static void RequireTenantAndClient(string? tenant, string? clientId, string what)
    {
        if (tenant == null)
        {
            throw new ArgumentException($"Service principal sign-in with {what} needs the tenant id.");
        }

        if (clientId == null)
        {
            throw new ArgumentException($"Service principal sign-in with {what} needs the application (client) id.");
        }
    }

    private static X509Certificate2 LoadCertificate(FabricConnectionOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.CertificatePath))
        {
            var path = o.CertificatePath!.Trim();
            if (!System.IO.File.Exists(path))
            {
                throw new ArgumentException($"The certificate file '{path}' does not exist.");
            }

            try
            {
                return o.CertificatePassword != null
                    ? new X509Certificate2(path, o.CertificatePassword)
                    : new X509Certificate2(path);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new ArgumentException($"The certificate file '{path}' could not be read ({ex.Message.TrimEnd('.')}). Check the file and its password.", ex);
            }
        }
        if (!string.IsNullOrWhiteSpace(o.CertificateThumbprint))
        {
            var thumbprint = o.CertificateThumbprint!.Replace(" ", "").Replace(":", "").Trim();
            foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                try
                {
                    using var store = new X509Store(StoreName.My, location);
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
                    foreach (var cert in found)
                    {
                        if (cert.HasPrivateKey)
                        {
                            return cert;
                        }
                    }
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // The store does not exist here (for example LocalMachine\My on Linux): try the next one.
                }
            }
            throw new ArgumentException($"No certificate with thumbprint {thumbprint} and a private key was found in CurrentUser\\My or LocalMachine\\My.");
        }
        throw new ArgumentException("Certificate sign-in needs a certificate thumbprint or a certificate file path.");
    }
}

/// <summary>
/// A credential over one token the caller supplied. It cannot renew: once the token's <c>exp</c> has passed it
/// refuses with a message naming the expiry. The token text is kept only in this object and never printed.
/// </summary>
internal sealed class StaticTokenCredential : TokenCredential
{
    private readonly string _token;
    private readonly TimeProvider _time;

    private StaticTokenCredential(string token, DateTimeOffset expiresOn, TimeProvider time)
    {
        _token = token;
        ExpiresOn = expiresOn;
        _time = time;
    }

    internal DateTimeOffset ExpiresOn { get; }

    internal static StaticTokenCredential FromToken(string token, TimeProvider time)
    {
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token.Substring(7).Trim();
        }

        if (!JwtClaims.TryParse(token, out var claims))
        {
            throw new FabricAuthenticationException("The access token is not a JSON Web Token (three base64url parts separated by dots), so its expiry cannot be read. Pass the token exactly as issued for https://api.fabric.microsoft.com.");
        }

        if (claims.ExpiresOn is not DateTimeOffset exp)
        {
            throw new FabricAuthenticationException("The access token has no 'exp' (expiry) claim. Pass a token issued for https://api.fabric.microsoft.com.");
        }

        return new StaticTokenCredential(token, exp, time);
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() >= ExpiresOn)
        {
            throw Expired(ExpiresOn);
        }

        return new AccessToken(_token, ExpiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

    internal static FabricAuthenticationException Expired(DateTimeOffset expiresOn) =>
        new FabricAuthenticationException(
            $"The access token of this session expired at {ErrorText.Utc(expiresOn)}, and a session started from an access token cannot renew it. " +
            "Connect again with a fresh access token (or use a sign-in method that renews tokens, such as interactive, device code, managed identity or a service principal).",
            null, expiresOn);

    public override string ToString() => $"StaticTokenCredential(expires {ErrorText.Utc(ExpiresOn)})";
}
