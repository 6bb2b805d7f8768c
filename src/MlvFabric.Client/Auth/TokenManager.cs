using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;

namespace MlvFabric.Client.Auth;

/// <summary>One acquired token. <see cref="ToString"/> never shows the token.</summary>
internal sealed class SessionToken
{
    internal SessionToken(string value, DateTimeOffset expiresOn, DateTimeOffset renewAt, DateTimeOffset acquiredAt)
    {
        Value = value;
        ExpiresOn = expiresOn;
        RenewAt = renewAt;
        AcquiredAt = acquiredAt;
    }

    internal string Value { get; }
    internal DateTimeOffset ExpiresOn { get; }
    internal DateTimeOffset RenewAt { get; }
    internal DateTimeOffset AcquiredAt { get; }

    public override string ToString() => $"SessionToken(expires {ErrorText.Utc(ExpiresOn)})";
}

/// <summary>
/// Caches the session's token and renews it before it expires: at the credential's own refresh hint when it
/// gives one, else 5 minutes or 10% of the lifetime before expiry, whichever comes later. One renewal at a time
/// (single flight): concurrent callers wait for it and share the result. A 401 from the service asks for a
/// forced renewal of the token that was refused; callers that raced on the same 401 get the one new token.
/// </summary>
internal sealed class TokenManager
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly string[] _scopes;
    private readonly FabricAuthMethod _method;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
    private SessionToken? _current;

    internal TokenManager(TokenCredential credential, string scope, FabricAuthMethod method, TimeProvider time)
    {
        _credential = credential;
        _scopes = new[] { scope };
        _method = method;
        _time = time;
    }

    internal SessionToken? Current => Volatile.Read(ref _current);

    internal bool CanRenew => !(_credential is StaticTokenCredential);

    /// <summary>Renewals done so far (the first acquisition included).</summary>
    internal int Acquisitions;

    internal ValueTask<SessionToken> GetAsync(CancellationToken ct) => GetAsync(null, null, ct);

    /// <param name="rejected">The token the service just refused with 401 (forces a renewal unless another caller already replaced it).</param>
    /// <param name="claims">Claims challenge from a 401's WWW-Authenticate, if any.</param>
    /// <param name="ct"></param>
    internal ValueTask<SessionToken> GetAsync(SessionToken? rejected, string? claims, CancellationToken ct)
    {
        var current = Current;
        if (current != null && IsUsable(current, rejected, _time.GetUtcNow()))
        {
            return new ValueTask<SessionToken>(current);
        }

        return new ValueTask<SessionToken>(RenewAsync(rejected, claims, ct));
    }

    private bool IsUsable(SessionToken current, SessionToken? rejected, DateTimeOffset now)
    {
        if (rejected == null)
        {
            return now < current.RenewAt;
        }
        // A forced renewal is satisfied by any token other than the refused one that has not expired.
        return !ReferenceEquals(current, rejected) && now < current.ExpiresOn;
    }

    private async Task<SessionToken> RenewAsync(SessionToken? rejected, string? claims, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var current = Current;
            if (current != null && IsUsable(current, rejected, now))
            {
                return current;
            }

            if (_credential is StaticTokenCredential fixedToken && now >= fixedToken.ExpiresOn)
            {
                throw StaticTokenCredential.Expired(fixedToken.ExpiresOn);
            }

            AccessToken token;
            try
            {
                var context = new TokenRequestContext(_scopes, claims: string.IsNullOrEmpty(claims) ? null : claims);
                token = await _credential.GetTokenAsync(context, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (FabricAuthenticationException)
            {
                throw;
            }
            catch (Exception ex) when (ex is AuthenticationFailedException || ex is CredentialUnavailableException ||
                                       ex is Azure.RequestFailedException || ex is ArgumentException ||
                                       ex is InvalidOperationException || ex is OperationCanceledException)
            {
                // A proactive renewal that fails while the current token still has time left is not fatal.
                if (rejected == null && current != null && now < current.ExpiresOn - TimeSpan.FromSeconds(30))
                {
                    FabricLog.Warning($"Renewing the {_method} token failed ({Describe(ex)}); the current token stays in use until {ErrorText.Utc(current.ExpiresOn)}.");
                    return current;
                }
                throw new FabricAuthenticationException($"Sign-in with {Describe(_method)} failed: {Describe(ex)}", ex);
            }

            if (string.IsNullOrEmpty(token.Token))
            {
                throw new FabricAuthenticationException($"Sign-in with {Describe(_method)} returned an empty token.");
            }

            var renewAt = ComputeRenewAt(token, now);
            var fresh = new SessionToken(token.Token, token.ExpiresOn, renewAt, now);
            Volatile.Write(ref _current, fresh);
            Interlocked.Increment(ref Acquisitions);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private DateTimeOffset ComputeRenewAt(AccessToken token, DateTimeOffset now)
    {
        if (_credential is StaticTokenCredential)
        {
            return token.ExpiresOn;
        }

        if (token.RefreshOn is DateTimeOffset hint && hint > now && hint < token.ExpiresOn)
        {
            return hint;
        }

        var lifetime = token.ExpiresOn - now;
        if (lifetime <= TimeSpan.Zero)
        {
            return now;
        }

        var margin = TimeSpan.FromTicks(Math.Min(MaxMargin.Ticks, lifetime.Ticks / 10));
        return token.ExpiresOn - margin;
    }

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        var newline = message.IndexOf('\n');
        if (newline > 0)
        {
            message = message.Substring(0, newline);
        }

        return message.Trim();
    }

    internal static string Describe(FabricAuthMethod method) => method switch
    {
        FabricAuthMethod.InteractiveBrowser => "the interactive browser",
        FabricAuthMethod.DeviceCode => "a device code",
        FabricAuthMethod.ManagedIdentity => "the managed identity",
        FabricAuthMethod.ClientSecret => "the service principal's client secret",
        FabricAuthMethod.ClientCertificate => "the service principal's certificate",
        FabricAuthMethod.AccessToken => "the access token",
        FabricAuthMethod.AzureCli => "the Azure CLI sign-in",
        FabricAuthMethod.AzurePowerShell => "the Azure PowerShell sign-in",
        _ => method.ToString(),
    };
}
