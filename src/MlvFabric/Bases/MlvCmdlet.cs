using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Client;

namespace MlvFabric.Bases;

/// <summary>
/// Base of every MlvFabric cmdlet that calls Fabric. It owns the pipeline stages (sealed) and calls the cmdlet's hooks:
/// <list type="number">
/// <item><see cref="PrepareCommand"/> (pipeline thread): checks of the command-line parameters; may throw a terminating error.</item>
/// <item>The session is resolved (-Context, else the runspace's current one), then <see cref="BeginProcessingAsync"/>.</item>
/// <item>Per record: a piped object the cmdlet does not take is refused, the parameter base checks its parameters,
/// then <see cref="PrepareRecord"/> (pipeline thread, before any request; false skips the record) and
/// <see cref="ProcessRecordAsync"/>.</item>
/// <item><see cref="EndProcessingAsync"/>, then the command's attached parts (a job wait) finish.</item>
/// </list>
/// The async hooks run on the thread pool and reach the pipeline only through their <see cref="AsyncPipeline"/>; Ctrl+C
/// cancels their token. -WhatIf is read once (<see cref="WhatIfRequested"/>), and <see cref="ShouldProcessAsync"/>
/// asks on the pipeline thread.
/// </summary>
public abstract class MlvCmdlet : PSCmdlet, IDisposable
{
    private readonly AsyncBridge _bridge;
    private readonly List<ICommandPart> _parts = new List<ICommandPart>();
    private MlvContext? _context;
    private HashSet<string>? _commandLine;

