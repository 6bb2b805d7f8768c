using System;
using System.Threading.Tasks;
using Xunit;

namespace MlvFabric.Client.Tests.Infrastructure;

/// <summary>
/// Base of the emulator tests: a fresh emulator state per test, a log sink in place for the test's async flow
/// (call <see cref="Logging"/> first), and a check at the end that no token text reached the log.
/// </summary>
public abstract class EmulatorTest : IClassFixture<EmulatorFixture>, IDisposable
{
    protected EmulatorTest(EmulatorFixture fixture)
    {
        F = fixture;
        F.Reset();
    }

    protected EmulatorFixture F { get; }

    protected CollectingSink Sink { get; } = new CollectingSink();

    protected IDisposable Logging() => FabricLog.Use(Sink);

    /// <summary>Asserts that an exception's message and ToString carry no token.</summary>
    protected T NoToken<T>(T ex) where T : Exception
    {
        F.AssertNoToken(ex.Message, "an exception message");
        F.AssertNoToken(ex.ToString(), "an exception's ToString");
        return ex;
    }

    protected async Task<T> ThrowsNoToken<T>(Func<Task> action) where T : Exception =>
        NoToken(await Assert.ThrowsAsync<T>(action));

    public void Dispose()
    {
        foreach (var line in Sink.All)
        {
            F.AssertNoToken(line, "a log line");
        }
    }
}
