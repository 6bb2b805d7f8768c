using System;
using System.IO;
using System.Text.Json;
using MlvFabric.Emulator.Auth;
using MlvFabric.Emulator.Clock;
using MlvFabric.Emulator.Faults;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.Logging;
using MlvFabric.Emulator.State;
using MlvFabric.Emulator.Throttling;

namespace MlvFabric.Emulator;

/// <summary>
/// Everything one emulator instance holds: settings, clock, tenant state, tokens, limits, faults, the request log,
/// the job engine and the scheduler. Routes capture it; nothing is static, so several emulators can run in one process.
/// </summary>
internal sealed class EmulatorContext
{
    private volatile EmulatorState _state;
    private volatile EmulatorOptions _settings;
    private volatile ThrottleLimits _limits;

    public EmulatorContext(EmulatorOptions options)
    {
        if (options.UnknownJobStatus is { } unknown && JobStatus.IsDefined(unknown.Trim()))
        {
            throw new ArgumentException($"UnknownJobStatus must be a status the contract does not define (for example Paused); got '{unknown}'.");
        }

        if (options.UnknownJobStatusSeconds is < 0 or > 315_360_000)
        {
            throw new ArgumentException("UnknownJobStatusSeconds must be 0 (until cancelled) to 315360000.");
        }

        StartupOptions = options.Clone();
        if (string.IsNullOrWhiteSpace(StartupOptions.UnknownJobStatus))
        {
            StartupOptions.UnknownJobStatus = null;
        }

        Seed = LoadSeed(options);
        _settings = StartupOptions.Clone();
        try
        {
            _state = EmulatorState.Build(Seed, options.RandomSeed);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The seed {(options.SeedFile ?? "JSON")} is not valid: {e.Message}", e);
        }
        _limits = StartupLimits();
        Clock = new EmulatorClock();
        Clock.Reset(options.StartTimeUtc);
        JobEngine.SeedTableMaintenance(_state, Clock.UtcNow);
        Tokens = new TokenService(options.TenantId ?? _state.TenantId.ToString());
        RateLimiter = new RateLimiter(TimeSpan.FromSeconds(Math.Max(1, options.ThrottleWindowSeconds)));
        Faults = new FaultInjector(options.FaultSeed);
        Log = new RequestLog(options.RequestLogCapacity);
        Jobs = new JobEngine(this);
        Scheduler = new Scheduler(this);
        ManagedIdentitySecret = options.ManagedIdentitySecret ?? Guid.NewGuid().ToString("N");
    }

    public EmulatorOptions StartupOptions { get; }
    public SeedDocument Seed { get; }

    /// <summary>Runtime behaviour settings (replaced whole by PUT /_emulator/settings).</summary>
    public EmulatorOptions Settings
    {
        get => _settings;
        set => _settings = value;
    }

    public EmulatorState State => _state;
    public ThrottleLimits Limits
    {
        get => _limits;
        set => _limits = value;
    }

    public EmulatorClock Clock { get; }
    public TokenService Tokens { get; }
    public RateLimiter RateLimiter { get; }
    public FaultInjector Faults { get; }
    public RequestLog Log { get; }

    /// <summary>Called after each /v1 request is logged (the in-process server's <c>RequestCompleted</c> event).</summary>
    public event Action<RequestLogEntry>? RequestLogged;

    public void OnRequestLogged(RequestLogEntry entry) => RequestLogged?.Invoke(entry);
    public JobEngine Jobs { get; }
    public Scheduler Scheduler { get; }
    public string ManagedIdentitySecret { get; }

    /// <summary>Back to the seed: state, clock, settings, limits, faults, throttle windows and the request log.</summary>
    public void Reset()
    {
        lock (Scheduler.Gate)
        {
            Clock.Reset(StartupOptions.StartTimeUtc);
            var state = EmulatorState.Build(Seed, StartupOptions.RandomSeed);
            JobEngine.SeedTableMaintenance(state, Clock.UtcNow);
            _state = state;
            _settings = StartupOptions.Clone();
            _limits = StartupLimits();
            Faults.Clear();
            RateLimiter.Clear();
            Log.Clear();
        }
    }

    public ThrottleLimits StartupLimits() => new()
    {
        JobSubmissionsPerMinute = StartupOptions.JobSubmissionsPerMinute,
        JobStatusReadsPerMinute = StartupOptions.JobStatusReadsPerMinute,
        RequestsPerMinute = StartupOptions.RequestsPerMinute,
    };

    private static SeedDocument LoadSeed(EmulatorOptions options)
    {
        var json = options.SeedJson;
        if (json is null && options.SeedFile != null)
        {
            json = File.ReadAllText(options.SeedFile);
        }

        if (json is null)
        {
            return DefaultSeed.Create();
        }

        try
        {
            return JsonSerializer.Deserialize<SeedDocument>(json, JsonIn.Options)
                   ?? throw new InvalidDataException("The seed is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The seed {(options.SeedFile ?? "JSON")} is not valid: {e.Message}", e);
        }
    }
}
