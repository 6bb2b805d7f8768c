using MlvFabric.Emulator.Throttling;

namespace MlvFabric.Emulator.Http;

/// <summary>Endpoint metadata read by <see cref="ApiPipeline"/>: which throttle budget a route uses, and whether it is an MLV job-scheduler call.</summary>
internal sealed class ApiEndpoint
{
    public static readonly ApiEndpoint Plain = new(null, false);
    public static readonly ApiEndpoint MlvJob = new(null, true);
    public static readonly ApiEndpoint JobSubmission = new(ThrottleBucket.JobSubmissions, true);
    public static readonly ApiEndpoint JobStatusRead = new(ThrottleBucket.JobStatusReads, true);

    private ApiEndpoint(ThrottleBucket? bucket, bool mlvJobCall)
    {
        Bucket = bucket;
        MlvJobCall = mlvJobCall;
    }

    /// <summary>The per-API budget, if any (the all-requests budget applies to every /v1 call).</summary>
    public ThrottleBucket? Bucket { get; }

    /// <summary>Refused to app tokens when <c>RefuseAppTokensOnMlvJobs</c> is set.</summary>
    public bool MlvJobCall { get; }
}
