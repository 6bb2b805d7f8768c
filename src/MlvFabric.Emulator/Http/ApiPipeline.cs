using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using MlvFabric.Emulator.Auth;
using MlvFabric.Emulator.Faults;
using MlvFabric.Emulator.Logging;
using MlvFabric.Emulator.Throttling;

namespace MlvFabric.Emulator.Http;

/// <summary>
/// The one middleware in front of every route, after routing:
/// <c>RequestId</c> header on every response; for /v1 only: request log, faults (request phase), bearer auth,
/// app-token refusal, throttling, then the handler, then response-phase faults (drop after processing, truncation).
/// Errors thrown as <see cref="ApiException"/> anywhere become the service's error body here.
/// </summary>
internal sealed class ApiPipeline
{
    private const string CallerKey = "MlvFabric.Caller";
    private const string RequestIdKey = "MlvFabric.RequestId";
    private const string ErrorCodeKey = "MlvFabric.ErrorCode";
    private const int MaxLoggedBody = 64 * 1024;

    private readonly EmulatorContext _emu;

    public ApiPipeline(EmulatorContext emu) => _emu = emu;

    public static CallerIdentity Caller(HttpContext ctx) => (CallerIdentity)ctx.Items[CallerKey]!;

    public static string RequestId(HttpContext ctx) => (string)ctx.Items[RequestIdKey]!;

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var requestId = Guid.NewGuid().ToString();
        ctx.Items[RequestIdKey] = requestId;
        ctx.Response.Headers["RequestId"] = requestId;

