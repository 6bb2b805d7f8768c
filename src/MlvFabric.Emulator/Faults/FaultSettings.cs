using System.Collections.Generic;

namespace MlvFabric.Emulator.Faults;

/// <summary>Per-request probabilities (0..1) of each fault kind; drawn in this order from one seeded generator.</summary>
internal sealed class FaultRates
{
    public double Throttle { get; set; }
    public double ServerError { get; set; }
    public double Drop { get; set; }
    public double Truncate { get; set; }
    public double Slow { get; set; }

    public bool Any => Throttle > 0 || ServerError > 0 || Drop > 0 || Truncate > 0 || Slow > 0;
}

/// <summary>One scripted fault: the next <see cref="Count"/> matching requests get it.</summary>
internal sealed class ScriptedFault
{
    /// <summary>HTTP method to match; null or <c>*</c> = any.</summary>
    public string? Method { get; set; }

    /// <summary>Path (with <c>/v1</c>) to match, case-insensitively; <c>*</c> matches any run of characters.</summary>
    public string PathPattern { get; set; } = "*";

    /// <summary><c>throttle</c>, <c>serverError</c>, <c>drop</c>, <c>truncate</c>, <c>slow</c> or <c>override</c>.</summary>
    public string Fault { get; set; } = "serverError";

    /// <summary>
    /// For drop: <c>request</c> (nothing done) or <c>response</c> (done, answer lost). Default: the settings' dropPhase.
    /// For override: <c>request</c> (the handler does not run; the override is the whole answer) or <c>response</c>
    /// (default: the handler runs and changes state, then its answer is overridden).
    /// </summary>
    public string? Phase { get; set; }

    public int Count { get; set; } = 1;

    /// <summary>serverError: 500, 502, 503 or 504 (default 500). override: the status to answer (default: the handler's, or 200 in the request phase).</summary>
    public int? Status { get; set; }

    /// <summary>override: the body to answer, as raw text (need not be JSON); null keeps the handler's (request phase: none).</summary>
    public string? Body { get; set; }

    /// <summary>override: headers to set on the answer (replacing the handler's); an empty value removes the header.</summary>
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>slow: delay in ms (default: the settings' slowMs).</summary>
    public int? DelayMs { get; set; }

    /// <summary>throttle (and 503): Retry-After seconds.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>How many are left (reported by GET; starts at <see cref="Count"/>).</summary>
    public int Remaining { get; set; }
}

/// <summary>The body of <c>PUT /_emulator/faults</c> (and what GET returns).</summary>
internal sealed class FaultSettings
{
    public int? Seed { get; set; }
    public FaultRates Rates { get; set; } = new();

    /// <summary>Phase of rate-drawn drops: <c>request</c>, <c>response</c>, or <c>either</c> (each drop picks one at random from the seeded generator).</summary>
    public string DropPhase { get; set; } = "request";

    /// <summary>Delay of rate-drawn slow responses.</summary>
    public int SlowMs { get; set; } = 1000;

    /// <summary>Retry-After of injected 429s and 503s.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    public List<ScriptedFault> Script { get; set; } = new();

    /// <summary>Throttle limits; omitted fields keep the startup values.</summary>
    public ThrottleLimitsBody? Throttle { get; set; }
}

internal sealed class ThrottleLimitsBody
{
    public int? JobSubmissionsPerMinute { get; set; }
    public int? JobStatusReadsPerMinute { get; set; }
    public int? RequestsPerMinute { get; set; }
}