    protected MlvCmdlet()
    {
        _bridge = new AsyncBridge(this) { BodyFailed = ReportBodyFailed };
    }

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

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, PowerShell.Stop(), Select-Object -First).</summary>
    protected CancellationToken StopToken => _bridge.StopToken;

    /// <summary>Whether verbose and debug records of this invocation go anywhere (read once, on the pipeline thread).</summary>
    internal StreamPreferences Streams => _bridge.Streams;

    /// <summary>-WhatIf given, or $WhatIfPreference set: a dry run (reads are fine, writes are not).</summary>
    protected bool WhatIfRequested { get; private set; }

    /// <summary>The resolved session; available from BeginProcessingAsync on.</summary>
    protected MlvContext Session => _context!;

    protected FabricClient Client => _context!.Client;

    /// <summary>The module's own object (a lakehouse, a schedule, ...) piped in for this record, or null.</summary>
    protected object? PipedModuleObject => InputObject?.BaseObject is object o && PipedObjects.IsModuleObject(o) ? o : null;

    /// <summary>The module's object types this cmdlet takes from the pipeline; null (the default): any of them.</summary>
    protected virtual Type[]? AcceptedPipedTypes => null;

    // ------------------------------------------------------------------ hooks

    /// <summary>
    /// Once, on the pipeline thread, before the session is resolved: checks of what the command line gave (only
    /// command-line parameters are bound yet). Throw a terminating error (ThrowTerminatingError) to refuse the command.
    /// </summary>
    protected virtual void PrepareCommand()
    {
    }

    /// <summary>Once, after the session is resolved (e.g. to start a wait that the records add jobs to).</summary>
    protected virtual Task BeginProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Per record, on the pipeline thread, before any request and after the base's own checks (piped object,
    /// lakehouse parameters): the record's checks. Return false to skip the record, after writing its error.
    /// </summary>
    protected virtual bool PrepareRecord() => true;

    /// <summary>Per record: the work.</summary>
    protected virtual Task ProcessRecordAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Once, after the last record (before attached parts such as a job wait finish).</summary>
    protected virtual Task EndProcessingAsync(AsyncPipeline pipeline, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases what the cmdlet itself holds; the base releases its own parts whatever this does.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    // ------------------------------------------------------------------ pipeline stages

    protected sealed override void BeginProcessing()
    {
        _commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        WhatIfRequested = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? ((SwitchParameter)whatIf).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        PrepareCommand();
        _context = Context ?? MlvContextStore.Current;
        if (_context is null)
        {
            ThrowTerminatingError(MlvErrors.NotConnected());
        }

        _bridge.Run(BeginProcessingAsync);
    }

    protected sealed override void ProcessRecord()
    {
        if (AcceptPipedObject() && CheckRecordParameters() && PrepareRecord())
        {
            _bridge.Run(ProcessRecordAsync);
        }
    }

    protected sealed override void EndProcessing() => _bridge.Run(EndAsync);

    protected sealed override void StopProcessing()
    {
        foreach (var part in _parts)
        {
            ShowStopNotice(part.StopNotice());
        }

        _bridge.Stop();
    }

    public void Dispose()
    {
        try
        {
            Dispose(true);
        }
        finally
        {
            foreach (var part in _parts)
            {
                part.Dispose();
            }

            _bridge.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    // ------------------------------------------------------------------ for the cmdlets and the parameter bases

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

    /// <summary>
    /// True when <paramref name="parameterName"/> was given on the command line (not bound from a piped object). Before
    /// BeginProcessing takes its snapshot, only command-line parameters are bound.
    /// </summary>
    protected bool IsOnCommandLine(string parameterName) =>
        _commandLine?.Contains(parameterName) ?? MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>True when <paramref name="parameterName"/> is bound for this record (command line or pipeline).</summary>
    protected bool IsBound(string parameterName) => MyInvocation.BoundParameters.ContainsKey(parameterName);

    /// <summary>For PrepareRecord: writes <paramref name="problem"/> (when there is one) and says whether the record goes on.</summary>
    protected bool Passes(ErrorRecord? problem)
    {
        if (problem is null)
        {
            return true;
        }

        WriteError(problem);
        return false;
    }

    /// <summary>For PrepareCommand: <paramref name="problem"/> (when there is one) ends the command.</summary>
    protected void ThrowIf(ErrorRecord? problem)
    {
        if (problem is not null)
        {
            ThrowTerminatingError(problem);
        }
    }

    /// <summary>
    /// Makes <paramref name="part"/> last the command: it finishes after EndProcessingAsync, reports when a failure ends
    /// the command, shows its notice on Ctrl+C, and is disposed with the cmdlet.
    /// </summary>
    private protected T Attach<T>(T part)
        where T : ICommandPart
    {
        _parts.Add(part);
        return part;
    }

    /// <summary>The parameter base's per-record checks (before PrepareRecord); false skips the record.</summary>
    private protected virtual bool CheckRecordParameters() => true;

    // ------------------------------------------------------------------ internals

    /// <summary>
    /// Refuses, for this record and before any request, a piped object this cmdlet cannot use: one of the module's
    /// objects of a type it does not take (a lakehouse piped to Remove-MlvSchedule), or an object none of whose
    /// properties bound to a parameter (a bare string).
    /// </summary>
    private bool AcceptPipedObject()
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

    private async Task EndAsync(AsyncPipeline pipeline, CancellationToken cancellationToken)
    {
        await EndProcessingAsync(pipeline, cancellationToken).ConfigureAwait(false);
        foreach (var part in _parts)
        {
            await part.FinishAsync(pipeline, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ReportBodyFailed(AsyncPipeline pipeline, Exception failure)
    {
        foreach (var part in _parts)
        {
            part.OnCommandFailed(pipeline, failure);
        }
    }

    // The pipeline is stopping, so nothing can be written to it any more; the host still shows a line.
    private void ShowStopNotice(string? notice)
    {
        if (notice is null)
        {
            return;
        }

        try
        {
            Host?.UI?.WriteWarningLine(notice);
        }
        catch (Exception ex) when (ex is NotImplementedException || ex is InvalidOperationException || ex is PipelineStoppedException)
        {
            // A host without a UI (or one that refuses writes while stopping) simply does not show it.
        }
    }
}

/// <summary>Work that lasts the whole command (a job wait), attached with <see cref="MlvCmdlet"/>'s Attach.</summary>
internal interface ICommandPart : IDisposable
{
    /// <summary>After the cmdlet's EndProcessingAsync: finish the work and write its results.</summary>
    Task FinishAsync(AsyncPipeline pipeline, CancellationToken cancellationToken);

    /// <summary>A Fabric failure is about to end the command (the pipeline is still open): report work under way.</summary>
    void OnCommandFailed(AsyncPipeline pipeline, Exception failure);

    /// <summary>On Ctrl+C, on the stopping thread: a line for the host, or null. Must not write to the pipeline.</summary>
    string? StopNotice();
}
