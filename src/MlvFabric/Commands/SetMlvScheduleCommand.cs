using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Commands;

/// <summary>
/// Changes a refresh schedule: only the settings given, the rest stays as it is (its execution definition too, unless
/// -ExecutionDefinition is given). The API replaces the whole configuration on update, so it is read, merged, validated
/// and written back. The API cannot unlink an execution definition: -WholeLineage on a schedule that runs one is refused.
/// </summary>
[Cmdlet(VerbsCommon.Set, "MlvSchedule", DefaultParameterSetName = KeepTypeSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class SetMlvScheduleCommand : MlvLakehouseCmdlet
{
    // The default set also takes the frequency parameters (none mandatory), so that a combination that fits no set
    // (-IntervalMinutes with -At, -Daily -Weekly) gets the cmdlet's own ScheduleParameterConflict, not AmbiguousParameterSet.
    private const string KeepTypeSet = "KeepType";
    private const string IntervalSet = "Interval";
    private const string DailySet = "Daily";
    private const string WeeklySet = "Weekly";
    private const string MonthlySet = "Monthly";

    private ScheduleSpec? _spec;

    /// <summary>The schedules to change; bound by property name from piped schedules.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ScheduleId")]
    [ArgumentCompleter(typeof(ScheduleIdCompleter))]
    public Guid[] Id { get; set; } = Array.Empty<Guid>();

    /// <summary>Makes it an interval schedule (the API's "Cron" type): minutes between runs, 1 to 5,270,400.</summary>
    [Parameter(ParameterSetName = IntervalSet, Mandatory = true)]
    [Parameter(ParameterSetName = KeepTypeSet)]
    public int IntervalMinutes { get; set; }

    [Parameter(ParameterSetName = DailySet, Mandatory = true)]
    [Parameter(ParameterSetName = KeepTypeSet)]
    public SwitchParameter Daily { get; set; }

    [Parameter(ParameterSetName = WeeklySet, Mandatory = true)]
    [Parameter(ParameterSetName = KeepTypeSet)]
    public SwitchParameter Weekly { get; set; }

    [Parameter(ParameterSetName = MonthlySet, Mandatory = true)]
    [Parameter(ParameterSetName = KeepTypeSet)]
    public SwitchParameter Monthly { get; set; }

    [Parameter(ParameterSetName = KeepTypeSet)]
    [Parameter(ParameterSetName = DailySet)]
    [Parameter(ParameterSetName = WeeklySet)]
    [Parameter(ParameterSetName = MonthlySet)]
    [ScheduleTimeTransformation]
    public string[]? At { get; set; }

    [Parameter(ParameterSetName = KeepTypeSet)]
    [Parameter(ParameterSetName = WeeklySet)]
    [Parameter(ParameterSetName = MonthlySet)]
    public System.DayOfWeek[]? DayOfWeek { get; set; }

    [Parameter(ParameterSetName = KeepTypeSet)]
    [Parameter(ParameterSetName = MonthlySet)]
    public int DayOfMonth { get; set; }

    [Parameter(ParameterSetName = KeepTypeSet)]
    [Parameter(ParameterSetName = MonthlySet)]
    [ValidateSet("First", "Second", "Third", "Fourth", "Fifth")]
    public string? WeekIndex { get; set; }

    [Parameter(ParameterSetName = KeepTypeSet)]
    [Parameter(ParameterSetName = MonthlySet)]
    public int RecurrenceMonths { get; set; }

    [Parameter]
    public DateTime StartDateTime { get; set; }

    [Parameter]
    public DateTime EndDateTime { get; set; }

    [Parameter]
    [Alias("TimeZoneId")]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>
    /// Makes the schedule run this execution definition's subset (an object, an id or a name). Left out: the schedule
    /// keeps the definition it has. Bound from the pipeline only when -Id is given (a piped definition); a piped
    /// schedule's own ExecutionDefinitionId is not re-applied: the current one, as the service has it, is kept.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [AllowNull]
    [ExecutionDefinitionTransformation]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public ExecutionDefinitionReference? ExecutionDefinition { get; set; }

    /// <summary>
    /// Asks that the schedule refresh the whole lineage. The Fabric API cannot unlink an execution definition from a
    /// schedule, so on a schedule that runs one this is refused with the alternative (a new schedule).
    /// </summary>
    [Parameter]
    public SwitchParameter WholeLineage { get; set; }

    /// <summary>Moves an enabled schedule to a scope that already has an enabled schedule.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes the changed schedule to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // This record's scope: unchanged, or the definition (null: -WholeLineage) and, once resolved, its id.
    private bool _changeScope;
    private ExecutionDefinitionReference? _scope;
    private Guid? _scopeId;

    /// <summary>Schedules, and execution definitions (with -Id: the definition the schedules should run).</summary>
    protected override Type[]? AcceptedPipedTypes => new[] { typeof(MlvSchedule), typeof(MlvExecutionDefinition) };

    /// <summary>A definition object given with -ExecutionDefinition names the lakehouse when no lakehouse is given.</summary>
    protected override ExecutionDefinitionReference? LakehouseFromDefinition => ExecutionDefinition;

    private string Action
    {
        get
        {
            var settings = _spec!.Describe();
            var scope = _changeScope ? "runs " + ExecutionDefinitionReference.DescribeScope(_scope) : string.Empty;
            return "Set schedule (" + string.Join("; ", new[] { settings, scope }.Where(p => p.Length > 0)) + ")";
        }
    }

    // The given settings are checked on their own before any request; the merged result again after the read.
    protected override void PrepareCommand()
    {
        ValidateExecutionDefinitionArgument("to make the schedule run the whole lineage again, use -WholeLineage");
        if (WholeLineage && ExecutionDefinition is not null)
        {
            ThrowTerminatingError(MlvErrors.ScheduleScopeConflict(ExecutionDefinition));
        }

        _spec = ScheduleSpecParameters.Read(MyInvocation.BoundParameters);
        var frequencies = _spec.CheckFrequency(required: false);
        if (frequencies is not null)
        {
            ThrowTerminatingError(MlvErrors.FromProblem(frequencies));
        }

        var scopeGiven = WholeLineage || ExecutionDefinition is not null;
        var definitionMayBePiped = MyInvocation.ExpectingInput && IsOnCommandLine(nameof(Id));
        if (_spec.IsEmpty && !scopeGiven && !definitionMayBePiped)
        {
            ThrowTerminatingError(MlvErrors.ScheduleNothingToChange());
        }

        if (!_spec.IsEmpty)
        {
            var now = DateTime.UtcNow;
            var problem = _spec.Compose(_spec.Placeholder(now), now).Problem;
            if (problem is not null)
            {
                ThrowTerminatingError(MlvErrors.FromProblem(problem));
            }
        }
    }

    protected override bool PrepareRecord()
    {
        var requested = ExecutionDefinition;
        if (requested is not null && !IsOnCommandLine(nameof(ExecutionDefinition)) && !IsOnCommandLine(nameof(Id)))
        {
            // Bound from the piped object that also gave -Id: a definition piped without -Id (its id is no schedule's),
            // or a schedule, whose own definition is kept as the service has it now rather than as the object says.
            if (requested.Id is Guid piped && Id.Contains(piped))
            {
                WriteError(MlvErrors.ScheduleIdFromDefinition(piped));
                return false;
            }

            requested = null;
        }

        if (requested is not null && WholeLineage)
        {
            WriteError(MlvErrors.ScheduleScopeConflict(requested));
            return false;
        }

        _changeScope = WholeLineage || requested is not null;
        _scope = requested;
        if (_spec!.IsEmpty && !_changeScope)
        {
            WriteError(MlvErrors.ScheduleNothingToChange());
            return false;
        }

        return Passes(LakehouseSchedules.CheckIds(Id));
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        (var resolved, var scopeId) = await TryResolveExecutionDefinitionAsync(pipeline, lakehouse, _scope, cancellationToken).ConfigureAwait(false);
        if (!resolved)
        {
            return;
        }

        _scopeId = scopeId;
        await LakehouseSchedules.ForEachAsync(pipeline, lakehouse, Id.Distinct(), id => ChangeAsync(pipeline, lakehouse, id, cancellationToken)).ConfigureAwait(false);
    }

    private async Task ChangeAsync(AsyncPipeline pipeline, LakehouseLocation lakehouse, Guid id, CancellationToken cancellationToken)
    {
        var current = await Schedules.GetAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
        if (_changeScope && _scopeId is null && current.ExecutionDefinitionId is not null)
        {
            pipeline.WriteError(MlvErrors.ScheduleDefinitionCannotBeUnlinked(current, lakehouse));
            return;
        }

        var definitionId = _changeScope ? _scopeId : current.ExecutionDefinitionId;
        var scopeChanges = definitionId != current.ExecutionDefinitionId;
        if (_spec!.IsEmpty && !scopeChanges)
        {
            pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}' already runs {ScheduleRules.DescribeScope(definitionId)}.");
            WritePassThru(pipeline, current);
            return;
        }

        var now = DateTime.UtcNow;
        var composition = _spec.Compose(current.Configuration, now);
        if (composition.Problem is not null)
        {
            var error = MlvErrors.FromProblem(composition.Problem);
            error.ErrorDetails = new ErrorDetails($"Schedule {id} of lakehouse '{lakehouse}' ({current.Summary}) was not changed: {error.Exception.Message}");
            pipeline.WriteError(error);
            return;
        }

        foreach (var note in composition.Notes)
        {
            pipeline.WriteVerbose(note);
        }

        foreach (var warning in composition.Warnings)
        {
            pipeline.WriteWarning(warning);
        }

        var ended = current.Enabled ? composition.CheckNotEnded($"Schedule {id} of lakehouse '{lakehouse}' is enabled and would end", now) : null;
        if (ended is not null)
        {
            pipeline.WriteError(MlvErrors.FromProblem(ended));
            return;
        }

        if (scopeChanges && !Force)
        {
            var refusal = ScheduleRules.CheckScopeChange(await Schedules.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false), current, definitionId, lakehouse.ToString());
            if (refusal is not null)
            {
                pipeline.WriteError(MlvErrors.FromProblem(refusal));
                return;
            }
        }

        if (!await ShouldProcessAsync(pipeline, LakehouseSchedules.Describe(current, lakehouse), Action).ConfigureAwait(false))
        {
            return;
        }

        MlvSchedule updated;
        try
        {
            updated = await Schedules.UpdateAsync(lakehouse, current, current.Enabled, composition.Configuration!, definitionId, cancellationToken).ConfigureAwait(false);
        }
        catch (FabricApiException ex) when (scopeChanges && definitionId is not null && ex.Status == 404)
        {
            pipeline.WriteError(MlvErrors.FromDefinitionRequest(ex, definitionId, lakehouse, id));
            return;
        }

        var scope = scopeChanges ? $", and runs {ScheduleRules.DescribeScope(definitionId)} instead of {ScheduleRules.DescribeScope(current.ExecutionDefinitionId)}" : string.Empty;
        pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}': '{current.Summary}' is now '{updated.Summary}'{scope}.");
        WritePassThru(pipeline, updated);
    }

    private void WritePassThru(AsyncPipeline pipeline, MlvSchedule schedule)
    {
        if (PassThru)
        {
            pipeline.WriteObject(schedule);
        }
    }
}
