using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlvFabric.Client;

namespace MlvFabric.Completion;

/// <summary>Tab completion of job statuses (-Status) and invoke types (-InvokeType): fixed lists, no request.</summary>
public sealed class JobFilterCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(parameterName == "InvokeType" ? JobInstances.InvokeTypes : JobStatus.All, wordToComplete);
}
