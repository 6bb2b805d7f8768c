using System.Collections.Concurrent;
using MlvFabric.Client;

namespace MlvFabric.Jobs;

/// <summary>
/// The wait's log sink: the polling loop's request lines and warnings, and the runner's own, queued from any thread
/// and written by <see cref="Drain"/> on the pipeline thread, whichever pipeline block happens to be running.
/// </summary>
internal sealed class JobWaitLogRelay : IFabricLogSink
{
    private const int MaxQueuedLines = 2000;

    private readonly ConcurrentQueue<(LineKind Kind, string Text)> _lines = new ConcurrentQueue<(LineKind, string)>();
    private readonly StreamPreferences _streams;

    public JobWaitLogRelay(StreamPreferences streams)
    {
        _streams = streams;
    }

    private enum LineKind
    {
        Verbose,
        Debug,
        Warning,
    }

    public bool VerboseEnabled => _streams.Verbose;

    public bool DebugEnabled => _streams.Debug;

    public void Verbose(string message) => Enqueue(LineKind.Verbose, message);

    public void Debug(string message) => Enqueue(LineKind.Debug, message);

    public void Warning(string message) => Enqueue(LineKind.Warning, message);

    /// <summary>Writes the queued lines. Pipeline thread.</summary>
    public void Drain(AsyncPipeline pipeline)
    {
        while (_lines.TryDequeue(out var line))
        {
            switch (line.Kind)
            {
                case LineKind.Warning:
                    pipeline.WriteWarning(line.Text);
                    break;
                case LineKind.Debug:
                    pipeline.WriteDebug(line.Text);
                    break;
                default:
                    pipeline.WriteVerbose(line.Text);
                    break;
            }
        }
    }

    private void Enqueue(LineKind kind, string message)
    {
        // Verbose request lines of a long wait could pile up while no pipeline block runs; warnings always stay.
        if (kind != LineKind.Warning && _lines.Count >= MaxQueuedLines)
        {
            return;
        }

        _lines.Enqueue((kind, message));
    }
}
