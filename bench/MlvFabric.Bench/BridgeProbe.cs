using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Bench;

// Diagnostic cmdlets for the per-call figure: the same trivial output written directly, and through a copy of the
// module's async bridge (MlvCmdlet and its AsyncBridge: each of BeginProcessing/ProcessRecord/EndProcessing starts its async body on
// the pipeline thread; once the body has awaited something that did not complete at once, its writes queue in a
// BlockingCollection that the pipeline thread drains). The bridged ProcessRecord awaits one thread-pool hop before
// writing, as a real request does. Imported with Import-Module -Assembly; they make no request, so their difference
// is what the bridge pattern alone costs per call.
// Test-BenchRawGet makes the measured GET itself, so it is what any cmdlet making that request would cost at least.

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

    protected override void ProcessRecord() => Run(async post =>
    {
        await Task.Yield();
        post(() => WriteObject(Id));
    });

    protected override void EndProcessing() => Run(_ => Task.CompletedTask);

    protected override void StopProcessing() => _stopping.Cancel();

    private void Run(Func<Action<Action>, Task> body)
    {
        var queue = new BlockingCollection<Action>(256);
        var pipelineThread = Environment.CurrentManagedThreadId;
        void Post(Action action)
        {
            if (Environment.CurrentManagedThreadId == pipelineThread)
            {
                action();
            }
            else
            {
                queue.Add(action);
            }
        }

        var task = RunBody();
        while (!queue.IsCompleted)
        {
            if (queue.TryTake(out var action, 50))
            {
                action();
            }
        }

        task.GetAwaiter().GetResult();

        async Task RunBody()
        {
            try
            {
                await body(Post).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        }
    }
}

/// <summary>
/// The floor for any cmdlet that makes this request: the same GET with the raw bench HttpClient, waited for on the
/// pipeline thread, its body length written. No bridge, no client, no model.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BenchRawGet")]
public sealed class TestBenchRawGetCommand : PSCmdlet
{
    internal static System.Net.Http.HttpClient? Http { get; set; }

    [Parameter(Mandatory = true)]
    public Uri? Url { get; set; }

    protected override void ProcessRecord()
    {
        using var response = Http!.GetAsync(Url).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        WriteObject(response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().Length);
    }
}
