using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using MlvFabric.Emulator;
using MlvFabric.Hosting;

// dotnet run --project tools/MlvFabric.Demo [-- --url http://127.0.0.1:5080]
// Starts the emulator, then runs the README quickstart in an in-process PowerShell whose host prints to this console,
// as wide as the console (80 columns when the output is redirected). When port 5080 is taken (say by the emulator the
// quickstart tells users to start there) and no --url was given, the demo takes a free port and says so.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var urlGiven = args.Length == 2 && args[0] == "--url";
        var url = urlGiven ? args[1] : DefaultUrl;
        var repoRoot = FindRepoRoot();
        var manifest = Directory.GetFiles(Path.Combine(repoRoot, "out", "MlvFabric"), "MlvFabric.psd1", SearchOption.AllDirectories)[0];

        EmulatorServer emulator;
        try
        {
            emulator = await StartEmulatorAsync(url);
        }
        catch (IOException ex) when (urlGiven)
        {
            Console.Error.WriteLine($"Cannot start the emulator on {url}: {ex.Message}");
            Console.Error.WriteLine("Pass another address with --url (for example --url http://127.0.0.1:5081), or stop what listens there.");
            return 1;
        }
        catch (IOException)
        {
            emulator = await StartEmulatorAsync(FreePortUrl);
            Console.WriteLine($"Port 5080 is in use (an emulator you started for the quickstart?), so this demo runs its own on {emulator.BaseUri} (--url chooses the address).");
        }

        await using var running = emulator;
        var quickstart = Quickstart.Extract(File.ReadAllText(Path.Combine(repoRoot, "README.md")), emulator.BaseUri.ToString().TrimEnd('/'));
        Console.WriteLine($"Emulator: {emulator.BaseUri}");
        Console.WriteLine("Running the README quickstart:");
        Console.WriteLine();

        var host = new TextHost(Console.Out, SafeConsoleWidth(), plainText: Console.IsOutputRedirected);
        using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        if (!Invoke(runspace, $"Import-Module '{manifest}'"))
        {
            return 1;
        }

        foreach (var statement in Quickstart.Statements(quickstart))
        {
            Console.WriteLine("PS> " + statement.Replace("\n", "\n>> "));
            if (!Invoke(runspace, statement))
            {
                Console.Error.WriteLine("The quickstart failed at: " + statement);
                return 1;
            }
        }

        Console.WriteLine();
        Console.WriteLine("Demo complete.");
        return 0;
    }

    // One statement, formatted like the console formats a prompt's output.
    private static bool Invoke(Runspace runspace, string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("$ErrorActionPreference = 'Stop'\n" + script).AddCommand("Out-Default");
        try
        {
            ps.Invoke();
            return !ps.HadErrors;
        }
        catch (RuntimeException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return false;
        }
    }

    private const string DefaultUrl = "http://127.0.0.1:5080";

    // Port 0: the system picks a free one; BaseUri says which.
    private const string FreePortUrl = "http://127.0.0.1:0";

    private static Task<EmulatorServer> StartEmulatorAsync(string url) =>
        EmulatorServer.StartAsync(new EmulatorOptions { Urls = url, ManagedIdentitySecret = "mlvfabric-emulator" });

    // The console's width (the module's tables fit 80 columns); 80 when the output is redirected or the width unknown.
    private static int SafeConsoleWidth()
    {
        try
        {
            return Console.IsOutputRedirected || Console.WindowWidth <= 0 ? 80 : Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MlvFabric.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Run the demo from the repository (MlvFabric.sln not found).");
    }
}
