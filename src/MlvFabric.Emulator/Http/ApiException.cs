using System;
using System.Collections.Generic;

namespace MlvFabric.Emulator.Http;

/// <summary>One entry of an error body's <c>moreDetails</c>.</summary>
internal sealed record ErrorDetail(string ErrorCode, string Message, RelatedResource? RelatedResource = null);

/// <summary>The error body's <c>relatedResource</c>.</summary>
internal sealed record RelatedResource(string ResourceId, string ResourceType);

/// <summary>
/// A service error: thrown anywhere below a route, written by <see cref="ApiPipeline"/> as the service's error body
/// (<c>errorCode, message, requestId, isRetriable, moreDetails?, relatedResource?</c>) with the
/// <c>x-ms-public-api-error-code</c> header.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(int status, string errorCode, string message, IReadOnlyList<ErrorDetail>? moreDetails = null,
        RelatedResource? relatedResource = null, int? retryAfterSeconds = null)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
        MoreDetails = moreDetails;
        RelatedResource = relatedResource;
        RetryAfterSeconds = retryAfterSeconds;
    }

    public int Status { get; }
    public string ErrorCode { get; }
    public IReadOnlyList<ErrorDetail>? MoreDetails { get; }
    public RelatedResource? RelatedResource { get; }
    public int? RetryAfterSeconds { get; }

    /// <summary>429 and 5xx may be retried; nothing else.</summary>
    public bool IsRetriable => Status == 429 || Status >= 500;

    public static ApiException BadRequest(string code, string message, IReadOnlyList<ErrorDetail>? details = null) =>
        new(400, code, message, details);

    public static ApiException NotFound(string code, string message, RelatedResource? related = null) =>
        new(404, code, message, null, related);
}

/// <summary>Error codes the emulator answers with (the service's, see fabric-api.md).</summary>
internal static class ErrorCodes
{
    /// <summary>
    /// A path id that is not a GUID. The contract is silent; the service's model validation answers 400
    /// <c>InvalidInput</c> with a <c>moreDetails</c> entry <c>InvalidParameter</c> naming the parameter, so we do too.
    /// </summary>
    public const string InvalidInput = "InvalidInput";
    public const string InvalidParameter = "InvalidParameter";
    public const string InvalidRequest = "InvalidRequest";
    public const string InvalidConfiguration = "InvalidConfiguration";
    public const string InvalidJobType = "InvalidJobType";
    public const string InvalidContinuationToken = "InvalidContinuationToken";
    public const string WorkspaceNotFound = "WorkspaceNotFound";
    public const string ItemNotFound = "ItemNotFound";
    public const string EntityNotFound = "EntityNotFound";
    public const string ScheduleExceedsLimit = "ScheduleExceedsLimit";
    public const string ConflictingRequest = "ConflictingRequest";
    public const string FeatureNotAvailable = "FeatureNotAvailable";
    public const string JobAlreadyCompleted = "JobAlreadyCompleted";
    public const string TooManyRequestsForJobs = "TooManyRequestsForJobs";
    public const string RequestBlocked = "RequestBlocked";
    public const string Unauthorized = "Unauthorized";
    public const string InvalidToken = "InvalidToken";
    public const string TokenExpired = "TokenExpired";
    public const string PrincipalTypeNotSupported = "PrincipalTypeNotSupported";
    public const string InternalServerError = "InternalServerError";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string MlvSelectedNotFound = "MLV_SELECTED_NOT_FOUND";
}
