using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client.Auth;
using MlvFabric.Client.Json;

namespace MlvFabric.Client.Http;

/// <summary>Whether a request may be sent again when the first attempt may have reached the service.</summary>
internal enum SendMode
{
    /// <summary>GET, PATCH with a full body, DELETE, cancel: repeating it has the same effect as sending it once.</summary>
    Idempotent,

    /// <summary>
    /// A POST that creates something (job start, schedule, execution definition). It is re-sent only when the
    /// previous attempt provably did not take effect: a 429 or other rejection, a 401, a refused connection.
    /// Any other failure throws <see cref="AmbiguousOutcomeException"/> so the caller can reconcile.
    /// </summary>
    NotIdempotent,
}

internal sealed class FabricRequest
{
    internal FabricRequest(HttpMethod method, Uri uri, SendMode mode)
    {
        Method = method;
        Uri = uri;
        Mode = mode;
    }

    internal HttpMethod Method { get; }
    internal Uri Uri { get; }
    internal SendMode Mode { get; }
    internal byte[]? Body { get; set; }

    /// <summary>An MLV job call (start, cancel, read): 401/403 for an app identity gets the user-sign-in hint.</summary>
    internal bool IsJobCall { get; set; }

    /// <summary>The per-identity limiter this kind of request must pass (and that a 429 closes).</summary>
    internal RateLimiter? Limiter { get; set; }

    /// <summary>The limiter slot this request holds (taken here or by the caller): restamped when an answer arrives.</summary>
    internal RateLimiter.Grant? Grant { get; set; }

    /// <summary>Whether the limiter is passed before the request (false: only informed by 429s).</summary>
    internal bool WaitForLimiter { get; set; }

    /// <summary>False: a 429 is thrown at once (the job waiter reschedules instead of blocking a poll slot).</summary>
    internal bool RetryThrottled { get; set; } = true;

    internal string Path => UriGuard.PathOf(Uri);
}

/// <summary>Attempts and elapsed time of one logical operation, across re-sends and reconciliation.</summary>
internal sealed class RetryBudget
{
    private readonly TimeProvider _time;
    private readonly long _started;

    internal RetryBudget(TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
    }

    internal int Attempts;

    /// <summary>Attempts whose outcome is unknown (network error after sending, 5xx, unreadable answer).</summary>
    internal int UncertainAttempts;

    /// <summary>Attempts answered 429 (the service's schedule, not failures).</summary>
    internal int ThrottledAttempts;

    /// <summary>Time spent waiting as 429 answers said.</summary>
    internal TimeSpan ThrottleWaited;

    /// <summary>When the first of the current run of refused connections happened (null: the last attempt connected).</summary>
    internal TimeSpan? ConnectFailingSince;

    internal TimeSpan Elapsed => _time.GetElapsedTime(_started);
}

/// <summary>A non-idempotent request failed in a way that leaves open whether the service acted on it.</summary>
internal sealed class AmbiguousOutcomeException : Exception
{
    internal AmbiguousOutcomeException(string reason, Exception? cause, HttpStatusCode? status)
        : base(reason, cause)
    {
        Status = status;
    }

    internal HttpStatusCode? Status { get; }
}

