using System;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>Get-MlvJobInstance, Wait-MlvJobInstance and Stop-MlvJobInstance end to end, with their pipelines and bad input.</summary>
public sealed class JobInstanceTests : JobTestBase
{
    private const string Gold = "-WorkspaceName Sales -LakehouseName Gold";

    public JobInstanceTests(EmulatorFixture fixture) : base(fixture)
    {
        foreach (var lakehouse in new[] { "Bronze", "Silver", "Gold" })
        {
            Control.SetLakehouse("Sales", lakehouse, new { durationSeconds = 1.5, queueSeconds = 0.5 });
        }
    }

    // ---------------------------------------------------------------- Get-MlvJobInstance

    [Fact]
    public void ListsOnlyRefreshJobsNewestFirstWithNamesAndDurations()
    {
        Control.AddHistory("Sales", "Gold", new { count = 12, intervalMinutes = 10, durationSeconds = 90, otherJobTypeEvery = 4 });

        var result = RunOk($"Get-MlvJobInstance {Gold}");

        // Every fourth generated instance is another job type of the item, which the cmdlet leaves out.
        Assert.Equal(9, result.Output.Count);
        Assert.All(result.Output, j =>
        {
            Assert.Equal("RefreshMaterializedLakeViews", Text(j, "JobType"));
            Assert.Equal("Sales", Text(j, "WorkspaceName"));
            Assert.Equal("Gold", Text(j, "LakehouseName"));
            Assert.Equal(LakehouseId("Gold"), Prop(j, "LakehouseId"));
            Assert.Equal("00:01:30", Prop(j, "Duration"));
            Assert.Equal(90L, Prop(j, "DurationSeconds"));
        });
        var starts = result.Output.Select(j => (DateTime)Prop(j, "StartTimeUtc")!).ToList();
        Assert.Equal(starts.OrderByDescending(s => s), starts);
    }

    [Fact]
    public void JobInstancesRenderAsATableWithLocalStartDurationAndFailureCode()
    {
        Control.AddHistory("Sales", "Gold", new { count = 3, intervalMinutes = 120, durationSeconds = 3725, failureRate = 1.0 });
        var text = new System.IO.StringWriter();
        using var hosted = ConnectAsNewCaller(PsSession.Create(host: new MlvFabric.Hosting.TextHost(text, 220)));

        hosted.Run($"Get-MlvJobInstance {Gold} | Out-Default").ThrowIfFailed();

        var shown = System.Text.RegularExpressions.Regex.Replace(text.ToString(), @"\x1b\[[0-9;]*m", string.Empty);
        Assert.Matches(@"Workspace: Sales\s+Lakehouse\s+Status\s+Start\s+Duration\s+Failure", shown);
        Assert.Matches(@"Gold\s+Failed\s+\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}\s+01:02:05\s+JobInstanceStatusFailed", shown);
        Assert.DoesNotContain("RootActivityId", shown);
    }

    [Fact]
    public void HistoryLabelledMaterializedLakeViewsIsTheSameJobType()
    {
        Control.SetSettings(new { jobTypeLabel = "MaterializedLakeViews" });
        RunOk($"Start-MlvRefresh {Gold}");

        var result = RunOk($"Get-MlvJobInstance {Gold}");

        var job = Assert.Single(result.Output);
        Assert.Equal("MaterializedLakeViews", Text(job, "JobType"));
    }

    [Fact]
    public void StatusInvokeTypeAndSinceFilterOnTheClient()
    {
        Control.AddHistory("Sales", "Gold", new { count = 30, intervalMinutes = 60, durationSeconds = 30, failureRate = 0.4, seed = 7 });
        var all = RunOk($"Get-MlvJobInstance {Gold}").Output;
        var since = ((DateTime)Prop(all[9], "StartTimeUtc")!).ToLocalTime();
        Ps.SetVariable("since", since);

        var failed = RunOk($"Get-MlvJobInstance {Gold} -Status failed").Output;
        var scheduled = RunOk($"Get-MlvJobInstance {Gold} -InvokeType Scheduled").Output;
        var recent = RunOk($"Get-MlvJobInstance {Gold} -Since $since").Output;
        var recentFailedOrCompleted = RunOk($"Get-MlvJobInstance {Gold} -Since $since -Status Failed, Completed -InvokeType Manual").Output;

        Assert.Equal(all.Count(j => Text(j, "Status") == "Failed"), failed.Count);
        Assert.NotEmpty(failed);
        Assert.All(failed, j => Assert.Equal("Failed", Text(j, "Status")));
        Assert.Equal(all.Count(j => Text(j, "InvokeType") == "Scheduled"), scheduled.Count);
        Assert.Equal(10, recent.Count);
        Assert.Equal(all.Take(10).Count(j => Text(j, "InvokeType") == "Manual"), recentFailedOrCompleted.Count);
    }

