using System;
using System.Globalization;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Errors;

/// <summary>The job cmdlets' errors (Start-MlvRefresh, Get/Wait/Stop-MlvJobInstance).</summary>
public static partial class MlvErrors
{
    /// <summary>
    /// A request about one item that failed (refused, unreachable, unreadable): reported for that item while the
    /// others of the pipeline go on. Authentication failures are not among them: every later request would fail too.
    /// </summary>
    public static bool IsItemFailure(Exception ex) =>
        ex is FabricApiException || ex is FabricConnectionException || ex is FabricProtocolException;

    /// <summary>
    /// A refresh that ended Failed: non-terminating, the service's failureReason in the message and in the exception
    /// (<see cref="MlvJobFailedException"/>), the final instance as the target.
    /// </summary>
    public static ErrorRecord JobFailed(MlvJobInstance instance)
    {
        var reason = instance.FailureReason;
        var detail = reason is null
            ? "The service gave no failure reason."
            : $"{reason.ErrorCode ?? "(no error code)"}: {reason.Message ?? "(no message)"}";
        var message = $"The MLV refresh of {Lakehouse(instance)} failed (job {instance.Id}). {detail}";
        var record = new ErrorRecord(new MlvJobFailedException(message, instance), "MlvRefreshFailed", ErrorCategory.OperationStopped, instance);
        record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = RecommendedActionForFailure(reason?.ErrorCode) };
        return record;
    }

    /// <summary>A job still running when -Timeout ran out.</summary>
    public static ErrorRecord JobWaitTimedOut(object target, string job, TimeSpan timeout, bool cancelRequested)
    {
        var message = cancelRequested
            ? $"{job} was still running after {Format(timeout)}; its cancellation was requested (-CancelOnTimeout)."
            : $"{job} was still running after {Format(timeout)}. The refresh goes on in Fabric: wait again with Wait-MlvJobInstance, or cancel it with Stop-MlvJobInstance (or use -CancelOnTimeout).";
        return new ErrorRecord(new TimeoutException(message), "MlvJobWaitTimeout", ErrorCategory.OperationTimeout, target);
    }

    /// <summary>
    /// A wait that ended for a reason other than the job (sign-in failed, the service could not be reached): the
    /// record keeps the cause's ErrorId and category, names the job (the instance is the target) and says it goes on.
    /// </summary>
    public static ErrorRecord JobWaitInterrupted(MlvJobInstance job, string describe, Exception cause)
    {
        var caused = FromException(cause, job);
        var message = $"Stopped waiting for {describe}: {cause.Message.TrimEnd()} The refresh was started and goes on in Fabric.";
        return WithAdvice(
            new ErrorRecord(new MlvJobWaitInterruptedException(message, cause), caused.FullyQualifiedErrorId, caused.CategoryInfo.Category, job),
            (cause is FabricAuthenticationException ? "Connect again (Connect-MlvFabric), then follow" : "Follow") +
            $" the job with Wait-MlvJobInstance -WorkspaceId {job.WorkspaceId} -LakehouseId {job.LakehouseId} -Id {job.Id}, or cancel it with Stop-MlvJobInstance.");
    }

    /// <summary>A job instance id the lakehouse does not have (any more: the service keeps the last 100 finished ones).</summary>
    public static ErrorRecord JobInstanceNotFound(Guid id, LakehouseLocation lakehouse, FabricApiException? ex) => NotFound(
        "JobInstanceNotFound",
        $"No job instance with id '{id}' was found in lakehouse {lakehouse}{(ex?.ErrorCode is string code ? $" ({code})" : string.Empty)}. The service keeps the 100 most recent finished instances of a lakehouse; run Get-MlvJobInstance to list them.",
        id);

    public static ErrorRecord InvalidJobInstanceId() => InvalidArgument(
        "InvalidJobInstanceId",
        "-Id contains the empty GUID. Pass a job instance id from Get-MlvJobInstance or Start-MlvRefresh -PassThru, or pipe those objects.",
        Guid.Empty);

    /// <summary>A -Timeout of zero, a negative one, or one too long to wait for.</summary>
    public static ErrorRecord InvalidTimeout(TimeSpan value, TimeSpan maximum) => InvalidArgument(
        "InvalidTimeout",
        value <= TimeSpan.Zero
            ? $"-Timeout must be positive (got {value}). Give seconds (-Timeout 600) or a TimeSpan (-Timeout (New-TimeSpan -Minutes 10)); leave it out to wait until the jobs end."
            : $"-Timeout {value} is longer than the longest supported wait ({Format(maximum)}); an MLV refresh fails after 24 hours anyway. Leave -Timeout out to wait until the jobs end.",
        value);

    public static ErrorRecord CancelOnTimeoutWithoutTimeout() => InvalidArgument(
        "CancelOnTimeoutWithoutTimeout",
        "-CancelOnTimeout needs -Timeout: without a timeout the wait only ends when the jobs do. Add -Timeout (seconds or a TimeSpan).",
        null);

    private static string Lakehouse(MlvJobInstance instance) =>
        $"{instance.WorkspaceName ?? instance.WorkspaceId.ToString()}/{instance.LakehouseName ?? instance.LakehouseId.ToString()}";

    internal static string Format(TimeSpan span) =>
        span.TotalHours >= 1
            ? ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + span.ToString(@"\:mm\:ss", CultureInfo.InvariantCulture)
            : span.TotalMinutes >= 1
                ? span.ToString(@"m\:ss", CultureInfo.InvariantCulture) + " min"
                : span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    internal const string JobAlreadyCompletedCode = "JobAlreadyCompleted";

    private static string RecommendedActionForFailure(string? errorCode) => errorCode?.ToUpperInvariant() switch
    {
        "MLV_REFRESH_CONFLICT" => "Another refresh of the same lineage was running. Wait for it (Start-MlvRefresh -Wait -AttachIfRunning), then start the refresh again.",
        "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED" => "The capacity could not start a Spark session. Check the capacity's load and state, then run Start-MlvRefresh again.",
        "MLV_SELECTED_NOT_FOUND" => "The execution definition selects a view that no longer exists. Update the execution definition, then run the refresh again.",
        _ => "Read the failure reason, fix its cause (view definitions, source data, capacity), then run Start-MlvRefresh again. The lakehouse's Recent runs page in Fabric shows per-view details.",
    };
}
