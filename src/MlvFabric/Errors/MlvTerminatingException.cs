using System;
using System.Management.Automation;

namespace MlvFabric.Errors;

/// <summary>
/// Thrown by an async cmdlet body to end the cmdlet with a specific ErrorRecord; the base cmdlet rethrows it
/// with ThrowTerminatingError on the pipeline thread (the only thread allowed to).
/// </summary>
public sealed class MlvTerminatingException : Exception
{
    public MlvTerminatingException(ErrorRecord errorRecord)
        : base(errorRecord.Exception.Message, errorRecord.Exception)
    {
        ErrorRecord = errorRecord;
    }

    public ErrorRecord ErrorRecord { get; }
}
