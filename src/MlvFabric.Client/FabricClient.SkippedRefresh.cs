using System;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

public sealed partial class FabricClient
{
    /// <summary>
    /// The refresh that <paramref name="skipped"/> (a start Fabric skipped: Deduped, or Cancelled as skipped) stands
    /// for: the lakehouse's running refresh, or for a Deduped job the one it deferred to (see
    /// <see cref="SkippedRefreshResolver"/>); null when there is none. Reads the job list only as far as needed.
    /// </summary>
    public async Task<MlvJobInstance?> FindRefreshToAttachAsync(Guid workspaceId, Guid lakehouseId, MlvJobInstance skipped, CancellationToken ct = default)
    {
        var resolver = new SkippedRefreshResolver(skipped);
        await foreach (var job in ListJobInstancesAsync(workspaceId, lakehouseId, ct).ConfigureAwait(false))
        {
            if (!resolver.Add(job))
            {
                break;
            }
        }

        return resolver.Result;
    }
}
