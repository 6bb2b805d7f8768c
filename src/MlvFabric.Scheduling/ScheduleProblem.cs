namespace MlvFabric.Scheduling;

/// <summary>What sort of refusal a <see cref="ScheduleProblem"/> is; the module's error category follows from it.</summary>
public enum ScheduleProblemKind
{
    /// <summary>Bad input: a value that breaks a rule, or settings that contradict each other.</summary>
    InvalidArgument,

    /// <summary>Input that is fine on its own, refused because of the schedules as they are.</summary>
    InvalidOperation,

    /// <summary>A limit of the service that is already reached.</summary>
    LimitExceeded,
}

/// <summary>
/// Why a schedule rule refuses a request, before any request is sent: the rule's stable code (the module's ErrorId),
/// a message for the user, the offending value, and what to do when the message does not already say it.
/// </summary>
public sealed class ScheduleProblem
{
    public ScheduleProblem(ScheduleProblemKind kind, string code, string message, object? value, string? recommendedAction = null)
    {
        Kind = kind;
        Code = code;
        Message = message;
        Value = value;
        RecommendedAction = recommendedAction;
    }

    public ScheduleProblemKind Kind { get; }

    /// <summary>Stable, for scripts to match: <c>ScheduleParameterConflict</c>, <c>EnabledScheduleExists</c>, ….</summary>
    public string Code { get; }

    /// <summary>What is wrong; its sentences after the first say what to do.</summary>
    public string Message { get; }

    /// <summary>The offending value (a setting, the schedule in the way, the lakehouse); null when a value is missing.</summary>
    public object? Value { get; }

    /// <summary>What to do, when it is not the message's own advice (its sentences after the first).</summary>
    public string? RecommendedAction { get; }

    public override string ToString() => Message;
}
