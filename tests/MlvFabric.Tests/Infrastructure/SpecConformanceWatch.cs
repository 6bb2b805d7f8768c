using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// Checks every /v1 request an emulator answers against <see cref="SpecOperations"/>, as it happens (resets clear the
/// emulator's own log, so the log cannot be read once at the end). The test bases call <see cref="AssertConforms"/>
/// after each test, so the test that sent a request the spec does not define fails, with the request named; the
/// fixtures that own an emulator call it again when their class is done, for the classes without a base.
/// </summary>
public sealed class SpecConformanceWatch : IDisposable
{
    private readonly EmulatorServer _emulator;
    private readonly ConcurrentDictionary<string, int> _violations = new();
    private long _checked;

    public SpecConformanceWatch(EmulatorServer emulator)
    {
        _emulator = emulator;
        _emulator.RequestCompleted += Check;
    }

    /// <summary>How many /v1 requests were checked.</summary>
    public long Checked => Interlocked.Read(ref _checked);

    private void Check(EmulatorRequest request)
    {
        Interlocked.Increment(ref _checked);
        var violation = SpecOperations.Violation(request.Method, request.Path, request.Query, request.Body);
        if (violation is not null)
        {
            _violations.AddOrUpdate(violation, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Fails when a request since the last check was not a spec operation; the violations are then cleared.</summary>
    public void AssertConforms()
    {
        var found = _violations.ToArray();
        foreach (var v in found)
        {
            _violations.TryRemove(v.Key, out _);
        }

        Assert.True(found.Length == 0,
            $"{found.Sum(v => v.Value)} of {Checked} request(s) were not operations of the Fabric REST spec as it defines them:\n" +
            string.Join("\n", found.OrderBy(v => v.Key, StringComparer.Ordinal).Take(40).Select(v => $"  {v.Value}× {v.Key}")));
    }

    public void Dispose() => _emulator.RequestCompleted -= Check;
}
