using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>Lists a lakehouse's MLV refresh job instances (newest first, filtered on the client), or gets them by id.</summary>
[Cmdlet(VerbsCommon.Get, "MlvJobInstance", DefaultParameterSetName = ListSet)]
[OutputType(typeof(MlvJobInstance))]
public sealed class GetMlvJobInstanceCommand : MlvLakehouseCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    /// <summary>Job instances (read again) and lakehouses (their jobs listed); a schedule's or definition's Id is no job id.</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvJobInstance), typeof(MlvLakehouse) };

    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobInstanceId")]
    [ArgumentCompleter(typeof(JobInstanceIdCompleter))]
    public Guid[]? Id { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(JobFilterCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Status { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ArgumentCompleter(typeof(JobFilterCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? InvokeType { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public DateTime Since { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public int First { get; set; }

    private HashSet<string>? _statuses;
    private HashSet<string>? _invokeTypes;
    private DateTime? _sinceUtc;

    protected override void PrepareCommand()
    {
        if (Status is not null && !JobInstances.TryCanonicalize(Status, JobStatus.All, out _statuses, out var badStatus))
        {
            ThrowTerminatingError(MlvErrors.InvalidArgument("InvalidJobStatus", $"'{badStatus}' is not a job status. Use one or more of: {string.Join(", ", JobStatus.All)}.", badStatus));
        }

        if (InvokeType is not null && !JobInstances.TryCanonicalize(InvokeType, JobInstances.InvokeTypes, out _invokeTypes, out var badInvokeType))
        {
            ThrowTerminatingError(MlvErrors.InvalidArgument("InvalidInvokeType", $"'{badInvokeType}' is not an invoke type. Use {string.Join(" or ", JobInstances.InvokeTypes)}.", badInvokeType));
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(First)) && First < 1)
        {
            ThrowTerminatingError(MlvErrors.InvalidArgument("InvalidFirst", $"-First must be 1 or more (got {First}). Leave it out to list every job instance.", First));
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Since)))
        {
            // Unspecified (a typed date) counts as local time, as everywhere in PowerShell.
            var sinceUtc = Since.Kind == DateTimeKind.Utc ? Since : Since.ToUniversalTime();
            if (sinceUtc > DateTime.UtcNow.AddMinutes(1))
            {
                ThrowTerminatingError(MlvErrors.InvalidArgument("SinceInFuture", $"-Since {Since:yyyy-MM-dd HH:mm:ss} is in the future, so no job instance can match. Pass an earlier time, e.g. (Get-Date).AddDays(-1).", Since));
            }

            _sinceUtc = sinceUtc;
        }
    }

    protected override bool PrepareRecord() =>
        Passes(ParameterSetName == IdSet && !PipedContainerInsteadOfJob() && Array.IndexOf(Id!, Guid.Empty) >= 0 ? MlvErrors.InvalidJobInstanceId() : null);

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var target = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return;
        }

        if (ParameterSetName == IdSet && !PipedContainerInsteadOfJob())
        {
            foreach (var id in Id!)
            {
                try
                {
                    var instance = await Client.GetJobInstanceAsync(target.WorkspaceId, target.LakehouseId, id, cancellationToken).ConfigureAwait(false);
                    pipeline.WriteObject(JobInstances.Label(instance, target));
                }
                catch (FabricApiException ex) when (ex.Status == 404)
                {
                    pipeline.WriteError(MlvErrors.JobInstanceNotFound(id, target, ex));
                }
                catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
                {
                    pipeline.WriteError(MlvErrors.FromException(ex, id));
                }
            }

            return;
        }

        var emitted = 0;
        await foreach (var instance in Client.ListJobInstancesAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ConfigureAwait(false))
        {
            if (IsBeforeEverySinceMatch(instance))
            {
                // Newest first: the rest of the list cannot match, so no further page is read.
                break;
            }

            if (!Matches(JobInstances.Label(instance, target)))
            {
                continue;
            }

            pipeline.WriteObject(instance);
            // Leaving the loop disposes the enumerator, so no further page is requested.
            if (First > 0 && ++emitted >= First)
            {
                break;
            }
        }
    }

    private bool Matches(MlvJobInstance instance) =>
        (_statuses is null || (instance.Status is not null && _statuses.Contains(instance.Status)))
        && (_invokeTypes is null || (instance.InvokeType is not null && _invokeTypes.Contains(instance.InvokeType)))
        && (_sinceUtc is null || (instance.StartTimeUtc is DateTime start && DateTime.SpecifyKind(start, DateTimeKind.Utc) >= _sinceUtc));

    /// <summary>
    /// Whether <paramref name="instance"/> started so long before -Since that every instance after it in the list (older
    /// submissions) did too. The list is newest submission first; a run may queue after its submission, so a margin
    /// keeps an older submission that started late.
    /// </summary>
    private bool IsBeforeEverySinceMatch(MlvJobInstance instance) =>
        _sinceUtc is DateTime since && instance.StartTimeUtc is DateTime start && DateTime.SpecifyKind(start, DateTimeKind.Utc) < since - SinceQueueMargin;

    private static readonly TimeSpan SinceQueueMargin = TimeSpan.FromHours(1);

    // A piped lakehouse also has an "Id" property, which binds -Id by property name: list the lakehouse's jobs instead.
    private bool PipedContainerInsteadOfJob() => PipedModuleObject is MlvLakehouse;
}