/// <summary>
/// The one HTTP path of a session: token, host guard, timeout, retries, logging, error mapping.
/// Retry rules:
/// <list type="bullet">
/// <item>429, and any 4xx the service marks <c>isRetriable</c> or codes <c>TooManyRequestsForJobs</c>: the service
/// refused the request without acting on it, so every request, job starts included, is sent again after exactly
/// Retry-After (backoff when absent).</item>
/// <item>401: the token was refused before anything happened: one forced renewal and one more attempt.</item>
/// <item>5xx, 408, timeouts, resets, dropped connections, truncated or malformed bodies: retried with backoff for
/// idempotent requests; for creating POSTs it is unknown whether the service acted, so the caller reconciles
/// (<see cref="AmbiguousOutcomeException"/>). A refused connection or an unresolvable host proves the request
/// never left, so it is retried for every request.</item>
/// <item>All retries of one operation stay within <see cref="FabricConnectionOptions.MaxRetryDuration"/> and
/// <see cref="FabricConnectionOptions.MaxAttempts"/>; a Retry-After that does not fit ends the retries at once.</item>
/// </list>
/// </summary>
internal sealed class FabricHttp : IDisposable
{
    private static readonly string UserAgent = "MlvFabric/" +
        (typeof(FabricHttp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new MediaTypeWithQualityHeaderValue("application/json");
    private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

    [ThreadStatic] private static Random? _random;

    private readonly HttpClient _http;
    private readonly FabricConnectionOptions _options;
    private readonly TokenManager _tokens;
    private readonly Func<FabricIdentityType> _identityType;
    private readonly TimeProvider _time;
    private long _serverClockOffsetTicks;
    private int _hasServerClock;

    internal FabricHttp(FabricConnectionOptions options, Uri baseUri, TokenManager tokens, Func<FabricIdentityType> identityType)
    {
        _options = options;
        BaseUri = baseUri;
        _tokens = tokens;
        _identityType = identityType;
        _time = options.TimeProvider;
        var handler = options.HttpMessageHandler ?? CreateDefaultHandler();
        _http = new HttpClient(handler, disposeHandler: options.HttpMessageHandler == null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    internal Uri BaseUri { get; }

    internal TokenManager Tokens => _tokens;

    internal FabricConnectionOptions Options => _options;

    /// <summary>The session's clock (<see cref="FabricConnectionOptions.TimeProvider"/>).</summary>
    internal TimeProvider Time => _time;

    /// <summary>
    /// The moment <paramref name="local"/> (this machine's clock) on the service's clock, by the offset of the latest
    /// Date header (no header seen yet: this machine's clock).
    /// </summary>
    internal DateTimeOffset ServerTimeAt(DateTimeOffset local) =>
        Volatile.Read(ref _hasServerClock) == 0 ? local : local + TimeSpan.FromTicks(Interlocked.Read(ref _serverClockOffsetTicks));

    /// <summary>The service's clock now, by its latest Date header.</summary>
    internal DateTimeOffset ServerNow => ServerTimeAt(_time.GetUtcNow());

    internal Uri Url(string relative) => new Uri(BaseUri, relative);

    private static HttpMessageHandler CreateDefaultHandler()
    {
        // One handler per session: keeps connections alive across calls (on .NET Core this is SocketsHttpHandler).
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false, // a redirect could carry the bearer token elsewhere; the API does not redirect
            UseCookies = false,
        };
        try
        {
            handler.AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate;
        }
        catch (PlatformNotSupportedException)
        {
        }
        try
        {
            handler.MaxConnectionsPerServer = 32;
        }
        catch (PlatformNotSupportedException)
        {
        }
        return handler;
    }

    internal Task<T> SendAsync<T>(FabricRequest request, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct) =>
        SendAsync(request, read, new RetryBudget(_time), ct);

    /// <summary>
    /// Sends <paramref name="request"/> and reads its answer with <paramref name="read"/>. Each attempt says what
    /// comes of it (the value read, or the next attempt and the wait before it) or throws; this loop only waits.
    /// </summary>
    internal async Task<T> SendAsync<T>(FabricRequest request, Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        RetryBudget budget, CancellationToken ct)
    {
        RefuseForeignHost(request);
        var exchange = new Exchange(request, budget);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var outcome = await AttemptAsync(exchange, read, ct).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                return outcome.Value;
            }

            if (outcome.Wait is RetryWait wait)
            {
                await RetryDelayAsync(exchange, wait, ct).ConfigureAwait(false);
            }
        }
    }

    private void RefuseForeignHost(FabricRequest request)
    {
        if (!UriGuard.IsAllowed(request.Uri, BaseUri))
        {
            throw new FabricProtocolException(
                $"Refusing to send the bearer token to {request.Uri.Scheme}://{request.Uri.Authority}: it is not the endpoint's host ({BaseUri.Authority}).",
                request.Method.Method, request.Path);
        }
    }

    /// <summary>One attempt: pass the limiter, get the token, send, then classify what came back.</summary>
    private async Task<Outcome<T>> AttemptAsync<T>(Exchange x, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var request = x.Request;
        if (request.Limiter != null && request.WaitForLimiter)
        {
            request.Grant = await PassLimiterAsync(request.Limiter, request.IsJobCall && request.Method == HttpMethod.Get ? "job-status reads" : "requests",
                x.Method, x.Path, ct).ConfigureAwait(false);
        }

        var token = await _tokens.GetAsync(ct).ConfigureAwait(false);
        var attempt = Interlocked.Increment(ref x.Budget.Attempts);
        using var message = CreateMessage(request, token);
        if (FabricLog.IsDebugEnabled)
        {
            FabricLog.Debug($"{x.Method} {UriGuard.PathAndQueryForLog(request.Uri)} (attempt {attempt})\n{HeaderText.Redacted(message.Headers, message.Content)}");
        }

        var started = _time.GetTimestamp();
        using var expiry = _time.CreateCancellationTokenSource(_options.HttpTimeout);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        var (answer, failure, maybeSent) = await TransmitAsync(message, timeout.Token, ct).ConfigureAwait(false);
        request.Grant?.Restamp();
        if (failure != null)
        {
            return Outcome<T>.RetryAfter(NoAnswer(x, failure, maybeSent, attempt, started));
        }

        x.Budget.ConnectFailingSince = null;
        using var response = answer!;
        var requestId = NoteAnswer(x, response, started);
        var code = (int)response.StatusCode;
        if (code >= 200 && code < 300)
        {
            return await ReadAnswerAsync(x, response, read, attempt, timeout.Token, ct).ConfigureAwait(false);
        }

        return await RefusalAsync<T>(x, response, requestId, token, attempt, timeout.Token, ct).ConfigureAwait(false);
    }

    private static HttpRequestMessage CreateMessage(FabricRequest request, SessionToken token)
    {
        var message = new HttpRequestMessage(request.Method, request.Uri);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        message.Headers.Accept.Add(AcceptJson);
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.ExpectContinue = false;
        if (request.Body != null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = JsonContentType;
        }
        else if (request.Method == HttpMethod.Post)
        {
            message.Content = new ByteArrayContent(Array.Empty<byte>());
        }

        return message;
    }

    /// <summary>Sends the message: its response, or the transient failure and whether the request may have reached the service.</summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure, bool MaybeSent)> TransmitAsync(HttpRequestMessage message,
        CancellationToken timeout, CancellationToken ct)
    {
        try
        {
            return (await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout).ConfigureAwait(false), null, true);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            return (null, new TimeoutException($"no answer within {ErrorText.Seconds(_options.HttpTimeout)}", ex), true);
        }
        catch (Exception ex) when (NetworkErrors.IsTransient(ex))
        {
            return (null, ex, !NetworkErrors.ProvesNotSent(ex));
        }
    }

    /// <summary>No answer came (timeout, reset, refused connection, …): the wait before the next attempt, or the exception that ends the request.</summary>
    private RetryWait NoAnswer(Exchange x, Exception failure, bool maybeSent, int attempt, long started)
    {
        var budget = x.Budget;
        var what = NetworkErrors.Describe(failure);
        if (FabricLog.IsVerboseEnabled)
        {
            FabricLog.Verbose($"{x.Method} {UriGuard.PathAndQueryForLog(x.Request.Uri)} → failed in {Ms(started)} ({what})");
        }

        if (maybeSent)
        {
            Interlocked.Increment(ref budget.UncertainAttempts);
        }

        if (x.Request.Mode == SendMode.NotIdempotent && maybeSent)
        {
            throw new AmbiguousOutcomeException(what, failure, null);
        }

        var delay = Backoff(attempt);
        if (!maybeSent)
        {
            // Nothing answers at all (refused, or the host does not resolve): a mistyped endpoint or a service
            // that is down. Worth a few quick tries, not minutes of silence.
            var failingSince = budget.ConnectFailingSince ??= budget.Elapsed;
            if (budget.Elapsed - failingSince + delay > _options.ConnectFailureLimit || !CanRetry(budget, delay))
            {
                throw new FabricConnectionException(
                    $"Could not connect to {BaseUri.Scheme}://{BaseUri.Authority} ({what}); tried {attempt} time(s) over {ErrorText.Seconds(budget.Elapsed - failingSince)}. " +
                    "Check the endpoint given to Connect-MlvFabric (-Endpoint) and that the service is reachable from this machine (network, proxy, firewall).",
                    x.Method, x.Path, failure, attempt);
            }
        }
        else if (!CanRetry(budget, delay))
        {
            throw new FabricConnectionException(
                $"{x.Method} {x.Path} failed: {what}. Gave up after {attempt} attempt(s) over {ErrorText.Seconds(budget.Elapsed)}.",
                x.Method, x.Path, failure, attempt);
        }

        return new RetryWait(delay, attempt, what, null);
    }

    /// <summary>Logs the answer and keeps its Date header (the service's clock); returns its request id.</summary>
    private string? NoteAnswer(Exchange x, HttpResponseMessage response, long started)
    {
        var status = response.StatusCode;
        var requestId = HeaderValue(response, "RequestId") ?? HeaderValue(response, "x-ms-request-id");
        if (response.Headers.Date is DateTimeOffset serverDate)
        {
            NoteServerClock(serverDate);
        }

        if (FabricLog.IsVerboseEnabled)
        {
            FabricLog.Verbose($"{x.Method} {UriGuard.PathAndQueryForLog(x.Request.Uri)} → {ErrorText.Status(status)} in {Ms(started)}" +
                              (requestId != null ? $" (request id {requestId})" : ""));
        }

        if (FabricLog.IsDebugEnabled)
        {
            FabricLog.Debug($"Response {(int)status} to {x.Method} {x.Path}\n{HeaderText.Redacted(response.Headers, response.Content)}");
        }

        return requestId;
    }

    /// <summary>A 2xx answer: its value, or, when its body cannot be read, a retry (reads) or an unknown outcome (creating POSTs).</summary>
    private async Task<Outcome<T>> ReadAnswerAsync<T>(Exchange x, HttpResponseMessage response, Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        int attempt, CancellationToken timeout, CancellationToken ct)
    {
        try
        {
            return Outcome<T>.Success(await read(response, timeout).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (FabricException)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException || ex is IOException || ex is HttpRequestException ||
                                   ex is OperationCanceledException || ex is DecoderFallbackException || ex is InvalidDataException)
        {
            var status = response.StatusCode;
            var what = ex is JsonException ? "the answer was not valid JSON (truncated or malformed)"
                : ex is OperationCanceledException ? $"the answer did not arrive within {ErrorText.Seconds(_options.HttpTimeout)}"
                : "the connection dropped while the answer was read (" + NetworkErrors.Describe(ex) + ")";
            Interlocked.Increment(ref x.Budget.UncertainAttempts);
            if (x.Request.Mode == SendMode.NotIdempotent)
            {
                throw new AmbiguousOutcomeException(what, ex, status);
            }

            var delay = Backoff(attempt);
            if (!CanRetry(x.Budget, delay))
            {
                throw new FabricProtocolException(
                    $"{x.Method} {x.Path} answered {ErrorText.Status(status)}, but {what}. Gave up after {attempt} attempt(s).",
                    x.Method, x.Path, ex);
            }

            return Outcome<T>.RetryAfter(new RetryWait(delay, attempt, $"{(int)status}, {what}", null));
        }
    }

    /// <summary>
    /// An error answer: a renewed token after a first 401, a wait and a retry (429 and other refusals the service marks
    /// retriable, 5xx and 408 for idempotent requests), or the exception that ends the request.
    /// </summary>
    private async Task<Outcome<T>> RefusalAsync<T>(Exchange x, HttpResponseMessage response, string? requestId, SessionToken token, int attempt,
        CancellationToken timeout, CancellationToken ct)
    {
        var request = x.Request;
        var budget = x.Budget;
        var status = response.StatusCode;
        var code = (int)status;
        var error = await ReadErrorAsync(response, timeout, ct).ConfigureAwait(false);
        var retryAfter = RetryAfterParser.Parse(response, _time.GetUtcNow());
        var errorCode = error?.ErrorCode ?? HeaderValue(response, "x-ms-public-api-error-code") ?? HeaderValue(response, "x-ms-error-code");
        if (error == null && errorCode != null)
        {
            error = new FabricError { ErrorCode = errorCode, RequestId = requestId };
        }

        var reason = $"{code}{(errorCode != null ? " " + errorCode : "")}";
        if (code == 401)
        {
            if (!x.RenewedAfter401 && _tokens.CanRenew)
            {
                // The token was refused before the request did anything: renew it once and try once more.
                x.RenewedAfter401 = true;
                FabricLog.Verbose($"{x.Method} {x.Path} was refused with 401{(errorCode != null ? " " + errorCode : "")}; renewing the token and retrying once.");
                await _tokens.GetAsync(token, ClaimsChallenge(response), ct).ConfigureAwait(false);
                return Outcome<T>.RetryNow;
            }

            ThrowUnlessIdentityTypeRefused(x, token, error, errorCode, requestId);
        }

        var throttled = code == 429 || string.Equals(errorCode, "TooManyRequestsForJobs", StringComparison.OrdinalIgnoreCase);
        if (throttled)
        {
            request.Limiter?.Block(retryAfter ?? Backoff(attempt));
        }

        var serverFault = code >= 500 || code == 408;
        var rejectedRetriable = code >= 400 && code < 500 && code != 401 && code != 408 && (throttled || error?.IsRetriable == true);

        if (serverFault)
        {
            Interlocked.Increment(ref budget.UncertainAttempts);
            var apiError = BuildApiException(request, status, error, requestId, retryAfter, attempt, null);
            if (request.Mode == SendMode.NotIdempotent)
            {
                throw new AmbiguousOutcomeException($"{ErrorText.Status(status)}{(errorCode != null ? " " + errorCode : "")}", apiError, status);
            }

            var delay = retryAfter ?? Backoff(attempt);
            if (!CanRetry(budget, delay))
            {
                throw new FabricConnectionException(
                    $"{x.Method} {x.Path} kept failing on the service's side ({ErrorText.Status(status)}{(errorCode != null ? " " + errorCode : "")}{(requestId != null ? ", request id " + requestId : "")}). " +
                    $"Gave up after {attempt} attempt(s) over {ErrorText.Seconds(budget.Elapsed)}.",
                    x.Method, x.Path, apiError, attempt, status);
            }

            return Outcome<T>.RetryAfter(new RetryWait(delay, attempt, reason, retryAfter));
        }

        if (rejectedRetriable && (!throttled || request.RetryThrottled))
        {
            var delay = retryAfter ?? Backoff(attempt);
            if (throttled ? CanWaitThrottled(budget, delay) : CanRetry(budget, delay))
            {
                if (throttled)
                {
                    budget.ThrottledAttempts++;
                    budget.ThrottleWaited += delay;
                }

                return Outcome<T>.RetryAfter(new RetryWait(delay, attempt, reason, retryAfter));
            }
        }

        throw BuildApiException(request, status, error, requestId, retryAfter, attempt, null);
    }

    /// <summary>
    /// A 401 that no renewal answers: an expired access token, or a token the service refuses although it is valid
    /// (revoked, or not for Fabric). A refusal of the identity's type is left to the caller's error mapping.
    /// </summary>
    private void ThrowUnlessIdentityTypeRefused(Exchange x, SessionToken token, FabricError? error, string? errorCode, string? requestId)
    {
        if (!_tokens.CanRenew && _time.GetUtcNow() >= token.ExpiresOn)
        {
            throw StaticTokenCredential.Expired(token.ExpiresOn);
        }

        if (!SaysPrincipalTypeRefused(error))
        {
            throw new FabricAuthenticationException(
                $"The service refused this session's access token (HTTP 401{(errorCode != null ? " " + errorCode : "")}; {x.Method} {x.Path}" +
                $"{(requestId != null ? "; request id " + requestId : "")}) although it is valid until {ErrorText.Utc(token.ExpiresOn)}" +
                (x.RenewedAfter401 ? ", also after it was renewed" : "") +
                ": it was revoked (for example after a password reset or a sign-out everywhere) or is not valid for Fabric. Connect again with Connect-MlvFabric.");
        }
    }

    /// <summary>One call of <see cref="SendAsync{T}(FabricRequest, Func{HttpResponseMessage, CancellationToken, Task{T}}, RetryBudget, CancellationToken)"/>, across its attempts.</summary>
    private sealed class Exchange
    {
        internal Exchange(FabricRequest request, RetryBudget budget)
        {
            Request = request;
            Budget = budget;
            Method = request.Method.Method;
            Path = request.Path;
        }

        internal FabricRequest Request { get; }
        internal RetryBudget Budget { get; }
        internal string Method { get; }
        internal string Path { get; }

        /// <summary>A 401 has already been answered with a renewed token (once per call).</summary>
        internal bool RenewedAfter401 { get; set; }
    }

    /// <summary>What one attempt came to: the value read, or a next attempt (after <see cref="Wait"/>, or at once when it is null).</summary>
    private readonly struct Outcome<T>
    {
        private Outcome(bool succeeded, T value, RetryWait? wait)
        {
            Succeeded = succeeded;
            Value = value;
            Wait = wait;
        }

        internal bool Succeeded { get; }
        internal T Value { get; }
        internal RetryWait? Wait { get; }

        internal static Outcome<T> RetryNow => new Outcome<T>(false, default!, null);

        internal static Outcome<T> Success(T value) => new Outcome<T>(true, value, null);

        internal static Outcome<T> RetryAfter(RetryWait wait) => new Outcome<T>(false, default!, wait);
    }

    /// <summary>The wait before the next attempt, and why (for the "Retrying …" line).</summary>
    private sealed class RetryWait
    {
        internal RetryWait(TimeSpan delay, int attempt, string reason, TimeSpan? retryAfter)
        {
            Delay = delay;
            Attempt = attempt;
            Reason = reason;
            RetryAfter = retryAfter;
        }

        internal TimeSpan Delay { get; }
        internal int Attempt { get; }
        internal string Reason { get; }
        internal TimeSpan? RetryAfter { get; }
    }

    // Throttled attempts and their waits are the service's schedule: they count against MaxThrottleWait only.
    private bool CanRetry(RetryBudget budget, TimeSpan delay) =>
        budget.Attempts - budget.ThrottledAttempts < _options.MaxAttempts &&
        budget.Elapsed - budget.ThrottleWaited + delay <= _options.MaxRetryDuration;

    private bool CanWaitThrottled(RetryBudget budget, TimeSpan delay) =>
        budget.ThrottleWaited + delay <= _options.MaxThrottleWait;

    /// <summary>
    /// Takes a slot of <paramref name="limiter"/>; when none is free, says so (verbose, progress) before waiting for
    /// one, so a paced call is never a silent pause.
    /// </summary>
    internal static async Task<RateLimiter.Grant?> PassLimiterAsync(RateLimiter limiter, string what, string method, string path, CancellationToken ct)
    {
        if (limiter.TryAcquire(out var wait, out var grant))
        {
            return grant;
        }

        using (FabricLog.Waiting("Pacing requests to Fabric",
                   $"Pacing {method} {path} to stay under {limiter.Describe(what)}", wait))
        {
            var (_, acquired) = await limiter.AcquireAsync(ct).ConfigureAwait(false);
            return acquired;
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half the step fixed, half random.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var baseMs = Math.Max(1, _options.RetryBaseDelay.TotalMilliseconds);
        var maxMs = Math.Max(baseMs, _options.RetryMaxDelay.TotalMilliseconds);
        var step = Math.Min(maxMs, baseMs * Math.Pow(2, Math.Max(0, attempt - 1)));
        var random = _random ??= new Random(Guid.NewGuid().GetHashCode());
        return TimeSpan.FromMilliseconds(step / 2 + random.NextDouble() * step / 2);
    }

    /// <summary>Waits before a retry, saying so first (verbose line; progress where the caller shows it).</summary>
    private async Task RetryDelayAsync(Exchange x, RetryWait wait, CancellationToken ct)
    {
        var why = $"Retrying {x.Method} {x.Path} after attempt {wait.Attempt} ({wait.Reason}" +
                  (wait.RetryAfter is TimeSpan ra ? $", Retry-After {ra.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" : "") + ")";
        using (FabricLog.Waiting("Retrying a request to Fabric", why, wait.Delay))
        {
            await _time.Delay(wait.Delay, ct).ConfigureAwait(false);
        }
    }

    internal FabricApiException BuildApiException(FabricRequest request, HttpStatusCode status, FabricError? error, string? requestId,
        TimeSpan? retryAfter, int attempts, Exception? inner)
    {
        var code = (int)status;
        var sb = new StringBuilder();
        var serviceMessage = error?.Message;
        sb.Append(string.IsNullOrWhiteSpace(serviceMessage) ? $"The service answered {ErrorText.Status(status)}." : serviceMessage!.Trim());
        if (sb.Length > 0 && sb[sb.Length - 1] != '.')
        {
            sb.Append('.');
        }

        sb.Append(" (HTTP ").Append(code.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(error?.ErrorCode))
        {
            sb.Append(' ').Append(error!.ErrorCode);
        }

        sb.Append("; ").Append(request.Method.Method).Append(' ').Append(request.Path);
        var rid = error?.RequestId ?? requestId;
        if (!string.IsNullOrEmpty(rid))
        {
            sb.Append("; request id ").Append(rid);
        }

        if (attempts > 1)
        {
            sb.Append("; ").Append(attempts.ToString(CultureInfo.InvariantCulture)).Append(" attempts");
        }

        sb.Append(')');
        var spRefusal = false;
        if ((code == 401 || code == 403) && request.IsJobCall)
        {
            var identity = _identityType();
            if (identity == FabricIdentityType.ServicePrincipal || identity == FabricIdentityType.ManagedIdentity)
            {
                spRefusal = true;
                var kind = identity == FabricIdentityType.ManagedIdentity ? "managed identity" : "service principal";
                const string useUser = "Sign in as a user instead: Connect-MlvFabric (interactive browser sign-in), Connect-MlvFabric -UseDeviceCode (device code), " +
                                       "or Connect-MlvFabric -AccessToken with an access token issued to a user.";
                if (SaysPrincipalTypeRefused(error))
                {
                    sb.Append(" This tenant's MLV job APIs refuse service principals and managed identities (they accept only user identities), and this session signs in as a ")
                        .Append(kind).Append(". ").Append(useUser);
                }
                else
                {
                    sb.Append(" This session signs in as a ").Append(kind)
                        .Append(". If it has the Contributor or Admin role on the workspace, this tenant's MLV job APIs may accept only user identities. ")
                        .Append(useUser);
                }
            }
        }
        if (code == 429 && retryAfter is TimeSpan ra)
        {
            sb.Append(" The service asked to wait ").Append(ErrorText.Seconds(ra)).Append(" before retrying.");
        }

        return new FabricApiException(sb.ToString(), status, error, requestId, request.Method.Method, request.Path, retryAfter, attempts, inner)
        {
            IsServicePrincipalRefusal = spRefusal,
        };
    }

    /// <summary>
    /// Whether the service said why it refused: the identity's type, not its permissions. No error code for this is
    /// documented, so the code the emulator uses and the wording of the message both count.
    /// </summary>
    private static bool SaysPrincipalTypeRefused(FabricError? error)
    {
        if (error == null)
        {
            return false;
        }

        if (string.Equals(error.ErrorCode, "PrincipalTypeNotSupported", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        // "… accept user identities only; service principals … are not supported", not "the service principal lacks …".
        var message = error.Message ?? "";
        var aboutType = Has(message, "service principal") || Has(message, "managed identit") || Has(message, "user identit");
        var refused = Has(message, "not supported") || Has(message, " only") || Has(message, "not allowed");
        return aboutType && refused;

        static bool Has(string text, string part) => text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private static async Task<FabricError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken timeout, CancellationToken ct)
    {
        if (response.Content == null)
        {
            return null;
        }

        try
        {
            var length = response.Content.Headers.ContentLength;
            if (length == 0)
            {
                return null;
            }

            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var dto = await JsonSerializer.DeserializeAsync(stream, FabricJsonContext.Default.ErrorDto, timeout).ConfigureAwait(false);
            return Mapper.ToError(dto);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is JsonException || ex is IOException || ex is HttpRequestException ||
                                   ex is OperationCanceledException || ex is DecoderFallbackException || ex is NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Reads a JSON body straight from the response stream.</summary>
    internal static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        if (response.Content == null)
        {
            throw new JsonException("The answer has no body.");
        }

        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        var value = await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false);
        return value ?? throw new JsonException("The answer's body is JSON null.");
    }

    internal static string? HeaderValue(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values))
        {
            foreach (var v in values)
            {
                if (!string.IsNullOrWhiteSpace(v))
                {
                    return v.Trim();
                }
            }
        }

        return null;
    }

    /// <summary>The claims of a CAE challenge (<c>WWW-Authenticate: Bearer … claims="base64"</c>), decoded; else null.</summary>
    private static string? ClaimsChallenge(HttpResponseMessage response)
    {
        foreach (var auth in response.Headers.WwwAuthenticate)
        {
            var p = auth.Parameter;
            if (p == null)
            {
                continue;
            }

            var i = p.IndexOf("claims=\"", StringComparison.OrdinalIgnoreCase);
            if (i < 0)
            {
                continue;
            }

            var start = i + 8;
            var end = p.IndexOf('"', start);
            if (end <= start)
            {
                continue;
            }

            try
            {
                return Encoding.UTF8.GetString(JwtClaims.Base64UrlDecode(p.Substring(start, end - start).TrimEnd('=')));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    private void NoteServerClock(DateTimeOffset serverDate)
    {
        var offset = serverDate - _time.GetUtcNow();
        Interlocked.Exchange(ref _serverClockOffsetTicks, offset.Ticks);
        Volatile.Write(ref _hasServerClock, 1);
    }

    private string Ms(long started) =>
        _time.GetElapsedTime(started).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public void Dispose() => _http.Dispose();
}
