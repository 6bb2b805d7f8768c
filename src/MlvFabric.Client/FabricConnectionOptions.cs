using System;
using System.Net.Http;
using System.Security;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

/// <summary>How a session signs in. Every flow goes through Azure.Identity except <see cref="AccessToken"/>.</summary>
public enum FabricAuthMethod
{
    InteractiveBrowser,
    DeviceCode,
    ManagedIdentity,
    ClientSecret,
    ClientCertificate,
    AccessToken,
    AzureCli,
    AzurePowerShell,
}

/// <summary>The kind of identity a session's token stands for.</summary>
public enum FabricIdentityType
{
    Unknown,
    User,
    ServicePrincipal,
    ManagedIdentity,
}

/// <summary>Everything <see cref="FabricSession.ConnectAsync(FabricConnectionOptions, System.Threading.CancellationToken)"/> needs. Settable POCO; validated at connect.</summary>
public sealed class FabricConnectionOptions
{
    /// <summary>The public cloud's API host.</summary>
    public static readonly Uri DefaultEndpoint = new Uri("https://api.fabric.microsoft.com/");

    /// <summary>The token scope for the Fabric REST API.</summary>
    public const string DefaultScope = "https://api.fabric.microsoft.com/.default";

    /// <summary>Base URL of the service; normalised to the base ending in <c>/v1/</c>. Default: the public cloud.</summary>
    public Uri? Endpoint { get; set; }

    public FabricAuthMethod AuthMethod { get; set; } = FabricAuthMethod.InteractiveBrowser;

    /// <summary>Entra tenant id or domain; passed to every Azure.Identity flow that takes one.</summary>
    public string? TenantId { get; set; }

    /// <summary>Service principal application id, or the client id of a user-assigned managed identity, or the
    /// public client id for interactive/device-code sign-in (Azure.Identity's default when null).</summary>
    public string? ClientId { get; set; }

    /// <summary>Resource id of a user-assigned managed identity (alternative to <see cref="ClientId"/>).</summary>
    public string? ResourceId { get; set; }

    public SecureString? ClientSecret { get; set; }

    /// <summary>Thumbprint of a certificate in CurrentUser\My or LocalMachine\My.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Path of a PFX/PEM file holding the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    public SecureString? CertificatePassword { get; set; }

    /// <summary>A bearer token for the Fabric API (a JWT; its <c>exp</c> claim is the session's expiry).</summary>
    public SecureString? AccessToken { get; set; }

    /// <summary>Receives the device-code message ("To sign in, use a web browser to open …").</summary>
    public Func<string, CancellationToken, Task>? DeviceCodeCallback { get; set; }

    /// <summary>Token scope; the default suits every cloud that serves the Fabric API under its public resource id.</summary>
    public string Scope { get; set; } = DefaultScope;

    /// <summary>Time limit of one HTTP attempt (headers and body). Default 100 s.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Upper bound of the time spent retrying one operation (waits after 429 not included: see <see cref="MaxThrottleWait"/>). Default 5 minutes.</summary>
    public TimeSpan MaxRetryDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a connection that is refused or a host that does not resolve (the request never left) is retried
    /// before the operation fails with an error naming the endpoint. Default 10 s.
    /// </summary>
    public TimeSpan ConnectFailureLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Upper bound of the time one operation waits as the service's 429 answers tell it to (Retry-After): such waits
    /// are the service's schedule, not failures, so they count neither against <see cref="MaxAttempts"/> nor
    /// against <see cref="MaxRetryDuration"/>. Default one hour (a job wait's own timeout ends it earlier).
    /// </summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts per operation, the first included (answers 429 not counted). Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First backoff step when the service gives no Retry-After (doubles per attempt, with jitter). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest backoff step without Retry-After. Default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Environment variable that overrides the default of <see cref="JobStatusReadsPerWindow"/>.</summary>
    public const string JobStatusReadsVariable = "MLVFABRIC_JOB_STATUS_READS_PER_MINUTE";

