using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Auth;
using MlvFabric.Emulator.Faults;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.Logging;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// <c>/_emulator/*</c>: tokens, clock, faults and throttle limits, request log, settings, reset. No auth, no
/// faults, no throttling. Documented in README.md.
/// </summary>
internal static class ControlRoutes
{
    public static void Map(IEndpointRouteBuilder c, EmulatorContext emu)
    {
        c.MapGet("/health", ctx => JsonOut.WriteAsync(ctx, 200, 0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteEndObject();
        }));

        c.MapPost("/tokens", async ctx =>
        {
            var body = await ReadAsync<TokenRequest>(ctx);
            var token = emu.Tokens.Mint(body);
            await JsonOut.WriteAsync(ctx, 200, token, static (w, t) =>
            {
                w.WriteStartObject();
                w.WriteString("accessToken", t.AccessToken);
                w.WriteString("expiresOn", JsonOut.IsoZ(t.ExpiresOnUtc));
                w.WriteString("tokenType", "Bearer");
                w.WriteString("oid", t.Oid);
                w.WriteString("kind", t.IsApp ? "servicePrincipal" : "user");
                w.WriteEndObject();
            });
        });

        c.MapPost("/tokens/revoke", async ctx =>
        {
            var body = await ReadAsync<RevokeBody>(ctx);
            if (body.Oid is null || !Guid.TryParse(body.Oid, out _))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'oid' (the caller's object id, a GUID) is required.");
            }

            emu.Tokens.Revoke(body.Oid);
            await JsonOut.EmptyAsync(ctx, 204);
        });

        c.MapGet("/clock", ctx => WriteClock(ctx, emu, null));
        c.MapPost("/clock/advance", async ctx =>
        {
            var body = await ReadAsync<ClockAdvanceBody>(ctx);
            var by = TimeSpan.FromMinutes(body.Minutes ?? 0) + TimeSpan.FromSeconds(body.Seconds ?? 0)
                     + TimeSpan.FromHours(body.Hours ?? 0);
            if (by < TimeSpan.Zero)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                    "The clock only moves forward with advance: use POST /_emulator/clock/set to go back.");
            }

