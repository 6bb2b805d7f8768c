using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of every cmdlet that calls Fabric: adds -Context and resolves the session (the explicit one, else the
/// runspace's current one) on the pipeline thread before any async work starts.
/// </summary>
public abstract class MlvSessionCmdlet : MlvAsyncCmdlet
{
    /// <summary>The session to use instead of the current one (from Connect-MlvFabric or Get-MlvContext).</summary>
    [Parameter]
    [ValidateNotNull]
    public MlvContext? Context { get; set; }

    /// <summary>
    /// The piped object itself. Hidden: it only lets the cmdlet see which of the module's objects came down the
    /// pipeline. Their properties bind by name, so without it a lakehouse's Id would bind as a schedule or job id.
    /// </summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private MlvContext? _context;
    private HashSet<string>? _commandLine;

    /// <summary>-WhatIf given, or $WhatIfPreference set: a dry run (reads are fine, writes are not).</summary>
    protected bool WhatIfRequested { get; private set; }

    /// <summary>
    /// ShouldProcess on the pipeline thread, for a target the body has resolved with read-only requests, right before
    /// the write. <paramref name="force"/> (a cmdlet's -Force) skips the prompt, but not -WhatIf or an explicit
    /// -Confirm. A prompt the session cannot show (-NonInteractive, a host without a UI) is a clear terminating error
    /// that names the way out, not the engine's.
    /// </summary>
    protected async Task<bool> ShouldProcessAsync(AsyncPipeline pipeline, string target, string action, bool force = false)
    {
        var explicitConfirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && ((SwitchParameter)confirm).IsPresent;
        if (force && !WhatIfRequested && !explicitConfirm)
        {
            return true;
        }

        var answer = await pipeline.Invoke<bool?>(() =>
        {
            try
            {
                return ShouldProcess(target, action);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException || ex is NotImplementedException)
            {
                return null;
            }
        }).ConfigureAwait(false);
        if (answer is bool decided)
        {
            return decided;
        }

        throw new MlvTerminatingException(MlvErrors.ConfirmationNotPossible(MyInvocation.MyCommand.Name, target, action, MyInvocation.MyCommand.Parameters.ContainsKey("Force")));
    }

    /// <summary>The module's own object (a lakehouse, a schedule, ...) piped in for this record, or null.</summary>
    protected object? PipedModuleObject => InputObject?.BaseObject is object o && PipedObjects.IsModuleObject(o) ? o : null;

    /// <summary>The module's object types this cmdlet takes from the pipeline; null (the default): any of them.</summary>
    protected virtual Type[]? AcceptedPipedTypes => null;

    /// <summary>
    /// True when <paramref name="parameterName"/> was given on the command line (not bound from a piped object). Before
    /// BeginProcessing takes its snapshot, only command-line parameters are bound.
    /// </summary>
    protected bool IsOnCommandLine(string parameterName) =>
        _commandLine?.Contains(parameterName) ?? MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>
    /// Refuses, for this record and before any request, a piped object this cmdlet cannot use: one of the module's
    /// objects of a type it does not take (a lakehouse piped to Remove-MlvSchedule), or an object none of whose
    /// properties bound to a parameter (a bare string). False (after writing the error): skip the record.
    /// </summary>
    protected bool AcceptPipedObject()
    {
        if (InputObject is null)
        {
            return true;
        }

        var piped = InputObject.BaseObject;
        var accepted = AcceptedPipedTypes;
        if (accepted is not null && PipedObjects.IsModuleObject(piped) && !accepted.Contains(piped.GetType()))
        {
            WriteError(MlvErrors.WrongPipedObject(MyInvocation.MyCommand.Name, PipedObjects.Accepted(accepted), PipedObjects.Describe(piped), piped));
            return false;
        }

        var boundFromIt = MyInvocation.BoundParameters.Keys.Any(k => k != nameof(InputObject) && !IsOnCommandLine(k));
        if (!boundFromIt && !PipedObjects.IsModuleObject(piped))
        {
            WriteError(MlvErrors.UnusablePipedObject(MyInvocation.MyCommand.Name, piped));
            return false;
        }

        return true;
    }

    /// <summary>The resolved session; available from BeginProcessingAsync on.</summary>
    protected MlvContext Session => _context!;

    protected FabricClient Client => _context!.Client;

    protected override void BeginProcessing()
    {
        _commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        WhatIfRequested = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? ((SwitchParameter)whatIf).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        _context = Context ?? MlvContextStore.Current;
        if (_context is null)
        {
            ThrowTerminatingError(MlvErrors.NotConnected());
        }

        base.BeginProcessing();
    }
}
