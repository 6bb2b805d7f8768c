using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MlvFabric.Completion;

/// <summary>
/// Tab completion of schedule ids: the schedules of the lakehouse already named on the command line, each with its
/// summary as the tooltip ("Every 10 minutes (enabled) - Sales/Bronze").
/// </summary>
public sealed class ScheduleIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = CompletionSupport.ContextFrom(fakeBoundParameters);
        if (context is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var schedules = CompletionSupport.Run(async ct =>
        {
            var found = new List<KeyValuePair<string, string>>();
            foreach (var lakehouse in await CompletionLakehouses.ResolveAsync(context, fakeBoundParameters, 5, ct).ConfigureAwait(false))
            {
                await foreach (var schedule in context.Client.ListSchedulesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, ct).ConfigureAwait(false))
                {
                    var state = schedule.Enabled ? "enabled" : "disabled";
                    found.Add(new KeyValuePair<string, string>(schedule.Id.ToString(), $"{schedule.Summary} ({state}) - {lakehouse}"));
                }
            }

            return found;
        });

        return CompletionSupport.CompleteIds(schedules, wordToComplete);
    }
}
