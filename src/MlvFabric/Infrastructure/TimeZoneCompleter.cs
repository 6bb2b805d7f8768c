using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlvFabric.Scheduling;

namespace MlvFabric.Infrastructure;

/// <summary>Tab completion of -TimeZone with the Windows time-zone ids the schedule API takes.</summary>
public sealed class TimeZoneCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(ScheduleTimeZones.WindowsIds, wordToComplete);
}
