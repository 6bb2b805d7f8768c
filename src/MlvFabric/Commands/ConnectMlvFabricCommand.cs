using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Signs in to Microsoft Fabric and makes the session current for this runspace. It has no session to resolve (it makes
/// one), so it is no <see cref="MlvCmdlet"/>: it runs its sign-in on the same <see cref="AsyncBridge"/> directly.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "MlvFabric", DefaultParameterSetName = InteractiveSet)]
[OutputType(typeof(MlvContext))]
public sealed class ConnectMlvFabricCommand : PSCmdlet, IDisposable
{
    private const string InteractiveSet = "Interactive";
    private const string DeviceCodeSet = "DeviceCode";
    private const string IdentitySet = "ManagedIdentity";
    private const string SecretSet = "ServicePrincipalSecret";
    private const string ThumbprintSet = "ServicePrincipalCertificateThumbprint";
    private const string CertificateFileSet = "ServicePrincipalCertificateFile";
    private const string AccessTokenSet = "AccessToken";
    private const string AzureCliSet = "AzureCli";
    private const string AzPowerShellSet = "AzPowerShell";

    [Parameter(ParameterSetName = DeviceCodeSet, Mandatory = true)]
    public SwitchParameter UseDeviceCode { get; set; }

    [Parameter(ParameterSetName = IdentitySet, Mandatory = true)]
    [Alias("ManagedIdentity")]
    public SwitchParameter Identity { get; set; }

    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>Service principal: user name = application (client) id, password = client secret.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Application id of a service principal, or client id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Alias("ApplicationId", "AppId")]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>Resource id of a user-assigned managed identity.</summary>
    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceId { get; set; }

    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificateFileSet)]
    public SecureString? CertificatePassword { get; set; }

    /// <summary>A Fabric access token: a SecureString, or (with a warning) a plain string.</summary>
    [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true)]
    [ValidateNotNull]
    public object? AccessToken { get; set; }

    [Parameter(ParameterSetName = AzureCliSet, Mandatory = true)]
    public SwitchParameter UseAzureCli { get; set; }

    [Parameter(ParameterSetName = AzPowerShellSet, Mandatory = true)]
    public SwitchParameter UseAzPowerShell { get; set; }

    /// <summary>Directory (tenant) id or domain.</summary>
    [Parameter(ParameterSetName = SecretSet, Mandatory = true)]
    [Parameter(ParameterSetName = ThumbprintSet, Mandatory = true)]
    [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = AzureCliSet)]
    [Parameter(ParameterSetName = AzPowerShellSet)]
    [Alias("Tenant")]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Base URL of the Fabric API: public cloud by default; another cloud or the local emulator by URL.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Endpoint { get; set; }

    private readonly AsyncBridge _bridge;
    private FabricConnectionOptions? _options;
    private AsyncPipeline? _pipeline;

    public ConnectMlvFabricCommand()
    {
        _bridge = new AsyncBridge(this);
    }

    // Parameters are checked on the pipeline thread, before any sign-in starts.
    protected override void ProcessRecord()
    {
        _options = BuildOptions();
        _bridge.Run(ConnectAsync);
    }

    protected override void StopProcessing() => _bridge.Stop();

    public void Dispose() => _bridge.Dispose();

    private async Task ConnectAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        _pipeline = pipeline;
        FabricSession session;
        try
        {
            session = await FabricSession.ConnectAsync(_options!, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new MlvTerminatingException(MlvErrors.InvalidArgument("ConnectionOptionInvalid", ex.Message, Endpoint));
        }

        var context = new MlvContext(session);
        await pipeline.Invoke(() =>
        {
            var previous = MlvContextStore.Current;
            MlvContextStore.Current = context;
            previous?.Dispose();
            return true;
        }).ConfigureAwait(false);

        // The client's session already said "Connected to ... as ...; token valid until ..." (verbose): not twice.
        pipeline.WriteObject(context);
    }

    private FabricConnectionOptions BuildOptions()
    {
        var options = new FabricConnectionOptions
        {
            TenantId = TenantId,
            ClientId = ClientId,
            ResourceId = ResourceId,
            DeviceCodeCallback = (message, _) =>
            {
                _pipeline?.WriteWarning(message);
                return Task.CompletedTask;
            },
        };
        if (Endpoint is not null)
        {
            options.Endpoint = Endpoint;
        }

        switch (ParameterSetName)
        {
            case DeviceCodeSet:
                options.AuthMethod = FabricAuthMethod.DeviceCode;
                break;
            case IdentitySet:
                if (ClientId is not null && ResourceId is not null)
                {
                    ThrowTerminatingError(MlvErrors.InvalidArgument(
                        "IdentityClientIdAndResourceId",
                        "Specify either -ClientId or -ResourceId for a user-assigned managed identity, not both. Omit both for the system-assigned identity.",
                        ResourceId));
                }

                options.AuthMethod = FabricAuthMethod.ManagedIdentity;
                break;
            case SecretSet:
                options.AuthMethod = FabricAuthMethod.ClientSecret;
                options.ClientId = Credential!.UserName;
                options.ClientSecret = Credential.Password;
                break;
            case ThumbprintSet:
                options.AuthMethod = FabricAuthMethod.ClientCertificate;
                options.CertificateThumbprint = CertificateThumbprint;
                break;
            case CertificateFileSet:
                options.AuthMethod = FabricAuthMethod.ClientCertificate;
                options.CertificatePath = GetUnresolvedProviderPathFromPSPath(CertificatePath);
                options.CertificatePassword = CertificatePassword;
                break;
            case AccessTokenSet:
                options.AuthMethod = FabricAuthMethod.AccessToken;
                options.AccessToken = ReadAccessToken();
                break;
            case AzureCliSet:
                options.AuthMethod = FabricAuthMethod.AzureCli;
                break;
            case AzPowerShellSet:
                options.AuthMethod = FabricAuthMethod.AzurePowerShell;
                break;
            default:
                options.AuthMethod = HasDesktop() ? FabricAuthMethod.InteractiveBrowser : FabricAuthMethod.DeviceCode;
                if (options.AuthMethod == FabricAuthMethod.DeviceCode)
                {
                    WriteVerbose("No desktop session found for a browser sign-in: using the device code flow.");
                }

                break;
        }

        return options;
    }

    private SecureString ReadAccessToken()
    {
        var value = AccessToken is PSObject wrapped ? wrapped.BaseObject : AccessToken!;
        switch (value)
        {
            case SecureString secure when secure.Length > 0:
                return secure;
            case string text when !string.IsNullOrWhiteSpace(text):
                WriteWarning("-AccessToken was given as a plain string. Pass a SecureString instead (for example the Token of Get-AzAccessToken -AsSecureString) so the token does not linger in memory or history.");
                var secureText = new SecureString();
                foreach (var c in text.Trim())
                {
                    secureText.AppendChar(c);
                }

                secureText.MakeReadOnly();
                return secureText;
            default:
                ThrowTerminatingError(MlvErrors.InvalidArgument(
                    "AccessTokenInvalid",
                    $"-AccessToken must be a non-empty SecureString or string, not {(value is SecureString ? "an empty SecureString" : value.GetType().Name)}.",
                    null));
                return null!;
        }
    }

    private static bool HasDesktop()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Environment.UserInteractive;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return true;
        }

        return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
    }
}
