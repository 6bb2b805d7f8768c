using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MlvFabric.Completion;

/// <summary>Tab completion of workspace names from the current session (cached per session).</summary>
public sealed class WorkspaceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var context = CompletionSupport.ContextFrom(fakeBoundParameters);
        if (context is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var workspaces = CompletionSupport.Run(ct => context.Client.Names.GetWorkspacesAsync(ct));
        return CompletionSupport.Complete(workspaces?.Select(w => w.DisplayName), wordToComplete);
    }
}
