extern alias emulator;

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;
using Emu = emulator::MlvFabric.Emulator;

namespace MlvFabric.Client.Tests.Infrastructure;

/// <summary>One emulator per test class (free loopback port), with helpers for its control surface.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

    public Emu.EmulatorServer Server { get; private set; } = null!;
    public HttpClient Control { get; private set; } = null!;

    /// <summary>Every token minted through this fixture: no log line or message may contain one.</summary>
    public ConcurrentBag<string> MintedTokens { get; } = new ConcurrentBag<string>();

    public async Task InitializeAsync()
    {
        Server = await Emu.EmulatorServer.StartAsync(new Emu.EmulatorOptions { RetryAfterSeconds = 1 });
        Control = new HttpClient { BaseAddress = new Uri(Server.BaseUri, "_emulator/") };
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        await Server.DisposeAsync();
    }

    public Guid Sales => Server.WorkspaceId("Sales");
    public Guid Finance => Server.WorkspaceId("Finance");
    public Guid Bronze => Server.LakehouseId("Sales", "Bronze");
    public Guid Silver => Server.LakehouseId("Sales", "Silver");
    public Guid Gold => Server.LakehouseId("Sales", "Gold");

    public void Reset() => Server.Reset();

    /// <summary>A user token for a caller of its own (separate throttle windows and client limiters per test).</summary>
    public string UserToken(int lifetimeSeconds = 3600, string? oid = null) =>
        Remember(Server.MintTokenFor(oid ?? Guid.NewGuid().ToString(), "user", lifetimeSeconds));

    public string AppToken(int lifetimeSeconds = 3600) =>
        Remember(Server.MintTokenFor(Guid.NewGuid().ToString(), "servicePrincipal", lifetimeSeconds));

    public string Remember(string token)
    {
        MintedTokens.Add(token);
        return token;
    }

    public FabricConnectionOptions Options(string token, Action<FabricConnectionOptions>? configure = null)
    {
        var o = new FabricConnectionOptions
        {
            Endpoint = Server.BaseUri,
            AuthMethod = FabricAuthMethod.AccessToken,
            AccessToken = Secure(token),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(400),
            MaxRetryDuration = TimeSpan.FromSeconds(30),
            ReconcileWindow = TimeSpan.FromSeconds(1),
            HttpTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(o);
        return o;
    }

    public Task<FabricSession> ConnectAsync(Action<FabricConnectionOptions>? configure = null, string? token = null) =>
        FabricSession.ConnectAsync(Options(token ?? UserToken(), configure));

    public static SecureString Secure(string text)
    {
        var s = new SecureString();
        foreach (var c in text)
        {
            s.AppendChar(c);
        }

        s.MakeReadOnly();
        return s;
    }

    // ------------------------------------------------------------ control surface

    public Task PutFaultsAsync(object body) => SendAsync(HttpMethod.Put, "faults", body);

    public Task ClearFaultsAsync() => SendAsync(HttpMethod.Delete, "faults", null);

    public Task PutSettingsAsync(object body) => SendAsync(HttpMethod.Put, "settings", body);

    public Task SetLakehouseAsync(Guid lakehouseId, object body) => SendAsync(HttpMethod.Put, $"lakehouses/{lakehouseId}/settings", body);

    public Task AddHistoryAsync(Guid lakehouseId, object body) => SendAsync(HttpMethod.Post, $"lakehouses/{lakehouseId}/jobs/history", body);

    public Task ClearRequestsAsync() => SendAsync(HttpMethod.Delete, "requests", null);

    public async Task<List<LoggedRequest>> RequestsAsync()
    {
        var text = await Control.GetStringAsync("requests");
        return JsonSerializer.Deserialize<List<LoggedRequest>>(text, Json) ?? new List<LoggedRequest>();
    }

    private async Task SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body != null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        using var response = await Control.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} /_emulator/{path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Fails when any minted token (or its signature-less payload part) appears in <paramref name="text"/>.</summary>
    public void AssertNoToken(string? text, string where)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var token in MintedTokens)
        {
            var payload = token.Split('.')[1];
            Assert.False(text!.Contains(payload, StringComparison.Ordinal), $"A token appears in {where}: {text}");
        }
    }
}

public sealed class LoggedRequest
{
    public long Sequence { get; set; }
    public string Method { get; set; } = "";
    public string Path { get; set; } = "";
    public string Query { get; set; } = "";
    public int Status { get; set; }
    public int? HandlerStatus { get; set; }
    public string? ErrorCode { get; set; }
    public string? Fault { get; set; }
    public string? Body { get; set; }
    public string? CallerOid { get; set; }

    public override string ToString() => $"{Method} {Path}{Query} → {Status} ({HandlerStatus}) {Fault} {ErrorCode}";
}

/// <summary>Collects everything the client writes to the log sink.</summary>
public sealed class CollectingSink : IFabricLogSink
{
    public ConcurrentQueue<string> VerboseLines { get; } = new ConcurrentQueue<string>();
    public ConcurrentQueue<string> DebugLines { get; } = new ConcurrentQueue<string>();
    public ConcurrentQueue<string> WarningLines { get; } = new ConcurrentQueue<string>();

    public void Verbose(string message) => VerboseLines.Enqueue(message);
    public void Debug(string message) => DebugLines.Enqueue(message);
    public void Warning(string message) => WarningLines.Enqueue(message);
    public bool VerboseEnabled => true;
    public bool DebugEnabled => true;

    public IEnumerable<string> All => VerboseLines.Concat(DebugLines).Concat(WarningLines);

    public override string ToString() => string.Join("\n", All);
}

[CollectionDefinition("Environment", DisableParallelization = true)]
public sealed class EnvironmentCollection
{
}
