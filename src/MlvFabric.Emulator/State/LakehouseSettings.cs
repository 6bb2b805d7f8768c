namespace MlvFabric.Emulator.State;

/// <summary>How runs of one lakehouse behave. Changed by <c>PUT /_emulator/lakehouses/{id}/settings</c>.</summary>
internal sealed class LakehouseSettings
{
    /// <summary>Seconds a whole-lineage run takes once started; a subset run takes its share (by MLV count).</summary>
    public double DurationSeconds { get; set; } = 5;

    /// <summary>Seconds a run waits in NotStarted before it starts.</summary>
    public double QueueSeconds { get; set; } = 1;

    /// <summary>Probability (0..1) that a run fails.</summary>
    public double FailureRate { get; set; }

    /// <summary><c>failureReason.errorCode</c> of a failed run.</summary>
    public string FailureCode { get; set; } = "JobInstanceStatusFailed";

    /// <summary><c>failureReason.message</c> of a failed run.</summary>
    public string FailureMessage { get; set; } = "Job instance failed without detail error";

    /// <summary>
    /// A status outside the contract (e.g. <c>Paused</c>) that runs created while it is set report from their
    /// submission; null = the emulator-wide <see cref="EmulatorOptions.UnknownJobStatus"/>.
    /// </summary>
    public string? UnknownStatus { get; set; }

    /// <summary>How long (seconds) such a run reports <see cref="UnknownStatus"/>; 0 = until it is cancelled.</summary>
    public double UnknownStatusSeconds { get; set; }

    /// <summary>Finished instances kept for this lakehouse; null = the emulator-wide setting.</summary>
    public int? MaxCompletedJobs { get; set; }

    public LakehouseSettings Clone() => (LakehouseSettings)MemberwiseClone();
}
