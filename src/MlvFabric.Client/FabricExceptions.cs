using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace MlvFabric.Client;

/// <summary>Base of every error the client raises. Never carries a token or a request body.</summary>
public abstract class FabricException : Exception
{
    protected FabricException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>HTTP method of the request involved, when there was one.</summary>
    public string? Method { get; protected set; }

    /// <summary>Path of the request involved (no host, no query).</summary>
    public string? Path { get; protected set; }
}

/// <summary>The service answered with an error status (after the retries the client allows itself).</summary>
public sealed class FabricApiException : FabricException
{
    internal FabricApiException(string message, HttpStatusCode statusCode, FabricError? error, string? requestId,
        string method, string path, TimeSpan? retryAfter, int attempts, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Error = error;
        ErrorCode = error?.ErrorCode;
        ServiceMessage = error?.Message;
        RequestId = error?.RequestId ?? requestId;
        MoreDetails = error?.MoreDetails ?? Array.Empty<FabricErrorDetail>();
        IsRetriable = error?.IsRetriable ?? false;
        RetryAfter = retryAfter;
        Attempts = attempts;
        Method = method;
        Path = path;
    }

    public HttpStatusCode StatusCode { get; }

    public int Status => (int)StatusCode;

    public string? ErrorCode { get; }

    public string? ServiceMessage { get; }

    public string? RequestId { get; }

    public IReadOnlyList<FabricErrorDetail> MoreDetails { get; }

    public bool IsRetriable { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>The parsed error body (null when the body was missing or unreadable).</summary>
    public FabricError? Error { get; }

    /// <summary>How many times the request was sent.</summary>
    public int Attempts { get; }

    /// <summary>True when a service principal or managed identity was refused on an MLV job API.</summary>
    public bool IsServicePrincipalRefusal { get; internal set; }
}

/// <summary>The service could not be reached, or kept failing with 5xx/network errors past the retry budget.</summary>
public sealed class FabricConnectionException : FabricException
{
    internal FabricConnectionException(string message, string? method, string? path, Exception? inner = null, int attempts = 0,
        HttpStatusCode? lastStatusCode = null, bool outcomeUnknown = false)
        : base(message, inner)
    {
        Method = method;
        Path = path;
        Attempts = attempts;
        LastStatusCode = lastStatusCode;
        OutcomeUnknown = outcomeUnknown;
    }

    public int Attempts { get; }

    public HttpStatusCode? LastStatusCode { get; }

    /// <summary>True when a state-changing request may or may not have taken effect (check before repeating it).</summary>
    public bool OutcomeUnknown { get; }
}

/// <summary>The service answered something the client cannot use: malformed body, missing id, a URL on a foreign host.</summary>
public sealed class FabricProtocolException : FabricException
{
    internal FabricProtocolException(string message, string? method = null, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Method = method;
        Path = path;
    }
}

/// <summary>Sign-in failed, or the session's token expired and cannot be renewed.</summary>
public sealed class FabricAuthenticationException : FabricException
{
    internal FabricAuthenticationException(string message, Exception? inner = null, DateTimeOffset? expiredOn = null)
        : base(message, inner)
    {
        ExpiredOn = expiredOn;
    }

    /// <summary>When the (unrenewable) token expired, for an expired <c>-AccessToken</c> session.</summary>
    public DateTimeOffset? ExpiredOn { get; }
}

/// <summary>The service's error body.</summary>
public sealed class FabricError
{
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public string? RequestId { get; set; }
    public bool IsRetriable { get; set; }
    public IReadOnlyList<FabricErrorDetail> MoreDetails { get; set; } = Array.Empty<FabricErrorDetail>();
    public FabricRelatedResource? RelatedResource { get; set; }

    public override string ToString() =>
        string.IsNullOrEmpty(ErrorCode) ? Message ?? "" : $"{ErrorCode}: {Message}";
}

public sealed class FabricErrorDetail
{
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public FabricRelatedResource? RelatedResource { get; set; }

    public override string ToString() => $"{ErrorCode}: {Message}";
}

public sealed class FabricRelatedResource
{
    public string? ResourceId { get; set; }
    public string? ResourceType { get; set; }

    public override string ToString() => $"{ResourceType} {ResourceId}";
}

internal static class ErrorText
{
    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    internal static string Utc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    internal static string Status(HttpStatusCode code) => (((int)code).ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase(code)).TrimEnd();

    internal static string ReasonPhrase(HttpStatusCode code) => (int)code switch
    {
        429 => "Too Many Requests",
        _ => SplitWords(code.ToString()),
    };

    private static string SplitWords(string name)
    {
        if (name.All(char.IsDigit))
        {
            return "";
        }

        var chars = new List<char>(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                chars.Add(' ');
            }

            chars.Add(name[i]);
        }
        return new string(chars.ToArray());
    }
}
