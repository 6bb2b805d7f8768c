using System.Threading.Tasks;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// One emulator per test class (xunit class fixture), on 127.0.0.1 with a free port. Test classes run in
/// parallel, each against its own emulator, so state never leaks between them.
/// Every request the class's tests send is checked against the Fabric REST spec (<see cref="SpecConformanceWatch"/>):
/// the class fails at its end if any is not an operation the spec defines.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private SpecConformanceWatch? _spec;

    public EmulatorServer Emulator { get; private set; } = null!;

    /// <summary>The check of every request against the spec (test bases call it after each test).</summary>
    public SpecConformanceWatch Spec => _spec!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(TestEmulatorOptions.Create());
        _spec = new SpecConformanceWatch(Emulator);
    }

    public async Task DisposeAsync()
    {
        _spec!.Dispose();
        await Emulator.DisposeAsync();
        _spec.AssertConforms();
    }
}

public static class TestEmulatorOptions
{
    /// <summary>Emulator settings for tests: quick polls; the service's real limits otherwise.</summary>
    public static EmulatorOptions Create() => new EmulatorOptions { RetryAfterSeconds = 1 };
}
