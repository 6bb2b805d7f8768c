using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlvFabric.Client;

namespace MlvFabric.Completion;

/// <summary>
/// Tab completion of execution definitions of the lakehouse already named on the command line: ids for an -Id
/// parameter (tooltip: name, selection, lakehouse), display names for anything else (-Name, -ExecutionDefinition).
/// </summary>
public sealed class ExecutionDefinitionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = CompletionSupport.ContextFrom(fakeBoundParameters);
        if (context is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var definitions = CompletionSupport.Run(async ct =>
        {
            var found = new List<MlvExecutionDefinition>();
            var resolver = new ExecutionDefinitionResolver(context.Client);
            foreach (var lakehouse in await CompletionLakehouses.ResolveAsync(context, fakeBoundParameters, 5, ct).ConfigureAwait(false))
            {
                found.AddRange(await resolver.ListAsync(lakehouse, ct).ConfigureAwait(false));
            }

            return found;
        });
        if (definitions is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        if (!string.Equals(parameterName, "Id", StringComparison.OrdinalIgnoreCase))
        {
            return CompletionSupport.Complete(definitions.Select(d => d.DisplayName), wordToComplete);
        }

        return CompletionSupport.CompleteIds(
            definitions.Select(d => new KeyValuePair<string, string>(d.Id.ToString(), $"{d.DisplayName} ({Describe(d)}) - {d.WorkspaceName}/{d.LakehouseName}")),
            wordToComplete);
    }

    /// <summary>"All MLVs" or "2 MLVs: gold.a, gold.b".</summary>
    internal static string Describe(MlvExecutionDefinition definition) =>
        string.Equals(definition.Mode, MlvExecutionModes.Selected, StringComparison.OrdinalIgnoreCase)
            ? $"{definition.SelectedMlvs.Count} MLV{(definition.SelectedMlvs.Count == 1 ? "" : "s")}: {string.Join(", ", definition.SelectedMlvs)}"
            : "All MLVs";
}
