using System;
using System.Globalization;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Errors;

/// <summary>
/// Every error the module reports is built here, so ErrorIds, categories and wording stay consistent.
/// ErrorIds are stable: scripts may match <c>$_.FullyQualifiedErrorId</c> against them.
/// </summary>
public static partial class MlvErrors
{
    /// <summary>True for the exception types that describe a Fabric call that failed (not a bug in the module).</summary>
    public static bool IsFabricFailure(Exception ex) =>
        ex is FabricApiException
        || ex is FabricConnectionException
        || ex is FabricProtocolException
        || ex is FabricAuthenticationException
        || ex is TimeoutException;

    /// <summary>An ErrorRecord for a failed Fabric call, with the service's error code, request id, status and operation.</summary>
    public static ErrorRecord FromException(Exception ex, object? target)
    {
        switch (ex)
        {
            case FabricApiException api:
                return FromApiException(api, target);
            case FabricAuthenticationException:
                return WithAdvice(
                    Record(ex, "FabricAuthenticationFailed", ErrorCategory.AuthenticationError, target),
                    "Run Connect-MlvFabric again (a session from -AccessToken cannot renew its token: connect with a fresh one, or with -Identity, -UseAzPowerShell or a service principal). Get-MlvContext shows the session and when its token expires.");
            case FabricConnectionException:
                return Record(ex, "FabricConnectionFailed", ErrorCategory.ConnectionError, target);
            case FabricProtocolException:
                return Record(ex, "FabricProtocolError", ErrorCategory.ProtocolError, target);
            case TimeoutException:
                return Record(ex, "FabricTimeout", ErrorCategory.OperationTimeout, target);
            default:
                return Record(ex, "MlvFabricUnexpectedError", ErrorCategory.NotSpecified, target);
        }
    }

    /// <summary>Maps an HTTP status to the category PowerShell users expect.</summary>
    public static ErrorCategory CategoryFor(int status) => status switch
    {
        400 => ErrorCategory.InvalidArgument,
        401 => ErrorCategory.AuthenticationError,
        403 => ErrorCategory.PermissionDenied,
        404 => ErrorCategory.ObjectNotFound,
        409 => ErrorCategory.ResourceExists,
        429 => ErrorCategory.LimitsExceeded,
        >= 500 => ErrorCategory.ConnectionError,
        _ => ErrorCategory.NotSpecified,
    };

    private static ErrorRecord FromApiException(FabricApiException api, object? target)
    {
        var errorId = "FabricApi." + (string.IsNullOrEmpty(api.ErrorCode)
            ? "Http" + api.Status.ToString(CultureInfo.InvariantCulture)
            : api.ErrorCode);
        var record = Record(api, errorId, CategoryFor(api.Status), target);
        record.ErrorDetails = new ErrorDetails(api.Message)
        {
            RecommendedAction = api.IsServicePrincipalRefusal ? ServicePrincipalRefusalAdvice : RecommendedActionFor(api.Status),
        };
        return record;
    }

    // The service refused the identity's type, not its permissions: a role would not help.
    private const string ServicePrincipalRefusalAdvice =
        "This API accepts user identities only here: sign in as a user (Connect-MlvFabric, Connect-MlvFabric -UseDeviceCode, or -AccessToken with a user's token), or ask the tenant admin to allow service principals for Fabric APIs.";

    private static string RecommendedActionFor(int status) => status switch
    {
        400 => "Check the parameter values named in the message and run the command again.",
        401 => "Run Connect-MlvFabric again to sign in.",
        403 => "Ask a workspace admin for the Contributor or Admin role on the workspace.",
        404 => "Check the workspace and lakehouse ids or names (Get-MlvWorkspace, Get-MlvLakehouse).",
        409 => "Remove or change the conflicting object, or use -Force where the cmdlet offers it.",
        429 => "The service is throttling this identity. Wait a minute, or reduce the number of parallel calls.",
        _ => "Try again later. If the problem persists, include the request id when you contact support.",
    };

