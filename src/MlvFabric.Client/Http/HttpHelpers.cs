using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace MlvFabric.Client.Http;

internal static class RetryAfterParser
{
    /// <summary>
    /// Retry-After as a delay: delta-seconds, or an HTTP date measured against the response's own Date header
    /// (so a skewed local clock does not stretch or shrink it), or against <paramref name="nowUtc"/> without one.
    /// Null when absent or unreadable; never negative.
    /// </summary>
    internal static TimeSpan? Parse(HttpResponseMessage response, DateTimeOffset nowUtc)
    {
        var header = response.Headers.RetryAfter;
        if (header != null)
        {
            if (header.Delta is TimeSpan delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header.Date is DateTimeOffset date)
            {
                return FromDate(date, response.Headers.Date, nowUtc);
            }
        }
        // The typed header rejects some forms (fractional seconds, odd spacing); read the raw value too.
        if (response.Headers.TryGetValues("Retry-After", out var values))
        {
            return ParseText(values.FirstOrDefault(), response.Headers.Date, nowUtc);
        }

        return null;
    }

    internal static TimeSpan? ParseText(string? text, DateTimeOffset? responseDate, DateTimeOffset nowUtc)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text!.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds))
            {
                return null;
            }

            if (seconds <= 0)
            {
                return TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
        }
        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return FromDate(date, responseDate, nowUtc);
        }

        return null;
    }

    private static TimeSpan FromDate(DateTimeOffset date, DateTimeOffset? responseDate, DateTimeOffset nowUtc)
    {
        var delay = date - (responseDate ?? nowUtc);
        if (delay < TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay;
    }
}

internal static class UriGuard
{
    /// <summary>
    /// True when the bearer token may be sent to <paramref name="target"/>: the endpoint's own host and port,
    /// over https (or http when the endpoint itself is a loopback http endpoint).
    /// </summary>
    internal static bool IsAllowed(Uri target, Uri baseUri)
    {
        if (!target.IsAbsoluteUri)
        {
            return false;
        }

        if (!string.Equals(target.Host, baseUri.Host, StringComparison.OrdinalIgnoreCase) || target.Port != baseUri.Port)
        {
            return false;
        }

        if (string.Equals(target.Scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return string.Equals(baseUri.Scheme, "https", StringComparison.OrdinalIgnoreCase) || target.IsLoopback;
        }

        if (string.Equals(target.Scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            return string.Equals(baseUri.Scheme, "http", StringComparison.OrdinalIgnoreCase) && target.IsLoopback;
        }

        return false;
    }

    /// <summary>Path for messages and logs: no host, no query.</summary>
    internal static string PathOf(Uri uri) => uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];

    /// <summary>Path and query for the verbose log, with the values of token-like query parameters elided.</summary>
    internal static string PathAndQueryForLog(Uri uri)
    {
        var path = PathOf(uri);
        if (!uri.IsAbsoluteUri || string.IsNullOrEmpty(uri.Query))
        {
            return path;
        }

        var parts = uri.Query.TrimStart('?').Split('&');
        var sb = new StringBuilder(path).Append('?');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            var eq = parts[i].IndexOf('=');
            var name = eq < 0 ? parts[i] : parts[i].Substring(0, eq);
            if (eq >= 0 && (name.IndexOf("token", StringComparison.OrdinalIgnoreCase) >= 0 ||
                            name.IndexOf("secret", StringComparison.OrdinalIgnoreCase) >= 0 ||
                            name.IndexOf("sig", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                sb.Append(name).Append("=…");
            }
            else
            {
                sb.Append(parts[i]);
            }
        }
        return sb.ToString();
    }
}

internal static class NetworkErrors
{
    /// <summary>
    /// True when the exception proves the request never left this machine: the connection was refused or the
    /// host name did not resolve. Anything else (reset, timeout, dropped connection) may have happened after the
    /// request reached the service.
    /// </summary>
    internal static bool ProvesNotSent(Exception ex)
    {
        for (var e = ex; e != null; e = e.InnerException)
        {
            if (e is SocketException se)
            {
                switch (se.SocketErrorCode)
                {
                    case SocketError.ConnectionRefused:
                    case SocketError.HostNotFound:
                    case SocketError.HostUnreachable:
                    case SocketError.NetworkUnreachable:
                    case SocketError.NoData:
                    case SocketError.TryAgain:
                    case SocketError.AddressNotAvailable:
                        return true;
                }
            }
            if (e is WebException we && (we.Status == WebExceptionStatus.ConnectFailure || we.Status == WebExceptionStatus.NameResolutionFailure))
            {
                return true;
            }
        }
        return false;
    }

    internal static bool IsTransient(Exception ex) =>
        ex is HttpRequestException || ex is IOException || ex is SocketException || ex is WebException ||
        (ex.InnerException != null && IsTransient(ex.InnerException));

    /// <summary>Short description for logs: type and message of the innermost useful exception.</summary>
    internal static string Describe(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e != null && parts.Count < 3; e = e.InnerException)
        {
            if (!string.IsNullOrEmpty(e.Message))
            {
                parts.Add(e.Message.TrimEnd('.'));
            }
        }

        return parts.Count == 0 ? ex.GetType().Name : string.Join(": ", parts.Distinct());
    }
}

internal static class HeaderText
{
    internal static string Redacted(HttpHeaders headers, HttpContent? content = null)
    {
        var sb = new StringBuilder();
        foreach (var h in headers)
        {
            Append(sb, h.Key, h.Value);
        }

        if (content != null)
        {
            foreach (var h in content.Headers)
            {
                Append(sb, h.Key, h.Value);
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static void Append(StringBuilder sb, string name, IEnumerable<string> values)
    {
        sb.Append("  ").Append(name).Append(": ");
        if (IsSensitive(name))
        {
            var first = values.FirstOrDefault() ?? "";
            var space = first.IndexOf(' ');
            sb.Append(space > 0 ? first.Substring(0, space) + " ***" : "***");
        }
        else
        {
            sb.Append(string.Join(", ", values));
        }
        sb.Append('\n');
    }

    internal static bool IsSensitive(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ||
        name.IndexOf("secret", StringComparison.OrdinalIgnoreCase) >= 0 ||
        name.Equals("X-IDENTITY-HEADER", StringComparison.OrdinalIgnoreCase);
}
