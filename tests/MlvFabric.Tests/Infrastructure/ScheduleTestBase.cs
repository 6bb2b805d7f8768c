using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// Shared setup of the schedule test classes: the emulator back at its seed before every test, a connected session,
/// the request log, and readers for schedule objects (read through PSObject: the tests never load module types).
/// </summary>
public abstract class ScheduleTestBase : IClassFixture<EmulatorFixture>, IDisposable
{
    protected const string Lakehouse = "-WorkspaceName Sales -LakehouseName Bronze";

    protected ScheduleTestBase(EmulatorFixture fixture)
    {
        Emulator = fixture.Emulator;
        Emulator.Reset();
        _spec = fixture.Spec;
        Log = new EmulatorRequestLog(Emulator);
        Ps = PsSession.Connected(Emulator);
    }

    private readonly SpecConformanceWatch _spec;

    protected EmulatorServer Emulator { get; }

    protected EmulatorRequestLog Log { get; }

    protected PsSession Ps { get; }

    /// <summary>Runs a script that must succeed and return exactly one object.</summary>
    protected PSObject RunSingle(string script)
    {
        var result = Ps.Run(script);
        result.ThrowIfFailed();
        return Assert.Single(result.Output);
    }

    /// <summary>Runs a script and returns what it did plus every request it sent.</summary>
    protected (PsResult Result, List<LoggedRequest> Requests) RunLogged(string script)
    {
        var mark = Log.Mark();
        var result = Ps.Run(script);
        return (result, Log.Since(mark));
    }

    /// <summary>Creates a schedule on Sales/Bronze (or the lakehouse given) and returns its id.</summary>
    protected Guid Create(string parameters, string lakehouse = Lakehouse) =>
        (Guid)RunSingle($"New-MlvSchedule {lakehouse} {parameters}").Properties["Id"].Value;

    /// <summary>The schedule as the emulator has it now, read with Get-MlvSchedule -Id.</summary>
    protected PSObject Read(Guid id, string lakehouse = Lakehouse) => RunSingle($"Get-MlvSchedule {lakehouse} -Id {id}");

    protected static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

    protected static object? Config(PSObject schedule, string name) =>
        PSObject.AsPSObject(Prop(schedule, "Configuration")!).Properties[name]?.Value;

    protected static string[]? ConfigList(PSObject schedule, string name) => (string[]?)Config(schedule, name);

    protected static object? Occurrence(PSObject schedule, string name) =>
        PSObject.AsPSObject(Config(schedule, "Occurrence")!).Properties[name]?.Value;

    protected static void AssertNothingSent(List<LoggedRequest> requests) =>
        Assert.True(requests.Count == 0, "Expected no request, but the emulator saw: " + string.Join("; ", requests));

    protected static void AssertNoChangeSent(List<LoggedRequest> requests) =>
        Assert.True(!requests.Any(r => r.IsChange), "Expected no changing request, but the emulator saw: " + string.Join("; ", requests.Where(r => r.IsChange)));

    /// <summary>The one error of a run, with its id, category and target checked.</summary>
    protected static ErrorRecord AssertError(PsResult result, string errorId, ErrorCategory category)
    {
        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal) || error.FullyQualifiedErrorId == errorId,
            $"Expected ErrorId {errorId}, got {error.FullyQualifiedErrorId}: {error}");
        Assert.Equal(category, error.CategoryInfo.Category);
        return error;
    }

    public void Dispose()
    {
        Ps.Dispose();
        Log.Dispose();
        GC.SuppressFinalize(this);
        _spec.AssertConforms(); // a request the Fabric REST spec does not define fails this test
    }
}
