using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;
using MlvFabric.Scheduling;

namespace MlvFabric.Commands;

/// <summary>Creates a refresh schedule for a lakehouse's materialized lake views: the whole lineage, or an execution definition's subset.</summary>
[Cmdlet(VerbsCommon.New, "MlvSchedule", DefaultParameterSetName = AnySet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvSchedule))]
public sealed class NewMlvScheduleCommand : MlvLakehouseCmdlet
{
    // The default set takes every schedule parameter, none mandatory: an invocation that fits no set (-At without a
    // frequency switch, -Daily -DayOfWeek) binds here instead of failing with PowerShell's AmbiguousParameterSet, and
    // the cmdlet says what is missing or what does not go together (ScheduleFrequencyMissing, ScheduleParameterConflict).
    // The other sets document the valid combinations.
    private const string AnySet = "Any";
    private const string IntervalSet = "Interval";
    private const string DailySet = "Daily";
    private const string WeeklySet = "Weekly";
    private const string MonthlyDaySet = "MonthlyDayOfMonth";
    private const string MonthlyWeekdaySet = "MonthlyWeekday";

    private ScheduleConfiguration? _configuration;

    /// <summary>Minutes between runs (the API's "Cron" type, a fixed interval): 1 to 5,270,400.</summary>
    [Parameter(ParameterSetName = IntervalSet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public int IntervalMinutes { get; set; }

    [Parameter(ParameterSetName = DailySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public SwitchParameter Daily { get; set; }

    [Parameter(ParameterSetName = WeeklySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public SwitchParameter Weekly { get; set; }

    [Parameter(ParameterSetName = MonthlyDaySet, Mandatory = true)]
    [Parameter(ParameterSetName = MonthlyWeekdaySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public SwitchParameter Monthly { get; set; }

    /// <summary>Times of day (HH:mm, in -TimeZone): 1 to 100.</summary>
    [Parameter(ParameterSetName = DailySet, Mandatory = true)]
    [Parameter(ParameterSetName = WeeklySet, Mandatory = true)]
    [Parameter(ParameterSetName = MonthlyDaySet, Mandatory = true)]
    [Parameter(ParameterSetName = MonthlyWeekdaySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    [ScheduleTimeTransformation]
    public string[] At { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = WeeklySet, Mandatory = true)]
    [Parameter(ParameterSetName = MonthlyWeekdaySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public System.DayOfWeek[] DayOfWeek { get; set; } = Array.Empty<System.DayOfWeek>();

    [Parameter(ParameterSetName = MonthlyDaySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    public int DayOfMonth { get; set; }

    [Parameter(ParameterSetName = MonthlyWeekdaySet, Mandatory = true)]
    [Parameter(ParameterSetName = AnySet)]
    [ValidateSet("First", "Second", "Third", "Fourth", "Fifth")]
    public string? WeekIndex { get; set; }

    /// <summary>Every N months: 1 (default) to 12.</summary>
    [Parameter(ParameterSetName = MonthlyDaySet)]
    [Parameter(ParameterSetName = MonthlyWeekdaySet)]
    [Parameter(ParameterSetName = AnySet)]
    public int RecurrenceMonths { get; set; } = 1;

    [Parameter]
    public DateTime StartDateTime { get; set; }

    [Parameter]
    public DateTime EndDateTime { get; set; }

    /// <summary>A Windows time-zone id (or an IANA name, converted); the computer's zone by default.</summary>
    [Parameter]
    [Alias("TimeZoneId")]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>
    /// Runs only this execution definition's subset (an object, an id or a name); none: the whole lineage. Binds
    /// ExecutionDefinitionId from piped definitions and schedules; a piped lakehouse binds nothing.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ExecutionDefinitionId")]
    [AllowNull]
    [ExecutionDefinitionTransformation]
    [ArgumentCompleter(typeof(ExecutionDefinitionCompleter))]
    public ExecutionDefinitionReference? ExecutionDefinition { get; set; }

    /// <summary>Creates the schedule switched off.</summary>
    [Parameter]
    public SwitchParameter Disabled { get; set; }

    /// <summary>Creates an enabled schedule even when its scope already has one.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A definition object given with -ExecutionDefinition names the lakehouse when no lakehouse is given.</summary>
    protected override ExecutionDefinitionReference? LakehouseFromDefinition => ExecutionDefinition;

    // The configuration does not depend on the piped lakehouses: checked once, before any request.
    protected override void PrepareCommand()
    {
        ValidateExecutionDefinitionArgument("for a schedule of the whole lineage, leave the parameter out");
        var spec = ScheduleSpecParameters.Read(MyInvocation.BoundParameters);
        var frequency = spec.CheckFrequency(required: true);
        if (frequency is not null)
        {
            ThrowTerminatingError(MlvErrors.FromProblem(frequency));
        }

        var now = DateTime.UtcNow;
        var composition = spec.Compose(null, now);
        if (composition.Problem is not null)
        {
            ThrowTerminatingError(MlvErrors.FromProblem(composition.Problem));
        }

        foreach (var note in composition.Notes)
        {
            WriteVerbose(note);
        }

        foreach (var warning in composition.Warnings)
        {
            WriteWarning(warning);
        }

        _configuration = composition.Configuration;
        var ended = composition.CheckNotEnded("The schedule", now);
        if (ended is not null)
        {
            if (!Disabled)
            {
                ThrowTerminatingError(MlvErrors.FromProblem(ended));
            }

            WriteWarning($"The schedule ends at {_configuration!.EndDateTime}, which has already passed: it is created switched off and would never run if enabled. Change its end with Set-MlvSchedule -EndDateTime first.");
        }
    }

    protected override async Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var lakehouse = await TryResolveLakehouseAsync(pipeline, cancellationToken).ConfigureAwait(false);
        if (lakehouse is null)
        {
            return;
        }

        (var resolved, var definitionId) = await TryResolveExecutionDefinitionAsync(pipeline, lakehouse, ExecutionDefinition, cancellationToken).ConfigureAwait(false);
        if (!resolved)
        {
            return;
        }

        try
        {
            var existing = await Schedules.ListAsync(lakehouse, cancellationToken).ConfigureAwait(false);
            var refusal = ScheduleRules.CheckCreate(existing, lakehouse.ToString(), !Disabled, definitionId, Force);
            if (refusal is not null)
            {
                pipeline.WriteError(MlvErrors.FromProblem(refusal));
                return;
            }

            // Everything above only read (names, ids, the definition, the schedules the new one must not clash with), so
            // -WhatIf reports what the real run would; the prompt names the real lakehouse and definition.
            var state = Disabled ? "disabled" : "enabled";
            var scope = definitionId is null ? string.Empty : " for " + await Schedules.DescribeDefinitionAsync(lakehouse, definitionId.Value, cancellationToken).ConfigureAwait(false);
            if (!await ShouldProcessAsync(pipeline, lakehouse.Describe(), $"Create {state} schedule '{ScheduleDescriber.Describe(_configuration!)}'{scope}").ConfigureAwait(false))
            {
                return;
            }

            var request = new ScheduleRequest { Enabled = !Disabled, Configuration = _configuration!.Clone(), ExecutionDefinitionId = definitionId };
            var created = await Client.CreateScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, request, cancellationToken).ConfigureAwait(false);
            pipeline.WriteObject(await Schedules.LabelAsync(lakehouse, created, cancellationToken).ConfigureAwait(false));
        }
        catch (FabricApiException ex)
        {
            pipeline.WriteError(MlvErrors.FromDefinitionRequest(ex, definitionId, lakehouse, lakehouse.ToString()));
        }
    }
}
