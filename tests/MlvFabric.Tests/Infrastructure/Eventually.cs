using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// Waiting for an event instead of for a time: a condition polled until it holds, a pipeline stopped until it has
/// ended. The bound only turns a hang into a failure and never decides a pass, so a loaded machine makes a test
/// slower, not red.
/// </summary>
public static class Eventually
{
    /// <summary>Far beyond anything that is not a hang; below the test run's own hang timeout (5 minutes).</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    /// <summary>Polls <paramref name="probe"/> until it returns a value; fails with <paramref name="what"/> after <see cref="HangBound"/>.</summary>
    public static T Until<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + HangBound;
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {HangBound.TotalSeconds} s for {what}: it never happened.");
            }

            Thread.Sleep(50);
        }
    }

    public static void Until(Func<bool> condition, string what) => Until(() => condition() ? "" : null, what);

    /// <summary>
    /// Stops a running pipeline as Ctrl+C does (<see cref="PowerShell.Stop"/>) and returns what it did. Fails when the
    /// pipeline does not end: a stop the command does not honour leaves it waiting for whatever it was waiting for.
    /// </summary>
    public static PsResult Stop(PowerShell ps, Task<PsResult> running)
    {
        var stop = Task.Run(ps.Stop);
        if (!Task.WaitAll(new Task[] { stop, running }, HangBound))
        {
            throw new TimeoutException($"The pipeline did not end within {HangBound.TotalSeconds} s of PowerShell.Stop(): the command does not honour the stop.");
        }

        return running.Result;
    }

    /// <summary>What a pipeline started with <see cref="PsSession.Start"/> did, once it has ended by itself.</summary>
    public static PsResult Ended(Task<PsResult> running)
    {
        if (!running.Wait(HangBound))
        {
            throw new TimeoutException($"The pipeline did not end within {HangBound.TotalSeconds} s.");
        }

        return running.Result;
    }
}
