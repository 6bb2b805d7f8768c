using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using MlvFabric.Emulator.Http;

namespace MlvFabric.Emulator.Faults;

internal enum FaultKind { None, Throttle, ServerError, DropRequest, DropResponse, Truncate, Slow, OverrideRequest, OverrideResponse }

/// <summary>What to do to one request (<see cref="Override"/>: the scripted entry of an override fault).</summary>
internal readonly record struct FaultDecision(FaultKind Kind, int Status = 0, int DelayMs = 0, int RetryAfterSeconds = 0,
    ScriptedFault? Override = null)
{
    public static readonly FaultDecision None = new(FaultKind.None);

    /// <summary>How the request log names it.</summary>
    public string? Label => Kind switch
    {
        FaultKind.None => null,
        FaultKind.Throttle => "throttle",
        FaultKind.ServerError => "serverError:" + Status,
        FaultKind.DropRequest => "drop:request",
        FaultKind.DropResponse => "drop:response",
        FaultKind.Truncate => "truncate",
        FaultKind.Slow => "slow:" + DelayMs + "ms",
        FaultKind.OverrideRequest => "override:request",
        FaultKind.OverrideResponse => "override:response",
        _ => Kind.ToString(),
    };

    /// <summary>Needs the handler's response held back (drop after processing, truncation).</summary>
    public bool BuffersResponse => Kind is FaultKind.DropResponse or FaultKind.Truncate or FaultKind.OverrideResponse;
}

