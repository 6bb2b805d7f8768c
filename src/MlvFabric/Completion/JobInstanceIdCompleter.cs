using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MlvFabric.Completion;

/// <summary>
/// Tab completion of job instance ids: the newest refresh jobs of the lakehouse already named on the command line,
/// running ones first, each with its status and start as the tooltip ("InProgress, started 12-06 09:10 +01:00 -
/// Sales/Gold"). One list page per lakehouse: job reads count against the service's 50 job-status reads per minute.
/// </summary>
public sealed class JobInstanceIdCompleter : IArgumentCompleter
{
    private const int PerLakehouse = 20;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = CompletionSupport.ContextFrom(fakeBoundParameters);
        if (context is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var jobs = CompletionSupport.Run(async ct =>
        {
            var found = new List<(bool Running, KeyValuePair<string, string> Job)>();
            foreach (var lakehouse in await CompletionLakehouses.ResolveAsync(context, fakeBoundParameters, 5, ct).ConfigureAwait(false))
            {
                var taken = 0;
                await foreach (var job in context.Client.ListJobInstancesAsync(lakehouse.WorkspaceId, lakehouse.LakehouseId, ct).ConfigureAwait(false))
                {
                    var started = job.Start is System.DateTimeOffset start ? ", started " + start.ToString("MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
                    found.Add((job.IsRunning, new KeyValuePair<string, string>(job.Id.ToString(), $"{job.Status}{started} - {lakehouse}")));
                    if (++taken >= PerLakehouse)
                    {
                        break;
                    }
                }
            }

            return found.OrderByDescending(j => j.Running).Select(j => j.Job).ToList();
        });

        return CompletionSupport.CompleteIds(jobs, wordToComplete);
    }
}
