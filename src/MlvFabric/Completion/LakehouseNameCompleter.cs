using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlvFabric.Client;

namespace MlvFabric.Completion;

/// <summary>Tab completion of lakehouse names, within the workspace already typed (-WorkspaceName or -WorkspaceId).</summary>
public sealed class LakehouseNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = CompletionSupport.ContextFrom(fakeBoundParameters);
        if (context is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var names = CompletionSupport.Run<IEnumerable<string?>>(async ct =>
        {
            var workspaces = await context.Client.Names.GetWorkspacesAsync(ct).ConfigureAwait(false);
            IEnumerable<MlvWorkspace> scope = workspaces;
            if (fakeBoundParameters["WorkspaceId"] is object id && Guid.TryParse(id.ToString(), out var workspaceId))
            {
                scope = workspaces.Where(w => w.Id == workspaceId);
            }
            else if (fakeBoundParameters["WorkspaceName"] is object name)
            {
                var pattern = WildcardPattern.Get(name.ToString()!, WildcardOptions.IgnoreCase);
                scope = workspaces.Where(w => w.DisplayName is not null && pattern.IsMatch(w.DisplayName));
            }

            var result = new List<string?>();
            foreach (var workspace in scope.Take(20))
            {
                var lakehouses = await context.Client.Names.GetLakehousesAsync(workspace.Id, ct).ConfigureAwait(false);
                result.AddRange(lakehouses.Select(l => l.DisplayName));
            }

            return result;
        });
        return CompletionSupport.Complete(names, wordToComplete);
    }
}
