using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlvFabric.Scheduling;

namespace MlvFabric.Completion;

/// <summary>
/// Tab completion of -TimeZone: the Windows time-zone ids the schedule API takes, then the IANA names the module
/// converts to them (Europe/Berlin).
/// </summary>
public sealed class TimeZoneCompleter : IArgumentCompleter
{
    private static readonly IReadOnlyList<string> Names = ScheduleTimeZones.WindowsIds.Concat(ScheduleTimeZones.IanaNames).ToArray();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(Names, wordToComplete);
}