            emu.Clock.Advance(by);
            await WriteClock(ctx, emu, emu.Scheduler.Tick());
        });
        c.MapPost("/clock/set", async ctx =>
        {
            var body = await ReadAsync<ClockSetBody>(ctx);
            if (body.UtcNow is not { } to)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'utcNow' is required, e.g. \"2026-03-07T00:00:00Z\".");
            }

            to = to.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(to, DateTimeKind.Utc) : to.ToUniversalTime();
            var backwards = to < emu.Clock.UtcNow;
            emu.Clock.Set(to);
            if (backwards)
            {
                emu.Scheduler.RearmAll();
            }

            await WriteClock(ctx, emu, emu.Scheduler.Tick());
        });

        c.MapGet("/faults", ctx => WriteFaults(ctx, emu));
        c.MapPut("/faults", async ctx =>
        {
            var body = await ReadAsync<FaultSettings>(ctx);
            var limits = emu.StartupLimits();
            if (body.Throttle is { } t)
            {
                if (t.JobSubmissionsPerMinute < 0 || t.JobStatusReadsPerMinute < 0 || t.RequestsPerMinute < 0)
                {
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "Throttle limits must be 0 (unlimited) or more.");
                }

                limits.JobSubmissionsPerMinute = t.JobSubmissionsPerMinute ?? limits.JobSubmissionsPerMinute;
                limits.JobStatusReadsPerMinute = t.JobStatusReadsPerMinute ?? limits.JobStatusReadsPerMinute;
                limits.RequestsPerMinute = t.RequestsPerMinute ?? limits.RequestsPerMinute;
            }
            emu.Faults.Apply(body);
            emu.Limits = limits;
            emu.RateLimiter.Clear();
            await WriteFaults(ctx, emu);
        });
        c.MapDelete("/faults", ctx =>
        {
            emu.Faults.Clear();
            emu.Limits = emu.StartupLimits();
            emu.RateLimiter.Clear();
            return WriteFaults(ctx, emu);
        });

        c.MapGet("/requests", ctx =>
        {
            long.TryParse(ctx.Request.Query["since"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var since);
            var entries = emu.Log.Snapshot(since);
            return JsonOut.WriteAsync(ctx, 200, entries, static (w, list) =>
            {
                w.WriteStartArray();
                foreach (var e in list)
                {
                    WriteLogEntry(w, e);
                }

                w.WriteEndArray();
            });
        });
        c.MapDelete("/requests", ctx =>
        {
            emu.Log.Clear();
            return JsonOut.EmptyAsync(ctx, 204);
        });

        c.MapPost("/reset", ctx =>
        {
            emu.Reset();
            return WriteClock(ctx, emu, null);
        });

        c.MapGet("/settings", ctx => WriteSettings(ctx, emu));
        c.MapPut("/settings", async ctx =>
        {
            var b = await ReadAsync<SettingsBody>(ctx);
            var s = emu.Settings.Clone();
            if (b.RetryAfterSeconds is { } ra)
            {
                s.RetryAfterSeconds = Check(ra, 0, 3600, "retryAfterSeconds");
            }

            if (b.PageSize is { } ps)
            {
                s.PageSize = Check(ps, 1, 100_000, "pageSize");
            }

            if (b.MaxCompletedJobs is { } mc)
            {
                s.MaxCompletedJobs = Check(mc, 0, int.MaxValue, "maxCompletedJobs");
            }

            if (b.MaxSchedulesPerItem is { } ms)
            {
                s.MaxSchedulesPerItem = Check(ms, 0, 100_000, "maxSchedulesPerItem");
            }

            if (b.JobAlreadyCompletedStatus is { } jc)
            {
                s.JobAlreadyCompletedStatus = Check(jc, 400, 499, "jobAlreadyCompletedStatus");
            }

            if (b.DedupeStatus != null)
            {
                s.DedupeStatus = Enum(b.DedupeStatus, "dedupeStatus", "Deduped", "Cancelled");
            }

            if (b.JobTypeLabel != null)
            {
                s.JobTypeLabel = Enum(b.JobTypeLabel, "jobTypeLabel", "RefreshMaterializedLakeViews", "MaterializedLakeViews");
            }

            if (b.RefuseAppTokensOnMlvJobs is { } r)
            {
                s.RefuseAppTokensOnMlvJobs = r;
            }

            if (b.EnforceOneSchedulePerScope is { } e)
            {
                s.EnforceOneSchedulePerScope = e;
            }

            if (b.UnknownJobStatus != null)
            {
                s.UnknownJobStatus = JobEngine.CheckUnknownStatus(b.UnknownJobStatus, "unknownJobStatus");
            }

            if (b.UnknownJobStatusSeconds is { } us)
            {
                s.UnknownJobStatusSeconds = CheckSeconds(us, "unknownJobStatusSeconds");
            }

            if (b.PublicOrigin != null)
            {
                s.PublicOrigin = CheckOrigin(b.PublicOrigin);
            }

            if (b.NormalizeScheduleDateTimes is { } n)
            {
                s.NormalizeScheduleDateTimes = n;
            }

            emu.Settings = s;
            await WriteSettings(ctx, emu);
        });

        LakehouseControlRoutes.Map(c, emu);
        IdentityRoutes.Map(c, emu);
        c.MapFallback("{**path}", ctx => throw ApiException.NotFound(ErrorCodes.EntityNotFound,
            $"There is no control endpoint {ctx.Request.Method} {ctx.Request.Path}: see the emulator's README."));
    }

    /// <summary>Reads a control body; an empty body gives the defaults.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext ctx) where T : new()
    {
        var bytes = await JsonIn.ReadBytesAsync(ctx);
        if (bytes.All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, JsonIn.Options) ?? new T();
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body is not valid: " + e.Message);
        }
    }

    /// <summary>An origin for <c>publicOrigin</c>: <c>http(s)://host[:port]</c> with nothing after it; empty = the called host.</summary>
    public static string? CheckOrigin(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.PathAndQuery == "/" && !value.EndsWith('/'))
        {
            return uri.GetLeftPart(UriPartial.Authority);
        }

        throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'publicOrigin' must be an origin such as https://westus.example.com (no path), or empty; got '{value}'.");
    }

    public static int Check(int value, int min, int max, string name) =>
        value >= min && value <= max
            ? value
            : throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{name}' must be {min} to {max}; got {value}.");

    /// <summary>A duration setting: 0 to ten years.</summary>
    public static double CheckSeconds(double value, string name) =>
        value is >= 0 and <= 315_360_000
            ? value
            : throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{name}' must be 0 to 315360000 seconds; got {value.ToString(CultureInfo.InvariantCulture)}.");

    public static string Enum(string value, string name, params string[] allowed) =>
        allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
        ?? throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{name}' must be {string.Join(" or ", allowed)}; got '{value}'.");

    private static Task WriteClock(HttpContext ctx, EmulatorContext emu, int? fired) =>
        JsonOut.WriteAsync(ctx, 200, (emu.Clock.UtcNow, emu.Clock.Offset, fired), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("utcNow", JsonOut.IsoZ(s.UtcNow));
            w.WriteNumber("offsetMinutes", Math.Round(s.Offset.TotalMinutes, 4));
            if (s.fired is { } f)
            {
                w.WriteNumber("jobsFired", f);
            }

            w.WriteEndObject();
        });

    private static Task WriteSettings(HttpContext ctx, EmulatorContext emu) =>
        JsonOut.WriteAsync(ctx, 200, emu.Settings, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("retryAfterSeconds", s.RetryAfterSeconds);
            w.WriteNumber("pageSize", s.PageSize);
            w.WriteNumber("maxCompletedJobs", s.MaxCompletedJobs);
            w.WriteNumber("maxSchedulesPerItem", s.MaxSchedulesPerItem);
            w.WriteString("dedupeStatus", s.DedupeStatus);
            w.WriteNumber("jobAlreadyCompletedStatus", s.JobAlreadyCompletedStatus);
            w.WriteString("jobTypeLabel", s.JobTypeLabel);
            w.WriteBoolean("refuseAppTokensOnMlvJobs", s.RefuseAppTokensOnMlvJobs);
            w.WriteBoolean("enforceOneSchedulePerScope", s.EnforceOneSchedulePerScope);
            if (s.UnknownJobStatus is { } unknown)
            {
                w.WriteString("unknownJobStatus", unknown);
            }
            else
            {
                w.WriteNull("unknownJobStatus");
            }

            w.WriteNumber("unknownJobStatusSeconds", s.UnknownJobStatusSeconds);
            if (s.PublicOrigin is { } origin)
            {
                w.WriteString("publicOrigin", origin);
            }
            else
            {
                w.WriteNull("publicOrigin");
            }

            w.WriteBoolean("normalizeScheduleDateTimes", s.NormalizeScheduleDateTimes);
            w.WriteBoolean("serveArticleForms", s.ServeArticleForms); // read-only: routes are fixed at start
            w.WriteEndObject();
        });

    private static Task WriteFaults(HttpContext ctx, EmulatorContext emu) =>
        JsonOut.WriteAsync(ctx, 200, (emu.Faults.Current, emu.Limits), static (w, s) =>
        {
            var f = s.Current;
            w.WriteStartObject();
            if (f.Seed is { } seed)
            {
                w.WriteNumber("seed", seed);
            }

            w.WriteStartObject("rates");
            w.WriteNumber("throttle", f.Rates.Throttle);
            w.WriteNumber("serverError", f.Rates.ServerError);
            w.WriteNumber("drop", f.Rates.Drop);
            w.WriteNumber("truncate", f.Rates.Truncate);
            w.WriteNumber("slow", f.Rates.Slow);
            w.WriteEndObject();
            w.WriteString("dropPhase", f.DropPhase);
            w.WriteNumber("slowMs", f.SlowMs);
            w.WriteNumber("retryAfterSeconds", f.RetryAfterSeconds);
            w.WriteStartArray("script");
            foreach (var e in f.Script)
            {
                w.WriteStartObject();
                w.WriteString("method", e.Method ?? "*");
                w.WriteString("pathPattern", e.PathPattern);
                w.WriteString("fault", e.Fault);
                w.WriteStringIfNotNull("phase", e.Phase);
                w.WriteNumber("count", e.Count);
                w.WriteNumber("remaining", e.Remaining);
                if (e.Status is { } st)
                {
                    w.WriteNumber("status", st);
                }

                if (e.DelayMs is { } d)
                {
                    w.WriteNumber("delayMs", d);
                }

                if (e.RetryAfterSeconds is { } r)
                {
                    w.WriteNumber("retryAfterSeconds", r);
                }

                w.WriteStringIfNotNull("body", e.Body);
                if (e.Headers is { } headers)
                {
                    w.WriteStartObject("headers");
                    foreach (var (name, value) in headers)
                    {
                        w.WriteString(name, value);
                    }

                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("throttle");
            w.WriteNumber("jobSubmissionsPerMinute", s.Limits.JobSubmissionsPerMinute);
            w.WriteNumber("jobStatusReadsPerMinute", s.Limits.JobStatusReadsPerMinute);
            w.WriteNumber("requestsPerMinute", s.Limits.RequestsPerMinute);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static void WriteLogEntry(Utf8JsonWriter w, RequestLogEntry e)
    {
        w.WriteStartObject();
        w.WriteNumber("sequence", e.Sequence);
        w.WriteString("time", JsonOut.IsoZ(e.TimeUtc));
        w.WriteString("emulatorTime", JsonOut.IsoZ(e.EmulatorTimeUtc));
        w.WriteString("method", e.Method);
        w.WriteString("host", e.Host);
        w.WriteStringIfNotNull("userAgent", e.UserAgent);
        w.WriteString("path", e.Path);
        w.WriteString("query", e.Query);
        w.WriteNumber("status", e.Status);
        if (e.HandlerStatus is { } hs)
        {
            w.WriteNumber("handlerStatus", hs);
        }

        w.WriteStringIfNotNull("errorCode", e.ErrorCode);
        w.WriteStringIfNotNull("callerOid", e.CallerOid);
        w.WriteStringIfNotNull("fault", e.Fault);
        w.WriteStringIfNotNull("body", e.Body);
        w.WriteString("requestId", e.RequestId);
        w.WriteNumber("durationMs", Math.Round(e.DurationMs, 3));
        w.WriteEndObject();
    }
}
