using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Emulator.Tests.Infrastructure;

/// <summary>One emulator per test class, on a free loopback port.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public Task InitializeAsync() => StartAsync(new EmulatorOptions());

    public async Task StartAsync(EmulatorOptions options)
    {
        Server = await EmulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (Server != null)
            await Server.DisposeAsync();
    }
}

/// <summary>
/// Base of every test class: an <see cref="Api"/> client on the class's emulator, reset to the seed before each test
/// (state, clock, settings, faults, throttle windows, request log).
/// </summary>
public abstract class EmulatorTest : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    protected EmulatorTest(EmulatorFixture fixture)
    {
        Fixture = fixture;
        Api = new Api(fixture.Server);
    }

    protected EmulatorFixture Fixture { get; }
    protected EmulatorServer Server => Fixture.Server;
    protected Api Api { get; }

    protected Guid Sales => Server.WorkspaceId("Sales");
    protected Guid Finance => Server.WorkspaceId("Finance");
    protected Guid Bronze => Server.LakehouseId("Sales", "Bronze");
    protected Guid Silver => Server.LakehouseId("Sales", "Silver");
    protected Guid Gold => Server.LakehouseId("Sales", "Gold");
    protected Guid Ledger => Server.LakehouseId("Finance", "Ledger");
    protected Guid Notebook => Server.ItemId("Sales", "Sales Notebook");

    public virtual Task InitializeAsync()
    {
        Server.Reset();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Api.Dispose();
        return Task.CompletedTask;
    }

    protected string Lh(Guid ws, Guid lh) => $"v1/workspaces/{ws}/lakehouses/{lh}";
    protected string It(Guid ws, Guid item) => $"v1/workspaces/{ws}/items/{item}";
    protected const string Mlv = "RefreshMaterializedLakeViews";
}
