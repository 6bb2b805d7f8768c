using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Starts an MLV refresh of each lakehouse given or piped: the whole lineage, or the subset an execution definition
/// selects (-ExecutionDefinition, or piped definitions), and emits each submitted job instance. With -Wait, waits for
/// all of them at once (one progress bar) and emits the final job instances instead; a failed refresh is a
/// non-terminating error carrying its failure reason.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MlvRefresh", SupportsShouldProcess = true, DefaultParameterSetName = NoWaitSet)]
[OutputType(typeof(MlvJobInstance))]
public sealed class StartMlvRefreshCommand : MlvLakehouseCmdlet
{
    private const string NoWaitSet = "NoWait";
    private const string WaitSet = "Wait";
    private const int SubmitActivityId = 0;
    private const string SubmitActivity = "Starting MLV refreshes";

    [Parameter(ParameterSetName = WaitSet, Mandatory = true)]
    public SwitchParameter Wait { get; set; }

    [Parameter(ParameterSetName = WaitSet)]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; }

    [Parameter(ParameterSetName = WaitSet)]
    public SwitchParameter CancelOnTimeout { get; set; }

    [Parameter(ParameterSetName = WaitSet)]
    public SwitchParameter AttachIfRunning { get; set; }

    /// <summary>
    /// Accepted for scripts written for 0.1: the submitted job instance is written without it too (a refresh is a job,
    /// as with Start-Job).
    /// </summary>
    [Parameter(ParameterSetName = NoWaitSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Refreshes only this execution definition's subset (an object, an id or a name); none: the whole lineage. Binds
    /// ExecutionDefinitionId from piped definitions and schedules; a piped lakehouse binds nothing.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [AllowNull]
    [ExecutionDefinitionTransformation]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public ExecutionDefinitionReference? ExecutionDefinition { get; set; }

    private int _submitted;
    private JobWaitRunner? _runner;

    /// <summary>A definition object given with -ExecutionDefinition names the lakehouse when no lakehouse is given.</summary>
    protected override ExecutionDefinitionReference? LakehouseFromDefinition => ExecutionDefinition;

    private TimeSpan? BoundTimeout => IsBound(nameof(Timeout)) ? Timeout : null;

    protected override void PrepareCommand()
    {
        ThrowIf(CommandJobWait.CheckParameters(BoundTimeout, CancelOnTimeout));
        ValidateExecutionDefinitionArgument("to refresh the whole lineage, leave the parameter out");
    }

    protected override Task BeginProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (Wait)
        {
            _runner = Attach(CommandJobWait.Start(Session, new JobWaitSettings
            {
                Timeout = BoundTimeout,
                CancelOnTimeout = CancelOnTimeout,
                AttachIfRunning = AttachIfRunning,
                Purpose = JobWaitPurpose.Refresh,
                StartedByThisCommand = true,
            }, Streams, pipeline, StopToken)).Runner;
        }

        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var target = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return;
        }

        (var resolved, var definitionId) = await TryResolveExecutionDefinitionAsync(pipeline, target, ExecutionDefinition, cancellationToken).ConfigureAwait(false);
        if (!resolved)
        {
            return;
        }

        // Names and ids are resolved (read-only requests), so -WhatIf reports what the real run would, and names the real target.
        var action = ExecutionDefinition is null ? "Start MLV refresh" : "Start MLV refresh of " + ExecutionDefinitionReference.DescribeScope(ExecutionDefinition);
        if (!await ShouldProcessAsync(pipeline, target.Describe(), action).ConfigureAwait(false))
        {
            return;
        }

        var submit = SubmitAsync(target, definitionId, cancellationToken);
        if (_runner is not null)
        {
            // A bulk start queues here for the service's submission limit; meanwhile the earlier jobs' progress moves on.
            await _runner.PumpAsync(pipeline, submit, cancellationToken).ConfigureAwait(false);
        }

        JobSubmission submission;
        try
        {
            submission = await submit.ConfigureAwait(false);
        }
        catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
        {
            pipeline.WriteError(MlvErrors.FromDefinitionRequest(ex, definitionId, target, target));
            return;
        }

        var subset = definitionId is null ? string.Empty : $" ({ExecutionDefinitionReference.DescribeScope(ExecutionDefinition)})";
        pipeline.WriteVerbose($"Started the MLV refresh of {target}{subset}: job instance {submission.JobInstanceId}.");
        if (_runner is not null)
        {
            _runner.Add(JobInstanceRef.From(submission), target);
            return;
        }

        // A bulk start is paced by the service's submission limit (50 per minute): show that it moves.
        pipeline.WriteProgress(new ProgressRecord(SubmitActivityId, SubmitActivity, $"{++_submitted} submitted") { CurrentOperation = target.ToString() });

        // The submitted job, so that the console shows it and `| Wait-MlvJobInstance` / `| Stop-MlvJobInstance` read naturally.
        pipeline.WriteObject(JobInstances.FromSubmission(submission, target));
    }

    protected override Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        if (_submitted > 0)
        {
            pipeline.WriteProgress(new ProgressRecord(SubmitActivityId, SubmitActivity, $"{_submitted} submitted") { RecordType = ProgressRecordType.Completed });
        }

        return Task.CompletedTask;
    }

    private Task<JobSubmission> SubmitAsync(LakehouseLocation target, Guid? executionDefinitionId, CancellationToken cancellationToken) =>
        Client.StartRefreshAsync(target.WorkspaceId, target.LakehouseId, executionDefinitionId, cancellationToken);
}
