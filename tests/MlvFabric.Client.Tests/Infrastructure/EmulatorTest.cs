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

    /// <summary>
    /// A session on <paramref name="clock"/> whose requests go through <paramref name="http"/>. Its HTTP timeout is a
    /// day: beyond the clock's horizon, so moving time to the client's next wait never times a request out.
    /// </summary>
    protected Task<FabricSession> ConnectAsync(TestClock clock, HttpTracker http, Action<FabricConnectionOptions>? configure = null, string? token = null) =>
        FabricSession.ConnectAsync(F.Options(token ?? F.UserToken(), o =>
        {
            o.TimeProvider = clock;
            o.HttpMessageHandler = http;
            o.HttpTimeout = TimeSpan.FromDays(1);
            configure?.Invoke(o);
        }));

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