    [Fact]
    public void FirstStopsPagingEarly()
    {
        // The first page holds the lakehouse's 3 seeded TableMaintenance runs and 7 refreshes: enough for -First 3.
        Control.SetSettings(new { pageSize = 10 });
        Control.AddHistory("Sales", "Gold", new { count = 40 });

        (var result, var requests) = RunLogged($"Get-MlvJobInstance {Gold} -First 3");

        result.ThrowIfFailed();
        Assert.Equal(3, result.Output.Count);
        Assert.Single(requests, r => r.Path.EndsWith("/instances", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void FirstCountsMatchesNotPages()
    {
        Control.SetSettings(new { pageSize = 5 });
        Control.AddHistory("Sales", "Gold", new { count = 40, failureRate = 0.2, seed = 3 });

        var result = RunOk($"Get-MlvJobInstance {Gold} -Status Failed -First 4");

        Assert.Equal(4, result.Output.Count);
        Assert.All(result.Output, j => Assert.Equal("Failed", Text(j, "Status")));
    }

    [Fact]
    public void GetsInstancesById()
    {
        var first = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());
        var second = IdOf(RunOk("Start-MlvRefresh -WorkspaceName Sales -LakehouseName Silver -PassThru").Output.Single());

        var result = RunOk($"Get-MlvJobInstance {Gold} -Id {first}");
        var silver = RunOk($"Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Silver -JobInstanceId {second}");

        Assert.Equal(first, IdOf(Assert.Single(result.Output)));
        Assert.Equal("Gold", Text(result.Output[0], "LakehouseName"));
        Assert.Equal(second, IdOf(Assert.Single(silver.Output)));
    }

    [Fact]
    public void PipedJobInstancesAreReadAgainById()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales | Start-MlvRefresh -PassThru | Get-MlvJobInstance");

        Assert.Equal(3, result.Output.Count);
        Assert.Equal(new[] { "Bronze", "Gold", "Silver" }, result.Output.Select(j => Text(j, "LakehouseName")).OrderBy(n => n));
    }

    [Fact]
    public void PipedLakehousesListTheirJobs()
    {
        Control.AddHistory("Sales", "Gold", new { count = 2 });
        Control.AddHistory("Sales", "Silver", new { count = 3 });

        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Get-MlvJobInstance");

        Assert.Equal(2, result.Output.Count(j => Text(j, "LakehouseName") == "Gold"));
        Assert.Equal(3, result.Output.Count(j => Text(j, "LakehouseName") == "Silver"));
    }

    [Fact]
    public void AnUnknownJobIdIsObjectNotFound()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Get-MlvJobInstance {Gold} -Id {unknown}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("JobInstanceNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Theory]
    [InlineData("-Status Running", "InvalidJobStatus", "Running")]
    [InlineData("-Status Completed, Finished", "InvalidJobStatus", "Finished")]
    [InlineData("-InvokeType OnDemand", "InvalidInvokeType", "OnDemand")]
    public void UnknownFilterValuesAreRefusedBeforeAnyRequest(string parameters, string errorId, string value)
    {
        var error = AssertRefused($"Get-MlvJobInstance {Gold} {parameters}", errorId, ErrorCategory.InvalidArgument);
        Assert.Equal(value, error.TargetObject);
        Assert.Contains(errorId == "InvalidJobStatus" ? "NotStarted, InProgress, Completed, Failed, Cancelled, Deduped" : "Manual or Scheduled", error.Exception.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void FirstBelowOneIsRefusedBeforeAnyRequest(int first)
    {
        var error = AssertRefused($"Get-MlvJobInstance {Gold} -First {first}", "InvalidFirst", ErrorCategory.InvalidArgument);
        Assert.Equal(first, error.TargetObject);
    }

    [Fact]
    public void SinceInTheFutureIsRefusedBeforeAnyRequest()
    {
        Ps.SetVariable("future", DateTime.Now.AddDays(1));

        var error = AssertRefused($"Get-MlvJobInstance {Gold} -Since $future", "SinceInFuture", ErrorCategory.InvalidArgument);
        Assert.IsType<DateTime>(error.TargetObject);
    }

    [Fact]
    public void EmptyJobIdIsRefusedBeforeAnyRequest()
    {
        var error = AssertRefused($"Get-MlvJobInstance {Gold} -Id {Guid.Empty}", "InvalidJobInstanceId", ErrorCategory.InvalidArgument);
        Assert.Equal(Guid.Empty, error.TargetObject);
    }

    [Fact]
    public void MalformedJobIdIsRefusedByParameterBinding()
    {
        var error = AssertRefused($"Get-MlvJobInstance {Gold} -Id 1234", "CannotConvertArgumentNoMessage", ErrorCategory.InvalidArgument);
        Assert.Contains("1234", error.Exception.Message);
    }

    [Fact]
    public void AMissingLakehouseIsRefusedBeforeAnyRequest()
    {
        var error = AssertRefused("Get-MlvJobInstance -WorkspaceName Sales", "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
        Assert.Contains("-LakehouseName", error.Exception.Message);
    }

    [Fact]
    public void AMissingWorkspaceIsRefusedBeforeAnyRequest()
    {
        AssertRefused("Get-MlvJobInstance -LakehouseName Gold", "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void ALakehouseNameThatMatchesNothingIsObjectNotFound()
    {
        var result = Ps.Run("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName Platinum");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("LakehouseNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("Platinum", error.TargetObject);
    }

    [Fact]
    public void ALakehouseNameMatchingSeveralIsRefusedWithTheCandidates()
    {
        var result = Ps.Run("Get-MlvJobInstance -WorkspaceName Sales -LakehouseName *o*");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("LakehouseNameAmbiguous,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'Bronze'", error.Exception.Message);
        Assert.Contains("'Gold'", error.Exception.Message);
    }

    // ---------------------------------------------------------------- Wait-MlvJobInstance

    [Fact]
    public void StartedRefreshesPipeIntoWaitMlvJobInstance()
    {
        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales | Start-MlvRefresh -PassThru | Wait-MlvJobInstance");

        Assert.Equal(3, result.Output.Count);
        Assert.All(result.Output, j => Assert.Equal("Completed", Text(j, "Status")));
        Assert.Contains(result.Progress, p => p.ParentActivityId < 0 && p.StatusDescription.StartsWith("3 of 3 done", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitByIdAndLakehouseName()
    {
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());

        var result = RunOk($"Wait-MlvJobInstance {id} {Gold}");

        Assert.Equal("Completed", Text(Assert.Single(result.Output), "Status"));
    }

    [Fact]
    public void WaitOnAFinishedJobReturnsItAtOnce()
    {
        Control.AddHistory("Sales", "Gold", new { count = 1 });
        var done = RunOk($"Get-MlvJobInstance {Gold}").Output.Single();

        var result = RunOk($"Get-MlvJobInstance {Gold} | Wait-MlvJobInstance");

        Assert.Equal(IdOf(done), IdOf(Assert.Single(result.Output)));
    }

    [Fact]
    public void WaitReportsAFailedRefreshAsAnError()
    {
        Control.SetLakehouse("Sales", "Gold", new { failureRate = 1.0, failureCode = "MLV_REFRESH_CONFLICT", failureMessage = "Conflict." });

        var result = Ps.Run($"Start-MlvRefresh {Gold} -PassThru | Wait-MlvJobInstance");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MlvRefreshFailed,", error.FullyQualifiedErrorId);
        Assert.Contains("MLV_REFRESH_CONFLICT", error.Exception.Message);
        Assert.Contains("-AttachIfRunning", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void WaitWithAttachIfRunningFollowsTheRefreshADedupedJobDeferredTo()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var running = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());
        var deduped = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());
        var mark = Log.Mark();
        (var ps, var task) = Ps.Start($"Wait-MlvJobInstance {deduped} {Gold} -AttachIfRunning");
        // Once the wait follows the hour-long run, the run ends: the emulator's clock moves past it.
        Eventually.Until(() => StatusReads(Log.Since(mark), running).Count > 0, $"the wait to read the status of {running}");
        Emulator.AdvanceClock(TimeSpan.FromHours(1));

        var result = Eventually.Ended(task);
        ps.Dispose();
        result.ThrowIfFailed();

        Assert.Equal("Deduped", Control.JobStatus(deduped));
        var job = Assert.Single(result.Output);
        Assert.Equal(running, IdOf(job));
        Assert.Equal("Completed", Text(job, "Status"));
    }

    [Fact]
    public void WaitTimeoutAcceptsATimeSpanAndLeavesTheJobRunning()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());

        var result = Ps.Run($"Wait-MlvJobInstance {id} {Gold} -Timeout ([TimeSpan]::FromSeconds(2))");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("MlvJobWaitTimeout,", error.FullyQualifiedErrorId);
        Assert.Contains("still running after 2 s", error.Exception.Message);
        Assert.Equal("InProgress", Control.JobStatus(id));
    }

    [Fact]
    public void WaitTimeoutWithCancelOnTimeoutCancelsTheJob()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());

        var result = Ps.Run($"Wait-MlvJobInstance {id} {Gold} -Timeout 2 -CancelOnTimeout");

        Assert.StartsWith("MlvJobWaitTimeout,", Assert.Single(result.Errors).FullyQualifiedErrorId);
        Assert.Equal("Cancelled", Control.JobStatus(id));
    }

    [Fact]
    public void WaitOnAnUnknownJobIsObjectNotFound()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Wait-MlvJobInstance {unknown} {Gold}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("JobInstanceNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Fact]
    public void StoppingAWaitEndsItAndTheRefreshGoesOn()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 3600.0, queueSeconds = 0.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());
        NextStatusReadSaysComeBackInAnHour();
        var mark = Log.Mark();
        (var ps, var task) = Ps.Start($"Wait-MlvJobInstance {id} {Gold}");
        Assert.Equal(id, WaitForStatusRead("Gold", mark));

        // The wait now sleeps for the hour its read asked for: the pipeline ends only if the stop cancels the sleep.
        var result = Eventually.Stop(ps, task);
        ps.Dispose();

        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.Single(StatusReads(Log.Since(mark), id)); // stopped in the sleep, not at a later read
        Assert.Equal("InProgress", Control.JobStatus(id));
    }

    [Theory]
    [InlineData("-Timeout 0", "InvalidTimeout")]
    [InlineData("-Timeout -1", "InvalidTimeout")]
    [InlineData("-CancelOnTimeout", "CancelOnTimeoutWithoutTimeout")]
    public void BadWaitOptionsAreRefusedBeforeAnyRequest(string parameters, string errorId)
    {
        AssertRefused($"Wait-MlvJobInstance {Guid.NewGuid()} {Gold} {parameters}", errorId, ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void WaitRefusesTheEmptyJobId()
    {
        AssertRefused($"Wait-MlvJobInstance {Guid.Empty} {Gold}", "InvalidJobInstanceId", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void WaitRefusesAJobWithoutItsLakehouse()
    {
        AssertRefused($"Wait-MlvJobInstance {Guid.NewGuid()}", "LakehouseNotSpecified", ErrorCategory.InvalidArgument);
    }

    // ---------------------------------------------------------------- Stop-MlvJobInstance

    [Fact]
    public void RunningJobsPipeIntoStopMlvJobInstance()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 60.0, queueSeconds = 0.0 });
        Control.SetLakehouse("Sales", "Silver", new { durationSeconds = 60.0, queueSeconds = 0.0 });
        var started = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Start-MlvRefresh -PassThru").Output.Select(IdOf).ToList();
        Eventually.Until(() => started.All(id => Control.JobStatus(id) == "InProgress"), "both refreshes to be in progress");

        var result = RunOk("Get-MlvLakehouse -WorkspaceName Sales -Name Gold, Silver | Get-MlvJobInstance -Status InProgress | Stop-MlvJobInstance -Confirm:$false");

        Assert.Empty(result.Output);
        Assert.All(started, id => Assert.Equal("Cancelled", Control.JobStatus(id)));
    }

    [Fact]
    public void StopWaitReturnsTheCancelledInstance()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 60.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());

        var result = RunOk($"Stop-MlvJobInstance {id} {Gold} -Wait -Confirm:$false");

        var job = Assert.Single(result.Output);
        Assert.Equal(id, IdOf(job));
        Assert.Equal("Cancelled", Text(job, "Status"));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void StopPassThruReturnsTheInstanceAfterTheRequest()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 60.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());

        var result = RunOk($"Stop-MlvJobInstance -Id {id} {Gold} -PassThru -Confirm:$false");

        Assert.Equal(id, IdOf(Assert.Single(result.Output)));
        Assert.Equal("Cancelled", Control.JobStatus(id));
    }

    [Fact]
    public void StopWhatIfReadsButCancelsNothing()
    {
        Control.SetLakehouse("Sales", "Gold", new { durationSeconds = 60.0 });
        var id = IdOf(RunOk($"Start-MlvRefresh {Gold} -PassThru").Output.Single());
        RunOk($"$job = Get-MlvJobInstance {Gold} -Id {id}");

        (var byId, var byIdRequests) = RunLogged($"Stop-MlvJobInstance {id} {Gold} -WhatIf");
        (var piped, var pipedRequests) = RunLogged("$job | Stop-MlvJobInstance -Wait -WhatIf");

        // A dry run reads each job (so an unknown id is the real run's error); it sends no cancellation.
        byId.ThrowIfFailed();
        Assert.All(byIdRequests, r => Assert.Equal("GET", r.Method));
        piped.ThrowIfFailed();
        Assert.All(pipedRequests, r => Assert.Equal("GET", r.Method));
        Assert.Contains(Control.JobStatus(id), new[] { "NotStarted", "InProgress" });
    }

    [Fact]
    public void StopOnAFinishedJobIsAWarningNotAnError()
    {
        Control.AddHistory("Sales", "Gold", new { count = 1 });
        var id = IdOf(RunOk($"Get-MlvJobInstance {Gold}").Output.Single());

        var result = RunOk($"Stop-MlvJobInstance {id} {Gold} -Confirm:$false");

        Assert.Empty(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("has already ended; there is nothing to cancel", warning.Message);
    }

    [Fact]
    public void StopOnAFinishedJobWithWaitReturnsItAsItEnded()
    {
        Control.SetSettings(new { jobAlreadyCompletedStatus = 409 });
        Control.AddHistory("Sales", "Gold", new { count = 1 });
        var id = IdOf(RunOk($"Get-MlvJobInstance {Gold}").Output.Single());

        var result = RunOk($"Stop-MlvJobInstance {id} {Gold} -Wait -Confirm:$false");

        Assert.Equal("Completed", Text(Assert.Single(result.Output), "Status"));
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void StopOnAnUnknownJobIsObjectNotFound()
    {
        var unknown = Guid.NewGuid();

        var result = Ps.Run($"Stop-MlvJobInstance {unknown} {Gold} -Confirm:$false");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("JobInstanceNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(unknown, error.TargetObject);
    }

    [Fact]
    public void StopRefusesTheEmptyJobId()
    {
        AssertRefused($"Stop-MlvJobInstance {Guid.Empty} {Gold} -Confirm:$false", "InvalidJobInstanceId", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void StopRefusesANonPositiveTimeout()
    {
        AssertRefused($"Stop-MlvJobInstance {Guid.NewGuid()} {Gold} -Wait -Timeout 0 -Confirm:$false", "InvalidTimeout", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public void StopIsHighImpact()
    {
        var result = RunOk("(Get-Command Stop-MlvJobInstance).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact");

        Assert.Equal("High", result.Output.Single().ToString());
    }
}
