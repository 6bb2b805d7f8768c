using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Infrastructure;

namespace MlvFabric.Commands;

/// <summary>
/// Changes a refresh schedule: only the settings given, the rest stays as it is. The API replaces the whole
/// configuration on update, so the schedule is read, merged, validated and written back.
/// </summary>
[Cmdlet(VerbsCommon.Set, "MlvSchedule", DefaultParameterSetName = KeepTypeSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class SetMlvScheduleCommand : MlvScheduleIdCmdlet
{
    private const string KeepTypeSet = "KeepType";
    private const string IntervalSet = "Interval";
    private const string DailySet = "Daily";
    private const string WeeklySet = "Weekly";
    private const string MonthlySet = "Monthly";

    private ScheduleSpec? _spec;

    /// <summary>Makes it an interval schedule (the API's "Cron" type): minutes between runs, 1 to 5,270,400.</summary>
    [Parameter(ParameterSetName = IntervalSet, Mandatory = true)]
    public int IntervalMinutes { get; set; }

    [Parameter(ParameterSetName = DailySet, Mandatory = true)]
    public SwitchParameter Daily { get; set; }

    [Parameter(ParameterSetName = WeeklySet, Mandatory = true)]
    public SwitchParameter Weekly { get; set; }

    [Parameter(ParameterSetName = MonthlySet, Mandatory = true)]
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

    /// <summary>Writes the changed schedule to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => "Set schedule (" + _spec!.Describe() + ")";

    // The given settings are checked on their own before any request; the merged result again after the read.
    protected override void BeginProcessing()
    {
        _spec = ScheduleSpec.FromBoundParameters(MyInvocation.BoundParameters);
        if (_spec.IsEmpty)
        {
            ThrowTerminatingError(MlvErrors.ScheduleNothingToChange());
        }

        DateTime now = DateTime.UtcNow;
        ErrorRecord? error = _spec.Compose(_spec.Placeholder(now), now).Error;
        if (error is not null)
        {
            ThrowTerminatingError(error);
        }

        base.BeginProcessing();
    }

    protected override async Task ProcessScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken)
    {
        MlvSchedule current = await GetScheduleAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
        ScheduleComposition composition = _spec!.Compose(current.Configuration, DateTime.UtcNow);
        if (composition.Error is not null)
        {
            composition.Error.ErrorDetails = new ErrorDetails($"Schedule {id} of lakehouse '{lakehouse}' ({current.Summary}) was not changed: {composition.Error.Exception.Message}");
            pipeline.WriteError(composition.Error);
            return;
        }

        foreach (string note in composition.Notes)
        {
            pipeline.WriteVerbose(note);
        }

        MlvSchedule updated = await UpdateScheduleAsync(lakehouse, current, current.Enabled, composition.Configuration!, cancellationToken).ConfigureAwait(false);
        pipeline.WriteVerbose($"Schedule {id} of lakehouse '{lakehouse}': '{current.Summary}' is now '{updated.Summary}'.");
        if (PassThru)
        {
            pipeline.WriteObject(updated);
        }
    }
}
