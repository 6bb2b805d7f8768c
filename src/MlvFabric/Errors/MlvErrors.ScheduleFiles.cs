using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Client;

namespace MlvFabric.Errors;

/// <summary>Errors of Export-MlvSchedule and Sync-MlvSchedule (schedule files).</summary>
public static partial class MlvErrors
{
    /// <summary>Every problem of a schedule file in one record (file, entry, problem per line); nothing was changed.</summary>
    public static ErrorRecord ScheduleFileInvalid(string path, IReadOnlyList<ScheduleFileProblem> problems, bool afterLookups)
    {
        var lines = string.Join(Environment.NewLine, problems.Select(p => "  " + p));
        var message = $"The schedule file '{path}' has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing was changed{(afterLookups ? " (only lookups were sent)" : " and no request was sent")}:{Environment.NewLine}{lines}";
        var record = new ErrorRecord(new FormatException(message), "ScheduleFileInvalid", ErrorCategory.InvalidData, path);
        record.ErrorDetails = new ErrorDetails(message)
        {
            RecommendedAction = "Fix the entries named above and run Sync-MlvSchedule again. Export-MlvSchedule writes a valid file to start from.",
        };
        return record;
    }

    public static ErrorRecord ScheduleFileNotFound(string path, Exception? cause) => new ErrorRecord(
        new ItemNotFoundException($"The schedule file '{path}' was not found. Pass the path of a file written by Export-MlvSchedule.", cause),
        "ScheduleFileNotFound",
        ErrorCategory.ObjectNotFound,
        path);

    public static ErrorRecord ScheduleFileUnreadable(string path, Exception cause) => new ErrorRecord(
        new InvalidOperationException($"The schedule file '{path}' could not be read: {cause.Message}", cause),
        "ScheduleFileUnreadable",
        ErrorCategory.ReadError,
        path);

    public static ErrorRecord ScheduleFileNotFileSystem(string path, string provider) => InvalidArgument(
        "ScheduleFileNotFileSystem",
        $"'{path}' is on the {provider} provider; schedule files live on the file system. Pass a file path such as ./schedules.json.",
        path);

    public static ErrorRecord ScheduleFileExists(string path) => new ErrorRecord(
        new System.IO.IOException($"The file '{path}' already exists and -NoClobber was given. Choose another path, or leave out -NoClobber to overwrite it."),
        "ScheduleFileExists",
        ErrorCategory.ResourceExists,
        path);

    public static ErrorRecord ScheduleFileDirectoryInvalid(string path) => new ErrorRecord(
        new System.IO.DirectoryNotFoundException($"Cannot write the schedule file '{path}': it is a directory, or its directory does not exist. Create the directory first (New-Item -ItemType Directory), or pass another path."),
        "ScheduleFileDirectoryInvalid",
        ErrorCategory.ObjectNotFound,
        path);

    public static ErrorRecord ScheduleFileWriteFailed(string path, Exception cause) => new ErrorRecord(
        new InvalidOperationException($"The schedule file '{path}' could not be written: {cause.Message}", cause),
        "ScheduleFileWriteFailed",
        ErrorCategory.WriteError,
        path);

    /// <summary>A change of a sync that the service refused: the service's error, prefixed with the change.</summary>
    public static ErrorRecord ScheduleSyncChangeFailed(MlvScheduleSyncChange change)
    {
        var cause = change.Exception ?? new InvalidOperationException(change.Error ?? "failed");
        var record = IsFabricFailure(cause) ? FromException(cause, change) : new ErrorRecord(cause, "ScheduleSyncChangeFailed", ErrorCategory.InvalidOperation, change);
        record.ErrorDetails = new ErrorDetails($"{change.Describe()} failed: {cause.Message}")
        {
            RecommendedAction = "Fix the cause and run Sync-MlvSchedule again: it plans only what is still missing.",
        };
        return record;
    }
}
