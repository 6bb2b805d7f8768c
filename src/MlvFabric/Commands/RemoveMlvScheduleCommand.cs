using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Commands;

/// <summary>Deletes refresh schedules.</summary>
[Cmdlet(VerbsCommon.Remove, "MlvSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMlvScheduleCommand : MlvScheduleIdCmdlet
{
    protected override string Action => "Remove schedule";

    protected override async Task ProcessScheduleAsync(AsyncPipeline pipeline, LakehouseTarget lakehouse, Guid id, CancellationToken cancellationToken)
    {
        var schedule = await GetScheduleAsync(lakehouse, id, cancellationToken).ConfigureAwait(false);
        if (!await ConfirmAsync(pipeline, lakehouse, schedule).ConfigureAwait(false))
        {
            return;
        }

        await Client.DeleteScheduleAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, id, cancellationToken).ConfigureAwait(false);
        pipeline.WriteVerbose($"Removed schedule {id} of lakehouse '{lakehouse}'.");
    }
}
