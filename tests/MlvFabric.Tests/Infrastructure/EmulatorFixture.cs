using System.Threading.Tasks;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// One emulator per test class (xunit class fixture), on 127.0.0.1 with a free port. Test classes run in
/// parallel, each against its own emulator, so state never leaks between them.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorServer.StartAsync(TestEmulatorOptions.Create());
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
    }
}

public static class TestEmulatorOptions
{
    /// <summary>Emulator settings for tests: quick polls; the service's real limits otherwise.</summary>
    public static EmulatorOptions Create() => new EmulatorOptions { RetryAfterSeconds = 1 };
}
