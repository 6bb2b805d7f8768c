using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlvFabric.Emulator.Auth;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Routes;

namespace MlvFabric.Emulator;

/// <summary>
/// A running emulator: Kestrel on loopback, the Fabric API under <c>/v1</c> and the control surface under
/// <c>/_emulator</c>. Start one per test class (free port) or from <c>Program</c>.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorContext _emu;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _scheduler;

    private EmulatorServer(WebApplication app, EmulatorContext emu, Uri baseUri)
    {
        _app = app;
        _emu = emu;
        BaseUri = baseUri;
        _scheduler = Task.Run(() => emu.Scheduler.RunAsync(_stop.Token));
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>; the API is under <c>v1/</c>, control under <c>_emulator/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>{BaseUri}v1/</c>: what the module takes as its endpoint.</summary>
    public Uri ApiBaseUri => new(BaseUri, "v1/");

    /// <summary>For <c>IDENTITY_ENDPOINT</c>.</summary>
    public Uri ManagedIdentityEndpoint => new(BaseUri, "_emulator/identity/token");

    /// <summary>For <c>IDENTITY_HEADER</c>.</summary>
    public string ManagedIdentityHeaderSecret => _emu.ManagedIdentitySecret;

    /// <summary>The tenant id in minted tokens.</summary>
    public string TenantId => _emu.Tokens.TenantId;

    /// <summary>The oid of the default user token.</summary>
    public static string DefaultUserOid => TokenService.DefaultUserOid;

    /// <summary>The emulator clock (real UTC plus the control offset).</summary>
    public DateTime UtcNow => _emu.Clock.UtcNow;

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        CheckUrls(options);
        var emu = new EmulatorContext(options);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = Array.Empty<string>(),
        });
        // No console lifetime: an in-process emulator must not hook the host process's signals (Program does that).
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.Logging.ClearProviders();
        if (options.Verbose)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });

        var app = builder.Build();
        app.UseRouting();
        var pipeline = new ApiPipeline(emu);
        app.Use((ctx, next) => pipeline.InvokeAsync(ctx, next));

        var v1 = app.MapGroup("/v1");
        WorkspaceRoutes.Map(v1, emu);
        ScheduleRoutes.Map(v1, emu);
        JobRoutes.Map(v1, emu);
        ExecutionDefinitionRoutes.Map(v1, emu);
        app.MapFallback("/v1/{**path}", (HttpContext ctx) => throw ApiException.NotFound(ErrorCodes.EntityNotFound,
            $"The requested resource was not found: {ctx.Request.Method} {ctx.Request.Path}."));
        ControlRoutes.Map(app.MapGroup("/_emulator"), emu);

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new UriBuilder(address.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost")) { Path = "/" }.Uri;
        return new EmulatorServer(app, emu, uri);
    }

    /// <summary>An unsigned test token (same as <c>POST /_emulator/tokens</c>): <c>user</c> or <c>servicePrincipal</c>.</summary>
    public string MintToken(string kind = "user", int lifetimeSeconds = 3600) =>
        _emu.Tokens.Mint(new TokenRequest { Kind = kind, LifetimeSeconds = lifetimeSeconds }).AccessToken;

    /// <summary>A token for a distinct caller (per-caller throttling, schedule owners).</summary>
    public string MintTokenFor(string oid, string kind = "user", int lifetimeSeconds = 3600) =>
        _emu.Tokens.Mint(new TokenRequest { Kind = kind, LifetimeSeconds = lifetimeSeconds, Oid = oid }).AccessToken;

    /// <summary>Id of a workspace by name; throws when there is none.</summary>
    public Guid WorkspaceId(string workspace) =>
        _emu.State.FindWorkspace(workspace)?.Id ?? throw new ArgumentException($"No workspace '{workspace}'.", nameof(workspace));

    /// <summary>Id of an item (lakehouse or other) by workspace and item name; throws when there is none.</summary>
    public Guid ItemId(string workspace, string item) =>
        _emu.State.FindWorkspace(workspace)?.FindByName(item)?.Id
        ?? throw new ArgumentException($"No item '{item}' in workspace '{workspace}'.", nameof(item));

    /// <summary>Id of a lakehouse by workspace and name.</summary>
    public Guid LakehouseId(string workspace, string lakehouse) => ItemId(workspace, lakehouse);

    /// <summary>Moves the emulator clock forward and fires due schedules before returning.</summary>
    public void AdvanceClock(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "Use SetClock to go back.");
        }

        _emu.Clock.Advance(by);
        _emu.Scheduler.Tick();
    }

    /// <summary>Sets the emulator clock (either way) and fires due schedules.</summary>
    public void SetClock(DateTime utc)
    {
        var backwards = utc.ToUniversalTime() < _emu.Clock.UtcNow;
        _emu.Clock.Set(utc);
        if (backwards)
        {
            _emu.Scheduler.RearmAll();
        }

        _emu.Scheduler.Tick();
    }

    /// <summary>
    /// Raised after every /v1 request has been answered (or dropped), on the request's thread, also for requests that
    /// a reset later clears from the request log: for checks over everything a test run sent.
    /// </summary>
    public event Action<EmulatorRequest>? RequestCompleted
    {
        add
        {
            lock (_observers)
            {
                if (_observers.Count == 0)
                {
                    _emu.RequestLogged += Relay;
                }

                _observers.Add(value!);
            }
        }
        remove
        {
            lock (_observers)
            {
                _observers.Remove(value!);
                if (_observers.Count == 0)
                {
                    _emu.RequestLogged -= Relay;
                }
            }
        }
    }

    private readonly System.Collections.Generic.List<Action<EmulatorRequest>> _observers = new();

    private void Relay(Logging.RequestLogEntry e)
    {
        Action<EmulatorRequest>[] observers;
        lock (_observers)
        {
            observers = _observers.ToArray();
        }

        var request = new EmulatorRequest(e.Sequence, e.Method, e.Host, e.Path, e.Query, e.Status, e.Body);
        foreach (var observer in observers)
        {
            observer(request);
        }
    }

    /// <summary>Back to the seed (same as <c>POST /_emulator/reset</c>).</summary>
    public void Reset() => _emu.Reset();

    internal EmulatorContext Context => _emu;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _scheduler;
        }
        catch (OperationCanceledException)
        {
        }
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Loopback only unless <see cref="EmulatorOptions.AllowRemote"/>; http only.</summary>
    internal static void CheckUrls(EmulatorOptions options)
    {
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ArgumentException($"'{url}' is not an http:// URL (the emulator serves plain HTTP).");
            }

            if (options.AllowRemote)
            {
                continue;
            }

            var loopback = string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
                           || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                throw new ArgumentException(
                    $"'{url}' is not a loopback address: the emulator listens on 127.0.0.1/localhost/[::1] only unless --allow-remote is given.");
            }
        }
    }

    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A /v1 request as the emulator saw it (never the Authorization header); <c>Status</c> 0 = dropped.</summary>
public sealed record EmulatorRequest(long Sequence, string Method, string Host, string Path, string Query, int Status, string? Body);
