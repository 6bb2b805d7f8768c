using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Bench;

// Diagnostic cmdlets for the per-call figure: the same trivial output written directly, and through a copy of the
// module's async bridge (MlvAsyncCmdlet: each of BeginProcessing/ProcessRecord/EndProcessing runs its body with
// Task.Run while the pipeline thread drains a BlockingCollection of writes). Imported with Import-Module -Assembly;
// they make no request, so their difference is what the bridge pattern alone costs per call.

[Cmdlet(VerbsDiagnostic.Test, "BenchDirect")]
public sealed class TestBenchDirectCommand : PSCmdlet
{
    [Parameter]
    public Guid Id { get; set; }

    protected override void ProcessRecord() => WriteObject(Id);
}

[Cmdlet(VerbsDiagnostic.Test, "BenchBridged")]
public sealed class TestBenchBridgedCommand : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    [Parameter]
    public Guid Id { get; set; }

    protected override void BeginProcessing() => Run(_ => Task.CompletedTask);

    protected override void ProcessRecord() => Run(queue =>
    {
        queue.Add(() => WriteObject(Id));
        return Task.CompletedTask;
    });

    protected override void EndProcessing() => Run(_ => Task.CompletedTask);

    protected override void StopProcessing() => _stopping.Cancel();

    private void Run(Func<BlockingCollection<Action>, Task> body)
    {
        var queue = new BlockingCollection<Action>(256);
        Task task = Task.Run(async () =>
        {
            try
            {
                await body(queue).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        while (!queue.IsCompleted)
        {
            if (queue.TryTake(out Action? action, 50))
            {
                action();
            }
        }

        task.GetAwaiter().GetResult();
    }
}
