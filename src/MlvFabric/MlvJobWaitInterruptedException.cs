using System;

namespace MlvFabric;

/// <summary>
/// The exception of the error written for each started refresh when a wait ends for another reason than the job
/// (sign-in failed, the service could not be reached); <see cref="Exception.InnerException"/> is that reason. The
/// refresh goes on in Fabric; the error's TargetObject is its job instance.
/// </summary>
public sealed class MlvJobWaitInterruptedException : Exception
{
    public MlvJobWaitInterruptedException(string message, Exception cause)
        : base(message, cause)
    {
    }
}
