using System;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace MlvFabric.Emulator;

internal static class Program
{
    public const string DefaultIdentitySecret = "mlvfabric-emulator";

    private static async Task<int> Main(string[] args)
    {
        EmulatorOptions? options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (options is null)
        {
            Console.WriteLine(CommandLine.Help());
            return 0;
        }

        // A known secret for the standalone program, so runbooks can be rehearsed with fixed IDENTITY_* values
        // (README quickstart). Loopback-only by default; in-process servers keep a random one.
        options.ManagedIdentitySecret ??= DefaultIdentitySecret;

        EmulatorServer server;
        try
        {
            server = await EmulatorServer.StartAsync(options);
        }
        catch (Exception e) when (e is ArgumentException or System.IO.IOException or System.IO.InvalidDataException)
        {
            Console.Error.WriteLine("MlvFabric emulator: " + e.Message);
            return 1;
        }

        await using (server)
        {
            var stop = new TaskCompletionSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.TrySetResult();
            };
            void Stop(PosixSignalContext c)
            {
                c.Cancel = true;
                stop.TrySetResult();
            }
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);

            Console.WriteLine($"MlvFabric emulator listening on {server.BaseUri} (Ctrl+C to stop)");
            Console.WriteLine($"  API endpoint:      {server.ApiBaseUri}");
            Console.WriteLine(options.ServeArticleForms
                ? "  Routes:            the API spec's operations and the MLV article's extra forms (--serve-article-forms)"
                : "  Routes:            the API spec's operations only (--serve-article-forms adds the MLV article's extra forms)");
            Console.WriteLine($"  Control surface:   {server.BaseUri}_emulator/  (token: POST {server.BaseUri}_emulator/tokens)");
            Console.WriteLine($"  Managed identity:  IDENTITY_ENDPOINT={server.ManagedIdentityEndpoint} IDENTITY_HEADER={server.ManagedIdentityHeaderSecret}");
            Console.WriteLine("Ready.");
            await stop.Task;
            Console.WriteLine("Stopping.");
        }
        return 0;
    }
}
