using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using MlvFabric.Emulator;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// The emulator's request log (<c>GET /_emulator/requests?since=N</c>): what reached the service between two points
/// of a test. Take a <see cref="Mark"/> before the step, read <see cref="Since"/> after it.
/// </summary>
public sealed class EmulatorRequestLog : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorRequestLog(EmulatorServer emulator)
    {
        _http = new HttpClient { BaseAddress = emulator.BaseUri };
    }

    /// <summary>The sequence number of the latest request so far (0 when the log is empty).</summary>
    public long Mark()
    {
        var all = Since(0);
        return all.Count == 0 ? 0 : all[^1].Sequence;
    }

    public List<LoggedRequest> Since(long mark)
    {
        var json = _http.GetStringAsync($"_emulator/requests?since={mark}").GetAwaiter().GetResult();
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => new LoggedRequest(
            e.GetProperty("sequence").GetInt64(),
            e.GetProperty("method").GetString()!,
            e.GetProperty("path").GetString()!,
            e.GetProperty("status").GetInt32(),
            e.TryGetProperty("body", out var body) ? body.GetString() : null)
        {
            Host = e.GetProperty("host").GetString()!,
            Query = e.GetProperty("query").GetString()!,
            UserAgent = e.TryGetProperty("userAgent", out var agent) ? agent.GetString() : null,
        }).ToList();
    }

    public void Dispose() => _http.Dispose();
}

public sealed record LoggedRequest(long Sequence, string Method, string Path, int Status, string? Body)
{
    public string Host { get; init; } = "";

    public string Query { get; init; } = "";

    public string? UserAgent { get; init; }

    public bool IsChange => Method != "GET";

    public override string ToString() => $"{Method} {Path} -> {Status}";
}
