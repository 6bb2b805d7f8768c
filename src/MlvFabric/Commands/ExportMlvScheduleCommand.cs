using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Commands;

/// <summary>
/// Writes the schedules (and the execution definitions they run) of the chosen lakehouses to a JSON file that a person
/// reviews in a pull request and Sync-MlvSchedule applies: workspace and lakehouse names and ids, configurations with
/// their time zones as given, nothing volatile (no created dates, no owners).
/// </summary>
[Cmdlet(VerbsData.Export, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMlvScheduleCommand : MlvLakehouseSetCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Refuse to overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Output the file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private string _fullPath = string.Empty;

    protected override void PrepareCommand()
    {
        _fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out var provider, out _);
        if (provider.Name != "FileSystem")
        {
            ThrowTerminatingError(MlvErrors.ScheduleFileNotFileSystem(Path, provider.Name));
        }

        if (NoClobber && File.Exists(_fullPath))
        {
            ThrowTerminatingError(MlvErrors.ScheduleFileExists(_fullPath));
        }

        var directory = System.IO.Path.GetDirectoryName(_fullPath);
        if (Directory.Exists(_fullPath) || (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory)))
        {
            ThrowTerminatingError(MlvErrors.ScheduleFileDirectoryInvalid(_fullPath));
        }
    }

    protected override async Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        var targets = Targets;
        if (targets.Count == 0)
        {
            pipeline.WriteVerbose($"No lakehouse matched; {_fullPath} was not written.");
            return;
        }

        if (!await pipeline.ShouldProcessAsync(_fullPath, $"Export the schedules of {targets.Count} lakehouse{(targets.Count == 1 ? "" : "s")}").ConfigureAwait(false))
        {
            return;
        }

        var exports = new List<ScheduleExport>();
        foreach (var target in targets)
        {
            try
            {
                exports.Add(new ScheduleExport
                {
                    WorkspaceId = target.WorkspaceId,
                    WorkspaceName = target.WorkspaceName,
                    LakehouseId = target.LakehouseId,
                    LakehouseName = target.LakehouseName,
                    Schedules = await Client.ListSchedulesAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false),
                    ExecutionDefinitions = await Client.ListExecutionDefinitionsAsync(target.WorkspaceId, target.LakehouseId, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false),
                });
            }
            catch (Exception ex) when (MlvErrors.IsItemFailure(ex))
            {
                // A file without this lakehouse would make a later Sync -Prune leave it alone, not empty it: still,
                // say clearly that it is missing.
                pipeline.WriteError(MlvErrors.FromException(ex, target.ToString()));
            }
        }

        var text = ScheduleFileWriter.Write(exports);
        try
        {
            File.WriteAllText(_fullPath, text, new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is System.Security.SecurityException)
        {
            throw new MlvTerminatingException(MlvErrors.ScheduleFileWriteFailed(_fullPath, ex));
        }

        pipeline.WriteVerbose($"Exported {exports.Sum(e => e.Schedules.Count)} schedules and {exports.Sum(e => e.ExecutionDefinitions.Count)} execution definitions of {exports.Count} lakehouses to {_fullPath}.");
        if (PassThru)
        {
            pipeline.WriteObject(new FileInfo(_fullPath));
        }
    }
}
