using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Makes the estate match a schedule file (Export-MlvSchedule's format): creates missing schedules and execution
/// definitions, updates changed ones, enables and disables, and with -Prune removes what the file does not list.
/// The file is checked completely before any request; the whole plan is computed (reads only) before any write;
/// -WhatIf prints the plan, one line per change, and sends no write. The changes are the output, with their status.
/// </summary>
[Cmdlet(VerbsData.Sync, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MlvScheduleSyncChange))]
public sealed class SyncMlvScheduleCommand : MlvCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Also remove the schedules and execution definitions of the listed lakehouses that the file does not list.</summary>
    [Parameter]
    public SwitchParameter Prune { get; set; }

    private readonly List<(string Path, ScheduleFile File)> _files = new List<(string, ScheduleFile)>();

    // Everything about the file is checked here, on the pipeline thread, before any request; the work waits for EndProcessing.
    protected override bool PrepareRecord()
    {
        var fullPath = ResolveFile(Path);
        if (fullPath is null)
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is System.Security.SecurityException)
        {
            WriteError(MlvErrors.ScheduleFileUnreadable(fullPath, ex));
            return false;
        }

        var file = ScheduleFileReader.Read(fullPath, text, out var problems);
        if (problems.Count > 0)
        {
            ThrowTerminatingError(MlvErrors.ScheduleFileInvalid(fullPath, problems, afterLookups: false));
        }

        _files.Add((fullPath, file));
        return false;
    }

    // The files are synced once all are read: a bad second file stops the sync before the first one changed anything.
    protected override async Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var plans = new List<(string Path, ScheduleSyncPlan Plan)>();
        foreach ((var path, var file) in _files)
        {
            var plan = await ScheduleSync.PlanAsync(
                Client, file, Prune,
                ct => Client.Names.GetWorkspacesAsync(ct),
                (id, ct) => Client.Names.GetLakehousesAsync(id, ct),
                cancellationToken).ConfigureAwait(false);
            if (plan.Problems.Count > 0)
            {
                throw new MlvTerminatingException(MlvErrors.ScheduleFileInvalid(path, plan.Problems, afterLookups: true));
            }

            plans.Add((path, plan));
        }

        foreach ((var path, var plan) in plans)
        {
            var name = System.IO.Path.GetFileName(path);
            pipeline.WriteVerbose(plan.Changes.Count == 0
                ? $"{name}: the {plan.Lakehouses.Count} lakehouses already match the file; nothing to change."
                : $"{name}: {plan.Changes.Count} change{(plan.Changes.Count == 1 ? "" : "s")} planned for {plan.Changes.Select(c => c.LakehouseId).Distinct().Count()} of {plan.Lakehouses.Count} lakehouses.");

            await ScheduleSync.ApplyAsync(
                Client,
                plan,
                change => pipeline.Invoke(() => ShouldProcess(change.Describe(), change.Describe() + "?", "Sync-MlvSchedule")),
                change =>
                {
                    if (change.Status == MlvScheduleSyncStatus.Failed)
                    {
                        pipeline.WriteError(MlvErrors.ScheduleSyncChangeFailed(change));
                    }

                    pipeline.WriteObject(change);
                },
                cancellationToken).ConfigureAwait(false);

            var applied = plan.Changes.Count(c => c.Status == MlvScheduleSyncStatus.Applied);
            var failed = plan.Changes.Count(c => c.Status == MlvScheduleSyncStatus.Failed);
            var notAttempted = plan.Changes.Count(c => c.Status == MlvScheduleSyncStatus.NotAttempted);
            if (failed > 0)
            {
                pipeline.WriteWarning($"{name}: {applied} applied, {failed} failed, {notAttempted} not attempted (later changes of a lakehouse whose change failed). Run Sync-MlvSchedule again to finish: it plans only what is still missing.");
            }
            else if (plan.Changes.Count > 0)
            {
                pipeline.WriteVerbose($"{name}: {applied} applied, {plan.Changes.Count - applied} only planned.");
            }
        }
    }

    private string? ResolveFile(string path)
    {
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name != "FileSystem")
            {
                WriteError(MlvErrors.ScheduleFileNotFileSystem(path, provider.Name));
                return null;
            }

            if (resolved.Count != 1)
            {
                WriteError(MlvErrors.InvalidArgument("ScheduleFileAmbiguous", $"'{path}' matches {resolved.Count} files; pass one schedule file (or pipe several: Get-ChildItem *.json | Sync-MlvSchedule).", path));
                return null;
            }

            if (Directory.Exists(resolved[0]))
            {
                WriteError(MlvErrors.InvalidArgument("ScheduleFileIsDirectory", $"'{path}' is a directory. Pass a schedule file written by Export-MlvSchedule.", path));
                return null;
            }

            return resolved[0];
        }
        catch (ItemNotFoundException ex)
        {
            WriteError(MlvErrors.ScheduleFileNotFound(path, ex));
            return null;
        }
    }
}