    /// <summary>Bad input, refused before any request is sent.</summary>
    public static ErrorRecord InvalidArgument(string errorId, string message, object? value) =>
        WithAdvice(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, value),
            AdviceIn(message) ?? "Correct the value the message names and run the command again.");

    /// <summary>An id parameter given the empty GUID, which names nothing.</summary>
    public static ErrorRecord EmptyGuid(string errorId, string parameter, string source, string alternative) => InvalidArgument(
        errorId,
        $"{parameter} contains the empty GUID. Pass {source}, or use {alternative}.",
        Guid.Empty);

    /// <summary>A name or id that matches nothing.</summary>
    public static ErrorRecord NotFound(string errorId, string message, object? value) =>
        WithAdvice(new ErrorRecord(new ItemNotFoundException(message), errorId, ErrorCategory.ObjectNotFound, value),
            AdviceIn(message) ?? "Check the name or id: Get-MlvWorkspace, Get-MlvLakehouse, Get-MlvSchedule and Get-MlvJobInstance list what exists.");

    /// <summary>A state that makes the request impossible (e.g. a second enabled schedule without -Force).</summary>
    public static ErrorRecord InvalidOperation(string errorId, string message, object? target) =>
        WithAdvice(new ErrorRecord(new InvalidOperationException(message), errorId, ErrorCategory.InvalidOperation, target),
            AdviceIn(message) ?? "Change what the message names, then run the command again.");

    /// <summary>Sets RecommendedAction (the error's message stays the exception's).</summary>
    internal static ErrorRecord WithAdvice(ErrorRecord record, string advice)
    {
        record.ErrorDetails = new ErrorDetails(record.ErrorDetails?.Message ?? record.Exception.Message) { RecommendedAction = advice };
        return record;
    }

    // The module's messages say what is wrong, then what to do: "No workspace named 'X' was found. Run Get-MlvWorkspace …".
    // The sentences after the first are the recommendation; null when there are none.
    private static string? AdviceIn(string message)
    {
        var next = System.Text.RegularExpressions.Regex.Match(message, @"(?<![eEiI]\.[gGeE])\.\s+(?=[A-Z-])");
        return next.Success && next.Index + next.Length < message.Length ? message.Substring(next.Index + next.Length).Trim() : null;
    }

    /// <summary>One of the module's objects piped to a cmdlet that takes another kind (a lakehouse piped to Remove-MlvSchedule).</summary>
    public static ErrorRecord WrongPipedObject(string cmdlet, string accepted, string got, object piped) => WithAdvice(
        new ErrorRecord(
            new ArgumentException($"{cmdlet} takes {accepted} from the pipeline; got {got}. Its Id is not the id {cmdlet} needs, so nothing was sent."),
            "PipedObjectNotAccepted",
            ErrorCategory.InvalidArgument,
            piped),
        $"Pipe {accepted} to {cmdlet}, or name the objects with its parameters (Get-Help {cmdlet} -Examples).");

    /// <summary>A piped object none of whose properties bind to the cmdlet's parameters (a bare string, say).</summary>
    public static ErrorRecord UnusablePipedObject(string cmdlet, object piped) => WithAdvice(
        new ErrorRecord(
            new ArgumentException($"{cmdlet} cannot use the piped {piped.GetType().Name} '{piped}': none of its properties names a workspace, lakehouse or id."),
            "PipedObjectNotBindable",
            ErrorCategory.InvalidArgument,
            piped),
        "Pipe the module's objects (Get-MlvLakehouse, Get-MlvSchedule, Get-MlvJobInstance), or objects with WorkspaceId/WorkspaceName and LakehouseId/LakehouseName properties, or pass the names as parameters.");

    /// <summary>A change that needs confirmation in a session that cannot prompt.</summary>
    public static ErrorRecord ConfirmationNotPossible(string cmdlet, string target, string action, bool hasForce) => WithAdvice(
        new ErrorRecord(
            new InvalidOperationException($"{cmdlet} asks before it does this ({action}: {target}), but this session cannot show a prompt (it is non-interactive). Nothing was changed."),
            "ConfirmationNotPossible",
            ErrorCategory.InvalidOperation,
            target),
        $"To go ahead without a prompt, add {(hasForce ? "-Force or -Confirm:$false" : "-Confirm:$false")} (in a runbook, after checking the targets with -WhatIf).");

    public static ErrorRecord NotConnected() => new ErrorRecord(
        new InvalidOperationException("You are not connected to Microsoft Fabric. Run Connect-MlvFabric first, or pass a context from Connect-MlvFabric with -Context."),
        "MlvNotConnected",
        ErrorCategory.AuthenticationError,
        null);

    private static ErrorRecord Record(Exception ex, string errorId, ErrorCategory category, object? target) =>
        new ErrorRecord(ex, errorId, category, target);
}
