using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace MlvFabric.Emulator.Tests.Infrastructure;

/// <summary>One emulator per test class, on a free loopback port.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public virtual Task InitializeAsync() => StartAsync(new EmulatorOptions());

    public async Task StartAsync(EmulatorOptions options)
    {
        Server = await EmulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (Server != null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>An emulator that also serves the MLV article's forms (<see cref="EmulatorOptions.ServeArticleForms"/>).</summary>
public sealed class ArticleFormsFixture : EmulatorFixture
{
    public override Task InitializeAsync() => StartAsync(new EmulatorOptions { ServeArticleForms = true });
}

/// <summary>Base of the test classes on a default (spec-only) emulator.</summary>
public abstract class EmulatorTest : EmulatorTestBase, IClassFixture<EmulatorFixture>
{
    protected EmulatorTest(EmulatorFixture fixture) : base(fixture) { }
}

/// <summary>Base of the test classes on an emulator that also serves the MLV article's forms.</summary>
public abstract class ArticleFormsTest : EmulatorTestBase, IClassFixture<ArticleFormsFixture>
{
    protected ArticleFormsTest(ArticleFormsFixture fixture) : base(fixture) { }
}

/// <summary>
/// Base of every test class: an <see cref="Api"/> client on the class's emulator, reset to the seed before each test
/// (state, clock, settings, faults, throttle windows, request log).
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected EmulatorTestBase(EmulatorFixture fixture)
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

    /// <summary>The MLV runs of a job list (real lakehouses also list TableMaintenance runs: clients filter).</summary>
    protected static IEnumerable<System.Text.Json.JsonElement> MlvRuns(IEnumerable<System.Text.Json.JsonElement> jobs) =>
        jobs.Where(j => j.GetProperty("jobType").GetString() == Mlv);

    /// <summary>The finished TableMaintenance runs the built-in seed gives every lakehouse.</summary>
    protected const int SeededTableMaintenanceRuns = 3;

    /// <summary>Far beyond anything that is not a hang: the bound of <see cref="Until{T}"/>, which never decides a pass.</summary>
    protected static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    /// <summary>Polls <paramref name="probe"/> until it returns a value: waiting for an event, not for a time.</summary>
    protected static async Task<T> Until<T>(Func<Task<T?>> probe)
        where T : struct
    {
        var deadline = DateTime.UtcNow + HangBound;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {HangBound.TotalSeconds} s for a condition that never held.");
            }

            await Task.Delay(20);
        }
    }

    protected static Task Until(Func<Task<bool>> condition) => Until<bool>(async () => await condition() ? true : null);
}