        if (!ctx.Request.Path.StartsWithSegments("/v1"))
        {
            try
            {
                await next(ctx);
            }
            catch (ApiException e) when (!ctx.Response.HasStarted)
            {
                await WriteErrorAsync(ctx, e);
            }
            return;
        }
        await InvokeApiAsync(ctx, next, requestId);
    }

    private async Task InvokeApiAsync(HttpContext ctx, RequestDelegate next, string requestId)
    {
        var started = Stopwatch.GetTimestamp();
        // The service's clock is the emulator clock: its Date header says so too, as a service whose clock differs
        // from the caller's would.
        ctx.Response.Headers.Date = _emu.Clock.UtcNow.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (_emu.Settings.PublicOrigin is { } origin)
        {
            ctx.Items[Urls.PublicOriginKey] = origin;
        }

        var request = ctx.Request;
        var entry = new RequestLogEntry
        {
            Sequence = _emu.Log.NextSequence(),
            TimeUtc = DateTime.UtcNow,
            EmulatorTimeUtc = _emu.Clock.UtcNow,
            Method = request.Method,
            Host = request.Host.Value ?? "",
            UserAgent = request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            Path = request.Path.Value ?? "",
            Query = request.QueryString.Value ?? "",
            RequestId = requestId,
        };
        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsPut(request.Method))
        {
            var bytes = await JsonIn.ReadBytesAsync(ctx);
            if (bytes.Length > 0)
            {
                entry.Body = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxLoggedBody));
            }
        }

        var fault = _emu.Faults.Decide(request.Method, entry.Path);
        entry.Fault = fault.Label;
        Stream? originalBody = null;
        MemoryStream? held = null;
        // Drops abort the connection only after the request is logged: a client that sees the reset and then reads
        // the request log must find the entry.
        var abort = false;
        // The entry goes into the log as the answer starts, not after it: a client that has read the whole answer and
        // then reads the request log must find the request there.
        var logged = 0;
        void Record()
        {
            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                entry.ErrorCode = ctx.Items.TryGetValue(ErrorCodeKey, out var code) ? code as string : null;
                entry.DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                _emu.Log.Add(entry);
            }
        }
        ctx.Response.OnStarting(() =>
        {
            // Also called for an aborted (dropped) answer after it was logged with status 0: leave that entry alone.
            if (Volatile.Read(ref logged) == 0)
            {
                entry.Status = ctx.Response.StatusCode;
                Record();
            }
            return Task.CompletedTask;
        });
        try
        {
            switch (fault.Kind)
            {
                case FaultKind.Slow:
                    await Task.Delay(fault.DelayMs, ctx.RequestAborted);
                    break;
                case FaultKind.DropRequest:
                    abort = true;
                    entry.Status = 0;
                    return;
                case FaultKind.Throttle:
                    throw new ApiException(429, ErrorCodes.RequestBlocked,
                        $"Request is blocked by the upstream service until: {DateTime.UtcNow.AddSeconds(fault.RetryAfterSeconds):M/d/yyyy h:mm:ss tt} (UTC)",
                        retryAfterSeconds: fault.RetryAfterSeconds);
                case FaultKind.ServerError:
                    throw fault.Status == 503
                        ? new ApiException(503, ErrorCodes.ServiceUnavailable, "The service is temporarily unavailable.",
                            retryAfterSeconds: fault.RetryAfterSeconds)
                        : new ApiException(fault.Status, ErrorCodes.InternalServerError, "An internal error occurred.");
                case FaultKind.OverrideRequest:
                    ctx.Response.StatusCode = fault.Status > 0 ? fault.Status : 200;
                    await WriteOverrideAsync(ctx, fault.Override!, null);
                    entry.Status = ctx.Response.StatusCode;
                    return;
            }

            var caller = _emu.Tokens.Authenticate(request.Headers.Authorization);
            ctx.Items[CallerKey] = caller;
            entry.CallerOid = caller.Oid;

            var meta = ctx.GetEndpoint()?.Metadata.GetMetadata<ApiEndpoint>() ?? ApiEndpoint.Plain;
            if (meta.MlvJobCall && caller.IsApp && _emu.Settings.RefuseAppTokensOnMlvJobs)
            {
                throw new ApiException(403, ErrorCodes.PrincipalTypeNotSupported,
                    "Materialized lake view job scheduler APIs accept user identities only; service principals and managed identities are not supported.");
            }

            Throttle(caller, ThrottleBucket.AllRequests);
            if (meta.Bucket is { } bucket)
            {
                Throttle(caller, bucket);
            }

            if (fault.BuffersResponse)
            {
                originalBody = ctx.Response.Body;
                held = new MemoryStream();
                ctx.Response.Body = held;
            }
            try
            {
                await next(ctx);
            }
            catch (ApiException e) when (!ctx.Response.HasStarted)
            {
                await WriteErrorAsync(ctx, e);
            }
            entry.Status = ctx.Response.StatusCode;
            if (held != null)
            {
                ctx.Response.Body = originalBody!;
                entry.HandlerStatus = ctx.Response.StatusCode;
                if (fault.Kind == FaultKind.DropResponse)
                {
                    abort = true;
                    entry.Status = 0;
                    return;
                }
                var bytes = held.ToArray();
                if (fault.Kind == FaultKind.OverrideResponse)
                {
                    if (fault.Status > 0)
                    {
                        ctx.Response.StatusCode = fault.Status;
                    }

                    await WriteOverrideAsync(ctx, fault.Override!, bytes);
                    entry.Status = ctx.Response.StatusCode;
                    return;
                }
                if (ctx.Response.StatusCode == 200 && bytes.Length > 1)
                {
                    var half = bytes.Length / 2;
                    ctx.Response.ContentLength = half;
                    await originalBody!.WriteAsync(bytes.AsMemory(0, half));
                }
                else
                {
                    entry.Fault = null; // nothing to truncate: passed through unchanged
                    ctx.Response.ContentLength = bytes.Length;
                    await originalBody!.WriteAsync(bytes);
                }
            }
        }
        catch (ApiException e) when (!ctx.Response.HasStarted)
        {
            if (held != null)
            {
                ctx.Response.Body = originalBody!;
            }

            await WriteErrorAsync(ctx, e);
            entry.Status = e.Status;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            entry.Status = 0;
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            if (held != null)
            {
                ctx.Response.Body = originalBody!;
            }

            Console.Error.WriteLine($"MlvFabric emulator: {request.Method} {entry.Path} failed: {e}");
            await WriteErrorAsync(ctx, new ApiException(500, ErrorCodes.InternalServerError,
                "The emulator failed to process the request: " + e.Message));
            entry.Status = 500;
        }
        finally
        {
            Record();
            _emu.OnRequestLogged(entry);
            if (abort)
            {
                ctx.Abort();
            }
        }
    }

    /// <summary>
    /// The answer of an override fault: its headers over the current ones (an empty value removes one), then its body,
    /// else <paramref name="handlerBody"/> (the handler's answer, response phase) or nothing.
    /// </summary>
    private static async Task WriteOverrideAsync(HttpContext ctx, ScriptedFault entry, byte[]? handlerBody)
    {
        var headers = ctx.Response.Headers;
        var body = entry.Body is { } text ? Encoding.UTF8.GetBytes(text) : handlerBody ?? Array.Empty<byte>();
        if (entry.Body != null && body.Length > 0)
        {
            ctx.Response.ContentType = "application/json; charset=utf-8";
        }

        foreach (var (name, value) in entry.Headers ?? new())
        {
            if (string.IsNullOrEmpty(value))
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }
        ctx.Response.ContentLength = body.Length;
        if (body.Length > 0)
        {
            await ctx.Response.Body.WriteAsync(body);
        }
    }

    private void Throttle(CallerIdentity caller, ThrottleBucket bucket)
    {
        var limits = _emu.Limits;
        if (_emu.RateLimiter.TryAcquire(caller.Oid, bucket, limits.For(bucket), out var retryAfter))
        {
            return;
        }

        if (bucket == ThrottleBucket.JobSubmissions)
        {
            throw new ApiException(429, ErrorCodes.TooManyRequestsForJobs,
                $"The caller requests too many on-demand job requests: at most {limits.For(bucket)} per minute. Retry after {retryAfter} seconds.",
                retryAfterSeconds: retryAfter);
        }

        throw new ApiException(429, ErrorCodes.RequestBlocked,
            $"Request is blocked by the upstream service until: {DateTime.UtcNow.AddSeconds(retryAfter):M/d/yyyy h:mm:ss tt} (UTC)",
            retryAfterSeconds: retryAfter);
    }

    public static Task WriteErrorAsync(HttpContext ctx, ApiException e)
    {
        var headers = ctx.Response.Headers;
        headers["x-ms-public-api-error-code"] = e.ErrorCode;
        ctx.Items[ErrorCodeKey] = e.ErrorCode;
        if (e.RetryAfterSeconds is { } retry)
        {
            headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (e.Status == 401)
        {
            headers.WWWAuthenticate = e.ErrorCode == ErrorCodes.Unauthorized
                ? "Bearer"
                : $"Bearer error=\"invalid_token\", error_description=\"{e.Message.Replace("\"", "'")}\"";
        }

        var requestId = ctx.Items.TryGetValue(RequestIdKey, out var id) ? id as string : null;
        return JsonOut.WriteAsync(ctx, e.Status, (e, requestId), static (w, s) =>
            JsonOut.WriteErrorObject(w, s.e.ErrorCode, s.e.Message, s.requestId, s.e.IsRetriable, s.e.MoreDetails,
                s.e.RelatedResource));
    }
}
