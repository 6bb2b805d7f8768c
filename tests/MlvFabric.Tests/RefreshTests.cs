using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Hosting;
using MlvFabric.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlvFabric.Tests;

/// <summary>Start-MlvRefresh end to end: submission, -PassThru, -Wait with one progress bar, failures, dedupe, timeouts, stop.</summary>
public sealed class RefreshTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";

    private readonly ITestOutputHelper _output;

    public RefreshTests(EmulatorFixture fixture, ITestOutputHelper output) : base(fixture)
    {
        _output = output;
        foreach (var lakehouse in new[] { "Bronze", "Silver", "Gold" })
        {
            Control.SetLakehouse("Sales", lakehouse, new { durationSeconds = 1.5, queueSeconds = 0.5 });
        }
    }

    [Fact]
    public void StartSubmitsOneJobAndEmitsItsInstanceWithoutPassThru()
    {
        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -Verbose");

        result.ThrowIfFailed();
        var job = Assert.Single(result.Output);
        Assert.Equal("NotStarted", Text(job, "Status"));
        Assert.Contains(result.Verbose, v => v.Message.EndsWith($"job instance {IdOf(job)}.", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/jobs/instances/", StringComparison.OrdinalIgnoreCase));
        var post = Assert.Single(requests, r => r.Method == "POST");
        Assert.EndsWith($"/items/{LakehouseId("Gold")}/jobs/RefreshMaterializedLakeViews/instances", post.Path, StringComparison.OrdinalIgnoreCase);
        Assert.Null(post.Body);
        Assert.Equal(202, post.Status);
        Assert.Contains(result.Verbose, v => v.Message.StartsWith("Started the MLV refresh of Sales/Gold: job instance ", StringComparison.Ordinal));
    }

    [Fact]
    public void TheStartedJobPipesIntoWaitAndStop()
    {
        var waited = RunOk($"Start-MlvRefresh {Gold} | Wait-MlvJobInstance");
        Assert.Equal("Completed", Text(Assert.Single(waited.Output), "Status"));

        Control.SetLakehouse("Sales", "Silver", new { durationSeconds = 60 });
        var stopped = RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Silver | Stop-MlvJobInstance -Wait -Confirm:$false");
        Assert.Equal("Cancelled", Text(Assert.Single(stopped.Output), "Status"));
    }

    [Fact]
    public void ABulkStartWithoutWaitShowsHowManyWereSubmitted()
    {
        var result = RunOk("Get-MlvLakehouse | Start-MlvRefresh");

        var records = result.Progress.Where(p => p.Activity == "Starting MLV refreshes").ToList();
        Assert.Equal(new[] { "1 submitted", "2 submitted", "3 submitted", "4 submitted" }, records.Where(p => p.RecordType == ProgressRecordType.Processing).Select(p => p.StatusDescription));
        Assert.Equal(ProgressRecordType.Completed, records.Last().RecordType);
        Assert.Contains(records, p => p.CurrentOperation == "Finance/Ledger");
    }

    [Fact]
    public void PassThruIsStillAcceptedAndEmitsTheSubmittedInstanceOnce()
    {
        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -PassThru");

        result.ThrowIfFailed();
        var job = Assert.Single(result.Output);
        Assert.Equal("NotStarted", Text(job, "Status"));
        Assert.Equal("Manual", Text(job, "InvokeType"));
        Assert.Equal("Sales", Text(job, "WorkspaceName"));
        Assert.Equal("Gold", Text(job, "LakehouseName"));
        Assert.Equal(LakehouseId("Gold"), Prop(job, "LakehouseId"));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/jobs/instances/", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Manual", Control.Job(IdOf(job)).GetProperty("invokeType").GetString());
    }

    [Fact]
    public void WaitEmitsTheCompletedInstanceWithItsDuration()
    {
        var result = RunOk($"Start-MlvRefresh {Gold} -Wait");

        var job = Assert.Single(result.Output);
        Assert.Equal("Completed", Text(job, "Status"));
        Assert.Equal("Gold", Text(job, "LakehouseName"));
        Assert.InRange((long)Prop(job, "DurationSeconds")!, 1L, 30L);
        Assert.Matches(@"^00:00:\d\d$", Text(job, "Duration"));
        Assert.NotNull(Prop(job, "EndTimeUtc"));
        Assert.Equal("Completed", Control.JobStatus(IdOf(job)));
    }

    [Fact]
    public void PipedLakehousesAreAllRefreshedAndWaitedForWithOneProgressBar()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales* | Start-MlvRefresh -Wait");

        Assert.Equal(new[] { "Bronze", "Gold", "Silver" }, result.Output.Select(j => Text(j, "LakehouseName")).OrderBy(n => n));
        Assert.All(result.Output, j => Assert.Equal("Completed", Text(j, "Status")));

        // One overall record (the parent) and one child record per job, tied to it.
        var parents = result.Progress.Where(p => p.ParentActivityId < 0).ToList();
        Assert.NotEmpty(parents);
        Assert.Single(parents.Select(p => p.ActivityId).Distinct());
        var parentId = parents[0].ActivityId;
        Assert.Contains(parents, p => p.StatusDescription.Contains("of 3 done", StringComparison.Ordinal));
        Assert.Contains(parents, p => p.RecordType == ProgressRecordType.Completed);
        var children = result.Progress.Where(p => p.ParentActivityId == parentId).ToList();
        Assert.Equal(new[] { "Sales/Bronze", "Sales/Gold", "Sales/Silver" }, children.Select(c => c.Activity).Distinct().OrderBy(a => a));
        Assert.Equal(3, children.Select(c => c.ActivityId).Distinct().Count());
        Assert.All(children.GroupBy(c => c.ActivityId), g => Assert.Equal(ProgressRecordType.Completed, g.Last().RecordType));
        Assert.Contains(children, c => c.RecordType == ProgressRecordType.Processing && (c.StatusDescription is "NotStarted" or "InProgress" or "Submitted"));
    }

    [Fact]
    public void APipedLakehouseOrJobInstanceRefreshesTheWholeLineage()
    {
        (var result, var requests) = RunLogged("Get-MlvLakehouse -WorkspaceName Sales -Name Gold | Start-MlvRefresh -Wait");

        result.ThrowIfFailed();
        var job = Assert.Single(result.Output);
        Assert.True(Control.Job(IdOf(job)).GetProperty("wholeLineage").GetBoolean());
        var post = Assert.Single(requests, r => r.Method == "POST");
        Assert.DoesNotContain("executionData", post.Body ?? string.Empty, StringComparison.OrdinalIgnoreCase);

        // A job instance carries an Id, but no execution definition: piped on, it starts a whole-lineage refresh too.
        Ps.SetVariable("job", job);
        var again = Assert.Single(RunOk("$job | Start-MlvRefresh -PassThru").Output);
        Assert.Equal("Gold", Text(again, "LakehouseName"));
        Assert.True(Control.Job(IdOf(again)).GetProperty("wholeLineage").GetBoolean());
    }

    [Fact]
    public void AFailedRefreshIsANonTerminatingErrorCarryingTheFailureReason()
    {
        Control.SetLakehouse("Sales", "Silver", new { failureRate = 1.0, failureCode = "MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", failureMessage = "No capacity." });

        var result = Ps.Run("Get-MlvLakehouse -WorkspaceName Sales | Start-MlvRefresh -Wait");

        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "Bronze", "Gold" }, result.Output.Select(j => Text(j, "LakehouseName")).OrderBy(n => n));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MlvRefreshFailed,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationStopped, error.CategoryInfo.Category);
        Assert.Contains("MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED: No capacity.", error.Exception.Message);
        Assert.Contains("Sales/Silver", error.Exception.Message);
        var target = PSObject.AsPSObject(error.TargetObject);
        Assert.Equal("Failed", Text(target, "Status"));
        Assert.Equal("Silver", Text(target, "LakehouseName"));
        Assert.Equal("MLV_SPARK_SESSION_REQUEST_SUBMISSION_FAILED", PSObject.AsPSObject(error.Exception).Properties["ErrorCode"].Value);
        Assert.Equal("No capacity.", PSObject.AsPSObject(error.Exception).Properties["ServiceMessage"].Value);
        Assert.Contains("capacity", error.ErrorDetails.RecommendedAction, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ADedupedStartWithoutAttachIfRunningWarnsAndEmitsTheDedupedInstance()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var running = IdOf(Assert.Single(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output));

        var result = RunOk($"Start-MlvRefresh {Gold} -Wait");

        var job = Assert.Single(result.Output);
        Assert.Equal("Deduped", Text(job, "Status"));
        Assert.NotEqual(running, IdOf(job));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("skipped (Deduped)", warning.Message);
        Assert.Contains("-AttachIfRunning", warning.Message);
        Assert.Equal("InProgress", Control.JobStatus(running));
    }

    [Fact]
    public void ADedupedStartWithAttachIfRunningWaitsForTheRefreshAlreadyRunning()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var running = IdOf(Assert.Single(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output));

        var result = WaitAttachedThenEndTheRun(running, $"Start-MlvRefresh {Gold} -Wait -AttachIfRunning -Verbose");

        var job = Assert.Single(result.Output);
        Assert.Equal(running, IdOf(job));
        Assert.Equal("Completed", Text(job, "Status"));
        Assert.Equal("Gold", Text(job, "LakehouseName"));
        Assert.Empty(result.Warnings);
        Assert.Contains(result.Verbose, v => v.Message.Contains($"because refresh {running}", StringComparison.Ordinal));
    }

    [Fact]
    public void ASkippedStartReportedAsCancelledAlsoAttaches()
    {
        Control.SetSettings(new { dedupeStatus = "Cancelled" });
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var running = IdOf(Assert.Single(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output));

        var result = WaitAttachedThenEndTheRun(running, $"Start-MlvRefresh {Gold} -Wait -AttachIfRunning");

        var job = Assert.Single(result.Output);
        Assert.Equal(running, IdOf(job));
        Assert.Equal("Completed", Text(job, "Status"));
    }

    [Fact]
    public void ASkippedStartReportedAsCancelledWithoutAttachWarns()
    {
        Control.SetSettings(new { dedupeStatus = "Cancelled" });
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        RunOk($"Start-MlvRefresh {Gold}");

        var result = RunOk($"Start-MlvRefresh {Gold} -Wait");

        Assert.Equal("Cancelled", Text(Assert.Single(result.Output), "Status"));
        Assert.Contains("was cancelled", Assert.Single(result.Warnings).Message);
    }

    [Fact]
    public void TimeoutReportsTheJobStillRunningAndLeavesItRunning()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });

        var result = Ps.Run($"Start-MlvRefresh {Gold} -Wait -Timeout 2");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MlvJobWaitTimeout,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("goes on", error.Exception.Message);
        var id = (Guid)PSObject.AsPSObject(error.TargetObject).Properties["Id"].Value;
        Assert.Equal("InProgress", Control.JobStatus(id));
    }

    [Fact]
    public void TimeoutWithCancelOnTimeoutCancelsTheJob()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });

        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -Wait -Timeout 00:00:02 -CancelOnTimeout");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MlvJobWaitTimeout,", error.FullyQualifiedErrorId);
        Assert.Contains("cancellation was requested", error.Exception.Message);
        var id = (Guid)PSObject.AsPSObject(error.TargetObject).Properties["Id"].Value;
        Assert.Contains(requests, r => r.Method == "POST" && r.Path.EndsWith($"/jobs/instances/{id}/cancel", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Cancelled", Control.JobStatus(id));
    }

    [Fact]
    public void ARefusedSubmissionIsANonTerminatingErrorPerLakehouse()
    {
        Control.SetSettings(new { refuseAppTokensOnMlvJobs = true });
        using var app = ConnectAsNewCaller(PsSession.Create(), "servicePrincipal");

        var result = app.Run("Get-MlvLakehouse -WorkspaceName Sales | Start-MlvRefresh -PassThru");

        Assert.Null(result.Terminating);
        Assert.Empty(result.Output);
        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.StartsWith("FabricApi.", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
        });
        Assert.Equal(new[] { "Sales/Bronze", "Sales/Gold", "Sales/Silver" }, result.Errors.Select(e => e.TargetObject.ToString()).OrderBy(t => t));
    }

    [Fact]
    public void WhatIfResolvesTheNamesButSubmitsNothing()
    {
        (var result, var requests) = RunLogged($"Start-MlvRefresh {Gold} -Wait -WhatIf");

        result.ThrowIfFailed();
        Assert.Empty(result.Output);
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public void WhatIfOnAPipelineOfLakehousesSubmitsNothing()
    {
        RunOk("$lakehouses = Get-MlvLakehouse -WorkspaceName Sales");

        (var result, var requests) = RunLogged("$lakehouses | Start-MlvRefresh -WhatIf");

        result.ThrowIfFailed();
        AssertNothingSent(requests);
    }

    [Fact]
    public void StoppingThePipelineMidWaitEndsTheWaitAndTheRefreshGoesOn()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0, queueSeconds = 0.0 });
        NextStatusReadSaysComeBackInAnHour();
        (var ps, var task) = Ps.Start($"Start-MlvRefresh {Gold} -Wait");
        var id = WaitForStatusRead("Gold");

        // The wait now sleeps for the hour its read asked for: the pipeline ends only if the stop cancels the sleep.
        var result = Eventually.Stop(ps, task);
        ps.Dispose();

        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.Single(StatusReads(Log.Since(0), id)); // stopped in the sleep, not at a later read
        Assert.Equal("InProgress", Control.JobStatus(id));
    }

    [Fact]
    public void StoppingAWaitTellsTheHostThatTheRefreshGoesOn()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0, queueSeconds = 0.0 });
        var text = new StringWriter();
        using var hosted = ConnectAsNewCaller(PsSession.Create(host: new TextHost(TextWriter.Synchronized(text), 300)));
        (var ps, var task) = hosted.Start($"Start-MlvRefresh {Gold} -Wait");
        var id = WaitForStatusRead("Gold");

        Eventually.Stop(ps, task);
        ps.Dispose();

        var shown = text.ToString();
        _output.WriteLine(shown);
        Assert.Contains("WARNING: Stopped waiting. The refreshes go on in Fabric: 1 job(s) still running", shown);
        Assert.Contains($"Sales/Gold job {id}", shown);
    }

    [Fact]
    public void AStartedJobPipesIntoGetMlvJobInstanceById()
    {
        var result = RunOk($"Start-MlvRefresh {Gold} -PassThru | Get-MlvJobInstance");

        var job = Assert.Single(result.Output);
        Assert.Equal("Gold", Text(job, "LakehouseName"));
        Assert.Contains(Text(job, "Status"), new[] { "NotStarted", "InProgress" });
    }

    [Fact]
    public void ALakehouseNameThatMatchesNothingIsAnErrorForThatRecordOnly()
    {
        var result = Ps.Run("'Gold', 'Platinum' | ForEach-Object { [pscustomobject]@{ WorkspaceName = 'Sales'; LakehouseName = $_ } } | Start-MlvRefresh -PassThru");

        Assert.Equal("Gold", Text(Assert.Single(result.Output), "LakehouseName"));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal("Platinum", error.TargetObject);
    }

    [Fact]
    public void ALakehouseNameMatchingSeveralIsRefused()
    {
        (var result, var requests) = RunLogged("Start-MlvRefresh -WorkspaceName Sales -LakehouseName *");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("LakehouseNameAmbiguous,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("*", error.TargetObject);
        Assert.Contains("Get-MlvLakehouse", error.Exception.Message);
        Assert.DoesNotContain(requests, r => r.Method == "POST");
    }

    [Fact]
    public void AWorkspaceNameThatMatchesNothingIsRefusedWithoutSubmitting()
    {
        (var result, var requests) = RunLogged("Start-MlvRefresh -WorkspaceName Marketing -LakehouseName Gold");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("WorkspaceNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.DoesNotContain(requests, r => r.Method == "POST");
    }

    [Fact]
    public void NoLakehouseIsRefusedBeforeAnyRequest()
    {
        AssertRefused("Start-MlvRefresh -WorkspaceName Sales", "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void EmptyLakehouseIdIsRefusedBeforeAnyRequest()
    {
        AssertRefused($"Start-MlvRefresh -WorkspaceName Sales -LakehouseId {Guid.Empty}", "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("'-00:01:00'")]
    public void ANonPositiveTimeoutIsRefusedBeforeAnyRequest(string timeout)
    {
        var error = AssertRefused($"Start-MlvRefresh {Gold} -Wait -Timeout {timeout}", "InvalidTimeout", ErrorCategory.InvalidArgument);
        Assert.IsType<TimeSpan>(error.TargetObject);
        Assert.Contains("-Timeout must be positive", error.Exception.Message);
    }

    [Fact]
    public void ATimeoutLongerThanTimersAllowIsRefused()
    {
        var error = AssertRefused($"Start-MlvRefresh {Gold} -Wait -Timeout ([TimeSpan]::FromDays(30))", "InvalidTimeout", ErrorCategory.InvalidArgument);
        Assert.Equal(TimeSpan.FromDays(30), error.TargetObject);
    }

    [Fact]
    public void CancelOnTimeoutWithoutTimeoutIsRefused()
    {
        AssertRefused($"Start-MlvRefresh {Gold} -Wait -CancelOnTimeout", "CancelOnTimeoutWithoutTimeout", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void AttachIfRunningWithoutWaitIsRefusedByParameterSets()
    {
        AssertRefused($"Start-MlvRefresh {Gold} -AttachIfRunning", "MissingMandatoryParameter", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void PassThruWithWaitIsRefusedByParameterSets()
    {
        AssertRefused($"Start-MlvRefresh {Gold} -Wait -PassThru", "AmbiguousParameterSet", ErrorCategory.InvalidArgument);
    }

    /// <summary>
    /// Runs a wait that attaches to <paramref name="running"/> (an hour-long run, so a second start is skipped however
    /// slow the machine), lets it read that run's status once, then moves the emulator's clock past the run's end.
    /// </summary>
    private PsResult WaitAttachedThenEndTheRun(Guid running, string script)
    {
        var mark = Log.Mark();
        (var ps, var task) = Ps.Start(script);
        Eventually.Until(() => StatusReads(Log.Since(mark), running).Count > 0, $"the wait to read the status of {running}");
        Emulator.AdvanceClock(TimeSpan.FromHours(1));

        var result = Eventually.Ended(task);
        ps.Dispose();
        result.ThrowIfFailed();
        return result;
    }
}
