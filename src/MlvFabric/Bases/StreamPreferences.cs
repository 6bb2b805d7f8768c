using System;
using System.Management.Automation;

namespace MlvFabric.Bases;

/// <summary>
/// Whether this invocation's verbose and debug records would go anywhere (-Verbose/-Debug, else the preference
/// variables in scope). The client asks before it builds a request's log lines, and the pipeline does not queue lines
/// that PowerShell would drop: per request, that is most of what a quick call costs beyond the HTTP round trip.
/// </summary>
internal readonly struct StreamPreferences
{
    public StreamPreferences(bool verbose, bool debug)
    {
        Verbose = verbose;
        Debug = debug;
    }

    public bool Verbose { get; }

    public bool Debug { get; }

    /// <summary>Read on the pipeline thread.</summary>
    public static StreamPreferences Of(PSCmdlet cmdlet) =>
        new StreamPreferences(
            Enabled(cmdlet, "Verbose", "VerbosePreference"),
            Enabled(cmdlet, "Debug", "DebugPreference"));

    private static bool Enabled(PSCmdlet cmdlet, string parameter, string variable)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var bound))
        {
            return bound is SwitchParameter flag ? flag.IsPresent : LanguagePrimitives.IsTrue(bound);
        }

        object? value;
        try
        {
            value = cmdlet.SessionState.PSVariable.GetValue(variable);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException || ex is InvalidOperationException)
        {
            return true;
        }

        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        // Unknown or unset: better a line too many than a missing one.
        ActionPreference preference;
        if (value is ActionPreference typed)
        {
            preference = typed;
        }
        else if (value is null || !Enum.TryParse(value.ToString(), ignoreCase: true, out preference))
        {
            return true;
        }

        return preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
    }
}