/// <summary>
/// Fault injection for /v1 requests (never /_emulator): a script consumed in order (the first entry that matches
/// and has requests left), else per-request rates drawn from a generator seeded by <see cref="FaultSettings.Seed"/>,
/// so a sequential client sees the same faults for the same seed.
/// </summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly int _defaultSeed;
    private FaultSettings _settings = new();
    private List<(ScriptedFault Entry, Regex Path)> _script = new();
    private Random _random;

    public FaultInjector(int defaultSeed)
    {
        _defaultSeed = defaultSeed;
        _random = new Random(defaultSeed);
    }

    /// <summary>Fast path: nothing configured.</summary>
    private volatile bool _active;

    public void Apply(FaultSettings settings)
    {
        Validate(settings);
        lock (_gate)
        {
            foreach (var s in settings.Script)
            {
                s.Remaining = s.Count;
            }

            _settings = settings;
            _script = settings.Script.Select(s => (s, Glob(s.PathPattern))).ToList();
            _random = new Random(settings.Seed ?? _defaultSeed);
            _active = settings.Rates.Any || settings.Script.Count > 0;
        }
    }

    public void Clear() => Apply(new FaultSettings());

    public FaultSettings Current
    {
        get { lock (_gate)
            {
                return _settings;
            }
        }
    }

    public FaultDecision Decide(string method, string path)
    {
        if (!_active)
        {
            return FaultDecision.None;
        }

        lock (_gate)
        {
            foreach (var (entry, regex) in _script)
            {
                if (entry.Remaining <= 0)
                {
                    continue;
                }

                if (entry.Method is { Length: > 0 } m && m != "*" && !string.Equals(m, method, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!regex.IsMatch(path))
                {
                    continue;
                }

                entry.Remaining--;
                if (string.Equals(entry.Fault, "override", StringComparison.OrdinalIgnoreCase))
                {
                    return new FaultDecision(
                        string.Equals(entry.Phase, "request", StringComparison.OrdinalIgnoreCase) ? FaultKind.OverrideRequest : FaultKind.OverrideResponse,
                        entry.Status ?? 0, Override: entry);
                }

                return Make(entry.Fault, entry.Phase, entry.Status, entry.DelayMs, entry.RetryAfterSeconds, -1);
            }
            var rates = _settings.Rates;
            if (!rates.Any)
            {
                return FaultDecision.None;
            }

            var u = _random.NextDouble();
            var variant = _random.Next(2);
            if ((u -= rates.Throttle) < 0)
            {
                return Make("throttle", null, null, null, null, variant);
            }

            if ((u -= rates.ServerError) < 0)
            {
                return Make("serverError", null, variant == 0 ? 500 : 503, null, null, variant);
            }

            if ((u -= rates.Drop) < 0)
            {
                return Make("drop", null, null, null, null, variant);
            }

            if ((u -= rates.Truncate) < 0)
            {
                return Make("truncate", null, null, null, null, variant);
            }

            if ((u -= rates.Slow) < 0)
            {
                return Make("slow", null, null, null, null, variant);
            }

            return FaultDecision.None;
        }
    }

    // variant: the request's second draw (0 or 1; -1 for scripted entries, which draw only when they need it); picks
    // 500/503 for serverError and the phase of a drop under dropPhase "either".
    private FaultDecision Make(string fault, string? phase, int? status, int? delayMs, int? retryAfter, int variant)
    {
        var retry = retryAfter ?? _settings.RetryAfterSeconds;
        switch (fault.ToLowerInvariant())
        {
            case "throttle":
                return new FaultDecision(FaultKind.Throttle, 429, 0, Math.Max(1, retry));
            case "servererror":
                return new FaultDecision(FaultKind.ServerError, status ?? 500, 0, Math.Max(1, retry));
            case "drop":
                var p = (phase ?? _settings.DropPhase).ToLowerInvariant();
                if (p == "either")
                {
                    p = (variant < 0 ? _random.Next(2) : variant) == 0 ? "request" : "response";
                }

                return new FaultDecision(p == "response" ? FaultKind.DropResponse : FaultKind.DropRequest);
            case "truncate":
                return new FaultDecision(FaultKind.Truncate);
            case "slow":
                return new FaultDecision(FaultKind.Slow, 0, delayMs ?? _settings.SlowMs);
            default:
                return FaultDecision.None;
        }
    }

    private static readonly string[] Kinds = { "throttle", "servererror", "drop", "truncate", "slow", "override" };

    private static void Validate(FaultSettings s)
    {
        void Rate(string name, double v)
        {
            if (v < 0 || v > 1 || double.IsNaN(v))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"rates.{name} must be between 0 and 1; got {v}.");
            }
        }
        s.Rates ??= new FaultRates();
        s.Script ??= new List<ScriptedFault>();
        Rate("throttle", s.Rates.Throttle);
        Rate("serverError", s.Rates.ServerError);
        Rate("drop", s.Rates.Drop);
        Rate("truncate", s.Rates.Truncate);
        Rate("slow", s.Rates.Slow);
        if (s.Rates.Throttle + s.Rates.ServerError + s.Rates.Drop + s.Rates.Truncate + s.Rates.Slow > 1.000001)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The fault rates add up to more than 1.");
        }

        if (!IsPhase(s.DropPhase) && !string.Equals(s.DropPhase, "either", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"dropPhase must be 'request', 'response' or 'either'; got '{s.DropPhase}'.");
        }

        if (s.SlowMs < 0 || s.SlowMs > 600_000)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "slowMs must be 0 to 600000.");
        }

        for (var i = 0; i < s.Script.Count; i++)
        {
            var e = s.Script[i];
            if (e.Fault is null || Array.IndexOf(Kinds, e.Fault.ToLowerInvariant()) < 0)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                    $"script[{i}].fault '{e.Fault}' is not a fault: use throttle, serverError, drop, truncate, slow or override.");
            }

            var isOverride = string.Equals(e.Fault, "override", StringComparison.OrdinalIgnoreCase);
            if (e.Phase != null && !IsPhase(e.Phase))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}].phase must be 'request' or 'response'.");
            }

            if (e.Count < 1)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}].count must be at least 1.");
            }

            if (isOverride)
            {
                if (e.Status is { } os && (os < 200 || os > 599))
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}].status of an override must be 200 to 599.");
                }

                if (e.Body is null && e.Headers is null && e.Status is null)
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}]: an override needs a status, headers or a body.");
                }

                foreach (var name in e.Headers?.Keys ?? (IEnumerable<string>)Array.Empty<string>())
                {
                    if (string.IsNullOrWhiteSpace(name) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}].headers: '{name}' cannot be overridden.");
                    }
                }
            }
            else
            {
                if (e.Status is { } st && (st < 500 || st > 599))
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}].status must be a 5xx status.");
                }

                if (e.Body != null || e.Headers != null)
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"script[{i}]: body and headers apply only to the override fault.");
                }
            }
            e.PathPattern ??= "*";
        }
    }

    private static bool IsPhase(string? p) =>
        string.Equals(p, "request", StringComparison.OrdinalIgnoreCase) || string.Equals(p, "response", StringComparison.OrdinalIgnoreCase);

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
