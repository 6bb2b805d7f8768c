using System;
using MlvFabric.Client;

namespace MlvFabric;

/// <summary>
/// The exception of the error a failed MLV refresh reports (ErrorId <c>MlvRefreshFailed</c>): the service's
/// failureReason, and the final job instance (also the error's TargetObject).
/// <code>catch [MlvFabric.MlvJobFailedException] { $_.Exception.ErrorCode }</code>
/// </summary>
public sealed class MlvJobFailedException : Exception
{
    public MlvJobFailedException(string message, MlvJobInstance jobInstance)
        : base(message)
    {
        JobInstance = jobInstance;
    }

    /// <summary>failureReason.errorCode, e.g. <c>MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED</c>; null when the service gave none.</summary>
    public string? ErrorCode => JobInstance.FailureReason?.ErrorCode;

    /// <summary>failureReason.message.</summary>
    public string? ServiceMessage => JobInstance.FailureReason?.Message;

    public string? RequestId => JobInstance.FailureReason?.RequestId;

    public MlvJobInstance JobInstance { get; }
}
