using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MlvFabric.Emulator;

// GET throughput of the emulator on loopback: concurrent clients cycle over the reads the module makes most
// (job instance, job list page, lakehouse, workspace list), then streams a generated job history of --stream
// instances (default 100000; 0 = skip) page by page. Starts an in-process emulator (throttle limits off)
// unless --url names a running one. Prints requests/s overall and per route.

var seconds = Arg("--seconds", 10);
var warmup = Arg("--warmup", 2);
var concurrency = Arg("--concurrency", 16);
var url = ArgText("--url");

EmulatorServer? server = null;
Uri baseUri;
if (url is null)
{
    server = await EmulatorServer.StartAsync(new EmulatorOptions
    {
        JobSubmissionsPerMinute = 0,
        JobStatusReadsPerMinute = 0,
        RequestsPerMinute = 0,
    });
    baseUri = server.BaseUri;
}
else
{
    baseUri = new Uri(url.EndsWith('/') ? url : url + "/");
}

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    UseProxy = false,
    AutomaticDecompression = DecompressionMethods.None,
})
{ BaseAddress = baseUri };

var token = JsonDocument.Parse(await (await http.PostAsync("_emulator/tokens", null)).Content.ReadAsStringAsync())
    .RootElement.GetProperty("accessToken").GetString();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
if (url != null)
{
    await http.PutAsync("_emulator/faults", new StringContent("""{"throttle":{"jobSubmissionsPerMinute":0,"jobStatusReadsPerMinute":0,"requestsPerMinute":0}}""", System.Text.Encoding.UTF8, "application/json"));
}

var ws = StableIds.Workspace("Sales");
var lh = StableIds.Lakehouse("Sales", "Gold");
await http.PostAsync($"_emulator/lakehouses/{lh}/jobs/history", new StringContent("""{"count":200}""", System.Text.Encoding.UTF8, "application/json"));
var run = await http.PostAsync($"v1/workspaces/{ws}/items/{lh}/jobs/RefreshMaterializedLakeViews/instances", null);
var jobPath = new Uri(run.Headers.Location!.ToString()).PathAndQuery.TrimStart('/');

var routes = new[]
{
    ("get job instance", jobPath),
    ("list job instances (50)", $"v1/workspaces/{ws}/items/{lh}/jobs/instances"),
    ("get lakehouse", $"v1/workspaces/{ws}/lakehouses/{lh}"),
    ("list workspaces", "v1/workspaces"),
};

Console.WriteLine($"MlvFabric emulator GET benchmark: {baseUri} ({(server is null ? "external" : "in-process")}), " +
                  $"{concurrency} concurrent clients, {Environment.ProcessorCount} cores, {warmup} s warm-up, {seconds} s measured");

await Measure(TimeSpan.FromSeconds(warmup));
var (counts, errors, elapsed) = await Measure(TimeSpan.FromSeconds(seconds));
var total = counts.Sum();
Console.WriteLine("  mix, round robin per client: " + string.Join(", ", routes.Select(r => r.Item1)));
Console.WriteLine($"GET requests/s: {total / elapsed.TotalSeconds:N0} ({total:N0} in {elapsed.TotalSeconds:N1} s, {errors} errors)");

var stream = Arg("--stream", 100_000);
if (stream > 0)
{
    // Streaming a long job history page by page (what the module's history cmdlets do).
    var bench = await http.PostAsync("_emulator/seed/lakehouses", Json("""{"workspace":"Bench","count":1}"""));
    var created = JsonDocument.Parse(await bench.Content.ReadAsStringAsync()).RootElement;
    var bws = created.GetProperty("workspaceId").GetString();
    var blh = created.GetProperty("lakehouses")[0].GetProperty("id").GetString();
    var watchGen = Stopwatch.StartNew();
    await http.PostAsync($"_emulator/lakehouses/{blh}/jobs/history", Json("{\"count\":" + stream + "}"));
    var generated = watchGen.Elapsed;
    var watch = Stopwatch.StartNew();
    var next = $"v1/workspaces/{bws}/items/{blh}/jobs/instances";
    long items = 0, pages = 0;
    while (next != null)
    {
        using var page = JsonDocument.Parse(await http.GetStringAsync(next));
        items += page.RootElement.GetProperty("value").GetArrayLength();
        pages++;
        next = page.RootElement.TryGetProperty("continuationUri", out var uri) ? uri.GetString() : null;
    }
    Console.WriteLine($"Job history stream: {items:N0} instances in {pages:N0} pages, {watch.Elapsed.TotalSeconds:N2} s " +
                      $"({items / watch.Elapsed.TotalSeconds:N0} instances/s, {pages / watch.Elapsed.TotalSeconds:N0} pages/s, one client); " +
                      $"generated in {generated.TotalSeconds:N2} s");
}

if (server != null)
{
    await server.DisposeAsync();
}

return 0;

static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

async Task<(long[] Counts, long Errors, TimeSpan Elapsed)> Measure(TimeSpan length)
{
    var counts = new long[routes.Length];
    long errors = 0;
    using var cts = new CancellationTokenSource(length);
    var watch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
    {
        var buffer = new byte[64 * 1024];
        var i = w;
        while (!cts.IsCancellationRequested)
        {
            var r = i++ % routes.Length;
            try
            {
                using var response = await http.GetAsync(routes[r].Item2, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                while (await body.ReadAsync(buffer) > 0) { }
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref counts[r]);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
        }
    })).ToArray();
    await Task.WhenAll(workers);
    return (counts, errors, watch.Elapsed);
}

int Arg(string name, int fallback) =>
    ArgText(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