    /// <summary>Environment variable that overrides the default of <see cref="JobSubmissionsPerWindow"/>.</summary>
    public const string JobSubmissionsVariable = "MLVFABRIC_JOB_SUBMISSIONS_PER_MINUTE";

    /// <summary>
    /// Job-status reads per <see cref="JobRateWindow"/> that this client stays under (the scheduler's per-user
    /// limit, which counts instance reads and job-list pages alike): job waits, job lists (one per page) and the
    /// look-ups of job-start reconciliation share it. A burst up to the limit goes at once; only once it is used
    /// up are further reads paced. Default 50, or the whole number in the environment variable
    /// <c>MLVFABRIC_JOB_STATUS_READS_PER_MINUTE</c> when set. 0 = no pacing by the client (for a service or
    /// emulator without the limit, such as streaming benchmarks); the service's 429s are still honoured.
    /// </summary>
    public int JobStatusReadsPerWindow { get; set; } = DefaultFromEnvironment(JobStatusReadsVariable, 50);

    /// <summary>Job submissions per <see cref="JobRateWindow"/> that refresh starts stay under. Default 50, or the
    /// environment variable <c>MLVFABRIC_JOB_SUBMISSIONS_PER_MINUTE</c>; 0 = no pacing by the client.</summary>
    public int JobSubmissionsPerWindow { get; set; } = DefaultFromEnvironment(JobSubmissionsVariable, 50);

    /// <summary>The window of the job scheduler's limits. Default one minute.</summary>
    public TimeSpan JobRateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a job-start or create that may have reached the service is looked for in the lists
    /// before the client concludes it never arrived. Default 5 s.</summary>
    public TimeSpan ReconcileWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Replaces the default HTTP handler (tests). The session does not dispose it.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// The session's clock: every wait, timeout, pacing window, retry budget and expiry check of the session reads it
    /// (tests set a fake one). Default: the system clock.
    /// </summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The base URL every request is built on: absolute, https (http only for loopback hosts), path ending in
    /// <c>/v1/</c>. <c>https://api.fabric.microsoft.com</c> → <c>https://api.fabric.microsoft.com/v1/</c>.
    /// </summary>
    public static Uri NormalizeEndpoint(Uri? endpoint)
    {
        var uri = endpoint ?? DefaultEndpoint;
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The endpoint '{uri}' is not an absolute URL (for example https://api.fabric.microsoft.com).", nameof(endpoint));
        }

        var isHttps = string.Equals(uri.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        var isHttp = string.Equals(uri.Scheme, "http", StringComparison.OrdinalIgnoreCase);
        if (!isHttps && !(isHttp && uri.IsLoopback))
        {
            throw new ArgumentException(
                $"The endpoint '{uri.GetLeftPart(UriPartial.Authority)}' must use https (plain http is allowed only for loopback addresses such as 127.0.0.1), so that the bearer token is never sent in clear text.",
                nameof(endpoint));
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException($"The endpoint must not carry a query or fragment.", nameof(endpoint));
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            path += "/v1";
        }

        var builder = new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" };
        return builder.Uri;
    }

    /// <summary>A whole number of 0 or more from the environment variable <paramref name="name"/>; else <paramref name="fallback"/>.</summary>
    private static int DefaultFromEnvironment(string name, int fallback)
    {
        string? text;
        try
        {
            text = Environment.GetEnvironmentVariable(name);
        }
        catch (System.Security.SecurityException)
        {
            return fallback;
        }
        return int.TryParse(text?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
    }

    /// <summary>A copy (the secure strings are shared, not copied).</summary>
    public FabricConnectionOptions Clone() => (FabricConnectionOptions)MemberwiseClone();

    public override string ToString() =>
        $"FabricConnectionOptions(Endpoint={Endpoint?.GetLeftPart(UriPartial.Path) ?? DefaultEndpoint.ToString()}, AuthMethod={AuthMethod}, TenantId={TenantId})";
}
