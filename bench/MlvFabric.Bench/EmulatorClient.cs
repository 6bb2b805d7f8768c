using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using MlvFabric.Emulator;

namespace MlvFabric.Bench;

/// <summary>The emulator's control surface (<c>/_emulator</c>) and a raw API caller, for setup and evidence.</summary>
internal sealed class EmulatorClient : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorClient(EmulatorServer emulator)
    {
        Emulator = emulator;
        _http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromMinutes(5) };
    }

    public EmulatorServer Emulator { get; }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body != null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (token != null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> ControlAsync(HttpMethod method, string path, object? body = null) => SendAsync(method, "_emulator/" + path, body);

    /// <summary>Seeds <paramref name="count"/> lakehouses; returns the workspace id and the lakehouse ids in order.</summary>
    public async Task<(Guid Workspace, List<Guid> Lakehouses)> SeedAsync(string workspace, int count, double durationSeconds, double queueSeconds, string prefix = "Lakehouse")
    {
        var json = await ControlAsync(HttpMethod.Post, "seed/lakehouses", new { workspace, count, namePrefix = prefix, mlvCount = 3, durationSeconds, queueSeconds });
        return (json.GetProperty("workspaceId").GetGuid(), json.GetProperty("lakehouses").EnumerateArray().Select(l => l.GetProperty("id").GetGuid()).ToList());
    }

    /// <summary>A token for a caller of its own (the service's job limits, and the client's pacing, are per caller).</summary>
    public async Task<string> TokenAsync(string upn)
    {
        var json = await ControlAsync(HttpMethod.Post, "tokens", new { kind = "user", upn, lifetimeSeconds = 4 * 3600 });
        return json.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The latest request-log sequence number (internal API: the bench is a friend assembly of the emulator).</summary>
    public long Mark() => Emulator.Context.Log.Snapshot(0).LastOrDefault()?.Sequence ?? 0;

    /// <summary>Requests logged after <paramref name="mark"/>, oldest first.</summary>
    public List<LogEntry> RequestsSince(long mark) =>
        Emulator.Context.Log.Snapshot(mark).Select(e => new LogEntry(e.Sequence, e.TimeUtc, e.Method, e.Path, e.Status, e.HandlerStatus, e.Fault, e.ErrorCode, e.CallerOid, e.Body)).ToList();

    public void Dispose() => _http.Dispose();
}

internal sealed record LogEntry(long Sequence, DateTime TimeUtc, string Method, string Path, int Status, int? HandlerStatus, string? Fault, string? ErrorCode,
    string? CallerOid = null, string? Body = null)
{
    /// <summary>What the handler answered (also when a fault then dropped or cut the answer); 0 when it never ran.</summary>
    public int Processed => HandlerStatus ?? (Fault is null || Fault.StartsWith("truncate", StringComparison.Ordinal) || Fault.StartsWith("slow", StringComparison.Ordinal) ? Status : 0);
}

/// <summary>Counts TCP connections the emulator's Kestrel accepts: its <c>kestrel.active_connections</c> metric, cross-checked on Linux with /proc/net/tcp.</summary>
internal sealed class ConnectionCounter : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _opened;
    private long _closed;

    public ConnectionCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel" && instrument.Name == "kestrel.active_connections")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (value > 0)
            {
                System.Threading.Interlocked.Add(ref _opened, value);
            }
            else
            {
                System.Threading.Interlocked.Add(ref _closed, -value);
            }
        });
        _listener.Start();
    }

    /// <summary>Connections accepted so far (every emulator in this process).</summary>
    public long Opened => System.Threading.Interlocked.Read(ref _opened);

    public long Closed => System.Threading.Interlocked.Read(ref _closed);

    /// <summary>Established TCP connections whose local port is <paramref name="port"/> (the server side), or -1 off Linux.</summary>
    public static int EstablishedTo(int port)
    {
        var count = 0;
        var any = false;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            any = true;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 4 || parts[3] != "01") // 01 = ESTABLISHED
                {
                    continue;
                }

                var local = parts[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0 && int.TryParse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort) && localPort == port)
                {
                    count++;
                }
            }
        }

        return any ? count : -1;
    }

    public void Dispose() => _listener.Dispose();
}
